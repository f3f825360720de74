/**
 * Validation of a profile's parsed JSON: the zod schema, then the semantic checks. Its own module because the
 * schema is the largest part of hunt's start-up (zod and the schema it builds): loadConfig imports it only when
 * the profile is not in the validated-profile cache (profile-cache.ts).
 */
import { ConfigError } from '../errors.js';
import { configSchema, type HuntConfig } from './schema.js';
import { formatZodIssues } from './issues.js';
import { semanticIssues } from './semantic.js';

const INVALID_HINT = 'fix the fields above (`hunt schema config` prints the JSON Schema; `hunt validate <file>` re-checks)';

/** Pure: validates parsed JSON as a profile; throws ConfigError listing every `path: message`. */
export function parseConfig(raw: unknown, file: string): HuntConfig {
  // A missing field reads better as "required" than as "expected string, received undefined".
  // jitless: a profile is parsed once per run, and generating zod's compiled fast path cost more (~20 ms) than it saves.
  const res = configSchema.safeParse(raw, {
    jitless: true,
    error: (iss) => (iss.code === 'invalid_type' && iss.input === undefined ? 'required' : undefined),
  });
  if (!res.success) {
    throw new ConfigError(`invalid config ${file}`, { details: formatZodIssues(res.error.issues), hint: INVALID_HINT });
  }
  const semantic = semanticIssues(res.data);
  if (semantic.length) throw new ConfigError(`invalid config ${file}`, { details: formatZodIssues(semantic), hint: INVALID_HINT });
  return res.data;
}
