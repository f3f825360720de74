/**
 * A small pool for scan tasks: tasks queue up and each thread takes the next one when it is done, so byte
 * ranges of one big file spread over all cores. `size` threads scan: this thread plus size-1 worker threads
 * (this thread would otherwise only wait; its event loop still turns between chunks, every millisecond or
 * so). Without a worker script (tests on sources before a build) only this thread scans.
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { workerThreads } from '../runtime/builtin.js';
import { runTask, type ScanTask } from './file-scan.js';
import type { CountResult } from './params.js';

interface Pending {
  task: ScanTask;
  resolve: (r: unknown) => void;
  reject: (e: Error) => void;
}

/**
 * The worker script: next to this module (dist/bundle/worker.js for the CLI bundle, dist/scan/worker.js for the
 * per-file output), else the bundled one of the build (sources run by the tests, a bundle two levels down).
 */
export function workerScript(): URL | null {
  for (const rel of ['./worker.js', '../../dist/bundle/worker.js', '../../dist/scan/worker.js']) {
    const url = new URL(rel, import.meta.url);
    if (existsSync(fileURLToPath(url))) return url;
  }
  return null;
}

/** Cores to use by default (Node 20.19 has availableParallelism). */
export function defaultWorkers(): number {
  return Math.max(1, Math.min(8, os.availableParallelism()));
}

export class ScanPool {
  private readonly idle: Worker[] = [];
  private readonly all: Worker[] = [];
  private readonly queue: Pending[] = [];
  private readonly running = new Map<Worker, Pending>();
  private readonly script: URL | null;
  private mainBusy = false;
  private broken = false; // a worker failed: no more are started (this thread still scans)

  constructor(private readonly size: number) {
    this.script = size > 1 ? workerScript() : null;
  }

  /** Runs a task on the next free thread. */
  run(task: ScanTask): Promise<CountResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ task, resolve: resolve as (r: unknown) => void, reject });
      this.pump();
    });
  }

  /** Terminates all workers. */
  async close(): Promise<void> {
    await Promise.all(this.all.map((w) => w.terminate()));
    this.all.length = 0;
    this.idle.length = 0;
  }

  private pump(): void {
    while (this.queue.length > 0) {
      if (!this.mainBusy) {
        const job = this.queue.shift() as Pending;
        this.mainBusy = true;
        runTask(job.task)
          .then(job.resolve, job.reject)
          .finally(() => {
            this.mainBusy = false;
            this.pump();
          });
        continue;
      }
      const w = this.idle.pop();
      if (!w) {
        // A new thread takes work once its script has loaded (~60-90 ms): a range handed over at spawn would wait
        // for it while this thread could have scanned it (measured: two threads were slower than one for 1 GiB).
        if (this.script && !this.broken && this.all.length < this.size - 1) this.spawn();
        return;
      }
      const job = this.queue.shift() as Pending;
      this.running.set(w, job);
      w.postMessage({ id: 0, task: job.task });
    }
  }

  private spawn(): Worker {
    const w = new (workerThreads().Worker)(this.script as URL);
    this.all.push(w);
    w.on('message', (msg: { ready?: boolean; result?: unknown; error?: string }) => {
      if (msg.ready) {
        this.idle.push(w);
        this.pump();
        return;
      }
      const job = this.running.get(w);
      this.running.delete(w);
      this.idle.push(w);
      if (job) {
        if (msg.error !== undefined) job.reject(new Error(msg.error));
        else job.resolve(msg.result);
      }
      this.pump();
    });
    w.on('error', (err) => {
      const job = this.running.get(w);
      this.running.delete(w);
      const i = this.all.indexOf(w);
      if (i >= 0) this.all.splice(i, 1);
      const k = this.idle.indexOf(w);
      if (k >= 0) this.idle.splice(k, 1);
      this.broken = true;
      job?.reject(err);
      this.pump();
    });
    return w;
  }
}
