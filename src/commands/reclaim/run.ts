/** `hunt reclaim`: survey (--check) or reclaim what dead chaos runs left; prints one line per lane. */
import { reclaimForRun, surveyLeftovers } from '../../chaos/reclaim.js';
import { sandboxParent } from '../../chaos/sandbox.js';
import type { RunContext } from '../types.js';
import { printResult } from '../print.js';
import type { ReclaimOptions } from './spec.js';

/** Runs the command: exit 0 (reclaimed, or nothing left), 1 with --check when a dead run left something. */
export async function run(opts: ReclaimOptions, ctx: RunContext): Promise<number> {
  const parent = sandboxParent();
  const before = await surveyLeftovers(parent);
  const dead = before.filter((l) => l.gone !== null);
  const running = before.filter((l) => l.gone === null);
  if (opts.check) {
    const pids = [...new Set(dead.flatMap((l) => l.pids))].sort((a, b) => a - b);
    printResult(ctx, { parent, leftovers: dead, processes: pids, runningLanes: running.length }, () => [
      ...dead.map((l) => `leftover ${l.kind} ${l.dir} (${l.gone}): ${l.pids.length ? `processes ${l.pids.join(', ')}` : 'no process'}`),
      `leftovers of dead runs: ${dead.length} (processes: ${pids.length}); lanes of running hunts left alone: ${running.length}`,
    ]);
    return dead.length ? 1 : 0;
  }
  const reclaimed = await reclaimForRun(parent);
  const killed = [...new Set(reclaimed.flatMap((r) => r.killed))].sort((a, b) => a - b);
  printResult(ctx, { parent, reclaimed, killed, runningLanes: running.length }, () => [
    ...reclaimed.map(
      (r) => `${r.action === 'removed' ? 'reclaimed' : 'left'} ${r.dir} (${r.reason}): ${r.killed.length ? `ended ${r.killed.join(', ')}` : 'no process'}`,
    ),
    `reclaimed: ${reclaimed.filter((r) => r.action === 'removed').length}, processes ended: ${killed.length}; lanes of running hunts left alone: ${running.length}`,
  ]);
  return 0;
}
