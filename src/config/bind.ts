/**
 * Bind once: flags, environment and profile meet here and nowhere else. `bindRun` returns one immutable value
 * per run: the target with its commands, env and placeholders expanded, port, home, health, the log sources
 * as the scanner reads them, the window, the redactor and the override notes. Probes, chaos and the gate take
 * it and never look at raw flags again; a chaos lane derives its own binding from it (lane.ts).
 */
import path from 'node:path';
import type { CommandLine } from '../runtime/exec.js';
import { createRedactor, type Redactor } from '../runtime/redact.js';
import { runAsIdentity } from '../runtime/users.js';
import type { ScanSource } from '../scan/types.js';
import { userCacheDir } from './cache-dir.js';
import { loadConfig, type LoadedConfig } from './load.js';
import { runOverrides, type ConfigOverrides, type Overrides } from './overrides.js';
import { expandEnvValue } from './env-refs.js';
import { bindHealth, healthUrlOf, type HealthSpec } from './health.js';
import { managedCommands } from './managed.js';
import { expand, expandCommand, type PlaceholderValues } from './placeholders.js';
import type { ChaosConfig, GateConfig, LogSourceConfig, SignatureConfig, TargetConfig } from './schema.js';

/** The target with every placeholder expanded. */
export interface BoundTarget {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  /** Absolute home directory. */
  readonly home: string;
  /** The health probe (target.health, or target.healthUrl as an http probe); null: port open only. */
  readonly health: HealthSpec | null;
  /** The URL of an http probe, else null (what snapshots and reports show as the health URL). */
  readonly healthUrl: string | null;
  readonly healthTimeoutMs: number;
  readonly commandTimeoutMs: number;
  readonly readyTimeoutMs: number;
  readonly commands: {
    readonly version: CommandLine;
    readonly status: CommandLine;
    readonly start: CommandLine;
    readonly stop?: CommandLine;
    readonly restart?: CommandLine;
    readonly update?: CommandLine;
    readonly verify?: CommandLine;
  };
  /** Variables set for target commands: the profile's env (expanded) plus homeEnv/portEnv. */
  readonly env: Readonly<Record<string, string>>;
  readonly requiredEnv: readonly string[];
  /** target.pidFile (absolute) or, for a managed daemon, the pid file hunt writes; null: the listener owners decide. */
  readonly pidFile: string | null;
  /** A managed daemon (manage "hunt"): where hunt keeps its pid file and output log. */
  readonly managed: { readonly pidFile: string; readonly logFile: string } | null;
  readonly versionPattern: string | null;
  /** Every target command runs as this user when hunt is root (null: as hunt's user). */
  readonly user: string | null;
}

/** What target expansion needs besides placeholder values. */
export interface ExpandContext {
  /** Where ${VAR} in target.env values is looked up (the inherited environment; a lane's own environment). */
  vars: Readonly<NodeJS.ProcessEnv>;
  /** Graceful stop of a managed daemon: chaos.gracefulShutdown's signal and deadline. */
  lifecycle: { signal: string; stopTimeoutMs: number };
}

/** One run's resolved values. Built by bindRun, never mutated. */
export interface RunBinding {
  /** The profile file, its directory (relative paths and {configDir}) and whether it is the bundled demo. */
  readonly profile: { readonly file: string; readonly configDir: string; readonly demo: boolean };
  readonly target: BoundTarget;
  /** Log sources as the scanner reads them: paths expanded and absolute. */
  readonly logs: readonly ScanSource[];
  readonly signatures: readonly SignatureConfig[];
  readonly windowMinutes: number;
  /** Where the scanner keeps its totals checkpoints (--state-dir, else the user's cache); null: none kept. */
  readonly scanStateDir: string | null;
  readonly redact: Redactor;
  /** The inherited environment (plus whatever marker the caller added), without the target's env. */
  readonly baseEnv: Readonly<NodeJS.ProcessEnv>;
  /** The environment of target commands: baseEnv overridden by target.env. */
  readonly commandEnv: Readonly<NodeJS.ProcessEnv>;
  /** e.g. "target.port=47900 (HUNT_PORT)", in a fixed order. */
  readonly overrides: readonly string[];
  /** The override values themselves (a gate persists them so a resume binds the same run). */
  readonly overrideValues: Readonly<ConfigOverrides>;
  readonly chaos: ChaosConfig;
  /** chaos.protect as absolute production paths (placeholders expanded with production values). */
  readonly protect: readonly string[];
  readonly gate: GateConfig;
  /** The profile's target and logs as written (placeholders raw): what a chaos lane re-binds for its sandbox. */
  readonly templates: { readonly target: TargetConfig; readonly logs: readonly LogSourceConfig[] };
  /** Expands placeholders in a command given outside the profile (--update-command, test bundles) with this run's values. */
  expandCommand(cmd: CommandLine): CommandLine;
}

