/**
 * The lane sandbox: one temp root per scenario under <tmpdir>/hunt-chaos/, holding the target's own HOME,
 * TMPDIR, XDG dirs, working directory and config copy, a lock naming the hunt that owns it (pid and start
 * id) and the lane's cgroup, and the registry of every process seen in the lane. The target never sees a
 * production path: HOME, the home env var, TMPDIR and XDG_* all point inside the root, and ~ in profile
 * values expands to the sandbox HOME. Removal is provable: hunt only ever deletes a directory whose lock is
 * its own marker (tool + the directory's own id), never follows a symlink, and ends only the processes of the
 * lane's cgroup or registry (never "whatever mentions the path").
 */
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dir as tmpDir } from 'tmp-promise';
import { ConfigError } from '../errors.js';
import type { RunBinding } from '../config/bind.js';
import { bindLane, laneAppHome, type LaneBinding } from '../config/lane.js';
import { copyFileIfExists, ensureDir, removePath, writeJsonAtomic } from '../runtime/fs.js';
import { isTearingDown, onTeardown } from '../runtime/teardown.js';
import { cgroupSupport, isLaneCgroupPath, killCgroup } from '../runtime/cgroup.js';
import { killRegistered, readRegistry } from '../runtime/registry.js';
import { processStartId } from '../runtime/proctable.js';

export const SANDBOX_ENV = 'HUNT_CHAOS_SANDBOX';
export const LOCK_FILE = 'hunt.lock';
export const REGISTRY_FILE = 'processes.ndjson';
/** The marker every lock carries: with the directory's own id, hunt's proof that it created the directory. */
export const LOCK_TOOL = 'hunt-staging-chaos-sandbox';

/** Where every sandbox of every run lives (so a later run can find and reclaim leftovers). */
export function sandboxParent(): string {
  return path.join(os.tmpdir(), 'hunt-chaos');
}

/** What the lock in a sandbox root says. */
export interface SandboxLock {
  tool: typeof LOCK_TOOL;
  /** The sandbox directory's basename: a lock copied elsewhere proves nothing. */
  id: string;
  pid: number;
  /** hunt's exact start id (Linux), null elsewhere: with the pid, its identity (pids are recycled). */
  start: string | null;
  /** hunt's start time, epoch seconds (the identity where there is no start id). */
  startedAtSec: number;
  runId: string;
  scenario: string;
  createdAt: string;
  /** The lane's cgroup directory, once created. */
  cgroup: string | null;
}

export interface Sandbox {
  id: string;
  root: string;
  /** HOME of the target. */
  home: string;
  /** The target's own home ({home}, homeEnv): the sandbox counterpart of the profile's home. */
  appHome: string;
  tmp: string;
  /** Working directory of the target. */
  work: string;
  /** Where supervised output files go. */
  runDir: string;
  /** An empty directory: the stripped PATH of missing-env. */
  emptyBin: string;
  /** The lane's process registry file. */
  registry: string;
  port: number;
  /** The config copy (absolute), when the profile names one. */
  configFile: string | null;
  /** The run's target bound into this sandbox (commands, env, health URL, log paths). */
  binding: LaneBinding;
  /** Epoch ms the sandbox was created (a process of the lane cannot be older). */
  createdAtMs: number;
  /**
   * Directories a target writes (home, tmp, work, run, XDG): the hook for running targets as another user,
   * who must own them. The sandbox root itself is 0700 (mkdtemp).
   */
  writableDirs: string[];
  /** Records the lane's cgroup in the lock (before any process is started in it). */
  setCgroup(dir: string): Promise<void>;
  /** Ends every process of the lane (cgroup, then registry), then removes the root. */
  dispose(): Promise<{ killed: number[]; survivors: number[] }>;
}

export interface SandboxOptions {
  /** The run's bound value; its target.home is production: never used, refused if it would be. */
  bound: RunBinding;
  runId: string;
  scenario: string;
  port: number;
  parent?: string;
}

