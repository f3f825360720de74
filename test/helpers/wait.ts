/**
 * The one readiness wait of the tests: poll a condition until it holds or a deadline passes. Tests wait on
 * outcomes, never sleep for a fixed time; deadlines only bound a hang, so they are generous.
 */

type Probe<T> = () => Promise<T | undefined | null | false> | T | undefined | null | false;

/** Polls `fn` every `everyMs`; the first truthy value, or undefined once `timeoutMs` passed. Errors of `fn` propagate. */
async function poll<T>(fn: Probe<T>, timeoutMs: number, everyMs: number): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) return undefined;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Waits for a truthy value of `fn`; throws naming `what` after `timeoutMs`. */
export async function waitFor<T>(what: string, fn: Probe<T>, timeoutMs = 10_000, everyMs = 50): Promise<T> {
  const v = await poll(fn, timeoutMs, everyMs);
  if (v === undefined) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
  return v;
}

/** Whether `fn` returned true before the deadline. */
export async function eventually(fn: () => Promise<boolean> | boolean, timeoutMs = 10_000, everyMs = 50): Promise<boolean> {
  return (await poll(fn, timeoutMs, everyMs)) !== undefined;
}
