/**
 * ajv set-up and the one formatter that turns its errors into `path: message` lines (the same shape as
 * config errors), e.g. `/checks/3/status: must be one of pass, warn, fail, skip`.
 */
import type { Ajv2020, ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import { createRequire } from 'node:module';
import { loadSchemaSource, sourceHash, type SchemaName } from './assets.js';
import { precompiled } from './precompiled.js';

/**
 * ajv itself is loaded only to compile (a schema the CLI bundle does not carry precompiled, or the per-file API): with
 * the validators compiled at build time, a render or a gate never needs it, and it was ~300 KB of every one's
 * start-up. Through require (ajv is CommonJS): compiling is synchronous for its callers.
 */
function ajvLib(): { Ajv2020: typeof Ajv2020; addFormats: (ajv: Ajv2020) => Ajv2020 } {
  const req = createRequire(import.meta.url);
  const addFormatsModule = req('ajv-formats') as { default?: unknown };
  return {
    Ajv2020: (req('ajv/dist/2020.js') as { Ajv2020: typeof Ajv2020 }).Ajv2020,
    addFormats: (addFormatsModule.default ?? addFormatsModule) as (ajv: Ajv2020) => Ajv2020,
  };
}

/** Compiles a JSON Schema with every error reported (allErrors) and real format checks (scripts/precompile.mjs: the same options). */
export function compile(schema: Record<string, unknown>): ValidateFunction {
  const { Ajv2020: Ajv, addFormats } = ajvLib();
  const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
  addFormats(ajv);
  return ajv.compile(schema);
}

const shipped = new Map<SchemaName, ValidateFunction>();

/**
 * The validator of a shipped schema: the build-time one when the CLI bundle carries it for this very schema text
 * (see precompiled.ts), else compiled now. Once per process either way.
 */
export function shippedValidator(name: SchemaName): ValidateFunction {
  let v = shipped.get(name);
  if (!v) {
    const { text, schema } = loadSchemaSource(name);
    const pre = precompiled?.validators[name];
    v = pre && pre.sha256 === sourceHash(text) ? pre.validate : compile(schema);
    shipped.set(name, v);
  }
  return v;
}

/** At most this many violation lines are printed; the rest are counted. */
export const MAX_ERRORS = 100;

const FORMAT_HINT: Record<string, string> = {
  'date-time': 'must be an RFC 3339 date-time (e.g. 2026-01-31T12:00:00Z)',
  date: 'must be a date YYYY-MM-DD',
  uri: 'must be an absolute URI (e.g. https://github.com/org/repo/issues/1)',
};

function show(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function message(e: ErrorObject): { path: string; text: string } {
  const at = e.instancePath || '';
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'enum':
      return { path: at, text: `must be one of ${(p.allowedValues as unknown[]).map(show).join(', ')}` };
    case 'const':
      return { path: at, text: `must be ${JSON.stringify(p.allowedValue)}` };
    case 'required':
      return { path: `${at}/${String(p.missingProperty)}`, text: 'is required' };
    case 'additionalProperties':
      return { path: `${at}/${String(p.additionalProperty)}`, text: 'is not allowed (unknown property)' };
    case 'format':
      return { path: at, text: FORMAT_HINT[String(p.format)] ?? `must match format "${String(p.format)}"` };
    case 'minLength':
      return { path: at, text: p.limit === 1 ? 'must not be empty' : `must be at least ${String(p.limit)} characters` };
    case 'minProperties':
      return { path: at, text: `must have at least ${String(p.limit)} propert${p.limit === 1 ? 'y' : 'ies'}` };
    default:
      return { path: at, text: e.message ?? e.keyword };
  }
}

/** Shows control characters (e.g. in a property name) as \\uXXXX so they never reach a terminal raw. */
export function printable(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Sort key of a JSON pointer: numeric segments compare as numbers so /checks/3 precedes /checks/10. */
function comparePointers(a: string, b: string): number {
  const as = a.split('/');
  const bs = b.split('/');
  for (let i = 0; i < Math.min(as.length, bs.length); i++) {
    if (as[i] === bs[i]) continue;
    const na = /^\d+$/.test(as[i]) ? Number(as[i]) : NaN;
    const nb = /^\d+$/.test(bs[i]) ? Number(bs[i]) : NaN;
    if (!Number.isNaN(na) && !Number.isNaN(nb)) return na - nb;
    return as[i] < bs[i] ? -1 : 1;
  }
  return as.length - bs.length;
}

/**
 * One `path: message` line per violation, sorted by path, de-duplicated. The branches of a failed anyOf
 * are folded into one line ("must be X or must be Y") instead of one line per branch plus a summary.
 */
export function formatAjvErrors(errors: ErrorObject[] | null | undefined): string[] {
  const list = errors ?? [];
  const anyOfs = list.filter((e) => e.keyword === 'anyOf');
  const lines: Array<{ path: string; text: string }> = [];
  for (const e of list) {
    if (e.keyword === 'anyOf') continue;
    if (anyOfs.some((a) => e.schemaPath.startsWith(`${a.schemaPath}/`) && e.instancePath === a.instancePath)) continue;
    lines.push(message(e));
  }
  for (const a of anyOfs) {
    const branches = list.filter((e) => e !== a && e.schemaPath.startsWith(`${a.schemaPath}/`) && e.instancePath === a.instancePath);
    const texts = [...new Set(branches.map((b) => message(b).text))];
    lines.push({ path: a.instancePath, text: texts.length ? texts.join(' or ') : 'must match one of the allowed shapes' });
  }
  const seen = new Set<string>();
  const out: Array<{ path: string; text: string }> = [];
  for (const l of lines) {
    const key = `${l.path || '/'}: ${l.text}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push({ path: l.path || '/', text: l.text });
    }
  }
  out.sort((x, y) => comparePointers(x.path, y.path) || (x.text < y.text ? -1 : x.text > y.text ? 1 : 0));
  return out.map((l) => printable(`${l.path}: ${l.text}`));
}

/** Caps a violation list for printing: the first MAX_ERRORS lines and a count of the rest. */
export function capErrors(lines: string[]): string[] {
  if (lines.length <= MAX_ERRORS) return lines;
  return [...lines.slice(0, MAX_ERRORS), `... and ${lines.length - MAX_ERRORS} more violation(s)`];
}
