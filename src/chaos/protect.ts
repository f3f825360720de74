/**
 * What a lane must never write (production) and how its namespace covers it. Production paths: the home,
 * the log files, the pid file (when the profile names one), chaos.protect, and hunt's working directory.
 * Each is covered where it lives: a directory by an overlay whose upper layer is in the sandbox (the target
 * can "write", production never changes, and hunt sees exactly which paths were written); a file by an
 * overlay of its directory, or a read-only bind where no overlay can go. Paths under /tmp or /var/tmp are
 * re-exposed inside the lane's private directories, so a lane sees (and is caught writing) them too.
 */
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import type { RunBinding } from '../config/bind.js';
import { overlaySafe, type MountPlan } from '../runtime/mountns.js';
import { isInside } from './sandbox.js';

export type ProtectWhy = 'home' | 'log' | 'pid-file' | 'protect' | 'cwd';

export interface ProtectedPath {
  path: string;
  why: ProtectWhy;
}

/** The private directories of a lane namespace. */
export const PRIVATE_DIRS = ['/tmp', '/var/tmp'] as const;

/** Where no mount ever goes (the kernel's and the machine's own trees). */
const NEVER = ['/proc', '/sys', '/dev', '/run/systemd'];

/** Pure: the production paths of a run (deduplicated, absolute). The pid file comes from target.pidFile when the profile has one. */
export function protectedPaths(bound: Pick<RunBinding, 'target' | 'logs' | 'protect'>, cwd: string): ProtectedPath[] {
  const out: ProtectedPath[] = [{ path: bound.target.home, why: 'home' }];
  for (const l of bound.logs) out.push({ path: l.path, why: 'log' });
  const pidFile = (bound.target as { pidFile?: string | null }).pidFile;
  if (pidFile) out.push({ path: pidFile, why: 'pid-file' });
  for (const p of bound.protect) out.push({ path: p, why: 'protect' });
  out.push({ path: cwd, why: 'cwd' });
  const seen = new Set<string>();
  return out.filter((p) => {
    const key = path.resolve(p.path);
    if (seen.has(key)) return false;
    seen.add(key);
    p.path = key;
    return true;
  });
}

/** Pure: why no mount may cover `dir` in a lane (null when one may). */
export function unmountable(dir: string, sandboxParent: string): string | null {
  if (dir === '/') return 'it is the root directory';
  if (NEVER.some((n) => isInside(dir, n))) return 'it is a kernel or system tree';
  if ((PRIVATE_DIRS as readonly string[]).includes(dir)) return 'the lane has a private one';
  if (isInside(sandboxParent, dir) || isInside(dir, sandboxParent)) return 'it holds the sandboxes';
  return null;
}

async function kindOf(p: string): Promise<'dir' | 'file' | 'missing'> {
  try {
    return (await fsp.stat(p)).isDirectory() ? 'dir' : 'file';
  } catch {
    return 'missing';
  }
}

/** The path with symlinks resolved as far as it exists (a mount goes where the data is). */
async function realish(p: string): Promise<string> {
  const rest: string[] = [];
  let cur = p;
  for (;;) {
    try {
      return path.join(await fsp.realpath(cur), ...rest.reverse());
    } catch {
      if (cur === path.dirname(cur)) return p;
      rest.push(path.basename(cur));
      cur = path.dirname(cur);
    }
  }
}

export interface Coverage {
  path: string;
  why: ProtectWhy;
  /** What covers it in the lane: an overlay of `mount`, a read-only bind of `mount`, or nothing. */
  how: 'overlay' | 'read-only' | 'none';
  mount: string | null;
  /** Why nothing covers it (how = none). */
  note?: string;
}

/** Decides, for each production path, what covers it in a lane (existence and symlinks read from disk). */
export async function planCoverage(paths: ProtectedPath[], sandboxParent: string, overlay: boolean): Promise<Coverage[]> {
  const out: Coverage[] = [];
  for (const p of paths) {
    const real = await realish(p.path);
    const kind = await kindOf(real);
    let dir = kind === 'dir' ? real : path.dirname(real);
    while (kind === 'missing' && (await kindOf(dir)) === 'missing' && dir !== '/') dir = path.dirname(dir);
    const why = unmountable(dir, sandboxParent);
    if (overlay && !why && overlaySafe(dir)) out.push({ path: real, why: p.why, how: 'overlay', mount: dir });
    else if (kind !== 'missing' && !unmountable(real, sandboxParent)) out.push({ path: real, why: p.why, how: 'read-only', mount: real });
    else
      out.push({
        path: real,
        why: p.why,
        how: 'none',
        mount: null,
        note: kind === 'missing' ? `absent, and ${dir}: ${why ?? 'no overlay'}` : (why ?? 'no overlay'),
      });
  }
  return out;
}

/** Pure: the overlay mounts of a coverage (an overlay inside another is dropped: the outer one catches its writes). */
export function overlayMounts(cov: Coverage[]): string[] {
  const dirs = [...new Set(cov.filter((c) => c.how === 'overlay').map((c) => c.mount!))].sort((a, b) => a.length - b.length);
  return dirs.filter((d, i) => !dirs.slice(0, i).some((o) => isInside(d, o)));
}

export interface LanePlaces {
  root: string;
  /** The private /tmp and /var/tmp of the lane, inside the sandbox. */
  privates: Record<(typeof PRIVATE_DIRS)[number], string>;
  overlayDir: string;
}

/**
 * Pure: the mount plan of a lane. `readOnlyExpose` are host paths the target needs to read that live under a
 * private directory (its profile directory, hunt's package, the node binary, absolute paths of the command).
 */
export function mountPlan(
  cov: Coverage[],
  places: LanePlaces,
  readOnlyExpose: string[],
): { plan: MountPlan; overlays: Array<{ mount: string; upper: string }> } {
  const overlays = overlayMounts(cov).map((m, i) => ({
    path: m,
    upper: path.join(places.overlayDir, String(i), 'upper'),
    work: path.join(places.overlayDir, String(i), 'work'),
  }));
  const readOnly = [...new Set(cov.filter((c) => c.how === 'read-only').map((c) => c.mount!))].sort();
  const privates = PRIVATE_DIRS.map((target) => {
    const expose: Array<{ path: string; readOnly: boolean }> = [];
    const add = (p: string, ro: boolean) => {
      if (isInside(p, target) && p !== target && !expose.some((e) => e.path === p)) expose.push({ path: p, readOnly: ro });
    };
    add(places.root, false);
    for (const o of overlays) add(o.path, false);
    for (const r of readOnly) add(r, true);
    for (const r of readOnlyExpose) if (!isInside(r, places.root)) add(r, true);
    return { target, source: places.privates[target], expose };
  });
  return { plan: { overlays, readOnly, privates }, overlays: overlays.map((o) => ({ mount: o.path, upper: o.upper })) };
}
