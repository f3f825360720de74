/**
 * `${VAR}` in target.env values: a daemon that needs a newer Node than hunt's prepends its bin directory to
 * the inherited PATH (`"PATH": "/opt/node24/bin:${PATH}"`) instead of freezing a copy of PATH in the profile.
 * Only the inherited environment is read (never another target.env entry), so the order of keys never
 * matters. An unset variable without a default is a config error: an empty PATH would fail obscurely later.
 */
import { ConfigError } from '../errors.js';
import { expand, type PlaceholderValues } from './placeholders.js';

const REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/** Pure: the syntax problem of a value's `${...}` references, or null (an unclosed or malformed reference). */
export function envRefProblem(value: string): string | null {
  const rest = value.replace(REF, '');
  const bad = /\$\{[^}]*\}?/.exec(rest);
  return bad ? `malformed reference "${bad[0]}" (write \${NAME} or \${NAME:-default}, NAME = letters, digits, _)` : null;
}

/**
 * Pure: expands `${VAR}` / `${VAR:-default}` from `vars` and the placeholders of `v` in the literal parts only
 * (a PATH that happens to contain "{home}" stays as it is). Throws ConfigError naming `field` for an unset variable.
 */
export function expandEnvValue(value: string, v: PlaceholderValues, vars: Readonly<NodeJS.ProcessEnv>, field: string): string {
  let out = '';
  let last = 0;
  for (const m of value.matchAll(REF)) {
    out += expand(value.slice(last, m.index), v);
    const got = vars[m[1]];
    if (got !== undefined && got !== '') out += got;
    else if (m[2] !== undefined) out += expand(m[2], v);
    else {
      throw new ConfigError(`${field}: \${${m[1]}} is not set in the environment hunt runs in`, {
        hint: `export ${m[1]} before running hunt, or give a default: \${${m[1]}:-value}`,
      });
    }
    last = m.index + m[0].length;
  }
  return out + (last === 0 ? expand(value, v) : expand(value.slice(last), v));
}
