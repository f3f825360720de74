import { Argument } from 'commander';
import type { CommandSpec } from '../types.js';

/** `hunt schema <report|config|allowlist>`: print a shipped JSON Schema. */
export const schemaSpec: CommandSpec = {
  name: 'schema',
  summary: 'print the JSON Schema of a report, a config (hunt.config.json) or an allowlist (known-issues.json)',
  configure: (cmd) =>
    cmd
      .addArgument(new Argument('<name>', 'which schema').choices(['report', 'config', 'allowlist']))
      .option('--json', 'same output (the schema is JSON already)'),
  load: () => import('./run.js'),
};
