/**
 * Starts and ends the gateway's worker child. The worker is connected by IPC and exits when the channel
 * closes, so even a SIGKILLed gateway leaves no worker behind; an unexpected worker exit is logged and
 * the worker is started again.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Logger } from './log.js';

/** Absolute path of the compiled worker script (next to this module in dist/sample-gateway/). */
export const workerScript = fileURLToPath(new URL('./worker.js', import.meta.url));

/** The one worker child of a running gateway (start, pid, graceful stop). */
export class WorkerHandle {
  private child: ChildProcess | null = null;
  private stopping = false;
  private respawnTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly home: string,
    private readonly log: Logger,
  ) {}

  /** Pid of the running worker, if any. */
  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  start(): void {
    const child = spawn(process.execPath, [workerScript, '--role', 'worker', '--home', this.home], {
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      env: process.env,
    });
    this.child = child;
    child.once('message', (m: unknown) => {
      if ((m as { type?: string })?.type === 'ready') this.log.event(`worker started pid=${child.pid}`);
    });
    child.once('error', (err) => this.log.error(`worker failed to start: ${err.message}`));
    child.once('exit', (code, signal) => {
      if (this.child === child) this.child = null;
      if (this.stopping) return;
      this.log.error(`worker exited unexpectedly (code ${code ?? 'none'}, signal ${signal ?? 'none'}); restarting it`);
      this.respawnTimer = setTimeout(() => {
        if (!this.stopping) this.start();
      }, 500);
    });
  }

  /** Asks the worker to exit; SIGKILL after `graceMs`. Resolves once it is gone. */
  stop(graceMs: number): Promise<void> {
    this.stopping = true;
    if (this.respawnTimer) clearTimeout(this.respawnTimer);
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
      child.once('exit', () => {
        clearTimeout(kill);
        this.log.event(`worker stopped pid=${child.pid}`);
        resolve();
      });
      if (child.connected) child.send({ type: 'stop' }, () => undefined);
      else child.kill('SIGTERM');
    });
  }
}
