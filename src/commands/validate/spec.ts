import { Option } from 'commander';
import { defineCommand } from '../types.js';

/** `hunt validate` options: the positional file and the optional kind. */
export interface ValidateOptions {
  args: string[];
  kind?: 'report' | 'config' | 'allowlist';
  json?: boolean;
}

/** `hunt validate <file>`: check a report, config profile or allowlist against its schema. */
export const validateSpec = defineCommand<ValidateOptions>({
  name: 'validate',
  summary: 'check a report, config (hunt.config.json) or allowlist (known-issues.json); the kind is detected from the content',
  configure: (cmd) =>
    cmd
      .argument('<file>', 'the JSON file to check')
      .addOption(new Option('--kind <kind>', 'skip detection and check as this kind').choices(['report', 'config', 'allowlist']))
      .option('--json', 'print one JSON object {file, kind, valid, errors} on stdout'),
  load: () => import('./run.js'),
});
