/**
 * Precedence: defaults < config file < environment (HUNT_*) < flags. The environment and flags may override a
 * few run-specific values (port, home, window, command timeout); everything else lives in the profile.
 * The result is a plain value with a note per override naming its origin, so a gate can persist it in its
 * journal and a resume binds exactly what the first run bound.
 */
import path from 'node:path';
import { ConfigError } from '../errors.js';
import { LIMITS, parseIntInRange, rangeMessage } from './limits.js';

/** Values the environment or flags may override. */
export interface ConfigOverrides {
  port?: number;
  /** Target home directory (absolute). */
  home?: string;
  windowMinutes?: number;
  commandTimeoutMs?: number;
}

/** Overrides in force for a run, each with a note such as "target.port=47900 (HUNT_PORT)". */
export interface Overrides {
  values: ConfigOverrides;
  notes: string[];
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

/** The flag that overrides each value (where a command offers it). */
export const FLAG_NAMES: Record<Key, string> = { port: '--port', home: '--home', windowMinutes: '--window-minutes', commandTimeoutMs: '--command-timeout-ms' };

const FIELDS: Record<Key, string> = { port: 'target.port', home: 'target.home', commandTimeoutMs: 'target.commandTimeoutMs', windowMinutes: 'windowMinutes' };
// Notes are written in this order whatever order the sources gave them in.
const ORDER: Key[] = ['port', 'home', 'commandTimeoutMs', 'windowMinutes'];

/** Reads HUNT_* overrides from an environment; empty values count as unset; bad values are a ConfigError. */
export function envOverrides(env: NodeJS.ProcessEnv, cwd: string): ConfigOverrides {
  const out: ConfigOverrides = {};
  for (const key of ['port', 'windowMinutes', 'commandTimeoutMs'] as const) {
    const name = ENV_VARS[key];
    const raw = env[name];
    if (raw === undefined || raw.trim() === '') continue;
    const n = parseIntInRange(raw, LIMITS[key]);
    if (n === null) throw new ConfigError(rangeMessage(name, LIMITS[key], raw), { hint: `fix or unset ${name}` });
    out[key] = n;
  }
  const home = env[ENV_VARS.home];
  if (home !== undefined && home.trim() !== '') out.home = path.resolve(cwd, home);
  return out;
}

/** Layers `values` (from `origin(key)`) over `base`; later layers win, notes accumulate in a fixed order. */
export function layerOverrides(base: Overrides, values: ConfigOverrides, origin: (key: Key) => string): Overrides {
  const merged: ConfigOverrides = { ...base.values };
  const notes = [...base.notes];
  for (const key of ORDER) {
    const v = values[key];
    if (v === undefined) continue;
    (merged as Record<Key, unknown>)[key] = v;
    notes.push(`${FIELDS[key]}=${v} (${origin(key)})`);
  }
  return { values: merged, notes };
}

/** The overrides of a command run: HUNT_* from `env`, then the flags (home resolved against `cwd`). */
export function runOverrides(env: NodeJS.ProcessEnv, flags: ConfigOverrides, cwd: string): Overrides {
  const fromEnv = layerOverrides({ values: {}, notes: [] }, envOverrides(env, cwd), (k) => ENV_VARS[k]);
  const f: ConfigOverrides = { ...flags, home: flags.home === undefined ? undefined : path.resolve(cwd, flags.home) };
  return layerOverrides(fromEnv, f, (k) => FLAG_NAMES[k]);
}
