/**
 * A chaos lane's binding: a pure function of the run's bound value and the lane's sandbox. The same
 * templates the run bound for production are expanded again with sandbox values, so the target never sees
 * a production path: HOME, the home env var, TMPDIR and XDG_* point inside the sandbox, `~` means the
 * sandbox HOME, {port} the lane's port.
 */
import path from 'node:path';
import type { CommandLine } from '../runtime/exec.js';
import type { ScanSource } from '../scan/types.js';
import type { SignatureConfig } from './schema.js';
import { expandContext, expandTarget, type RunBinding } from './bind.js';
import type { HealthSpec } from './health.js';
import { expand, expandCommand, type PlaceholderValues } from './placeholders.js';

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
  /** The lane's health probe (its own port, lane placeholders), null when the profile has none. */
  health(upstreamUrl?: string): HealthSpec | null;
  /** target.pidFile inside the sandbox, null when the profile has none. */
  pidFile: string | null;
  /** chaos.signalRestart.command and target.stopCommand, expanded for the lane. */
  reloadCommand: CommandLine | null;
  stopCommand: CommandLine | null;
  /** chaos.prepare.command, expanded for the lane. */
  prepareCommand: CommandLine | null;
  /** Any profile command (a custom scenario's action) expanded for the lane. */
  command(cmd: CommandLine, upstreamUrl?: string): CommandLine;
  /** The target's environment: base < profile env < sandbox paths, port, marker and the lane's upstream URL. */
  env(upstreamUrl?: string): Record<string, string>;
  /** chaos.upstreamEnv (set only when a start is given an upstream URL). */
  upstreamEnv: string | undefined;
  /** Profile log paths inside the sandbox. */
  logPaths: Array<{ source: string; path: string }>;
  /** The same log sources as the scanner reads them (rotation and timestamp settings of the profile). */
  scanSources: ScanSource[];
  /** The profile's signatures (the lane's logs are read for them: an error logged after a reload fails it). */
  signatures: readonly SignatureConfig[];
  /** gate.blockingSeverity: a signature at or above it logged after a reload fails the reload. */
  blockingSeverity: 'p0' | 'p1' | 'p2';
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

/** Pure: target.pidFile expanded for the lane; null when it would point outside the sandbox (a production pid file). */
function lanePidFile(pidFile: string | undefined, configDir: string, v: PlaceholderValues, root: string): string | null {
  if (!pidFile) return null;
  const file = path.resolve(configDir, expand(pidFile, v));
  const rel = path.relative(root, file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? file : null;
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
  const sandboxVars = { HOME: places.home, TMPDIR: places.tmp, TMP: places.tmp, TEMP: places.tmp, ...places.xdg, ...places.marker };
  // ${VAR} in target.env reads the lane's own environment: ${HOME} is the sandbox HOME, never production's
  const ctx = expandContext(bound.chaos, t, { ...bound.baseEnv, ...sandboxVars });
  const expanded = (upstreamUrl?: string) => expandTarget(t, values(upstreamUrl), ctx);
  const env = (upstreamUrl?: string): Record<string, string> => {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(bound.baseEnv)) if (v !== undefined) out[k] = v;
    Object.assign(out, expanded(upstreamUrl).env);
    Object.assign(out, sandboxVars);
    if (t.homeEnv) out[t.homeEnv] = appHome;
    if (t.portEnv) out[t.portEnv] = String(places.port);
    const up = bound.chaos.upstreamEnv;
    if (up) {
      if (upstreamUrl) out[up] = upstreamUrl;
      else delete out[up]; // never let a lane call the production upstream
    }
    return out;
  };
  const logPaths = bound.templates.logs.map((l) => ({ source: l.source, path: path.resolve(bound.profile.configDir, expand(l.path, values())) }));
  return {
    appHome,
    configFile: t.configFile ? path.join(appHome, t.configFile) : null,
    start: (upstreamUrl) => expanded(upstreamUrl).commands.start,
    healthUrl: (upstreamUrl) => expanded(upstreamUrl).healthUrl,
    health: (upstreamUrl) => expanded(upstreamUrl).health,
    pidFile: lanePidFile(t.pidFile, bound.profile.configDir, values(), places.root),
    reloadCommand: bound.chaos.signalRestart.command ? expandCommand(bound.chaos.signalRestart.command, values()) : null,
    stopCommand: t.stopCommand ? expandCommand(t.stopCommand, values()) : null,
    prepareCommand: bound.chaos.prepare ? expandCommand(bound.chaos.prepare.command, values()) : null,
    command: (cmd, upstreamUrl) => expandCommand(cmd, values(upstreamUrl)),
    env,
    upstreamEnv: bound.chaos.upstreamEnv,
    logPaths,
    scanSources: bound.templates.logs.map((l, i) => ({
      source: l.source,
      path: logPaths[i].path,
      rotated: l.rotated,
      ...(l.timestamp ? { timestamp: { ...l.timestamp } } : {}),
    })),
    signatures: bound.signatures,
    blockingSeverity: bound.gate.blockingSeverity,
    files: bound.chaos.sandbox.files.map((f) => ({ from: path.resolve(bound.profile.configDir, f.from), to: path.resolve(appHome, expand(f.to, values())) })),
    render: (text, upstreamUrl) => expand(text, values(upstreamUrl)),
  };
}
