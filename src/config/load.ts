/**
 * Config discovery and loading: --config <file>, else --demo (bundled sample-gateway profile), else
 * $HUNT_CONFIG, else hunt.config.json in the working directory or its parents. Never silently tests the
 * wrong target: nothing found is exit 2 with a pointer at `hunt init` and `--demo`.
 * Precedence of values: defaults < config file < environment (HUNT_*) < flags (applyFlagOverrides).
 */
import path from 'node:path';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { ConfigError, UsageError } from '../errors.js';
import { pathExists, readJsonFile } from '../runtime/fs.js';
import { configSchema, type HuntConfig } from './schema.js';
import { formatZodIssues } from './issues.js';
import { semanticIssues } from './semantic.js';
import { ENV_VARS, applyOverrides, envOverrides } from './overrides.js';

export const CONFIG_FILE_NAME = 'hunt.config.json';

/** Root of the installed hunt package (holds bin/, profiles/, schemas/, templates/). */
export const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The bundled demo profile (targets the sample gateway). */
export const demoProfilePath = path.join(packageDir, 'profiles', 'sample-gateway.json');

export interface LoadedConfig {
  config: HuntConfig;
  /** The file it came from. */
  file: string;
  /** Directory of that file: relative paths and {configDir} resolve against it. */
  configDir: string;
  demo: boolean;
  /** Values overridden by the environment or flags, e.g. "target.port=47900 (HUNT_PORT)". */
  overrides?: string[];
}

async function discover(startDir: string): Promise<string | null> {
  let dir = path.resolve(startDir);
  for (;;) {
    const candidate = path.join(dir, CONFIG_FILE_NAME);
    if (await pathExists(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

const INVALID_HINT = 'fix the fields above (`hunt schema config` prints the JSON Schema; `hunt validate <file>` re-checks)';

/** Pure: validates parsed JSON as a profile; throws ConfigError listing every `path: message`. */
export function parseConfig(raw: unknown, file: string): HuntConfig {
  // A missing field reads better as "required" than as "expected string, received undefined".
  const res = configSchema.safeParse(raw, { error: (iss) => (iss.code === 'invalid_type' && iss.input === undefined ? 'required' : undefined) });
  if (!res.success) {
    throw new ConfigError(`invalid config ${file}`, { details: formatZodIssues(res.error.issues), hint: INVALID_HINT });
  }
  const semantic = semanticIssues(res.data);
  if (semantic.length) throw new ConfigError(`invalid config ${file}`, { details: formatZodIssues(semantic), hint: INVALID_HINT });
  return res.data;
}

/**
 * Loads the profile selected by flags, then applies HUNT_* environment overrides from `opts.env`
 * (default process.env). `--config` and `--demo` together is a usage error.
 */
export async function loadConfig(opts: { config?: string; demo?: boolean; cwd: string; env?: NodeJS.ProcessEnv }): Promise<LoadedConfig> {
  if (opts.config && opts.demo) throw new UsageError('--config and --demo are mutually exclusive', { hint: 'pick one target' });
  const env = opts.env ?? process.env;
  const fromEnv = env[ENV_VARS.config]?.trim() ? env[ENV_VARS.config]! : undefined;
  const explicit = opts.config ?? (opts.demo ? undefined : fromEnv);
  const what = opts.config ? '--config' : ENV_VARS.config;
  let file: string | null;
  if (explicit) {
    file = path.resolve(opts.cwd, explicit);
    if (!(await pathExists(file))) {
      throw new ConfigError(`${what}: ${file} does not exist`, { hint: 'check the path, or run `hunt init` to write a starter hunt.config.json' });
    }
  } else if (opts.demo) {
    file = demoProfilePath;
  } else {
    file = await discover(opts.cwd);
    if (!file) {
      throw new ConfigError(`no ${CONFIG_FILE_NAME} found in ${opts.cwd} or any parent directory`, {
        hint: 'run `hunt init` to write a starter profile, pass --config <file> (or set HUNT_CONFIG), or use --demo to try the bundled sample gateway',
      });
    }
  }
  const config = parseConfig(await readJsonFile(file, explicit ? what : 'config'), file);
  const loaded: LoadedConfig = { config, file, configDir: path.dirname(file), demo: Boolean(opts.demo), overrides: [] };
  return applyOverrides(loaded, envOverrides(env, opts.cwd), (key) => ENV_VARS[key]);
}

/** Values for placeholders in commands, paths and URLs. */
export interface PlaceholderValues {
  port: number;
  home: string;
  configDir: string;
  upstreamUrl?: string;
}

/** Expands `~` and {port} {home} {configDir} {packageDir} {node} {upstreamUrl} in one string. */
export function expand(text: string, v: PlaceholderValues): string {
  const out = text.replace(/\{(port|home|configDir|packageDir|node|upstreamUrl)\}/g, (_m, key: string) => {
    switch (key) {
      case 'port':
        return String(v.port);
      case 'home':
        return v.home;
      case 'configDir':
        return v.configDir;
      case 'packageDir':
        return packageDir;
      case 'node':
        return process.execPath;
      default:
        return v.upstreamUrl ?? '';
    }
  });
  return out === '~' || out.startsWith('~/') ? path.join(os.homedir(), out.slice(1)) : out;
}

/** Expands a command line (string or argv array). */
export function expandCommand(cmd: string | string[], v: PlaceholderValues): string | string[] {
  return Array.isArray(cmd) ? cmd.map((a) => expand(a, v)) : expand(cmd, v);
}

/** The production home of a profile, absolute. */
export function resolveHome(loaded: LoadedConfig): string {
  const h = expand(loaded.config.target.home, { port: loaded.config.target.port, home: '', configDir: loaded.configDir });
  return path.resolve(loaded.configDir, h);
}
