/** `hunt schema <name>`: prints the shipped schema file verbatim (what editors load via $schema). */
import { readTextFile } from '../../runtime/fs.js';
import { schemaPath, SCHEMA_FILES, type SchemaName } from '../../report/assets.js';
import { UsageError } from '../../errors.js';
import type { RunContext } from '../types.js';
import type { SchemaOptions } from './spec.js';

/** Prints the schema; exit 0. */
export async function run(opts: SchemaOptions, _ctx: RunContext): Promise<number> {
  const name = opts.args[0] as SchemaName;
  if (!(name in SCHEMA_FILES)) throw new UsageError(`unknown schema "${name}"`, { hint: 'use one of: report, config, allowlist' });
  const text = await readTextFile(schemaPath(name), 'schema');
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  return 0;
}