/** What bindRun needs besides the profile. */
export interface BindInput {
  /** The inherited environment: base of target commands and source of secret values. */
  env: NodeJS.ProcessEnv;
  overrides?: Overrides;
  /** --state-dir (absolute), or undefined for the default under the user's cache directory. */
  stateDir?: string;
}

/** Pure: the default checkpoint directory, under the user's cache directory; null when there is no home. */
export function defaultStateDir(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): string | null {
  const base = userCacheDir(env, platform);
  return base === null ? null : path.join(base, 'scan');
}

/** Pure: the production home of a profile (absolute), unless overridden. */
function profileHome(loaded: LoadedConfig, port: number, override?: string): string {
  if (override !== undefined) return override;
  return path.resolve(loaded.configDir, expand(loaded.config.target.home, { port, home: '', configDir: loaded.configDir }));
}

type Expanded = Pick<BoundTarget, 'health' | 'healthUrl' | 'commands' | 'env' | 'pidFile' | 'managed'>;

/** Pure: the target's commands, health probe, pid file and env with `v` expanded (shared with the lane binding). */
export function expandTarget(t: TargetConfig, v: PlaceholderValues, ctx: ExpandContext): Expanded {
  const cmd = (c: CommandLine | undefined) => (c === undefined ? undefined : expandCommand(c, v));
  const env: Record<string, string> = {};
  for (const key of Object.keys(t.env).sort()) env[key] = expandEnvValue(t.env[key], v, ctx.vars, `target.env.${key}`);
  if (t.homeEnv) env[t.homeEnv] = v.home;
  if (t.portEnv) env[t.portEnv] = String(v.port);
  const health = bindHealth(t, v);
  const pidFile = t.pidFile ? path.resolve(v.configDir, expand(t.pidFile, v)) : null;
  const commands = {
    version: cmd(t.versionCommand)!,
    status: cmd(t.statusCommand),
    start: cmd(t.startCommand)!,
    stop: cmd(t.stopCommand),
    restart: cmd(t.restartCommand),
    update: cmd(t.updateCommand),
    verify: cmd(t.verifyCommand),
  };
  if (t.manage !== 'hunt') return { health, healthUrl: healthUrlOf(health), commands: { ...commands, status: commands.status! }, env, pidFile, managed: null };
  const m = managedCommands({
    start: commands.start,
    stop: commands.stop,
    home: v.home,
    pidFile,
    cwd: v.configDir,
    host: t.host,
    port: v.port,
    signal: ctx.lifecycle.signal,
    stopTimeoutMs: ctx.lifecycle.stopTimeoutMs,
    readyTimeoutMs: t.readyTimeoutMs,
  });
  return {
    health,
    healthUrl: healthUrlOf(health),
    commands: { ...commands, status: commands.status ?? m.status, stop: m.stop, restart: commands.restart ?? m.restart },
    env,
    pidFile: m.pidFile,
    managed: { pidFile: m.pidFile, logFile: m.logFile },
  };
}

/** Pure: the expansion context of a run from its profile and an environment. */
export function expandContext(chaos: ChaosConfig, target: Pick<TargetConfig, 'commandTimeoutMs'>, vars: Readonly<NodeJS.ProcessEnv>): ExpandContext {
  const g = chaos.gracefulShutdown;
  return { vars, lifecycle: { signal: g.signal, stopTimeoutMs: Math.min(g.deadlineMs, target.commandTimeoutMs) } };
}

/** Pure: values of the env vars the profile marks secret, from the target's env and from `env`. */
export function secretValues(t: TargetConfig, targetEnv: Readonly<Record<string, string>>, env: NodeJS.ProcessEnv): string[] {
  const out = new Set<string>();
  for (const name of t.secretEnv) for (const value of [t.env[name], targetEnv[name], env[name]]) if (value) out.add(value);
  return [...out].sort();
}

