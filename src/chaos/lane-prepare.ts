/**
 * Before a lane's first start: make the sandbox usable by target.user (when hunt is root the sandbox is
 * root's, and a daemon that must not run as root could not write its own home: it failed to start and hunt
 * called that a crash), then run chaos.prepare once (initialise a data dir), outside the readiness deadlines.
 */
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { keyLine } from '../core/key-line.js';
import { runAsIdentity, type RunAs } from '../runtime/users.js';
import type { RunBinding } from '../config/bind.js';
import type { Lane } from './lane.js';
import { laneCommandOutcome, runLaneCommand } from './lane-command.js';
import type { Recorder } from './types.js';

async function chownTree(dir: string, u: RunAs): Promise<void> {
  await fsp.chown(dir, u.uid, u.gid);
  for (const e of await fsp.readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) await chownTree(p, u);
    else if (!e.isSymbolicLink()) await fsp.chown(p, u.uid, u.gid);
  }
}

/** Pure: whether a directory with this mode/owner can be traversed by `u`. */
export function traversable(st: { mode: number; uid: number; gid: number }, u: RunAs): boolean {
  if (st.uid === u.uid) return (st.mode & 0o100) !== 0;
  if (st.gid === u.gid) return (st.mode & 0o010) !== 0;
  return (st.mode & 0o001) !== 0;
}

/** Hands the sandbox (everything but hunt's lock and the supervisor's output files) to target.user. */
async function shareSandbox(lane: Lane, u: RunAs, rec: Recorder): Promise<boolean> {
  const sb = lane.sandbox;
  for (let dir = path.dirname(sb.root); ; dir = path.dirname(dir)) {
    const st = await fsp.stat(dir);
    if (!traversable(st, u)) {
      rec.fail(
        'setup',
        `target.user ${u.name} cannot reach its sandbox: ${dir} is mode ${(st.mode & 0o777).toString(8)} (make it traversable, or point TMPDIR elsewhere)`,
      );
      return false;
    }
    if (path.dirname(dir) === dir) break;
  }
  await fsp.chown(sb.root, u.uid, u.gid);
  for (const d of [sb.home, sb.tmp, sb.work, sb.emptyBin, path.join(sb.root, 'xdg')]) await chownTree(d, u);
  rec.metadata.runAs = { user: u.name, uid: u.uid, gid: u.gid };
  return true;
}

/** Prepares a lane before its first start; false when the scenario cannot run (a setup finding says why). */
export async function prepareLane(lane: Lane, bound: RunBinding, rec: Recorder): Promise<boolean> {
  const u = runAsIdentity(bound.target.user);
  if (u && !(await shareSandbox(lane, u, rec))) return false;
  const cmd = lane.sandbox.binding.prepareCommand;
  if (!cmd || !bound.chaos.prepare) return true;
  const timeoutMs = bound.chaos.prepare.timeoutMs;
  const res = await runLaneCommand(lane, cmd, timeoutMs);
  rec.add(`prepare: ${laneCommandOutcome(res, timeoutMs)}`);
  if (res.exitCode === 0 && !res.timedOut) return true;
  const why = keyLine([res.stderr, res.stdout]);
  rec.fail('setup', `chaos.prepare failed: ${laneCommandOutcome(res, timeoutMs)}${why ? `: ${why}` : ''}`);
  return false;
}
