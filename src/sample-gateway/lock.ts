/**
 * The HOME-scoped pid lock: <home>/gateway.lock = {"pid","port","startedAt"}, created exclusively
 * (O_EXCL). A lock whose pid is dead is stale and reclaimed; a live one refuses a second instance.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface LockInfo {
  pid: number;
  port: number;
  startedAt: string;
}

/** Path of the lock file of a home. */
export function lockPath(home: string): string {
  return path.join(home, 'gateway.lock');
}

/**
 * Whether a pid is alive. EPERM means alive but not ours. A zombie (exited, not yet reaped — common
 * when a daemon's parent is a container init that never reaps) counts as dead.
 */
export function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // no /proc (macOS): trust the signal probe
  }
}

/**
 * Whether the lock's pid is a live gateway. Pids get reused: a stale lock naming a pid that now belongs to
 * another program must neither block a start nor receive `stop`'s SIGTERM. On Linux the command line must
 * name the gateway (bin hunt-sample-gateway or dist/sample-gateway); without /proc, liveness alone decides.
 */
export function isGatewayAlive(pid: number): boolean {
  if (!isAlive(pid)) return false;
  if (pid === process.pid) return true;
  let cmdline: string;
  try {
    cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    // no /proc at all (macOS): trust liveness; /proc present but unreadable entry: it just exited
    return !fs.existsSync('/proc/self');
  }
  return cmdline.includes('sample-gateway');
}

function parseLock(text: string): LockInfo | null {
  try {
    const d = JSON.parse(text) as Partial<LockInfo>;
    if (Number.isInteger(d.pid) && (d.pid as number) > 0) {
      return { pid: d.pid as number, port: Number(d.port) || 0, startedAt: String(d.startedAt ?? '') };
    }
  } catch {
    /* torn or foreign content */
  }
  return null;
}

/** Reads the lock: null when absent; `{pid: 0}` when present but unreadable (treated as stale). */
export function readLock(home: string): LockInfo | null {
  const file = lockPath(home);
  // the owner writes right after its exclusive create: an empty read may just be that instant
  for (let attempt = 0; attempt < 5; attempt++) {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      return null;
    }
    const info = parseLock(text);
    if (info) return info;
    if (text.trim() !== '') break;
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
  }
  return { pid: 0, port: 0, startedAt: '' };
}

/** Creates the lock exclusively; false when it already exists. */
export function tryCreateLock(home: string, info: LockInfo): boolean {
  let fd: number;
  try {
    fd = fs.openSync(lockPath(home), 'wx', 0o644);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    fs.writeSync(fd, JSON.stringify(info) + '\n');
  } finally {
    fs.closeSync(fd);
  }
  return true;
}

/**
 * Moves a stale lock out of the way. Renames it first and re-checks the renamed copy, so two starters
 * racing over the same stale lock cannot delete a lock the winner has just created.
 * Returns false when the lock turned out to be live after all.
 */
export function removeStaleLock(home: string, stalePid: number): boolean {
  const file = lockPath(home);
  const aside = `${file}.stale-${process.pid}`;
  try {
    fs.renameSync(file, aside);
  } catch {
    return true; // already gone: someone else reclaimed it; the next exclusive create decides
  }
  let moved: LockInfo | null = null;
  try {
    moved = parseLock(fs.readFileSync(aside, 'utf8'));
  } catch {
    /* unreadable: stale */
  }
  if (moved && moved.pid !== stalePid && isGatewayAlive(moved.pid)) {
    try {
      fs.linkSync(aside, file); // put the live lock back (fails if yet another one appeared)
    } catch {
      /* the newer lock wins */
    }
    fs.rmSync(aside, { force: true });
    return false;
  }
  fs.rmSync(aside, { force: true });
  return true;
}

/** Rewrites our own lock (e.g. with the real port after binding port 0); atomic via rename. */
export function rewriteLock(home: string, info: LockInfo): void {
  const tmp = `${lockPath(home)}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, JSON.stringify(info) + '\n');
  fs.renameSync(tmp, lockPath(home));
}

/** Removes the lock only when it is ours (never a lock another instance took over). */
export function releaseLock(home: string, pid = process.pid): void {
  const cur = readLock(home);
  if (cur && cur.pid === pid) fs.rmSync(lockPath(home), { force: true });
}
