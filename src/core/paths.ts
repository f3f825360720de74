/**
 * Reports travel (CI artifacts, issues, another machine): paths in them are relative unless asked otherwise. Pure.
 * A check's artifacts under the out-dir become relative to the out-dir, where the report lies; any other string in
 * artifacts or metadata that is an absolute path under the out-dir or the working directory becomes relative to it
 * (the out-dir itself relative to the working directory). Free text (summaries, evidence) is left as it is.
 */
import path from 'node:path';
import type { HuntReportV1 } from './report-types.js';

export interface PathBases {
  /** Absolute out-dir of the run (where the report is written). */
  outDir: string;
  /** Absolute working directory of the run. */
  cwd: string;
}

const posix = (p: string) => p.split(path.sep).join('/') || '.';
const under = (p: string, dir: string) => p === dir || p.startsWith(dir.endsWith(path.sep) ? dir : `${dir}${path.sep}`);

/** One path made relative per the module rules; anything else is returned as it is. */
export function relativePath(value: string, bases: PathBases): string {
  if (!path.isAbsolute(value) || value.includes('\n')) return value;
  const p = path.normalize(value);
  if (p !== bases.outDir && under(p, bases.outDir)) return posix(path.relative(bases.outDir, p));
  if (under(p, bases.cwd)) return posix(path.relative(bases.cwd, p));
  return value;
}

function walk(value: unknown, bases: PathBases): unknown {
  if (typeof value === 'string') return relativePath(value, bases);
  if (Array.isArray(value)) return value.map((v) => walk(v, bases));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) Object.defineProperty(out, k, { value: walk(v, bases), enumerable: true, writable: true, configurable: true });
    return out;
  }
  return value;
}

/** The report with paths made relative (a copy). */
export function relativizeReport(report: HuntReportV1, bases: PathBases): HuntReportV1 {
  const b = { outDir: path.normalize(bases.outDir), cwd: path.normalize(bases.cwd) };
  const out = structuredClone(report);
  for (const c of out.checks) {
    if (c.artifacts) c.artifacts = c.artifacts.map((a) => relativePath(a, b));
    if (c.metadata) c.metadata = walk(c.metadata, b) as Record<string, unknown>;
  }
  if (out.metadata) out.metadata = walk(out.metadata, b) as Record<string, unknown>;
  return out;
}
