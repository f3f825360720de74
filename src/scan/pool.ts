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

/** The compiled worker script: next to this module in dist/, or dist/scan/ when running from src/. */
export function workerScript(): URL | null {
  for (const rel of ['./worker.js', '../../dist/scan/worker.js']) {
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
      let w = this.idle.pop();
      if (!w && this.script && this.all.length < this.size - 1) w = this.spawn();
      if (!w) return;
      const job = this.queue.shift() as Pending;
      this.running.set(w, job);
      w.postMessage({ id: 0, task: job.task });
    }
  }

  private spawn(): Worker {
    const w = new (workerThreads().Worker)(this.script as URL);
    this.all.push(w);
    w.on('message', (msg: { result?: unknown; error?: string }) => {
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
      job?.reject(err);
      this.pump();
    });
    return w;
  }
}
