/**
 * Reclaims what a hunt that could not clean up (SIGKILL, power loss) left: for a sandbox whose lock names a
 * hunt that is gone (pid dead, or recycled: another start id), every process of its cgroup and of its
 * registry is ended and the directory removed. Leftover lane cgroups whose owner is gone are ended too.
 * Only what hunt can prove it created is touched: a directory without hunt's own lock is left alone (an empty
 * one is removed with rmdir, which cannot delete anything), symlinks are never followed, and a process is
 * killed only through the cgroup or a (pid, start id) the registry recorded. Sandboxes of a hunt that is
 * still running, this one or a concurrent one, are never touched.
 */
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { cgroupPids, cgroupSupport, isLaneCgroupPath, killCgroup, parseLaneCgroupName } from '../runtime/cgroup.js';
import { liveRegistered, readRegistry } from '../runtime/registry.js';
import { processStartId } from '../runtime/proctable.js';
import { isRunning } from '../runtime/signals.js';
import { removePath } from '../runtime/fs.js';
import { reclaimPortLocks } from '../runtime/ports.js';
import { endLaneProcesses, ensureParent, readLock, REGISTRY_FILE, type SandboxLock } from './sandbox.js';

export interface Reclaimed {
  /** The sandbox directory, or the cgroup directory of a leftover cgroup. */
  dir: string;
  ownerPid: number | null;
  reason: string;
  /** Processes of the dead run that were still alive and got killed. */
  killed: number[];
  /** What was removed (`sandbox`, `cgroup`), or `left` with the reason when it could not prove ownership. */
  action: 'removed' | 'left';
}

/** A lockless sandbox younger than this may be one a concurrent hunt is creating right now. */
const LOCKLESS_GRACE_MS = 10 * 60_000;
/**
 * A dead hunt's lane cgroup that no sandbox of this TMPDIR names (its sandbox is under another TMPDIR) is ended
 * once it is this old: a run with that TMPDIR ends it at once and reports it; any run ends it after this.
 */
const FOREIGN_CGROUP_GRACE_MS = 10 * 60_000;

