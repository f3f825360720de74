/**
 * Runs one scenario end to end: sandbox, enclosure (cgroup, mount namespace), the scenario, then always (even
 * when the scenario threw) the stop of every target, the orphan audit, the end of every lane process, the
 * audit of what the lane wrote outside its sandbox, the artifacts and the removal of the sandbox. The check
 * is derived from findings only: an error in hunt is a failed check (fail closed), never a pass.
 */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { RunBinding } from '../config/bind.js';
import type { Check, Classification } from '../core/report-types.js';
import { errorMessage } from '../errors.js';
import { writeFileAtomic } from '../runtime/fs.js';
import type { PortReservation } from '../runtime/ports.js';
import { watchWrites } from './audit/writes.js';
import type { Containment } from './containment.js';
import { openEnclosure } from './enclosure.js';
import { Lane } from './lane.js';
import { auditAfter, auditBefore, type AuditBefore } from './lane-audit.js';
import { prepareLane } from './lane-prepare.js';
import { buildCheck, classify } from './outcome.js';
import { lastChars, readTailBytes } from './output.js';
import { createSandbox, type Sandbox } from './sandbox.js';
import { scenarioSettings } from './settings.js';
import type { StartupClock } from './startup.js';
import { Recorder, scenarioSlug, type ScenarioDef } from './types.js';

/** What every scenario of one run shares. */
export interface RunShared {
  /** The run's bound value: production target (never touched), chaos settings, redactor, inherited env. */
  bound: RunBinding;
  runId: string;
  outDir: string;
  cwd: string;
  upstreamUrl?: string;
  sandboxParent: string;
  /** The containment in force for every lane of the run. */
  containment: Containment;
  /** How long this target takes to start here (deadlines of expected failures count after it). */
  startup: StartupClock;
  /** Paths the audit-only isolation audit never reports (sandbox parent, out-dir, caller's extras). */
  ignore: string[];
  /** Live lanes of this run, for attributing a change to the scenario that made it. */
  lanes: Map<string, Lane>;
  reproCommand(name: string): string;
  nowMs(): number;
}

export interface ScenarioResult {
  check: Check;
  classification: Classification | null;
}

const ARTIFACT_TAIL = 2 * 1024 * 1024;

async function copyRedacted(from: string, to: string, redact: RunBinding['redact']): Promise<boolean> {
  const tail = await readTailBytes(from, ARTIFACT_TAIL); // never through a symlink the target planted
  if (!tail) return false;
  await writeFileAtomic(to, redact((tail.start > 0 ? `...[${tail.start} bytes trimmed]\n` : '') + tail.data.toString('utf8')));
  return true;
}

