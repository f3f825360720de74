/**
 * Audit-only attribution: while a lane runs, the files its processes hold open for writing are sampled
 * (every 200 ms), so a change outside the sandbox can be tied to the lane that made it. A file opened,
 * written and closed between two samples is not seen: the report says which attribution was in force. The runner
 * also samples each time a target became ready and once just before it stops the lane's targets: a daemon that holds
 * a file open from its start is then seen however short its life and however late the periodic samples ran.
 */
import { openFiles } from '../../runtime/fdsample.js';

export interface WriteWatch {
  /** Path -> pid of the lane that held it open for writing. */
  writes: Map<string, number>;
  /** One sample now (after any in flight), resolved when it is done. */
  sample(): Promise<void>;
  stop(): Promise<void>;
}

/** Samples the open files of `pids()` until stopped. */
export function watchWrites(pids: () => Promise<Set<number>>, everyMs = 200): WriteWatch {
  const writes = new Map<string, number>();
  let running: Promise<void> | null = null;
  const tick = (): Promise<void> => {
    if (running) return running;
    const mine = (async () => {
      try {
        for (const f of await openFiles([...(await pids())])) if (f.write && !writes.has(f.path)) writes.set(f.path, f.pid);
      } catch {
        /* a sample failed: the next one may not */
      }
    })().finally(() => {
      if (running === mine) running = null;
    });
    running = mine;
    return mine;
  };
  const timer = setInterval(tick, everyMs);
  timer.unref();
  tick();
  return {
    writes,
    async sample() {
      await tick(); // the sample in flight may have started before the caller's moment
      await tick();
    },
    async stop() {
      clearInterval(timer);
      tick(); // one last look: the final writes before the stop
      await running;
    },
  };
}
