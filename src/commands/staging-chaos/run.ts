/** `hunt staging-chaos`: flags -> runChaos -> render step -> one line per scenario (or one JSON object). */
import path from 'node:path';
import { UsageError } from '../../errors.js';
import { loadConfig } from '../../config/load.js';
import { computeVerdict, verdictExitCode } from '../../core/verdict.js';
import { createProgress } from '../../runtime/progress.js';
import type { RunContext } from '../types.js';

function required(opts: Record<string, unknown>, key: string, flag: string): string {
  const v = opts[key];
  if (typeof v !== 'string' || !v.trim())
    throw new UsageError(`${flag} is required`, { hint: 'hunt staging-chaos --demo --release <label> --run-id <id> --out-dir <dir>' });
  return v.trim();
}

function intOpt(opts: Record<string, unknown>, key: string, flag: string): number | undefined {
  const v = opts[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !/^\d+$/.test(v.trim())) throw new UsageError(`${flag}: ${String(v)} is not a whole number`);
  return Number(v);
}

/** Runs the command; exit code per the verdict (0 pass/warn, 1 fail). */
export async function run(opts: Record<string, unknown>, ctx: RunContext): Promise<number> {
  const release = required(opts, 'release', '--release');
  const runId = required(opts, 'runId', '--run-id');
  if (!/^[A-Za-z0-9_.-]+$/.test(runId))
    throw new UsageError(`--run-id: ${runId} may only hold letters, digits, _ . -`, { hint: 'it names sandbox directories' });
  const outDir = path.resolve(ctx.cwd, required(opts, 'outDir', '--out-dir'));
  const basePort = intOpt(opts, 'port', '--port');
  const concurrency = intOpt(opts, 'concurrency', '--concurrency');
  const scenarios =
    typeof opts.scenarios === 'string'
      ? opts.scenarios
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : undefined;
  const loaded = await loadConfig({ config: opts.config as string | undefined, demo: Boolean(opts.demo), cwd: ctx.cwd, env: ctx.env });
  const { runChaos } = await import('../../chaos/run.js');
  const progress = await createProgress();
  const res = await runChaos(loaded, { release, runId, outDir, basePort, scenarios, concurrency, progress, cwd: ctx.cwd, baseEnv: ctx.env });
  const input = path.join(outDir, 'report-input.json');

  let verdict = computeVerdict(res.report);
  let exitCode = verdictExitCode(verdict.status);
  const paths: Record<string, string> = { input };
  if (opts.render !== false) {
    const { renderPipeline } = await import('../../report/pipeline.js');
    const r = await renderPipeline(res.report, {
      jsonOut: path.join(outDir, 'hunt-report.json'),
      mdOut: path.join(outDir, 'hunt-report.md'),
      junitOut: path.join(outDir, 'junit.xml'),
      stepSummary: ctx.env.GITHUB_STEP_SUMMARY || undefined,
    });
    for (const w of r.warnings) process.stderr.write(`hunt: warning: ${w}\n`);
    verdict = r.verdict;
    exitCode = r.exitCode;
    Object.assign(paths, r.paths);
  }
  if (ctx.json) {
    const checks = res.checks.map((c) => ({ id: c.id, status: c.status, summary: c.summary }));
    process.stdout.write(
      `${JSON.stringify({ verdict: verdict.status, exitCode, checks, classification: res.classification.map((c) => ({ id: c.id, severity: c.severity, category: c.category })), paths })}\n`,
    );
  } else {
    const width = Math.max(...res.checks.map((c) => c.id.length));
    const lines = res.checks.map((c) => `${c.status.padEnd(4)} ${c.id.padEnd(width)} ${c.summary.replace(/\s+/g, ' ').slice(0, 200)}`);
    lines.push(`verdict: ${verdict.status} (exit ${exitCode})`, ...Object.entries(paths).map(([k, v]) => `${k}: ${v}`));
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  return exitCode;
}
