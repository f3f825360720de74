/**
 * From a loaded profile to concrete values: placeholders expanded, paths absolute, the environment a
 * target command runs with, and the redactor every excerpt of the target passes through.
 */
import path from 'node:path';
import type { CommandLine } from '../runtime/exec.js';
import { createRedactor, type Redactor } from '../runtime/redact.js';
import type { ScanSource } from '../scan/types.js';
import { expand, expandCommand, resolveHome, type LoadedConfig, type PlaceholderValues } from './load.js';

/** A profile's target with every placeholder expanded. */
export interface ResolvedTarget {
  name: string;
  host: string;
  port: number;
  /** Absolute home directory. */
  home: string;
  healthUrl: string | null;
  healthTimeoutMs: number;
  commandTimeoutMs: number;
  readyTimeoutMs: number;
  commands: {
    version: CommandLine;
    status: CommandLine;
    start: CommandLine;
    stop?: CommandLine;
    restart?: CommandLine;
    update?: CommandLine;
    verify?: CommandLine;
  };
  /** Variables set for target commands: the profile's env (expanded) plus homeEnv/portEnv. */
  env: Record<string, string>;
}

/** Placeholder values of a profile (port and home already overridden, if they were). */
export function placeholderValues(loaded: LoadedConfig, opts: { upstreamUrl?: string } = {}): PlaceholderValues {
  return { port: loaded.config.target.port, home: resolveHome(loaded), configDir: loaded.configDir, upstreamUrl: opts.upstreamUrl };
}

/** Expands every command, URL and env value of the profile's target. */
export function resolveTarget(loaded: LoadedConfig, opts: { upstreamUrl?: string } = {}): ResolvedTarget {
  const t = loaded.config.target;
  const v = placeholderValues(loaded, opts);
  const cmd = (c: CommandLine | undefined) => (c === undefined ? undefined : expandCommand(c, v));
  const env: Record<string, string> = {};
  for (const key of Object.keys(t.env).sort()) env[key] = expand(t.env[key], v);
  if (t.homeEnv) env[t.homeEnv] = v.home;
  if (t.portEnv) env[t.portEnv] = String(v.port);
  return {
    name: t.name,
    host: t.host,
    port: v.port,
    home: v.home,
    healthUrl: t.healthUrl ? expand(t.healthUrl, v) : null,
    healthTimeoutMs: t.healthTimeoutMs,
    commandTimeoutMs: t.commandTimeoutMs,
    readyTimeoutMs: t.readyTimeoutMs,
    commands: {
      version: cmd(t.versionCommand)!,
      status: cmd(t.statusCommand)!,
      start: cmd(t.startCommand)!,
      stop: cmd(t.stopCommand),
      restart: cmd(t.restartCommand),
      update: cmd(t.updateCommand),
      verify: cmd(t.verifyCommand),
    },
    env,
  };
}

/** The environment a target command runs with: the inherited one, overridden by the profile's. */
export function commandEnv(target: ResolvedTarget, base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...base, ...target.env };
}

/** The profile's log sources as scanner input: paths expanded and absolute (relative to the config file). */
export function resolveLogSources(loaded: LoadedConfig): ScanSource[] {
  const v = placeholderValues(loaded);
  return loaded.config.logs.map((l) => ({
    source: l.source,
    path: path.resolve(loaded.configDir, expand(l.path, v)),
    rotated: l.rotated,
    ...(l.timestamp ? { timestamp: { format: l.timestamp.format, field: l.timestamp.field, regex: l.timestamp.regex } } : {}),
  }));
}

/** Values of the env vars the profile marks secret, from the profile's env and from `env`. */
export function secretValues(loaded: LoadedConfig, env: NodeJS.ProcessEnv): string[] {
  const t = loaded.config.target;
  const out = new Set<string>();
  for (const name of t.secretEnv) {
    for (const value of [t.env[name], env[name]]) if (value) out.add(value);
  }
  return [...out].sort();
}

/** The redactor for everything that leaves the target: built-ins + profile patterns + secret env values. */
export function profileRedactor(loaded: LoadedConfig, env: NodeJS.ProcessEnv): Redactor {
  return createRedactor({ patterns: loaded.config.redact.patterns, secretValues: secretValues(loaded, env) });
}
