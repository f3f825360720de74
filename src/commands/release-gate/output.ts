/** The gate's result on stdout: one verdict line with the report path (and reasons), or one JSON object. */
import path from 'node:path';
import type { GateVerdict, HuntReportV1 } from '../../core/report-types.js';
import { verdictExitCode } from '../../core/verdict.js';
import { packageFileRef } from '../../runtime/package-ref.js';
import { printResult as print, reasonLines } from '../print.js';
import { JOURNAL_FILE } from '../../gate/journal.js';
import { REPORT_FILES } from '../../gate/steps/report.js';
import type { GateContext } from '../../gate/types.js';

function count<T extends string>(values: T[], keys: readonly T[]): Record<T, number> {
  const out = Object.fromEntries(keys.map((k) => [k, 0])) as Record<T, number>;
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
}

/** Prints the result and returns the exit code. */
export function printResult(gate: GateContext, report: HuntReportV1, json: boolean, resumed: boolean, cwd = process.cwd()): number {
  const out = gate.opts.outDir;
  const verdict = report.metadata?.gate as GateVerdict;
  // An internal-error reason exits 70 (hunt broke), not 1 (the release is bad).
  const exitCode = verdictExitCode(verdict, gate.opts.failOn);
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
  const c = counts.checks;
  print({ json }, obj, () => [
    `release-gate ${verdict.status.toUpperCase()} (exit ${exitCode}): release ${report.release}, ${c.pass} pass, ${c.warn} warn, ${c.fail} fail, ${c.skip} skip - report: ${paths.markdown}`,
    ...reasonLines(verdict.reasons),
    ...(verdict.status === 'fail' ? [`next: contain, verify, recover with ${packageFileRef(cwd, 'runbooks/incident-playbooks.md')}`] : []),
    ...(verdict.status === 'warn' ? [`next: acknowledge every reason above in the release PR (${packageFileRef(cwd, 'runbooks/evidence.md')})`] : []),
  ]);
  return exitCode;
}
