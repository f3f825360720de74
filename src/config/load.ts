/**
 * Config discovery and loading: --config <file>, else --demo (bundled sample-gateway profile), else
 * hunt.config.json in the working directory or its parents. Never silently tests the wrong target:
 * nothing found is exit 2 with a pointer at `hunt init` and `--demo`.
 */
import path from 'node:path';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { ConfigError, UsageError } from '../errors.js';
import { pathExists, readJsonFile } from '../runtime/fs.js';
import { configSchema, type HuntConfig } from './schema.js';
import { formatZodIssues } from './issues.js';

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

/** Pure: validates parsed JSON as a profile; throws ConfigError listing every `path: message`. */
export function parseConfig(raw: unknown, file: string): HuntConfig {
  const res = configSchema.safeParse(raw);
  if (!res.success) {
    throw new ConfigError(`invalid config ${file}`, {
      details: formatZodIssues(res.error.issues),
      hint: 'fix the fields above (`hunt schema config` prints the JSON Schema; `hunt validate <file>` re-checks)',
    });
  }
  return res.data;
}

/** Loads the profile selected by flags. `opts.config` wins over `opts.demo`; both is a usage error. */
export async function loadConfig(opts: { config?: string; demo?: boolean; cwd: string }): Promise<LoadedConfig> {
  if (opts.config && opts.demo) throw new UsageError('--config and --demo are mutually exclusive', { hint: 'pick one target' });
  let file: string | null;
  if (opts.config) {
    file = path.resolve(opts.cwd, opts.config);
    if (!(await pathExists(file))) {
      throw new ConfigError(`--config: ${file} does not exist`, { hint: 'check the path, or run `hunt init` to write a starter hunt.config.json' });
    }
  } else if (opts.demo) {
    file = demoProfilePath;
  } else {
    file = await discover(opts.cwd);
    if (!file) {
      throw new ConfigError(`no ${CONFIG_FILE_NAME} found in ${opts.cwd} or any parent directory`, {
        hint: 'run `hunt init` to write a starter profile, pass --config <file>, or use --demo to try the bundled sample gateway',
      });
    }
  }
  const config = parseConfig(await readJsonFile(file, opts.config ? '--config' : 'config'), file);
  return { config, file, configDir: path.dirname(file), demo: Boolean(opts.demo) };
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
      case 'port': return String(v.port);
      case 'home': return v.home;
      case 'configDir': return v.configDir;
      case 'packageDir': return packageDir;
      case 'node': return process.execPath;
      default: return v.upstreamUrl ?? '';
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