/** Lane cgroups of a dead hunt that a run with this parent may end: not named by one of its sandboxes, old enough. */
async function foreignDeadCgroups(base: string, named: Set<string>, nowMs: number): Promise<Array<{ dir: string; pid: number; reason: string }>> {
  let names: string[];
  try {
    names = (await fsp.readdir(base, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
  } catch {
    return [];
  }
  const out: Array<{ dir: string; pid: number; reason: string }> = [];
  for (const name of names.sort()) {
    const owner = parseLaneCgroupName(name);
    const dir = path.join(base, name);
    if (!owner || named.has(dir)) continue;
    const reason = ownerGone(owner.pid, owner.start === '0' ? null : owner.start);
    const st = await fsp.stat(dir).catch(() => null);
    if (reason && st && nowMs - st.mtimeMs >= FOREIGN_CGROUP_GRACE_MS) out.push({ dir, pid: owner.pid, reason });
  }
  return out;
}

/** Why the hunt named by (pid, start id) is gone, or null while it runs (without start ids a live pid is trusted: no kill on a doubt). */
export function ownerGone(pid: number, start: string | null): string | null {
  if (pid === process.pid) return null;
  if (!isRunning(pid)) return `owner hunt pid ${pid} is dead`;
  const now = processStartId(pid);
  return start !== null && now !== null && now !== start ? `pid ${pid} was recycled by another process` : null;
}

async function reclaimDir(dir: string, nowMs: number): Promise<Reclaimed | null> {
  let st;
  try {
    st = await fsp.lstat(dir);
  } catch {
    return null;
  }
  if (!st.isDirectory()) return null; // a file or a symlink: never ours to follow or delete
  const lock: SandboxLock | null = await readLock(dir);
  if (!lock) {
    if (nowMs - st.mtimeMs <= LOCKLESS_GRACE_MS) return null;
    try {
      await fsp.rmdir(dir); // only an empty directory goes: hunt cannot prove the rest is its own
      return { dir, ownerPid: null, reason: 'empty, without a lock', killed: [], action: 'removed' };
    } catch {
      return { dir, ownerPid: null, reason: "no hunt lock: not provably hunt's, left alone", killed: [], action: 'left' };
    }
  }
  const reason = ownerGone(lock.pid, lock.start ?? null);
  if (!reason) return null;
  const res = await endLaneProcesses(dir, lock);
  await removePath(dir);
  return { dir, ownerPid: lock.pid, reason, killed: res.killed, action: 'removed' };
}

/** Ends lane cgroups of dead hunts that no sandbox of this parent names (see FOREIGN_CGROUP_GRACE_MS). */
async function reclaimCgroups(named: Set<string>, nowMs: number): Promise<Reclaimed[]> {
  const cg = await cgroupSupport();
  if (!cg.ok) return [];
  const out: Reclaimed[] = [];
  for (const x of await foreignDeadCgroups(cg.base, named, nowMs)) {
    const r = await killCgroup(x.dir);
    out.push({ dir: x.dir, ownerPid: x.pid, reason: x.reason, killed: r.pids, action: r.removed ? 'removed' : 'left' });
  }
  return out;
}

/** Scans `parent` and the lane cgroups; reclaims everything whose hunt is gone; returns what it did, sorted. */
export async function reclaimStaleSandboxes(parent: string, nowMs = Date.now()): Promise<Reclaimed[]> {
  const out: Reclaimed[] = [];
  let names: string[] = [];
  try {
    if ((await fsp.lstat(parent)).isDirectory()) names = await fsp.readdir(parent);
  } catch {
    /* no parent yet: no sandbox to reclaim (cgroups still are) */
  }
  const named = new Set<string>();
  for (const name of names.sort()) {
    const dir = path.join(parent, name);
    const cgroup = (await readLock(dir))?.cgroup;
    if (cgroup) named.add(cgroup);
    const r = await reclaimDir(dir, nowMs);
    if (r) out.push(r);
  }
  out.push(...(await reclaimCgroups(named, nowMs)));
  await reclaimPortLocks();
  return out;
}

export interface Leftover {
  dir: string;
  kind: 'sandbox' | 'cgroup';
  ownerPid: number | null;
  /** Why its hunt is gone, or null while that hunt runs (then it is left alone). */
  gone: string | null;
  /** Live processes hunt can prove are the lane's (cgroup members, registry entries that are still themselves). */
  pids: number[];
}

/** Lists lanes (sandboxes, and the lane cgroups reclaim would end) without touching anything: what `hunt reclaim --check` reports. */
export async function surveyLeftovers(parent: string, nowMs = Date.now()): Promise<Leftover[]> {
  const out: Leftover[] = [];
  let names: string[] = [];
  try {
    if ((await fsp.lstat(parent)).isDirectory()) names = await fsp.readdir(parent);
  } catch {
    /* no sandboxes */
  }
  const cg = await cgroupSupport();
  const named = new Set<string>();
  for (const name of names.sort()) {
    const dir = path.join(parent, name);
    const lock = await readLock(dir);
    if (!lock) continue;
    const pids = new Set<number>();
    if (lock.cgroup && cg.ok && isLaneCgroupPath(lock.cgroup, cg.mount)) {
      named.add(lock.cgroup);
      for (const p of await cgroupPids(lock.cgroup)) pids.add(p);
    }
    for (const e of liveRegistered(await readRegistry(path.join(dir, REGISTRY_FILE)))) pids.add(e.pid);
    out.push({ dir, kind: 'sandbox', ownerPid: lock.pid, gone: ownerGone(lock.pid, lock.start ?? null), pids: [...pids].sort((a, b) => a - b) });
  }
  if (cg.ok) {
    for (const x of await foreignDeadCgroups(cg.base, named, nowMs))
      out.push({ dir: x.dir, kind: 'cgroup', ownerPid: x.pid, gone: x.reason, pids: await cgroupPids(x.dir) });
  }
  return out;
}

/** The reclaim of a run's start: refuses (exit 2) a symlinked parent, then reclaims. */
export async function reclaimForRun(parent: string): Promise<Reclaimed[]> {
  await ensureParent(parent);
  return reclaimStaleSandboxes(parent);
}
