/** `hunt validate <file>`: exit 0 when valid, 2 with every violation (`path: message`) when not. */
import path from 'node:path';
import { ConfigError, InputError } from '../../errors.js';
import { readJsonFile } from '../../runtime/fs.js';
import { parseConfig } from '../../config/parse.js';
import type { HuntReportV1 } from '../../core/report-types.js';
import type { AllowlistFile } from '../../core/allowlist.js';
import { allowlistViolations } from '../../report/allowlist-file.js';
import { capErrors, printable } from '../../report/ajv.js';
import { detectKind, type DocumentKind } from './detect.js';
import { validateReport } from '../../report/validate.js';
import type { RunContext } from '../types.js';
import type { ValidateOptions } from './spec.js';

function violations(kind: DocumentKind, data: unknown, file: string): string[] {
  if (kind === 'report') {
    const res = validateReport(data);
    return res.ok ? [] : res.errors;
  }
  if (kind === 'allowlist') return allowlistViolations(data);
  try {
    parseConfig(data, file);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.details;
    throw err;
  }
}

function describe(kind: DocumentKind, data: unknown): string {
  if (kind === 'report') {
    const r = data as HuntReportV1;
    return `release ${r.release}, lane ${r.lane}, ${r.checks.length} check(s)`;
  }
  if (kind === 'allowlist') return `${(data as AllowlistFile).entries.length} entr${(data as AllowlistFile).entries.length === 1 ? 'y' : 'ies'}`;
  return `target ${(data as { target: { name: string } }).target.name}`;
}

/** Validates one file; prints the result; throws InputError (exit 2) when invalid or of unknown kind. */
export async function run(opts: ValidateOptions, ctx: RunContext): Promise<number> {
  const arg = opts.args[0];
  const file = path.resolve(ctx.cwd, arg);
  const data = await readJsonFile(file, 'validate');
  const kind: DocumentKind | undefined = opts.kind ?? detectKind(data);
  if (!kind) {
    throw new InputError(`${file}: cannot tell whether this is a report, a config or an allowlist`, {
      hint: 'pass --kind report|config|allowlist',
    });
  }
  const errors = violations(kind, data, file);
  if (ctx.json) process.stdout.write(`${JSON.stringify({ file, kind, valid: errors.length === 0, errors })}\n`);
  if (errors.length) {
    throw new InputError(`${file} is not a valid ${kind} (${errors.length} violation(s))`, {
      details: capErrors(errors),
      hint: `fix the fields above (\`hunt schema ${kind}\` prints the JSON Schema)`,
    });
  }
  if (!ctx.json) process.stdout.write(`valid ${kind}: ${file} (${printable(describe(kind, data))})\n`);
  return 0;
}
