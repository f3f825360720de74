/**
 * A chaos lane's binding: a pure function of the run's bound value and the lane's sandbox. The same
 * templates the run bound for production are expanded again with sandbox values, so the target never sees
 * a production path: HOME, the home env var, TMPDIR and XDG_* point inside the sandbox, `~` means the
 * sandbox HOME, {port} the lane's port.
 */
import path from 'node:path';
import type { CommandLine } from '../runtime/exec.js';
import { expandTarget, type RunBinding } from './bind.js';
import { expand, type PlaceholderValues } from './placeholders.js';

/** Where a lane's sandbox put things (created by chaos/sandbox.ts). */
export interface LanePlaces {
  root: string;
  /** HOME of the target. */
  home: string;
  tmp: string;
  /** XDG_* variable -> directory. */
  xdg: Record<string, string>;
  port: number;
  /** Variables that mark every process of the lane (e.g. the sandbox root). */
  marker: Record<string, string>;
}

/** What a lane runs and probes, expanded for its sandbox. */
export interface LaneBinding {
  /** The target's own home inside the sandbox ({home}, homeEnv): the counterpart of the production home. */
  appHome: string;
  /** The sandbox copy of target.configFile (absolute), when the profile names one. */
  configFile: string | null;
  /** The start command for an instance that calls `upstreamUrl`. */
  start(upstreamUrl?: string): CommandLine;
  healthUrl(upstreamUrl?: string): string | null;
  /** The target's environment: base < profile env < sandbox paths, port, marker and the lane's upstream URL. */
  env(upstreamUrl?: string): Record<string, string>;
  /** chaos.upstreamEnv (set only when a start is given an upstream URL). */
  upstreamEnv: string | undefined;
  /** Profile log paths inside the sandbox. */
  logPaths: Array<{ source: string; path: string }>;
  /** chaos.sandbox.files: template (absolute) -> destination inside the sandbox (absolute). */
  files: Array<{ from: string; to: string }>;
  /** Fills lane placeholders into a template's text ({home} {port} {sandbox} {tmp} {upstreamUrl} ...). */
  render(text: string, upstreamUrl?: string): string;
}

/** Pure: the sandbox counterpart of the production home: `~`-relative homes follow HOME, others keep their name. */
export function laneAppHome(bound: Pick<RunBinding, 'templates' | 'target'>, sandboxHome: string): string {
  const raw = bound.templates.target.home.trim();
  if (raw === '~') return sandboxHome;
  if (raw.startsWith('~/')) return path.join(sandboxHome, raw.slice(2));
  return path.join(sandboxHome, path.basename(bound.target.home) || 'app');
}

/** Pure: binds the run's target into a lane's sandbox. */
export function bindLane(bound: RunBinding, places: LanePlaces): LaneBinding {
  const t = bound.templates.target;
  const appHome = laneAppHome(bound, places.home);
  const values = (upstreamUrl?: string): PlaceholderValues => ({
    port: places.port,
    home: appHome,
    configDir: bound.profile.configDir,
    upstreamUrl,
    tilde: places.home,
    sandbox: places.root,
    tmp: places.tmp,
  });
  const env = (upstreamUrl?: string): Record<string, string> => {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(bound.baseEnv)) if (v !== undefined) out[k] = v;
    Object.assign(out, expandTarget(t, values(upstreamUrl)).env);
    Object.assign(out, { HOME: places.home, TMPDIR: places.tmp, TMP: places.tmp, TEMP: places.tmp }, places.xdg, places.marker);
    if (t.homeEnv) out[t.homeEnv] = appHome;
    if (t.portEnv) out[t.portEnv] = String(places.port);
    const up = bound.chaos.upstreamEnv;
    if (up) {
      if (upstreamUrl) out[up] = upstreamUrl;
      else delete out[up]; // never let a lane call the production upstream
    }
    return out;
  };
  return {
    appHome,
    configFile: t.configFile ? path.join(appHome, t.configFile) : null,
    start: (upstreamUrl) => expandTarget(t, values(upstreamUrl)).commands.start,
    healthUrl: (upstreamUrl) => expandTarget(t, values(upstreamUrl)).healthUrl,
    env,
    upstreamEnv: bound.chaos.upstreamEnv,
    logPaths: bound.templates.logs.map((l) => ({ source: l.source, path: path.resolve(bound.profile.configDir, expand(l.path, values())) })),
    files: bound.chaos.sandbox.files.map((f) => ({ from: path.resolve(bound.profile.configDir, f.from), to: path.resolve(appHome, expand(f.to, values())) })),
    render: (text, upstreamUrl) => expand(text, values(upstreamUrl)),
  };
}
