/**
 * Runs one scenario end to end: sandbox, before-listings, the scenario, then always (even when the
 * scenario threw) the stop of every target, the orphan audit, the isolation audit, the artifacts and
 * the removal of the sandbox. The check is derived from findings only: an error in hunt is a failed
 * check (fail closed), never a pass.
 */
import path from 'node:path';
import type { RunBinding } from '../config/bind.js';
import type { ScenarioName } from '../config/schema.js';
import type { Check, Classification } from '../core/report-types.js';
import { errorMessage } from '../errors.js';
import { writeFileAtomic } from '../runtime/fs.js';
import { isPortOpen } from '../runtime/ports.js';
import { auditIsolation, auditPlaces, describeIsolation, snapshotPlaces } from './audit/isolation.js';
import { auditOrphans, describeOrphan } from './audit/orphans.js';
import { Lane, lastChars } from './lane.js';
import { buildCheck, classify } from './outcome.js';
import { createSandbox, type Sandbox } from './sandbox.js';
import { Recorder, type ScenarioDef } from './types.js';
import { promises as fsp } from 'node:fs';

/** What every scenario of one run shares. */
export interface RunShared {
  /** The run's bound value: production target (never touched), chaos settings, redactor, inherited env. */
  bound: RunBinding;
  runId: string;
  outDir: string;
  cwd: string;
  upstreamUrl?: string;
  sandboxParent: string;
  /** Paths the isolation audit never reports (sandbox parent, out-dir, caller's extras). */
  ignore: string[];
  /** Live lanes of this run, for attributing a change to the scenario that made it. */
  lanes: Map<ScenarioName, Lane>;
  reproCommand(name: ScenarioName): string;
  nowMs(): number;
}

export interface ScenarioResult {
  check: Check;
  classification: Classification | null;
}

const ARTIFACT_TAIL = 2 * 1024 * 1024;

async function copyRedacted(from: string, to: string, redact: RunBinding['redact']): Promise<boolean> {
  let text: string;
  try {
    const h = await fsp.open(from, 'r');
    try {
      const { size } = await h.stat();
      const start = Math.max(0, size - ARTIFACT_TAIL);
      const buf = Buffer.alloc(size - start);
      await h.read(buf, 0, buf.length, start);
      text = (start > 0 ? `...[${start} bytes trimmed]\n` : '') + buf.toString('utf8');
    } finally {
      await h.close();
    }
  } catch {
    return false;
  }
  await writeFileAtomic(to, redact(text));
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

/** Runs one scenario and returns its check and classification. */
export async function runScenario(def: ScenarioDef, port: number, s: RunShared): Promise<ScenarioResult> {
  const started = s.nowMs();
  const rec = new Recorder();
  const artifacts: string[] = [];
  const artDir = path.join(s.outDir, def.name);
  let sandbox: Sandbox | null = null;
  let lane: Lane | null = null;
  const meta: Record<string, unknown> = { scenario: def.name, port };
  try {
    sandbox = await createSandbox({ bound: s.bound, runId: s.runId, scenario: def.name, port, parent: s.sandboxParent });
    lane = new Lane(sandbox, s.bound, s.upstreamUrl);
    s.lanes.set(def.name, lane);
    meta.sandbox = sandbox.root;
    const places = auditPlaces({ appHome: s.bound.target.home, cwd: s.cwd, targetCwd: sandbox.work, ignore: s.ignore });
    const before = await snapshotPlaces(places);
    try {
      await def.run({ name: def.name, cfg: s.bound.chaos, lane, rec });
    } catch (err) {
      rec.fail('setup', `hunt could not complete the scenario: ${errorMessage(err)}`);
    }
    await stopTargets(lane, rec, s.bound.chaos.gracefulShutdown.deadlineMs);
    const orphans = await auditOrphans(lane, { excludePids: [process.pid] });
    for (const o of orphans.orphans) {
      rec.fail('orphan', describeOrphan(o).replace(/^orphan: /, ''));
    }
    for (const p of orphans.survivors) rec.fail('orphan', `pid ${p} survived SIGKILL`);
    meta.orphans = orphans.orphans;
    const after = await snapshotPlaces(places);
    const others = [...s.lanes.entries()].filter(([n]) => n !== def.name).map(([, l]) => l);
    const ctx = {
      ownPids: new Set(lane.seenPids()),
      ownRoot: sandbox.root,
      otherPids: new Set(others.flatMap((l) => l.seenPids())),
      otherRoots: others.map((l) => l.sandbox.root),
    };
    const productionLive = await isPortOpen(s.bound.target.port, s.bound.target.host, 300);
    const iso = await auditIsolation(places, before, after, ctx, s.bound.chaos.isolation.unattributed, productionLive);
    for (const f of iso.findings) {
      const line = describeIsolation(f);
      if (f.level === 'fail') rec.fail('leak', line.replace(/^isolation fail: /, ''));
      else rec.warn('leak', line.replace(/^isolation warn: /, ''));
    }
    meta.isolation = {
      places: places.map((p) => `${p.kind}:${p.dir}`),
      unattributedPolicy: s.bound.chaos.isolation.unattributed,
      productionLive,
      changesOfOtherScenarios: iso.others,
    };
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
    // every target was stopped and audited above: stop sampling them and drop their teardown entries
    for (const t of lane?.targets ?? []) {
      if (t.sup.running()) await t.sup.stop(500);
      t.sup.dispose();
    }
    if (sandbox) {
      const d = await sandbox.dispose().catch((err) => ({ killed: [], survivors: [], error: errorMessage(err) }));
      if (d.killed.length) rec.fail('orphan', `processes still carrying the sandbox at removal: ${d.killed.join(', ')}`);
    }
  }
  meta.timings = rec.timings;
  const ended = s.nowMs();
  const check = buildCheck({
    def,
    findings: rec.findings,
    skipped: rec.skipped,
    notes: rec.notes,
    evidence: [
      ...rec.evidence,
      `timings: ${
        Object.entries(rec.timings)
          .map(([k, v]) => `${k}=${v}ms`)
          .join(' ') || 'none'
      }`,
    ].map((l) => lastChars(s.bound.redact(l), 2000)),
    artifacts: artifacts.sort(),
    metadata: { ...meta, ...rec.metadata },
    startedAt: new Date(started).toISOString(),
    endedAt: new Date(Math.max(ended, started)).toISOString(),
    durationMs: Math.max(0, Math.round(ended - started)),
    command: s.reproCommand(def.name),
  });
  return { check, classification: classify(def, check, rec.findings, s.bound.chaos, s.reproCommand(def.name)) };
}
