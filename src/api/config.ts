/**
 * Config helpers of the programmatic API. A profile is JSON on disk (hunt.config.json); these let a script
 * write one with type checking and check one without running hunt.
 */
import { HuntError } from '../errors.js';
import { parseConfig } from '../config/parse.js';
import type { HuntConfig, HuntConfigInput } from '../config/schema.js';

export type { HuntConfig, HuntConfigInput };

/** Identity with types: `writeFileSync('hunt.config.json', JSON.stringify(defineConfig({...})))` is checked by tsc. */
export function defineConfig(config: HuntConfigInput): HuntConfigInput {
  return config;
}

/** Validates parsed JSON as a profile (schema and cross-field rules): the normalized profile, or every `path: message`. */
export function validateConfig(raw: unknown): { ok: true; config: HuntConfig } | { ok: false; errors: string[] } {
  try {
    return { ok: true, config: parseConfig(raw, '<config>') };
  } catch (err) {
    if (err instanceof HuntError) return { ok: false, errors: err.details.length ? err.details : [err.message] };
    throw err;
  }
}