/** Stops every target the way a service manager does (SIGTERM to its process group) and lets the tree settle. */
async function stopTargets(lane: Lane, rec: Recorder, graceMs: number): Promise<void> {
  for (const t of lane.targets) {
    if (!t.sup.running()) continue;
    await t.sup.signal('SIGTERM', 'group');
    if (!(await t.sup.waitExit(graceMs))) rec.add(`cleanup: ${t.label} (pid ${t.sup.pid}) did not exit within ${graceMs} ms of SIGTERM`);
  }
  // helpers exit just after their parent: give the tree a moment before calling anything an orphan
  const deadline = Date.now() + 2000;
  for (const t of lane.targets) {
    while ((await t.sup.live()).length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  }
}

/** Runs one scenario on its reserved port and returns its check and classification. */
export async function runScenario(def: ScenarioDef, port: PortReservation, s: RunShared): Promise<ScenarioResult> {
  const started = s.nowMs();
  const rec = new Recorder();
  const artifacts: string[] = [];
  const artDir = path.join(s.outDir, scenarioSlug(def.name));
  let sandbox: Sandbox | null = null;
  let lane: Lane | null = null;
  let pre: AuditBefore | null = null;
  const meta: Record<string, unknown> = { scenario: def.name, port: port.port };
  try {
    const setupAt = performance.now();
    sandbox = await createSandbox({ bound: s.bound, runId: s.runId, scenario: scenarioSlug(def.name), port: port.port, parent: s.sandboxParent });
    meta.sandbox = sandbox.root;
    const enclosure = await openEnclosure({ sandbox, containment: s.containment, bound: s.bound, cwd: s.cwd, parent: s.sandboxParent });
    meta.containment = {
      level: s.containment.level,
      cgroup: enclosure.cgroupDir,
      production: enclosure.coverage.map((c) => ({ path: c.path, why: c.why, how: c.how, ...(c.note ? { note: c.note } : {}) })),
    };
    lane = new Lane(sandbox, s.bound, { enclosure, upstreamUrl: s.upstreamUrl, settings: scenarioSettings(def.name, s.bound.chaos), startup: s.startup });
    await lane.renderFiles();
    s.lanes.set(def.name, lane);
    const l = lane;
    if (s.containment.level === 'audit-only') {
      const watch = watchWrites(() => l.pids());
      // a target that holds a file open from its start is seen however short its life and however late the
      // periodic samples run on a loaded machine (graceful-shutdown stops it right after it became ready)
      l.onReady = () => watch.sample();
      pre = await auditBefore(l, { bound: s.bound, cwd: s.cwd, ignore: s.ignore, watch });
    }
    await port.handoff(); // the reservation held the port until now: from here it is the lane's to bind
    rec.timing('lane_setup', performance.now() - setupAt);
    try {
      if (await prepareLane(lane, s.bound, rec)) await def.run({ name: def.name, cfg: s.bound.chaos, lane, rec });
    } catch (err) {
      rec.fail('setup', `hunt could not complete the scenario: ${errorMessage(err)}`);
    }
    await pre?.watch.sample(); // the targets are alive until the stop: what they hold open now is theirs
    await stopTargets(lane, rec, s.bound.chaos.gracefulShutdown.deadlineMs);
    for (const t of lane.targets) {
      const why = await lane.enclosureFailure(t);
      if (why) rec.fail('setup', `${t.label} could not be started inside the lane: ${why}`);
    }
    const auditAt = performance.now();
    await auditAfter(lane, rec, meta, { pre, others: [...s.lanes.entries()].filter(([n]) => n !== def.name).map(([, x]) => x) });
    rec.timing('lane_audit', performance.now() - auditAt);
    meta.targetPids = lane.seenPids();
    for (const t of lane.targets) {
      for (const [from, suffix] of [
        [t.stdoutFile, 'stdout'],
        [t.stderrFile, 'stderr'],
      ] as const) {
        const to = path.join(artDir, `${path.basename(from, `.${suffix}.log`)}.${suffix}.log`);
        if (await copyRedacted(from, to, s.bound.redact)) artifacts.push(to);
      }
    }
    for (const [i, file] of lane.logFiles().entries()) {
      const to = path.join(artDir, 'logs', `${sandbox.binding.logPaths[i].source}-${path.basename(file)}`);
      if (await copyRedacted(file, to, s.bound.redact)) artifacts.push(to);
    }
  } catch (err) {
    rec.fail('setup', `hunt lane error: ${errorMessage(err)}`);
  } finally {
    s.lanes.delete(def.name);
    await pre?.watch.stop();
    // every target was stopped and audited above: stop sampling them and drop their teardown entries
    for (const t of lane?.targets ?? []) {
      if (t.sup.running()) await t.sup.stop(500);
      t.sup.dispose();
    }
    if (sandbox) {
      const d = await sandbox.dispose().catch((err) => ({ killed: [], survivors: [], error: errorMessage(err) }));
      const late = d.killed.filter((p) => !(meta.endedByCgroup as number[] | undefined)?.includes(p));
      if (late.length) rec.fail('orphan', `processes of the lane still alive at its removal: ${late.join(', ')}`);
    }
    await port.release();
  }
  meta.timings = rec.timings;
  const env = lane?.envLog ?? [];
  if (env.length) meta.env = env;
  const ended = s.nowMs();
  const check = buildCheck({
    def,
    findings: rec.findings,
    skipped: rec.skipped,
    notes: rec.notes,
    evidence: [
      ...rec.evidence,
      ...(env.length ? [`environment the lane set for this scenario: ${env.join('; ')}`] : []),
      ...rec.info.map((i) => `INFO ${i}`),
      `timings: ${
        Object.entries(rec.timings)
          .map(([k, v]) => `${k}=${v}ms`)
          .join(' ') || 'none'
      }`,
    ].map((line) => lastChars(s.bound.redact(line), 2000)),
    artifacts: artifacts.sort(),
    metadata: { ...meta, ...rec.metadata, ...(rec.info.length ? { info: rec.info } : {}) },
    startedAt: new Date(started).toISOString(),
    endedAt: new Date(Math.max(ended, started)).toISOString(),
    durationMs: Math.max(0, Math.round(ended - started)),
    command: s.reproCommand(def.name),
  });
  return { check, classification: classify(def, check, rec.findings, s.bound.chaos, s.reproCommand(def.name), env) };
}
