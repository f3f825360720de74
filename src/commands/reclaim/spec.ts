import { defineCommand } from '../types.js';

/** `hunt reclaim` options. */
export interface ReclaimOptions {
  /** Report leftovers of dead runs without ending anything; exit 1 when there are any. */
  check?: boolean;
  json?: boolean;
}

/** `hunt reclaim`: end what killed chaos runs left behind (lane processes, sandboxes, cgroups). */
export const reclaimSpec = defineCommand<ReclaimOptions>({
  name: 'reclaim',
  summary: 'end every process and remove every sandbox a killed chaos run (staging-chaos or release-gate T3) left behind',
  configure: (cmd) =>
    cmd
      .option('--check', 'only report leftovers of dead runs (nothing is ended); exit 1 when there are any')
      .option('--json', 'print one JSON object on stdout')
      .addHelpText(
        'after',
        '\nOnly what hunt can prove it created is touched: sandboxes carrying its own lock, the lane cgroup, processes\nrecorded as (pid, start time). Lanes of a hunt that is still running are left alone. Exit 0 done/clean,\n1 leftovers found (--check), 2 usage error. Details: docs/staging-chaos.md.',
      ),
  load: () => import('./run.js'),
});
