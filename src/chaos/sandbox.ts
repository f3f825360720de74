/**
 * The lane sandbox: one temp root per scenario under <tmpdir>/hunt-chaos/, holding the target's own HOME,
 * TMPDIR, XDG dirs, working directory and config copy, plus a lock with hunt's pid so the next run can
 * reclaim a sandbox whose hunt was SIGKILLed. The target never sees a production path: HOME, the home
 * env var, TMPDIR and XDG_* all point inside the root, and ~ in profile values expands to the sandbox HOME.
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
import { killByEnv } from '../runtime/envscan.js';

export const SANDBOX_ENV = 'HUNT_CHAOS_SANDBOX';
export const LOCK_FILE = 'hunt.lock';

/** Where every sandbox of every run lives (so a later run can find and reclaim leftovers). */
export function sandboxParent(): string {
  return path.join(os.tmpdir(), 'hunt-chaos');
}

/** What the lock in a sandbox root says. */
export interface SandboxLock {
  pid: number;
  /** hunt's start time, epoch seconds: with the pid, its identity (pids are recycled). */
  startedAtSec: number;
  runId: string;
  scenario: string;
  createdAt: string;
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
  port: number;
  /** The config copy (absolute), when the profile names a config file. */
  configFile: string | null;
  /** The run's target bound into this sandbox (commands, env, health URL, log paths). */
  binding: LaneBinding;
  /** Kills every process still carrying this sandbox in its environment, then removes the root. */
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

function safeName(s: string): string {
  return s.replace(/[^A-Za-z0-9_.-]+/g, '_').slice(0, 24) || 'run';
}

/** Creates a scenario sandbox and registers its teardown. */
export async function createSandbox(o: SandboxOptions): Promise<Sandbox> {
  const parent = o.parent ?? sandboxParent();
  assertSeparate(parent, o.bound.target.home);
  if (isTearingDown()) throw new Error('hunt is shutting down; not creating a sandbox');
  await ensureDir(parent);
  const made = await tmpDir({ tmpdir: parent, prefix: `${safeName(o.runId)}-${o.scenario}-` });
  const root = made.path;
  const lock: SandboxLock = {
    pid: process.pid,
    startedAtSec: Math.round(Date.now() / 1000 - process.uptime()),
    runId: o.runId,
    scenario: o.scenario,
    createdAt: new Date().toISOString(),
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
  const dirs = [home, appHome, path.join(root, 'tmp'), path.join(root, 'work'), path.join(root, 'run'), path.join(root, 'empty-bin'), ...Object.values(xdg)];
  for (const d of dirs) await ensureDir(d);
  await fsp.chmod(xdg.XDG_RUNTIME_DIR, 0o700); // the XDG spec requires it; some daemons check

  const configFile = binding.configFile;
  const t = o.bound.templates.target;
  if (configFile && t.configFile) await copyFileIfExists(path.join(prodHome, t.configFile), configFile); // read-only use of production
  let disposed: Promise<{ killed: number[]; survivors: number[] }> | null = null;
  const dispose = () => {
    disposed ??= (async () => {
      const res = await killByEnv(root, 1000);
      await removePath(root);
      unregister();
      return { killed: res.signalled, survivors: res.survivors };
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
    port: o.port,
    configFile,
    binding,
    dispose,
  };
}

/** Removes every sandbox this hunt process created under `parent` (the last net of a signal teardown). */
export async function sweepOwnSandboxes(parent: string): Promise<void> {
  let names: string[];
  try {
    names = await fsp.readdir(parent);
  } catch {
    return;
  }
  for (const name of names) {
    const dir = path.join(parent, name);
    try {
      const lock = JSON.parse(await fsp.readFile(path.join(dir, LOCK_FILE), 'utf8')) as SandboxLock;
      if (lock.pid !== process.pid) continue;
    } catch {
      continue; // not ours, or not a sandbox
    }
    await killByEnv(dir, 500);
    await removePath(dir);
  }
}