/** Binds a loaded profile for one run (pure). */
export function bindRun(loaded: LoadedConfig, input: BindInput): RunBinding {
  const c = loaded.config;
  const o = input.overrides ?? { values: {}, notes: [] };
  const t: TargetConfig = { ...c.target, port: o.values.port ?? c.target.port, commandTimeoutMs: o.values.commandTimeoutMs ?? c.target.commandTimeoutMs };
  const v: PlaceholderValues = { port: t.port, home: profileHome(loaded, t.port, o.values.home), configDir: loaded.configDir };
  runAsIdentity(t.user ?? null); // an unknown target.user is exit 2 now, not an error deep inside the first command
  const expanded = expandTarget(t, v, expandContext(c.chaos, t, input.env));
  const baseEnv = Object.freeze({ ...input.env });
  const target: BoundTarget = Object.freeze({
    name: t.name,
    host: t.host,
    port: t.port,
    home: v.home,
    healthTimeoutMs: t.healthTimeoutMs,
    commandTimeoutMs: t.commandTimeoutMs,
    readyTimeoutMs: t.readyTimeoutMs,
    requiredEnv: Object.freeze([...t.requiredEnv]),
    versionPattern: t.versionPattern ?? null,
    user: t.user ?? null,
    ...expanded,
  });
  const logs = c.logs.map((l) => ({
    source: l.source,
    path: path.resolve(loaded.configDir, expand(l.path, v)),
    rotated: l.rotated,
    ...(l.timestamp
      ? {
          timestamp: {
            format: l.timestamp.format,
            field: l.timestamp.field,
            regex: l.timestamp.regex,
            pattern: l.timestamp.pattern,
            timezone: l.timestamp.timezone,
          },
        }
      : {}),
  }));
  return Object.freeze({
    profile: Object.freeze({ file: loaded.file, configDir: loaded.configDir, demo: loaded.demo }),
    target,
    logs: Object.freeze(logs),
    signatures: c.signatures,
    windowMinutes: o.values.windowMinutes ?? c.windowMinutes,
    scanStateDir: input.stateDir ?? defaultStateDir(input.env),
    redact: createRedactor({ patterns: c.redact.patterns, secretValues: secretValues(t, target.env, input.env) }),
    baseEnv,
    commandEnv: Object.freeze({ ...baseEnv, ...target.env }),
    overrides: Object.freeze([...o.notes]),
    overrideValues: Object.freeze({ ...o.values }),
    chaos: c.chaos,
    protect: Object.freeze(c.chaos.protect.map((p) => path.resolve(loaded.configDir, expand(p, v)))),
    gate: c.gate,
    templates: Object.freeze({ target: t, logs: c.logs }),
    expandCommand: (cmd: CommandLine) => expandCommand(cmd, v),
  });
}

/** The window of signature counts ending at `nowMs`. */
export function windowBounds(bound: Pick<RunBinding, 'windowMinutes'>, nowMs: number): { startMs: number; endMs: number; minutes: number } {
  return { startMs: nowMs - bound.windowMinutes * 60_000, endMs: nowMs, minutes: bound.windowMinutes };
}

/** Flags every profile-reading command may take. */
export interface TargetFlags {
  config?: string;
  demo?: boolean;
  port?: number;
  home?: string;
  windowMinutes?: number;
  commandTimeoutMs?: number;
  /** --state-dir: the scanner's checkpoint directory. */
  stateDir?: string;
}

/** Loads the selected profile and binds it with HUNT_* and the flags: what collect and staging-chaos do. */
export async function bindFromFlags(flags: TargetFlags, ctx: { cwd: string; env: NodeJS.ProcessEnv; cacheProfile?: boolean }): Promise<RunBinding> {
  const stateDir = flags.stateDir ? path.resolve(ctx.cwd, flags.stateDir) : undefined;
  // collect remembers an accepted profile beside its checkpoints (config/profile-cache.ts); other commands validate
  const profileCacheDir = ctx.cacheProfile ? (stateDir ?? defaultStateDir(ctx.env)) : null;
  const loaded = await loadConfig({ config: flags.config, demo: flags.demo, cwd: ctx.cwd, env: ctx.env, profileCacheDir });
  const { port, home, windowMinutes, commandTimeoutMs } = flags;
  return bindRun(loaded, { env: ctx.env, overrides: runOverrides(ctx.env, { port, home, windowMinutes, commandTimeoutMs }, ctx.cwd), stateDir });
}
