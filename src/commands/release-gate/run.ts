/**
 * `hunt release-gate`: builds (or resumes) the gate, runs the phases through the journaled runner,
 * prints the verdict. Exit 0 pass (and warn unless --fail-on warn), 1 fail, 2 usage/input/resume refusal.
 */
import path from 'node:path';
import { promises as fsp, realpathSync } from 'node:fs';
import { HuntError, UsageError } from '../../errors.js';
import type { Check, GateVerdict, HuntReportV1 } from '../../core/report-types.js';
import { verdictExitCode } from '../../core/verdict.js';
import { onTeardown } from '../../runtime/teardown.js';
import { buildSteps, stepInfos } from '../../gate/catalogue.js';
import { demoOverrides, ensureDemoTarget, stopDemoTarget } from '../../gate/demo.js';
import { loadJournal, verifyArtifacts } from '../../gate/journal-io.js';
import { createGateProgress } from '../../gate/progress.js';
import { planResume, refusalMessage, type ResumePlan } from '../../gate/resume.js';
import { isHuntProcess } from '../../gate/reap.js';
import { isRunning } from '../../runtime/signals.js';
import { runSteps } from '../../gate/runner.js';
import { gateEnv, newSession, resumedSession } from '../../gate/session.js';
import { REPORT_FILES } from '../../gate/steps/report.js';
import type { JournalState, ReclaimNote } from '../../gate/journal.js';
import type { GateContext } from '../../gate/types.js';
import { commandText } from '../../runtime/exec.js';
import { lockDir, type DirLock } from '../../runtime/lock.js';
import type { RunContext } from '../types.js';
import { gateRequest, resumeFlags } from './options.js';
import { prepareOutDir } from '../out-dir.js';
import type { ReleaseGateOptions } from './spec.js';
import { bindRun } from '../../config/bind.js';
import { loadConfig } from '../../config/load.js';
import { layerOverrides, runOverrides } from '../../config/overrides.js';
import { utcStamp } from '../../runtime/clock.js';
import type { GateRequest } from '../../gate/types.js';
import type { CommandFlags } from '../../gate/secrets.js';
import { printResult } from './output.js';

async function readReport(outDir: string, why: string[] = []): Promise<HuntReportV1> {
  try {
    return JSON.parse(await fsp.readFile(path.join(outDir, REPORT_FILES.json), 'utf8')) as HuntReportV1;
  } catch (err) {
    // No report means the verdict step itself failed: an internal error, never a pass (exit 1).
    throw new Error(`no report in ${outDir}: ${why.length ? why.join('; ') : (err as Error).message}`);
  }
}

/** Removes the published report set (unlink needs no free space): what an internal error leaves behind is no verdict. */
async function withdrawReport(outDir: string): Promise<void> {
  for (const f of [REPORT_FILES.json, REPORT_FILES.md, REPORT_FILES.junit, REPORT_FILES.status]) await fsp.unlink(path.join(outDir, f)).catch(() => undefined);
}

/** Runs the gate's steps with the demo target (if any) up, and always stopped afterwards. */
async function execute(gate: GateContext, previous: { state: JournalState; plan: ResumePlan } | null): Promise<void> {
  const stepChecks = new Map<string, Check[]>();
  const steps = buildSteps(gate, stepChecks);
  let unregister = () => {};
  try {
    if (gate.opts.demo) {
      unregister = onTeardown(() => stopDemoTarget(gate).then(() => {}));
      const how = await ensureDemoTarget(gate);
      gate.progress.info(`demo target: hunt-sample-gateway ${how} on 127.0.0.1:${gate.bound.target.port}, home ${gate.bound.target.home}`);
    }
    await runSteps({ gate, steps, previous, testConcurrency: gate.opts.serial ? 1 : gate.bound.gate.testConcurrency, stepChecks });
  } finally {
    if (gate.opts.demo) {
      const { survivors } = await stopDemoTarget(gate);
      if (survivors.length) gate.progress.info(`hunt: warning: demo processes survived SIGKILL: ${survivors.join(', ')}`);
      unregister();
    }
  }
}

