import { Argument } from 'commander';
import { defineCommand } from '../types.js';

/** `hunt schema` options: the positional schema name. */
export interface SchemaOptions {
  args: string[];
  json?: boolean;
}

/** `hunt schema <report|config|allowlist>`: print a shipped JSON Schema. */
export const schemaSpec = defineCommand<SchemaOptions>({
  name: 'schema',
  summary: 'print the JSON Schema of a report, a config (hunt.config.json) or an allowlist (known-issues.json)',
  configure: (cmd) =>
    cmd
      .addArgument(new Argument('<name>', 'which schema').choices(['report', 'config', 'allowlist']))
      .option('--json', 'same output (the schema is JSON already)'),
  load: () => import('./run.js'),
});
