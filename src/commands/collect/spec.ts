import { LIMITS } from '../../config/limits.js';
import { addOptions, intOption, profileOptions, textOption, windowOption, type ProfileFlags } from '../flags.js';
import { defineCommand } from '../types.js';

/** `hunt collect` options, as commander hands them to run(). */
export interface CollectOptions extends ProfileFlags {
  label: string;
  windowMinutes?: number;
  output?: string;
  port?: number;
  home?: string;
  stateDir?: string;
  json?: boolean;
}

/** `hunt collect`: a runtime snapshot of the target (flags only; the work lives in run.ts). */
export const collectSpec = defineCommand<CollectOptions>({
  name: 'collect',
  summary: 'snapshot the target: version/status commands, listeners, health, process tree, log signature counts',
  configure: (cmd) =>
    addOptions(cmd, [
      ...profileOptions(),
      textOption('--label <name>', 'snapshot label (letters, digits, _ . -); names the default output file').default('snapshot'),
      windowOption(),
      textOption('--output <file>', 'snapshot file (default: artifacts/hunt/collect-<label>-<UTC stamp>.json)'),
      intOption('--port <n>', "override the profile's target port", LIMITS.port),
      textOption('--home <dir>', "override the profile's target home directory"),
      textOption('--state-dir <dir>', "the log scanner's checkpoints (default: hunt/scan under the user's cache directory; delete it to clear)"),
    ])
      .option('--json', 'print one JSON object (output path and summary) on stdout')
      .addHelpText(
        'after',
        '\nThe snapshot is written even when the target is down (exit 0). Exit 2: no or invalid config, bad flags.\nSnapshot format: schemas/runtime-snapshot-v1.schema.json; docs/collect.md.',
      ),
  load: () => import('./run.js'),
});