/**
 * Before anything runs: end what killed chaos runs left (a SIGKILLed gate's T3 lanes included); the journal and
 * the report record it. Only what hunt can prove it created is touched (docs/staging-chaos.md).
 */
async function reclaimLeftovers(progress: Awaited<ReturnType<typeof createGateProgress>>): Promise<ReclaimNote[]> {
  const { reclaimForRun } = await import('../../chaos/reclaim.js');
  const { sandboxParent } = await import('../../chaos/sandbox.js');
  const done = (await reclaimForRun(sandboxParent())).filter((r) => r.action === 'removed');
  for (const r of done) progress.info(`hunt release-gate: reclaimed ${r.dir} (${r.reason}; ended ${r.killed.length} process(es))`);
  return done.map((r) => ({ dir: r.dir, reason: r.reason, killed: r.killed }));
}

/** The status command as an operator would type it (with the home/port variables the target reads). */
function statusHint(gate: GateContext): string {
  const { bound } = gate;
  const t = bound.templates.target;
  const vars = [t.homeEnv, t.portEnv].filter((v): v is string => Boolean(v)).map((v) => `${v}=${bound.target.env[v]}`);
  return bound.redact([...vars, commandText(bound.target.commands.status)].join(' '));
}

/** The real path of a directory (so a symlink or `a/../b` compares equal), else its absolute path. */
function sameDir(dir: string): string {
  try {
    return realpathSync(dir);
  } catch {
    return path.resolve(dir);
  }
}

/** Resume: journal + artifacts verified, plan checked; a refusal stops here with exit 2. */
async function prepareResume(
  outDir: string,
  accept: string[],
  ctx: RunContext,
  progress: Awaited<ReturnType<typeof createGateProgress>>,
  commands: CommandFlags = {},
) {
  const state = await loadJournal(outDir);
  const recorded = (state.run.options as { options?: { outDir?: unknown } } | undefined)?.options?.outDir;
  if (typeof recorded === 'string' && sameDir(recorded) !== sameDir(outDir)) {
    // A copied out-dir: resuming it would run (and write) the original gate's directory.
    throw new UsageError(`--resume ${outDir}: its journal belongs to the gate in ${recorded}`, {
      hint: 'resume that directory itself; a copy of an out-dir cannot be resumed (start a new gate instead)',
    });
  }
  if (state.lastPid !== undefined && isHuntProcess(state.lastPid)) {
    throw new UsageError(`a gate is still running in ${outDir} (hunt pid ${state.lastPid})`, {
      hint: `wait for it to finish, or stop it (kill -INT ${state.lastPid}) and then resume`,
    });
  }
  const gate = await resumedSession(state.run, ctx.env, ctx.cwd, progress, commands);
  await verifyArtifacts(gate.opts.outDir, state);
  const steps = buildSteps(gate, new Map());
  const plan = planResume(state, stepInfos(steps), accept, isRunning);
  if (plan.acceptErrors.length) throw new UsageError('--accept-step cannot be applied', { details: plan.acceptErrors });
  if (plan.refusal) {
    const refusal = { ...plan.refusal };
    const details: string[] = [];
    if (gate.opts.demo) {
      // the demo leaves nothing running, even on a refusal: the sample gateway and every command of this gate stop
      await stopDemoTarget(gate);
      if (refusal.pid !== undefined) refusal.pidAlive = isRunning(refusal.pid);
      details.push('--demo: the sample gateway and every process of this gate were stopped; the next --resume starts it again');
    }
    const msg = refusalMessage(refusal, gate.opts.outDir, statusHint(gate));
    throw new HuntError(msg.message, { details: [...msg.details, ...details], hint: msg.hint });
  }
  return { gate, state, plan };
}

/**
 * Binds the profile for a new gate: HUNT_* and --window-minutes over the file; for --demo a free port and a
 * home under the out-dir on top; the gate marker in the environment every command of this gate inherits.
 */
