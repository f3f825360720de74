/**
 * T4 verdict: classification, allowlist, verdict and rendering. Writes report-input.json (what the gate
 * assembled, before the allowlist) and, through the shared render pipeline, hunt-report.json/.md,
 * junit.xml; then gate-status.txt. Idempotent: it only reads the other steps' artifacts.
 */
import os from 'node:os';
import path from 'node:path';
import { promises as fsp } from 'node:fs';
import type { Check, HuntReportV1 } from '../../core/report-types.js';
import { relativizeReport } from '../../core/paths.js';
import { trendOf } from '../../core/trend.js';
import { readHistory } from '../../report/history.js';
import { renderPipeline } from '../../report/pipeline.js';
import { renderTrendMarkdown } from '../../report/trend-md.js';
import { writeFileAtomic, writeJsonAtomic } from '../../runtime/fs.js';
import type { RuntimeSnapshot } from '../../probes/snapshot-types.js';
import { assembleReport } from '../assemble.js';
import type { GateContext, StepDef } from '../types.js';
import { readChaosClassification } from './chaos.js';
import { SNAPSHOT_FILES } from './snapshots.js';

export const REPORT_FILES = {
  input: 'report-input.json',
  json: 'hunt-report.json',
  md: 'hunt-report.md',
  junit: 'junit.xml',
  status: 'gate-status.txt',
} as const;

async function readJsonIf<T>(file: string): Promise<T | null> {
  try {
    return JSON.parse(await fsp.readFile(file, 'utf8')) as T;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** Internal errors of every step, also those recorded by an earlier (interrupted) invocation. */
function internalErrors(gate: GateContext, checks: Check[]): string[] {
  const fromChecks = checks.filter((c) => c.metadata?.internalError).map((c) => `step ${c.id}: ${c.summary.replace(/^internal error: /, '')}`);
  return [...new Set([...fromChecks, ...gate.internalErrors])].sort();
}

/** The report step; `stepChecks` is filled by the runner before this step runs (it depends on all others). */
export function reportStep(deps: string[], all: () => { steps: StepDef[]; stepChecks: Map<string, Check[]> }): StepDef {
  const def: StepDef = {
    id: 't4_report',
    phase: 'T4',
    title: 'classification, allowlist, verdict, report',
    idempotent: true,
    deps,
    async run(r) {
      const { gate } = r;
      r.started(process.pid);
      const out = gate.opts.outDir;
      const { steps, stepChecks } = all();
      const finalCheck = stepChecks.get('t4_signatures')?.[0];
      const final = finalCheck && !finalCheck.metadata?.internalError ? await readJsonIf<RuntimeSnapshot>(path.join(out, SNAPSHOT_FILES.final)) : null;
      const chaosRan = (stepChecks.get('t3_chaos') ?? []).some((c) => c.id.startsWith('chaos_'));
      const { bound } = gate;
      const nowMs = gate.clock.now();
      const checks = steps.flatMap((s) => stepChecks.get(s.id) ?? []);
      let input: HuntReportV1 = assembleReport({
        opts: gate.opts,
        steps,
        stepChecks,
        final,
        chaosClassification: chaosRan ? await readChaosClassification(gate) : [],
        profile: [...bound.signatures],
        threshold: bound.gate.regression,
        allowlist: gate.allowlist,
        baseline: gate.baseline,
        nowMs,
        internalErrors: internalErrors(gate, checks),
        target: { name: bound.target.name, port: bound.target.port, home: bound.target.home },
        windowMinutes: bound.windowMinutes,
        invocations: gate.invocations,
      });
      // The host the checks ran on: JUnit's hostname, and a lane's identity when lanes of several machines are merged.
      input.metadata = { ...(input.metadata ?? {}), hostname: os.hostname() };
      if (!gate.opts.absolutePaths) input = relativizeReport(input, { outDir: out, cwd: gate.cwd });
      await writeJsonAtomic(path.join(out, REPORT_FILES.input), input);
      const history = gate.opts.history ? await readHistory([gate.opts.history], gate.cwd, (w) => gate.progress.info(`hunt: warning: --history: ${w}`)) : null;
      const res = await renderPipeline(input, {
        // The trend ends with this run: an earlier copy of its own report (a resume) is left out of the history.
        appendix: history
          ? (final) => renderTrendMarkdown(trendOf([...history.filter((r) => r.runId !== final.runId || r.lane !== final.lane), final]))
          : undefined,
        jsonOut: path.join(out, REPORT_FILES.json),
        mdOut: path.join(out, REPORT_FILES.md),
        junitOut: path.join(out, REPORT_FILES.junit),
        allowlist: gate.allowlist,
        blockingSeverity: bound.gate.blockingSeverity,
        failOn: gate.opts.failOn,
        nowMs,
        stepSummary: bound.baseEnv.GITHUB_STEP_SUMMARY || undefined,
        statusOut: path.join(out, REPORT_FILES.status), // one set: never a status beside another run's report
      });
      for (const w of res.warnings) gate.progress.info(`hunt: warning: ${w}`);
      return { checks: [], files: [REPORT_FILES.input, REPORT_FILES.json, REPORT_FILES.md, REPORT_FILES.junit, REPORT_FILES.status] };
    },
  };
  return def;
}
