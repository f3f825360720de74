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
import { expand, type LoadedConfig } from '../config/load.js';
import { copyFileIfExists, ensureDir, removePath, writeJsonAtomic } from '../runtime/fs.js';
import { isTearingDown, onTeardown } from '../runtime/teardown.js';
import { killByEnv } from './envscan.js';

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
  /** Expands placeholders with sandbox values; ~ means the sandbox HOME, never the real one. */
  expand(text: string, upstreamUrl?: string): string;
  /** The target's environment: base < profile env < sandbox paths, port and the lane's upstream URL. */
  env(upstreamUrl?: string): Record<string, string>;
  /** Kills every process still carrying this sandbox in its environment, then removes the root. */
  dispose(): Promise<{ killed: number[]; survivors: number[] }>;
}

export interface SandboxOptions {
  loaded: LoadedConfig;
  /** Production home (resolveHome): never used, refused if it would be. */
  prodHome: string;
  runId: string;
  scenario: string;
  port: number;
  /** The environment targets inherit (hunt's own, usually). */
  baseEnv: NodeJS.ProcessEnv;
  upstreamUrl?: string;
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
  assertSeparate(parent, o.prodHome);
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
  const t = o.loaded.config.target;
  const rawHome = t.home.trim();
  const appHome = rawHome === '~' ? home : rawHome.startsWith('~/') ? path.join(home, rawHome.slice(2)) : path.join(home, path.basename(o.prodHome) || 'app');
  if (path.resolve(appHome) === path.resolve(o.prodHome) || isInside(appHome, o.prodHome)) {
    await removePath(root);
    throw new ConfigError(`the sandbox home ${appHome} would be the production home ${o.prodHome}`, { hint: 'fix target.home' });
  }
  const xdg = { XDG_CONFIG_HOME: 'config', XDG_DATA_HOME: 'data', XDG_STATE_HOME: 'state', XDG_CACHE_HOME: 'cache', XDG_RUNTIME_DIR: 'runtime' };
  const dirs = [
    home,
    appHome,
    path.join(root, 'tmp'),
    path.join(root, 'work'),
    path.join(root, 'run'),
    path.join(root, 'empty-bin'),
    ...Object.values(xdg).map((d) => path.join(root, 'xdg', d)),
  ];
  for (const d of dirs) await ensureDir(d);
  await fsp.chmod(path.join(root, 'xdg', 'runtime'), 0o700); // the XDG spec requires it; some daemons check

  let configFile: string | null = null;
  if (t.configFile) {
    configFile = path.join(appHome, t.configFile);
    await copyFileIfExists(path.join(o.prodHome, t.configFile), configFile); // read-only use of production
  }
  const expandSb = (text: string, upstreamUrl = o.upstreamUrl) => {
    const tilde = text === '~' ? home : text.startsWith('~/') ? path.join(home, text.slice(2)) : text;
    return expand(tilde, { port: o.port, home: appHome, configDir: o.loaded.configDir, upstreamUrl });
  };
  const env = (upstreamUrl = o.upstreamUrl): Record<string, string> => {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(o.baseEnv)) if (v !== undefined) out[k] = v;
    for (const k of Object.keys(t.env).sort()) out[k] = expandSb(t.env[k], upstreamUrl);
    Object.assign(out, { HOME: home, TMPDIR: path.join(root, 'tmp'), TMP: path.join(root, 'tmp'), TEMP: path.join(root, 'tmp'), [SANDBOX_ENV]: root });
    for (const [k, d] of Object.entries(xdg)) out[k] = path.join(root, 'xdg', d);
    if (t.homeEnv) out[t.homeEnv] = appHome;
    if (t.portEnv) out[t.portEnv] = String(o.port);
    const up = o.loaded.config.chaos.upstreamEnv;
    if (up) {
      if (upstreamUrl) out[up] = upstreamUrl;
      else delete out[up]; // never let a lane call the production upstream
    }
    return out;
  };
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
    expand: expandSb,
    env,
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