/** Whether `inner` is `outer` or inside it. */
export function isInside(inner: string, outer: string): boolean {
  const rel = path.relative(path.resolve(outer), path.resolve(inner));
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** Refuses (exit 2) a sandbox parent that would overlap the production home. */
export function assertSeparate(parent: string, prodHome: string): void {
  if (isInside(parent, prodHome) || isInside(prodHome, parent)) {
    throw new ConfigError(`the chaos sandbox directory ${parent} overlaps the production home ${prodHome}`, {
      hint: 'point TMPDIR elsewhere or fix target.home: a lane must never touch the production home',
    });
  }
}

/** Creates the sandbox parent; refuses (exit 2) one that is a symlink or not a directory: hunt never follows one. */
export async function ensureParent(parent: string): Promise<void> {
  await ensureDir(path.dirname(parent));
  try {
    await fsp.mkdir(parent, { mode: 0o755 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const st = await fsp.lstat(parent);
  if (!st.isDirectory()) {
    throw new ConfigError(`the chaos sandbox directory ${parent} is ${st.isSymbolicLink() ? 'a symlink' : 'not a directory'}`, {
      hint: 'hunt never follows a symlink there (it would create and delete sandboxes elsewhere): remove it, or point TMPDIR elsewhere',
    });
  }
}

function safeName(s: string): string {
  return s.replace(/[^A-Za-z0-9_.-]+/g, '_').slice(0, 24) || 'run';
}

/** Pure: whether a parsed lock is hunt's own marker for the directory `dir`. */
export function isOwnLock(lock: unknown, dir: string): lock is SandboxLock {
  const l = lock as Partial<SandboxLock> | null;
  return Boolean(l && l.tool === LOCK_TOOL && l.id === path.basename(dir) && Number.isInteger(l.pid) && (l.pid as number) > 0);
}

/** The lock of a sandbox directory, or null unless it is a regular file carrying hunt's marker for that directory. */
export async function readLock(dir: string): Promise<SandboxLock | null> {
  const file = path.join(dir, LOCK_FILE);
  try {
    if (!(await fsp.lstat(file)).isFile()) return null;
    const lock = JSON.parse(await fsp.readFile(file, 'utf8')) as unknown;
    return isOwnLock(lock, dir) ? lock : null;
  } catch {
    return null;
  }
}

/**
 * Ends what a lane left: its cgroup (cgroup.kill: everything in it, whatever its title or session) and every
 * process of its registry that is still the same process. Nothing else is touched.
 */
export async function endLaneProcesses(root: string, lock: SandboxLock | null, graceMs = 1000): Promise<{ killed: number[]; survivors: number[] }> {
  const killed = new Set<number>();
  const cg = await cgroupSupport();
  if (lock?.cgroup && cg.ok && isLaneCgroupPath(lock.cgroup, cg.mount)) {
    const r = await killCgroup(lock.cgroup);
    for (const p of r.pids) killed.add(p);
  }
  const reg = await killRegistered(await readRegistry(path.join(root, REGISTRY_FILE)), graceMs);
  for (const p of reg.killed) killed.add(p);
  return { killed: [...killed].sort((a, b) => a - b), survivors: reg.survivors };
}

/** hunt's own identity as a lock records it. */
export function ownIdentity(): Pick<SandboxLock, 'pid' | 'start' | 'startedAtSec'> {
  return { pid: process.pid, start: processStartId(process.pid), startedAtSec: Math.round(Date.now() / 1000 - process.uptime()) };
}

/** Creates a scenario sandbox and registers its teardown. */
export async function createSandbox(o: SandboxOptions): Promise<Sandbox> {
  const parent = o.parent ?? sandboxParent();
  assertSeparate(parent, o.bound.target.home);
  if (isTearingDown()) throw new Error('hunt is shutting down; not creating a sandbox');
  await ensureParent(parent);
  const made = await tmpDir({ tmpdir: parent, prefix: `${safeName(o.runId)}-${o.scenario}-` });
  const root = made.path;
  const createdAtMs = Date.now();
  let lock: SandboxLock = {
    tool: LOCK_TOOL,
    id: path.basename(root),
    ...ownIdentity(),
    runId: o.runId,
    scenario: o.scenario,
    createdAt: new Date(createdAtMs).toISOString(),
    cgroup: null,
  };
  await writeJsonAtomic(path.join(root, LOCK_FILE), lock);
  const home = path.join(root, 'home');
  const prodHome = o.bound.target.home;
  const appHome = laneAppHome(o.bound, home);
  if (path.resolve(appHome) === path.resolve(prodHome) || isInside(appHome, prodHome)) {
    await removePath(root);
    throw new ConfigError(`the sandbox home ${appHome} would be the production home ${prodHome}`, { hint: 'fix target.home' });
  }
  const xdgNames = { XDG_CONFIG_HOME: 'config', XDG_DATA_HOME: 'data', XDG_STATE_HOME: 'state', XDG_CACHE_HOME: 'cache', XDG_RUNTIME_DIR: 'runtime' };
  const xdg = Object.fromEntries(Object.entries(xdgNames).map(([k, d]) => [k, path.join(root, 'xdg', d)]));
  const binding = bindLane(o.bound, { root, home, tmp: path.join(root, 'tmp'), xdg, port: o.port, marker: { [SANDBOX_ENV]: root } });
  const writableDirs = [home, appHome, path.join(root, 'tmp'), path.join(root, 'work'), path.join(root, 'run'), ...Object.values(xdg)];
  for (const d of [...writableDirs, path.join(root, 'empty-bin')]) await ensureDir(d);
  await fsp.chmod(xdg.XDG_RUNTIME_DIR, 0o700); // the XDG spec requires it; some daemons check

  const configFile = binding.configFile;
  const t = o.bound.templates.target;
  if (configFile && t.configFile) await copyFileIfExists(path.join(prodHome, t.configFile), configFile); // read-only use of production
  let disposed: Promise<{ killed: number[]; survivors: number[] }> | null = null;
  const dispose = () => {
    disposed ??= (async () => {
      const res = await endLaneProcesses(root, lock);
      await removePath(root);
      unregister();
      return res;
    })();
    return disposed;
  };
  const unregister = onTeardown(async () => void (await dispose()));
  return {
    id: path.basename(root),
    root,
    home,
    appHome,
    tmp: path.join(root, 'tmp'),
    work: path.join(root, 'work'),
    runDir: path.join(root, 'run'),
    emptyBin: path.join(root, 'empty-bin'),
    registry: path.join(root, REGISTRY_FILE),
    port: o.port,
    configFile,
    binding,
    createdAtMs,
    writableDirs,
    async setCgroup(dir) {
      lock = { ...lock, cgroup: dir };
      await writeJsonAtomic(path.join(root, LOCK_FILE), lock);
    },
    dispose,
  };
}

/** Removes every sandbox this hunt process created under `parent` (the last net of a signal teardown). */
export async function sweepOwnSandboxes(parent: string): Promise<void> {
  let names: string[];
  try {
    if (!(await fsp.lstat(parent)).isDirectory()) return;
    names = await fsp.readdir(parent);
  } catch {
    return;
  }
  const me = ownIdentity();
  for (const name of names) {
    const dir = path.join(parent, name);
    const lock = await readLock(dir);
    if (!lock || lock.pid !== me.pid || lock.start !== me.start) continue; // not ours, or not a sandbox
    await endLaneProcesses(dir, lock, 500);
    await removePath(dir);
  }
}
