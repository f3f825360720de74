import type { CommandSpec } from '../types.js';

/** `hunt collect`: a runtime snapshot of the target (flags only; the work lives in run.ts). */
export const collectSpec: CommandSpec = {
  name: 'collect',
  summary: 'snapshot the target: version/status commands, listeners, health, process tree, log signature counts',
  configure: (cmd) =>
    cmd
      .option('--config <file>', 'target profile (default: $HUNT_CONFIG, else hunt.config.json here or in a parent directory)')
      .option('--demo', 'use the bundled sample-gateway profile')
      .option('--label <name>', 'snapshot label (letters, digits, _ . -); names the default output file', 'snapshot')
      .option('--window-minutes <n>', 'lookback window for signature counts (default: profile windowMinutes)')
      .option('--output <file>', 'snapshot file (default: artifacts/hunt/collect-<label>-<UTC stamp>.json)')
      .option('--port <n>', "override the profile's target port")
      .option('--home <dir>', "override the profile's target home directory")
      .option('--json', 'print one JSON object (output path and summary) on stdout')
      .addHelpText(
        'after',
        '\nThe snapshot is written even when the target is down (exit 0). Exit 2: no or invalid config, bad flags.\nSnapshot format: schemas/runtime-snapshot-v1.schema.json; docs/collect.md.',
      ),
  load: () => import('./run.js'),
};
