/** Validation of HuntReportV1 data against the shipped schema (ajv, all errors, `path: message` lines). */
import { InputError } from '../errors.js';
import type { HuntReportV1 } from '../core/report-types.js';
import { capErrors, formatAjvErrors, printable, shippedValidator } from './ajv.js';
import { semanticViolations } from './semantic.js';

/** Validates parsed JSON as a HuntReportV1 (schema, then semantic rules); on failure returns every violation as `path: message`. */
export function validateReport(data: unknown): { ok: true; report: HuntReportV1 } | { ok: false; errors: string[] } {
  const validate = shippedValidator('report');
  if (!validate(data)) return { ok: false, errors: formatAjvErrors(validate.errors) };
  const semantic = semanticViolations(data as HuntReportV1);
  if (semantic.length) return { ok: false, errors: semantic.map(printable) };
  return { ok: true, report: data as HuntReportV1 };
}

/** Returns the report or throws InputError (exit 2) naming `file` and listing every violation. */
export function assertValidReport(data: unknown, file: string): HuntReportV1 {
  const res = validateReport(data);
  if (res.ok) return res.report;
  throw new InputError(`${file} is not a valid HuntReportV1 report (${res.errors.length} violation(s))`, {
    details: capErrors(res.errors),
    hint: 'fix the fields above (`hunt schema report` prints the JSON Schema; `hunt validate <file>` re-checks)',
  });
}