async function bindGate(req: GateRequest, opts: ReleaseGateOptions, ctx: RunContext) {
  const loaded = await loadConfig({ config: opts.config, demo: req.demo, cwd: ctx.cwd, env: ctx.env });
  let overrides = runOverrides(ctx.env, { windowMinutes: opts.windowMinutes }, ctx.cwd);
  if (req.demo) overrides = layerOverrides(overrides, await demoOverrides(req.outDir), () => '--demo');
  return bindRun(loaded, { env: gateEnv(ctx.env, req.outDir), overrides, stateDir: req.stateDir });
}

/** The command. */
export async function run(opts: ReleaseGateOptions, ctx: RunContext): Promise<number> {
  const resume = resumeFlags(opts, ctx.cwd);
  const progress = await createGateProgress();
  let lock: DirLock | undefined;
  try {
    let gate: GateContext;
    let previous: { state: JournalState; plan: ResumePlan } | null = null;
    if (resume) {
      // One run per out-dir: a second gate (or resume) on it would interleave the journal and the reports.
      lock = await lockDir(resume.outDir, 'release-gate --resume', '--resume');
      const r = await prepareResume(resume.outDir, resume.accept, ctx, progress, resume.commands);
      gate = r.gate;
      previous = { state: r.state, plan: r.plan };
      if (r.state.done) {
        progress.info(`hunt release-gate: ${gate.opts.outDir} already finished; nothing to resume`);
        return printResult(gate, await readReport(gate.opts.outDir), ctx.json, true);
      }
      const reclaimed = await reclaimLeftovers(progress);
      gate.invocations.push(...r.state.invocations, { kind: 'resume', at: new Date().toISOString(), pid: process.pid, reclaimed });
      progress.info(
        `hunt release-gate: resuming ${gate.opts.runId} (${r.plan.completed.length} step(s) done, re-running ${r.plan.rerun.map((x) => x.step).join(', ') || 'none'}${r.plan.accepted.length ? `, accepted ${r.plan.accepted.join(', ')}` : ''})`,
      );
      await gate.journal.append({ t: 'resume', at: new Date().toISOString(), pid: process.pid, reclaimed });
    } else {
      const req = gateRequest(opts, ctx.cwd, utcStamp(Date.now()));
      await prepareOutDir('--out-dir', req.outDir);
      if (req.history && !(await fsp.stat(req.history).catch(() => null))?.isDirectory()) {
        throw new UsageError(`--history: ${req.history} is not a directory`, {
          hint: "give the directory that holds earlier releases' hunt-report.json files",
        });
      }
      lock = await lockDir(req.outDir, 'release-gate');
      const s = await newSession(req, await bindGate(req, opts, ctx), ctx.cwd, progress);
      gate = s.gate;
      const reclaimed = await reclaimLeftovers(progress);
      gate.invocations.push({ kind: 'run', at: s.header.at, pid: process.pid, reclaimed });
      await gate.journal.append({ ...s.header, reclaimed });
      progress.info(`hunt release-gate: release ${gate.opts.release}, run ${gate.opts.runId}, lane ${gate.opts.lane}, out-dir ${gate.opts.outDir}`);
    }
    await execute(gate, previous);
    const report = await readReport(gate.opts.outDir, gate.internalErrors);
    const verdict = report.metadata?.gate as GateVerdict;
    const status = verdict.status;
    if (gate.internalErrors.length && status !== 'fail') {
      // An error after the report was published (e.g. a full disk while journaling it): the exit code will say
      // "hunt broke", so no report may stay behind saying otherwise.
      await withdrawReport(gate.opts.outDir);
      throw new Error(`internal error after the report was written (${gate.internalErrors.join('; ')}); the report set was withdrawn`);
    }
    try {
      await gate.journal.append({ t: 'done', at: new Date().toISOString(), verdict: status, exitCode: verdictExitCode(verdict, gate.opts.failOn) });
    } catch (err) {
      await withdrawReport(gate.opts.outDir);
      throw new Error(`cannot record the end of the gate (${(err as Error).message}); the report set was withdrawn`);
    }
    progress.close();
    return printResult(gate, report, ctx.json, Boolean(resume));
  } finally {
    progress.close();
    lock?.release();
  }
}
