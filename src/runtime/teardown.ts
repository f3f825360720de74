/**
 * Process-wide teardown registry. Anything that starts processes or sandboxes registers a cleanup;
 * on SIGINT/SIGTERM hunt runs every cleanup (newest first) before exiting non-zero, so an
 * interrupted run leaves nothing behind.
 */
type Cleanup = () => Promise<void> | void;

const cleanups = new Set<Cleanup>();
let installed = false;
let tearingDown = false;

/** Registers a cleanup; returns the function that unregisters it (call it after a normal teardown). */
export function onTeardown(fn: Cleanup): () => void {
  cleanups.add(fn);
  return () => cleanups.delete(fn);
}

/** Runs every registered cleanup once, newest first; errors are reported, never thrown. */
export async function runTeardown(): Promise<void> {
  const list = [...cleanups].reverse();
  cleanups.clear();
  for (const fn of list) {
    try {
      await fn();
    } catch (err) {
      process.stderr.write(`hunt: teardown step failed: ${(err as Error)?.message ?? err}\n`);
    }
  }
}

/** Installs SIGINT/SIGTERM/SIGHUP handlers that tear everything down and exit 130/143/129. */
export function installSignalTeardown(): void {
  if (installed) return;
  installed = true;
  const handler = (signal: NodeJS.Signals) => {
    if (tearingDown) return; // a second Ctrl-C while cleaning up must not skip the cleanup
    tearingDown = true;
    try {
      process.stderr.write(`\nhunt: received ${signal}, stopping every process this run started...\n`);
    } catch {
      /* SIGHUP: the terminal may be gone; the cleanup matters more than the message */
    }
    // A hung-up terminal turns later stderr writes into EIO errors; they must not abort the cleanup.
    if (signal === 'SIGHUP') process.stderr.on('error', () => {});
    const code = signal === 'SIGINT' ? 130 : signal === 'SIGHUP' ? 129 : 143;
    void runTeardown().finally(() => process.exit(code));
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  process.on('SIGHUP', handler);
}

/** Whether a signal teardown is under way: lanes must not start anything new past this point. */
export function isTearingDown(): boolean {
  return tearingDown;
}
