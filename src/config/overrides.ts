/**
 * Precedence: defaults < config file < environment < flags. The environment and flags may override a
 * few run-specific values (port, home, window, command timeout); everything else lives in the profile.
 */
import path from 'node:path';
import { ConfigError, UsageError } from '../errors.js';
import type { LoadedConfig } from './load.js';

/** Values the environment or flags may override. */
export interface ConfigOverrides {
  port?: number;
  /** Target home directory (absolute once applied). */
  home?: string;
  windowMinutes?: number;
  commandTimeoutMs?: number;
}

type Key = keyof ConfigOverrides;

/** Environment variables hunt reads (HUNT_CONFIG selects the file; the rest override profile values). */
export const ENV_VARS = {
  config: 'HUNT_CONFIG',
  port: 'HUNT_PORT',
  home: 'HUNT_TARGET_HOME',
  windowMinutes: 'HUNT_WINDOW_MINUTES',
  commandTimeoutMs: 'HUNT_COMMAND_TIMEOUT_MS',
} as const;

const LIMITS: Record<Exclude<Key, 'home'>, { min: number; max: number; field: string }> = {
  port: { min: 1, max: 65535, field: 'target.port' },
  windowMinutes: { min: 1, max: 525_600, field: 'windowMinutes' },
  commandTimeoutMs: { min: 1, max: 86_400_000, field: 'target.commandTimeoutMs' },
};

function parseInteger(text: string, min: number, max: number): number | null {
  const t = text.trim();
  if (!/^\d+$/.test(t)) return null;
  const n = Number(t);
  return n >= min && n <= max ? n : null;
}

/** Parses an integer flag value (commander hands strings); undefined stays undefined; bad input is a UsageError. */
export function parseIntFlag(value: unknown, flag: string, min: number, max: number): number | undefined {
  if (value === undefined || value === null) return undefined;
  const n = parseInteger(String(value), min, max);
  if (n === null) throw new UsageError(`${flag}: expected an integer from ${min} to ${max}, got "${String(value)}"`);
  return n;
}

/** Reads HUNT_* overrides from an environment; empty values count as unset; bad values are a ConfigError. */
export function envOverrides(env: NodeJS.ProcessEnv, cwd: string): ConfigOverrides {
  const out: ConfigOverrides = {};
  for (const key of ['port', 'windowMinutes', 'commandTimeoutMs'] as const) {
    const name = ENV_VARS[key];
    const raw = env[name];
    if (raw === undefined || raw.trim() === '') continue;
    const { min, max } = LIMITS[key];
    const n = parseInteger(raw, min, max);
    if (n === null) {
      throw new ConfigError(`${name}: expected an integer from ${min} to ${max}, got "${raw}"`, { hint: `fix or unset ${name}` });
    }
    out[key] = n;
  }
  const home = env[ENV_VARS.home];
  if (home !== undefined && home.trim() !== '') out.home = path.resolve(cwd, home);
  return out;
}

/**
 * Returns a copy of `loaded` with the given overrides applied; `origin(key)` names where each came from
 * (e.g. "HUNT_PORT" or "--port") and is recorded in `loaded.overrides` for the snapshot and report.
 */
export function applyOverrides(loaded: LoadedConfig, overrides: ConfigOverrides, origin: (key: Key) => string): LoadedConfig {
  const c = loaded.config;
  const target = { ...c.target };
  let windowMinutes = c.windowMinutes;
  const notes = [...(loaded.overrides ?? [])];
  const note = (field: string, value: string | number, key: Key) => notes.push(`${field}=${value} (${origin(key)})`);
  if (overrides.port !== undefined) {
    target.port = overrides.port;
    note('target.port', overrides.port, 'port');
  }
  if (overrides.home !== undefined) {
    target.home = overrides.home;
    note('target.home', overrides.home, 'home');
  }
  if (overrides.commandTimeoutMs !== undefined) {
    target.commandTimeoutMs = overrides.commandTimeoutMs;
    note('target.commandTimeoutMs', overrides.commandTimeoutMs, 'commandTimeoutMs');
  }
  if (overrides.windowMinutes !== undefined) {
    windowMinutes = overrides.windowMinutes;
    note('windowMinutes', overrides.windowMinutes, 'windowMinutes');
  }
  return { ...loaded, config: { ...c, target, windowMinutes }, overrides: notes };
}

/** Applies flag overrides (already parsed) on top of whatever the file and environment gave. */
export function applyFlagOverrides(
  loaded: LoadedConfig,
  flags: { port?: number; home?: string; windowMinutes?: number; commandTimeoutMs?: number },
  cwd: string,
): LoadedConfig {
  const names: Record<Key, string> = { port: '--port', home: '--home', windowMinutes: '--window-minutes', commandTimeoutMs: '--command-timeout-ms' };
  const o: ConfigOverrides = { ...flags, home: flags.home !== undefined ? path.resolve(cwd, flags.home) : undefined };
  return applyOverrides(loaded, o, (k) => names[k]);
}
