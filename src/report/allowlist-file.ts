/** Loading known-issues.json: JSON syntax errors with line/column, schema violations, duplicate ids. */
import { InputError } from '../errors.js';
import { readJsonFile } from '../runtime/fs.js';
import type { AllowlistFile } from '../core/allowlist.js';
import { capErrors, formatAjvErrors, printable, shippedValidator } from './ajv.js';

/** Duplicate entry ids (checked even when other fields are invalid, so one run lists every problem). */
function duplicateIds(data: unknown): string[] {
  const entries = (data as { entries?: unknown } | null)?.entries;
  if (!Array.isArray(entries)) return [];
  const seen = new Map<string, number>();
  const errors: string[] = [];
  entries.forEach((e, i) => {
    const id = (e as { id?: unknown } | null)?.id;
    if (typeof id !== 'string') return;
    const first = seen.get(id);
    if (first !== undefined) errors.push(printable(`/entries/${i}/id: duplicate id ${JSON.stringify(id)} (also /entries/${first}/id)`));
    else seen.set(id, i);
  });
  return errors;
}

/** Validates parsed JSON as an allowlist: the schema, then unique entry ids. Returns `path: message` lines. */
export function allowlistViolations(data: unknown): string[] {
  const validate = shippedValidator('allowlist');
  const schemaErrors = validate(data) ? [] : formatAjvErrors(validate.errors);
  return [...schemaErrors, ...duplicateIds(data)];
}

/** Throws InputError (exit 2) listing every violation when `data` is not a valid allowlist. */
export function assertValidAllowlist(data: unknown, file: string, what: string): AllowlistFile {
  const errors = allowlistViolations(data);
  if (errors.length) {
    throw new InputError(`${what}: ${file} is not a valid known-issues allowlist (${errors.length} violation(s))`, {
      details: capErrors(errors),
      hint: 'fix the entries above (`hunt schema allowlist` prints the JSON Schema; docs/allowlist.md describes the format)',
    });
  }
  return data as AllowlistFile;
}

/** Reads and validates a known-issues.json; `what` names the flag (e.g. "--allowlist") in errors. */
export async function loadAllowlist(file: string, what: string): Promise<AllowlistFile> {
  const data = await readJsonFile(file, what);
  const allowlist = assertValidAllowlist(data, file, what);
  return { ...allowlist, file };
}
