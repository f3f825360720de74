/**
 * GitHub Actions annotations for a verdict: `::error` for every reason that fails the gate, `::warning` for every
 * reason that warns, `::notice` for a pass. GitHub shows at most 10 annotations of each kind per step, so past 9
 * the 10th says how many more there are and where to read them. Workflow commands are read from stdout and stderr
 * alike; hunt writes them to stderr so `--json` keeps stdout to exactly one JSON object.
 */
import type { GateReason, GateVerdict, HuntReportV1 } from '../core/report-types.js';
import { ruleEffect } from '../core/verdict.js';
import { sanitize, truncate } from './escape.js';

/** GitHub's limit of annotations of one kind (error, warning, notice) per step. */
export const ANNOTATIONS_PER_KIND = 10;
/** Longest message kept; the report holds the rest. */
const MESSAGE_MAX = 1000;

type Kind = 'error' | 'warning' | 'notice';

/** Escapes a workflow command's message (%, CR, LF), after removing controls a report string may carry. */
export function escapeData(s: string): string {
  return sanitize(s).replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escapes a workflow command's property value: the message escapes plus `:` and `,`. */
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

function command(kind: Kind, title: string, message: string): string {
  return `::${kind} title=${escapeProperty(title)}::${escapeData(truncate(message, MESSAGE_MAX))}`;
}

function capped(kind: Kind, reasons: GateReason[], title: (r: GateReason) => string, where: string): string[] {
  const shown = reasons.length <= ANNOTATIONS_PER_KIND ? reasons : reasons.slice(0, ANNOTATIONS_PER_KIND - 1);
  const lines = shown.map((r) => command(kind, title(r), `${r.id}: ${r.detail}`));
  const rest = reasons.length - shown.length;
  if (rest > 0) {
    const rules = [...new Set(reasons.slice(shown.length).map((r) => r.rule))].join(', ');
    lines.push(command(kind, `hunt: ${rest} more`, `${rest} more reason(s) (${rules}) are listed in ${where}`));
  }
  return lines;
}

/**
 * The workflow-command lines (without newlines) for a verdict. `where` names where the full list is (the step
 * summary, the report path).
 */
export function githubAnnotations(report: Pick<HuntReportV1, 'lane' | 'release'>, verdict: GateVerdict, where: string): string[] {
  const prefix = `hunt ${report.lane} ${report.release}`;
  const errors = verdict.reasons.filter((r) => ruleEffect(r.rule) === 'fail');
  const warnings = verdict.reasons.filter((r) => ruleEffect(r.rule) === 'warn');
  const lines = [...capped('error', errors, (r) => `${prefix}: ${r.rule}`, where), ...capped('warning', warnings, (r) => `${prefix}: ${r.rule}`, where)];
  if (verdict.status === 'pass') {
    const detail = verdict.reasons.find((r) => r.rule === 'all-clear')?.detail ?? 'no open finding';
    lines.push(command('notice', `${prefix}: pass`, detail));
  }
  return lines;
}
