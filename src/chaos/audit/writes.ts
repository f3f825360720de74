/**
 * Audit-only attribution: while a lane runs, the files its processes hold open for writing are sampled
 * (every 200 ms), so a change outside the sandbox can be tied to the lane that made it. A file opened,
 * written and closed between two samples is not seen: the report says which attribution was in force.
 */
import { openFiles } from '../../runtime/fdsample.js';

export interface WriteWatch {
  /** Path -> pid of the lane that held it open for writing. */
  writes: Map<string, number>;
  stop(): Promise<void>;
}

/** Samples the open files of `pids()` until stopped. */
export function watchWrites(pids: () => Promise<Set<number>>, everyMs = 200): WriteWatch {
  const writes = new Map<string, number>();
  let running: Promise<void> | null = null;
  const tick = () => {
    if (running) return;
    running = (async () => {
      try {
        for (const f of await openFiles([...(await pids())])) if (f.write && !writes.has(f.path)) writes.set(f.path, f.pid);
      } catch {
        /* a sample failed: the next one may not */
      } finally {
        running = null;
      }
    })();
  };
  const timer = setInterval(tick, everyMs);
  timer.unref();
  tick();
  return {
    writes,
    async stop() {
      clearInterval(timer);
      tick(); // one last look: the final writes before the stop
      await running;
    },
  };
}
