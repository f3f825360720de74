/** Helpers shared by the scenarios: "must fail fast", "must become ready", signal names. */
import os from 'node:os';
import { keyLine } from '../../core/key-line.js';
import { isPortOpen } from '../../runtime/ports.js';
import type { ExitInfo } from '../../runtime/supervisor.js';
import { describeExit, type Lane, type Target } from '../lane.js';
import type { Recorder } from '../types.js';
import type { StartupEstimate } from '../startup.js';

/** Pure: the exit status as a shell would report it (128+n for a signal), null when unknown. */
export function exitStatus(e: ExitInfo): number | null {
  if (e.exitCode !== null) return e.exitCode;
  const n = e.signal ? os.constants.signals[e.signal as NodeJS.Signals] : undefined;
  return n === undefined ? null : 128 + n;
}

export interface FastFailure {
  exit: ExitInfo | undefined;
  ms: number;
  /** The port accepted a connection while we waited (it started serving). */
  served: boolean;
}

/**
 * Waits for a start that must fail: non-zero exit, output matching `pattern` when given. The deadline counts
 * from the moment the target can be judged: `deadlineMs` after the time a clean start of this target takes
 * here (the run's start-up clock; a calibration start measures it if no lane has yet), never from the spawn,
 * so a slow starter is not called hung and a fast one's hang is still seen quickly. Records hang / exit-0 /
 * message findings; `watchPort` also records serving as a finding.
 */
export async function expectFastFailure(
  lane: Lane,
  t: Target,
  rec: Recorder,
  o: { deadlineMs: number; pattern?: string; what: string; watchPort?: boolean; mustMention?: string },
): Promise<FastFailure> {
  const started = t.sup.startedAtMs;
  let deadline = started + o.deadlineMs;
  let estimate: StartupEstimate | null = null;
  let served = false;
  for (;;) {
    while (!t.sup.exitInfo() && Date.now() < deadline) {
      if (o.watchPort && !served && (await isPortOpen(lane.port, lane.target.host, 200))) served = true;
      await Promise.race([t.sup.exited, new Promise((r) => setTimeout(r, o.watchPort ? 50 : 100))]);
    }
    if (t.sup.exitInfo() || estimate) break;
    // still running at deadlineMs after the spawn: judge it only deadlineMs after the target's start-up time
    estimate = await lane.startup.estimate();
    deadline = lane.startup.judgeAt(started, o.deadlineMs, estimate);
  }
  const exit = t.sup.exitInfo();
  const ms = (exit?.atMs ?? Date.now()) - started;
  for (const line of await lane.exitEvidence(t, started)) rec.add(line);
  if (served) rec.fail('behaviour', `${o.what}: the target started serving on port ${lane.port} although it should have refused to start`);
  if (!exit) {
    const su =
      estimate?.ms !== null && estimate?.ms !== undefined
        ? `a clean start takes ${estimate.ms} ms here (${estimate.from})`
        : `start-up time unknown (${estimate?.from ?? 'n/a'}): the start-up timeout ${lane.startup.timeoutMs} ms applies`;
    rec.fail(
      'hang',
      `${o.what}: still running ${ms} ms after start, ${o.deadlineMs} ms past the moment it could be judged (${su}); expected a fast non-zero exit`,
    );
    return { exit, ms, served };
  }
  rec.timing(`${t.label}_exit`, ms);
  if (exit.spawnError) {
    rec.note(`${o.what}: the command could not start (${exit.spawnError})`);
    return { exit, ms, served };
  }
  if (exitStatus(exit) === 0) {
    rec.fail('behaviour', `${o.what}: exited 0 (success) after ${ms} ms instead of failing`);
    return { exit, ms, served };
  }
  const out = await lane.outputText(t);
  const text = `${out.stderr}\n${out.stdout}\n${out.logs}`;
  if (o.pattern && !new RegExp(o.pattern, 'm').test(text)) {
    rec.fail('message', `${o.what}: ${describeExit(exit)} but no output matched /${o.pattern}/`);
  } else if (!o.pattern && o.mustMention && !text.includes(o.mustMention)) {
    rec.warn('message', `${o.what}: ${describeExit(exit)} but the output never names ${o.mustMention}`);
  } else if (!o.pattern && !text.trim()) {
    rec.warn('message', `${o.what}: ${describeExit(exit)} without any message on stderr, stdout or the logs`);
  }
  rec.note(`${o.what}: ${describeExit(exit)} after ${ms} ms`);
  return { exit, ms, served };
}

/**
 * Starts-and-waits that must succeed; records a behaviour finding (with evidence) when it does not. Without
 * `deadlineMs` the start-up timeout applies; with it, the start must be ready `deadlineMs` after the time a clean
 * start takes here (e.g. a restart after a crash: stale state may cost at most that much more).
 */
export async function startReady(
  lane: Lane,
  rec: Recorder,
  label: string,
  deadlineMs?: number,
  env?: Record<string, string | undefined>,
): Promise<Target | null> {
  const clean = deadlineMs === undefined ? null : await lane.startup.estimate();
  const timeoutMs = clean ? Math.min(clean.ms ?? lane.startup.timeoutMs, lane.startup.timeoutMs) + deadlineMs! : lane.startup.timeoutMs;
  const t = lane.start(label, env);
  const r = await lane.waitReady(t, timeoutMs);
  if (r.ready) {
    rec.timing(`${label}_ready`, r.ms);
    lane.startup.observe(r.ms, `chaos.${lane.settings.key} ${label}`);
    return t;
  }
  const su = clean ? ` (a clean start takes ${clean.ms ?? '?'} ms here, ${clean.from}; deadline ${deadlineMs} ms after it)` : '';
  // an instance that exits before it was ever ready failed to start; it did not crash while serving
  const out = await lane.outputText(t);
  const why = keyLine([out.stderr, out.logs, out.stdout]);
  rec.fail(r.exit ? 'startup' : 'behaviour', `${label} instance never became ready: ${r.reason}${su}${why ? `; it said: ${why}` : ''}`);
  for (const line of await lane.exitEvidence(t, t.sup.startedAtMs)) rec.add(line);
  return null;
}

/** Stops a target (SIGTERM to its group, then its tree) and waits; used between sub-cases. */
export async function stopQuietly(t: Target, graceMs: number): Promise<void> {
  if (t.sup.running()) {
    await t.sup.signal('SIGTERM', 'group');
    await t.sup.waitExit(graceMs);
  }
  await t.sup.stop(500);
}

/** Pure: whether a signal name exists on this platform. */
export function isSignalName(name: string): name is NodeJS.Signals {
  return Object.prototype.hasOwnProperty.call(os.constants.signals, name);
}

/** Polls `probe` every `everyMs` until it returns true or `ms` pass; returns the elapsed ms or null. */
export async function within(ms: number, probe: () => Promise<boolean>, everyMs = 100): Promise<number | null> {
  const started = Date.now();
  for (;;) {
    if (await probe()) return Date.now() - started;
    if (Date.now() - started >= ms) return null;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
