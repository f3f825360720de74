/**
 * Reclaims sandboxes left by a hunt that could not clean up (SIGKILL, power loss): a sandbox whose lock
 * names a pid that is dead, or alive but a different process (recycled pid), has its processes killed
 * (found by the sandbox path in their environment) and its directory removed. Sandboxes of a hunt that
 * is still running, this one or a concurrent one, are never touched.
 */
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { listProcesses } from '../runtime/proctable.js';
import { startKey } from '../runtime/proctrack.js';
import { isRunning } from '../runtime/signals.js';
import { removePath } from '../runtime/fs.js';
import { killByEnv } from '../runtime/envscan.js';
import { LOCK_FILE, type SandboxLock } from './sandbox.js';

export interface Reclaimed {
  dir: string;
  ownerPid: number | null;
  reason: string;
  /** Processes of the dead run that were still alive and got killed. */
  killed: number[];
}

/** A lockless sandbox younger than this may be one a concurrent hunt is creating right now. */
const LOCKLESS_GRACE_MS = 10 * 60_000;
const START_SLACK_SEC = 3;

async function readLock(dir: string): Promise<SandboxLock | null> {
  try {
    const lock = JSON.parse(await fsp.readFile(path.join(dir, LOCK_FILE), 'utf8')) as SandboxLock;
    return Number.isInteger(lock.pid) && lock.pid > 0 ? lock : null;
  } catch {
    return null;
  }
}

/** Why the owner of a lock is gone, or null when it still runs. */
async function ownerGone(lock: SandboxLock): Promise<string | null> {
  if (lock.pid === process.pid) return null;
  if (!isRunning(lock.pid)) return `owner hunt pid ${lock.pid} is dead`;
  const row = (await listProcesses()).find((p) => p.pid === lock.pid);
  if (!row) return `owner hunt pid ${lock.pid} is dead`;
  const key = startKey(row);
  if (key !== null && Math.abs(key - lock.startedAtSec) > START_SLACK_SEC) return `pid ${lock.pid} was recycled by another process`;
  return null;
}

/** Scans `parent` and reclaims every sandbox whose hunt is gone; returns what it did, sorted by directory. */
export async function reclaimStaleSandboxes(parent: string, nowMs = Date.now()): Promise<Reclaimed[]> {
  let names: string[];
  try {
    names = await fsp.readdir(parent);
  } catch {
    return []; // no parent yet: nothing to reclaim
  }
  const out: Reclaimed[] = [];
  for (const name of names.sort()) {
    const dir = path.join(parent, name);
    let st;
    try {
      st = await fsp.lstat(dir);
    } catch {
      continue;
    }
    if (!st.isDirectory()) continue;
    const lock = await readLock(dir);
    let reason: string | null;
    if (lock) reason = await ownerGone(lock);
    else reason = nowMs - st.mtimeMs > LOCKLESS_GRACE_MS ? 'no lock and older than 10 minutes' : null;
    if (!reason) continue;
    const res = await killByEnv(dir, 1000);
    await removePath(dir);
    out.push({ dir, ownerPid: lock?.pid ?? null, reason, killed: res.signalled });
  }
  return out;
}
