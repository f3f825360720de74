/** The gate's result on stdout: one verdict line with the report path (and reasons), or one JSON object. */
import path from 'node:path';
import type { GateReason, HuntReportV1 } from '../../core/report-types.js';
import { verdictExitCode } from '../../core/verdict.js';
import { packageDir } from '../../config/load.js';
import { sanitize, truncate } from '../../report/escape.js';
import { JOURNAL_FILE } from '../../gate/journal.js';
import { REPORT_FILES } from '../../gate/steps/report.js';
import type { GateContext } from '../../gate/types.js';

function count<T extends string>(values: T[], keys: readonly T[]): Record<T, number> {
  const out = Object.fromEntries(keys.map((k) => [k, 0])) as Record<T, number>;
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
}

/** Prints the result and returns the exit code. */
export function printResult(gate: GateContext, report: HuntReportV1, json: boolean, resumed: boolean): number {
  const out = gate.opts.outDir;
  const verdict = report.metadata?.gate as { status: 'pass' | 'warn' | 'fail'; reasons: GateReason[] };
  const exitCode = verdictExitCode(verdict.status, gate.opts.failOn);
  const paths = {
    outDir: out,
    report: path.join(out, REPORT_FILES.json),
    markdown: path.join(out, REPORT_FILES.md),
    junit: path.join(out, REPORT_FILES.junit),
    status: path.join(out, REPORT_FILES.status),
    journal: path.join(out, JOURNAL_FILE),
  };
  const counts = {
    checks: count(
      report.checks.map((c) => c.status),
      ['pass', 'warn', 'fail', 'skip'] as const,
    ),
    classification: count(
      report.classification.map((c) => c.status),
      ['new', 'known', 'regressed', 'resolved'] as const,
    ),
  };
  if (json) {
    const obj = {
      verdict: verdict.status,
      exitCode,
      release: report.release,
      runId: report.runId,
      lane: report.lane,
      resumed,
      reasons: verdict.reasons,
      counts,
      paths,
    };
    process.stdout.write(`${JSON.stringify(obj)}\n`);
    return exitCode;
  }
  const c = counts.checks;
  const lines = [
    `release-gate ${verdict.status.toUpperCase()} (exit ${exitCode}): release ${report.release}, ${c.pass} pass, ${c.warn} warn, ${c.fail} fail, ${c.skip} skip - report: ${paths.markdown}`,
  ];
  // Report strings come from the target's output: no control characters reach the terminal.
  for (const r of verdict.reasons) lines.push(`  ${truncate(sanitize(`${r.rule} ${r.id}: ${r.detail}`).replace(/\s+/g, ' ').trim(), 240)}`);
  if (verdict.status === 'fail') lines.push(`next: contain, verify, recover with ${path.join(packageDir, 'runbooks', 'incident-playbooks.md')}`);
  if (verdict.status === 'warn') lines.push(`next: acknowledge every reason above in the release PR (${path.join(packageDir, 'runbooks', 'evidence.md')})`);
  process.stdout.write(`${lines.join('\n')}\n`);
  return exitCode;
}
