/**
 * Rules of HuntReportV1 that JSON Schema cannot state: a report that breaks one would be read wrongly (a
 * verdict that passes what it should not), so a reader refuses it like a schema violation.
 */
import type { HuntReportV1 } from '../core/report-types.js';
import { isSafeUrl } from './escape.js';

function before(end: string, start: string): boolean {
  const a = Date.parse(start);
  const b = Date.parse(end);
  return !Number.isNaN(a) && !Number.isNaN(b) && b < a;
}

/** `path: message` lines for every semantic violation of a schema-valid report. */
export function semanticViolations(r: HuntReportV1): string[] {
  const out: string[] = [];
  if (before(r.endedAt, r.startedAt)) out.push(`/endedAt: must not be before /startedAt (${r.startedAt})`);
  r.checks.forEach((c, i) => {
    if (before(c.endedAt, c.startedAt)) out.push(`/checks/${i}/endedAt: must not be before /checks/${i}/startedAt (${c.startedAt})`);
    const mark = c.metadata?.allowlisted as { entryId?: unknown; issueUrl?: unknown } | undefined;
    if (
      mark !== undefined &&
      (typeof mark !== 'object' || mark === null || typeof mark.entryId !== 'string' || typeof mark.issueUrl !== 'string' || !isSafeUrl(mark.issueUrl))
    ) {
      out.push(`/checks/${i}/metadata/allowlisted: must name the allowlist entry (entryId) and its issue (an http(s) issueUrl)`);
    }
  });
  r.signatures.forEach((s, i) => {
    if (s.countWindow > s.countTotal) out.push(`/signatures/${i}/countWindow: must not exceed countTotal (${s.countTotal})`);
  });
  return out;
}
