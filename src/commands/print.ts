/**
 * The one result printer of the commands: results go to stdout, either one JSON object (--json) or plain
 * lines. Text that came from the target or from a report (check summaries, verdict reasons) is untrusted:
 * it is sanitized (no control characters reach the terminal) and cut to one line here, for every command.
 */
import type { Check, GateReason } from '../core/report-types.js';
import { sanitize, truncate } from '../report/escape.js';
import type { RunContext } from './types.js';

/** One line of untrusted text: sanitized, whitespace collapsed, at most `max` characters. */
export function oneLine(text: string, max = 240): string {
  return truncate(sanitize(text).replace(/\s+/g, ' ').trim(), max);
}

/** "  <rule> <id>: <detail>" per verdict reason. */
export function reasonLines(reasons: readonly GateReason[]): string[] {
  return reasons.map((r) => `  ${oneLine(`${r.rule} ${r.id}: ${r.detail}`)}`);
}

/** "<status> <id> <summary>" per check, ids aligned. */
export function checkLines(checks: readonly Pick<Check, 'id' | 'status' | 'summary'>[]): string[] {
  const width = Math.max(0, ...checks.map((c) => c.id.length));
  return checks.map((c) => `${c.status.padEnd(4)} ${c.id.padEnd(width)} ${oneLine(c.summary, 200)}`);
}

/** Where a rendered report set went (the render pipeline's paths). */
export interface ReportSetPaths {
  json: string;
  md: string;
  junit?: string;
  comment?: string;
}

/** The lines of a rendered verdict: "verdict: <status> (exit <n>)<suffix>", its reasons, then the files written. */
export function verdictLines(status: string, exitCode: number, reasons: readonly GateReason[], paths: ReportSetPaths, suffix = ''): string[] {
  return [
    `verdict: ${status} (exit ${exitCode})${suffix}`,
    ...reasonLines(reasons),
    `json: ${paths.json}`,
    `markdown: ${paths.md}`,
    ...(paths.junit ? [`junit: ${paths.junit}`] : []),
    ...(paths.comment ? [`comment: ${paths.comment}`] : []),
  ];
}

/** Writes the result: `json` as one object with --json, else `lines()` as plain text. */
export function printResult(ctx: Pick<RunContext, 'json'>, json: unknown, lines: () => string[]): void {
  process.stdout.write(ctx.json ? `${JSON.stringify(json)}\n` : `${lines().join('\n')}\n`);
}

/** Prints warnings (already one line each) on stderr. */
export function printWarnings(warnings: readonly string[]): void {
  for (const w of warnings) process.stderr.write(`hunt: warning: ${oneLine(w, 1000)}\n`);
}
