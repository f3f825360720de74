/** `hunt merge`: read and validate every lane report, merge (core/merge.ts), then the shared render pipeline. */
import path from 'node:path';
import { UsageError } from '../../errors.js';
import { mergeReports, type MergeInput } from '../../core/merge.js';
import { readJsonFile } from '../../runtime/fs.js';
import { loadAllowlist } from '../../report/allowlist-file.js';
import { renderPipeline } from '../../report/pipeline.js';
import { assertValidReport } from '../../report/validate.js';
import { prepareOutDir } from '../out-dir.js';
import { printResult, printWarnings, verdictLines } from '../print.js';
import type { RunContext } from '../types.js';
import type { MergeOptions } from './spec.js';

const posix = (p: string) => p.split(path.sep).join('/');

/** Runs merge; returns the verdict's exit code. */
export async function run(opts: MergeOptions, ctx: RunContext): Promise<number> {
  const outDir = path.resolve(ctx.cwd, opts.outDir);
  const files = [...new Set(opts.args.map((f) => path.resolve(ctx.cwd, f)))];
  if (files.length !== opts.args.length) throw new UsageError('a report is given twice', { details: opts.args });
  const inputs: MergeInput[] = [];
  for (const file of files) {
    // Recorded relative to the merged report, so the out-dir can move (a CI artifact) without dangling references.
    inputs.push({ file: posix(path.relative(outDir, file)), report: assertValidReport(await readJsonFile(file, 'report'), file) });
  }
  const allowlist =
    opts.allowlist === undefined ? null : { ...(await loadAllowlist(path.resolve(ctx.cwd, opts.allowlist), '--allowlist')), file: opts.allowlist };
  const merged = mergeReports(inputs, {
    allowMixedReleases: opts.allowMixedReleases,
    runId: opts.runId,
    rebaseArtifact: (input, a) => (path.isAbsolute(a) ? a : posix(path.relative(outDir, path.resolve(outDir, path.dirname(input.file), a)))),
  });
  if (!merged.ok) {
    const hint = merged.problem === 'mixed-releases' ? 'merge the lanes of one release, or pass --allow-mixed-releases' : 'give each lane report once';
    throw new UsageError(merged.message, { details: merged.details, hint });
  }
  await prepareOutDir('--out-dir', outDir);
  const result = await renderPipeline(merged.report, {
    jsonOut: path.join(outDir, 'hunt-report.json'),
    mdOut: path.join(outDir, 'hunt-report.md'),
    junitOut: path.join(outDir, 'junit.xml'),
    commentOut: opts.commentOut === undefined ? undefined : path.resolve(ctx.cwd, opts.commentOut),
    allowlist,
    blockingSeverity: opts.blockingSeverity ?? merged.blockingSeverity,
    failOn: opts.failOn,
    stepSummary: ctx.env.GITHUB_STEP_SUMMARY || undefined,
    // `--out-dir` beside a lane's own report (a/hunt-report.json) must not overwrite that lane's input.
    inputs: [
      ...files.map((f): [string, string] => ['a lane report', f]),
      ['--allowlist', opts.allowlist === undefined ? undefined : path.resolve(ctx.cwd, opts.allowlist)],
    ],
  });
  printWarnings(result.warnings);
  const { verdict, paths } = result;
  const lanes = merged.lanes.map((l) => ({
    namespace: l.namespace,
    lane: l.lane,
    release: l.release,
    runId: l.runId,
    hostname: l.hostname,
    verdict: l.verdict,
    file: l.file,
  }));
  printResult(ctx, { verdict: verdict.status, exitCode: result.exitCode, release: merged.report.release, lanes, reasons: verdict.reasons, paths }, () => [
    ...lanes.map((l) => `lane ${l.namespace}: ${l.verdict} (${l.runId}${l.hostname ? ` on ${l.hostname}` : ''})`),
    ...verdictLines(verdict.status, result.exitCode, verdict.reasons, paths, `, release ${merged.report.release}`),
  ]);
  return result.exitCode;
}
