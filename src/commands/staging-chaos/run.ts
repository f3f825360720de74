/** `hunt staging-chaos`: flags -> runChaos -> render step -> one line per scenario (or one JSON object). */
import path from 'node:path';
import { UsageError } from '../../errors.js';
import { promises as fsp } from 'node:fs';
import { bindFromFlags, type RunBinding } from '../../config/bind.js';
import { relativizeReport } from '../../core/paths.js';
import { isLockEntry, lockDir } from '../../runtime/lock.js';
import { safeProgress } from '../../runtime/safe-text.js';
import { computeVerdict, verdictExitCode } from '../../core/verdict.js';
import { utcStamp } from '../../runtime/clock.js';
import { createProgress } from '../../runtime/progress.js';
import { prepareOutDir } from '../out-dir.js';
import type { RunContext } from '../types.js';
import type { StagingChaosOptions } from './spec.js';
import { checkLines, printResult, printWarnings } from '../print.js';

/** The lane's identity: --release is required unless --demo; run id and out-dir default from a UTC stamp. */
export function laneDefaults(opts: StagingChaosOptions, cwd: string, stamp: string): { release: string; runId: string; outDir: string } {
  if (opts.release === undefined && !opts.demo) {
    throw new UsageError('missing required option --release <label>', {
      hint: 'hunt staging-chaos --release <label> (or --demo to try the bundled sample gateway)',
    });
  }
  const release = (opts.release ?? 'demo').trim();
  const runId = (opts.runId ?? `chaos-${stamp}`).trim();
  const outDir = path.resolve(cwd, opts.outDir ?? path.join('artifacts', 'hunt', `staging-chaos-${stamp}`));
  return { release, runId, outDir };
}

/** --base-port, or its deprecated spelling --port (which never meant the target port here) with a warning. */
function basePort(opts: StagingChaosOptions): number | undefined {
  if (opts.port === undefined) return opts.basePort;
  if (opts.basePort !== undefined) throw new UsageError('--port is the deprecated spelling of --base-port: give only --base-port');
  process.stderr.write('hunt: warning: staging-chaos --port is deprecated, use --base-port (the first scenario port, never the target port)\n');
  return opts.port;
}

/** Runs the command; exit code per the verdict (0 pass/warn, 1 fail). */
export async function run(opts: StagingChaosOptions, ctx: RunContext): Promise<number> {
  const { release, runId, outDir } = laneDefaults(opts, ctx.cwd, utcStamp(Date.now()));
  if (!/^[A-Za-z0-9_.-]+$/.test(runId))
    throw new UsageError(`--run-id: ${runId} may only hold letters, digits, _ . -`, { hint: 'it names sandbox directories' });
  await prepareOutDir('--out-dir', outDir);
  const bound = await bindFromFlags({ config: opts.config, demo: opts.demo }, ctx);
  // One run per out-dir, and a fresh one: a reused out-dir would mix two runs' sandboxes, logs and reports.
  const lock = await lockDir(outDir, 'staging-chaos');
  try {
    await refuseUsedDir(outDir);
    return await runLocked(opts, ctx, release, runId, outDir, bound);
  } finally {
    lock.release();
  }
}

async function refuseUsedDir(outDir: string): Promise<void> {
  const entries = await fsp.readdir(outDir).catch(() => [] as string[]);
  if (entries.some((e) => !isLockEntry(e))) {
    throw new UsageError(`--out-dir ${outDir} is not empty`, { hint: 'a chaos run writes into an empty or new directory; pick a new --out-dir' });
  }
}

async function runLocked(opts: StagingChaosOptions, ctx: RunContext, release: string, runId: string, outDir: string, bound: RunBinding): Promise<number> {
  const { runChaos } = await import('../../chaos/run.js');
  // Scenario lines quote the target (argv, summaries): terminal-safe before they reach a CI log.
  const progress = safeProgress(await createProgress());
  const res = await runChaos(bound, {
    release,
    runId,
    outDir,
    basePort: basePort(opts),
    scenarios: opts.scenarios,
    concurrency: opts.concurrency,
    progress,
    cwd: ctx.cwd,
  });
  const input = path.join(outDir, 'report-input.json');

  let verdict = computeVerdict(res.report);
  let exitCode = verdictExitCode(verdict);
  const paths: Record<string, string> = { input };
  if (opts.render !== false) {
    const { renderPipeline } = await import('../../report/pipeline.js');
    const report = opts.absolutePaths ? res.report : relativizeReport(res.report, { outDir, cwd: ctx.cwd });
    const r = await renderPipeline(report, {
      jsonOut: path.join(outDir, 'hunt-report.json'),
      mdOut: path.join(outDir, 'hunt-report.md'),
      junitOut: path.join(outDir, 'junit.xml'),
      stepSummary: ctx.env.GITHUB_STEP_SUMMARY || undefined,
    });
    printWarnings(r.warnings);
    verdict = r.verdict;
    exitCode = r.exitCode;
    Object.assign(paths, r.paths);
  }
  const checks = res.checks.map((c) => ({ id: c.id, status: c.status, summary: c.summary }));
  const classification = res.classification.map((c) => ({ id: c.id, severity: c.severity, category: c.category }));
  printResult(ctx, { verdict: verdict.status, exitCode, checks, classification, paths }, () => [
    ...checkLines(checks),
    `verdict: ${verdict.status} (exit ${exitCode})`,
    ...Object.entries(paths).map(([k, v]) => `${k}: ${v}`),
  ]);
  return exitCode;
}
