/**
 * Config discovery and loading: --config <file>, else --demo (bundled sample-gateway profile), else
 * $HUNT_CONFIG, else hunt.config.json in the working directory or its parents. Never silently tests the
 * wrong target: nothing found is exit 2 with a pointer at `hunt init` and `--demo`.
 * The loaded profile is only the file's content: overrides and expansion happen once, in bind.ts.
 */
import path from 'node:path';
import { ConfigError, UsageError } from '../errors.js';
import { parseJsonText, pathExists, readTextFile } from '../runtime/fs.js';
import type { HuntConfig } from './schema.js';
import { cachedProfile, profileCacheKey, rememberProfile } from './profile-cache.js';
import { ENV_VARS } from './overrides.js';
import { demoProfilePath } from './package.js';

export const CONFIG_FILE_NAME = 'hunt.config.json';

/** A validated profile and where it came from. */
export interface LoadedConfig {
  readonly config: HuntConfig;
  /** The file it came from. */
  readonly file: string;
  /** Directory of that file: relative paths and {configDir} resolve against it. */
  readonly configDir: string;
  readonly demo: boolean;
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

/** Loads the profile selected by flags (or HUNT_CONFIG in `opts.env`). `--config` and `--demo` together is a usage error. */
export async function loadConfig(opts: {
  config?: string;
  demo?: boolean;
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** Where an accepted profile may be remembered (collect's state directory); none: always validate. */
  profileCacheDir?: string | null;
}): Promise<LoadedConfig> {
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
  const label = explicit ? what : 'config';
  const text = await readTextFile(file, label);
  const key = opts.profileCacheDir ? profileCacheKey(text, opts.profileCacheDir, env) : null;
  let config = key ? await cachedProfile(key) : null;
  if (!config) {
    const { parseConfig } = await import('./parse.js');
    config = parseConfig(parseJsonText(text, file, label), file);
    if (key) await rememberProfile(key, config);
  }
  return { config, file, configDir: path.dirname(file), demo: Boolean(opts.demo) };
}
