/**
 * The durable checkpoint of incremental totals: one small JSON file per log source and signature set in the
 * state directory, holding a FilePoint (identity, offset, counts so far) per file of the source. A file
 * written by another hunt version, for another signature set or another path, or that does not parse, is
 * ignored (never trusted): the source is then counted from scratch and the checkpoint rewritten.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { writeJsonAtomic } from '../runtime/fs.js';
import { readStateJson } from '../runtime/open-regular.js';
import type { FilePoint } from './identity.js';
import type { SigSpec } from './params.js';

/** Bump when counting semantics or the file format change: older checkpoints are then ignored. */
export const STATE_VERSION = 1;
const KIND = 'hunt-scan-checkpoint';

export interface SourceCheckpoint {
  kind: typeof KIND;
  version: number;
  /** Hash of the signature set (patterns, regex flags, exclusions, in order) and STATE_VERSION. */
  sigKey: string;
  /** The source's path as configured (a glob or date pattern stays as written). */
  path: string;
  files: FilePoint[];
}

/** Identifies a signature set: any change to a pattern, flag, exclusion or the order gives another key. */
export function sigKey(sigs: SigSpec[]): string {
  const canon = sigs.map((s) => [s.pattern, s.regex, (s.exclude ?? []).map((x) => [x.pattern, x.regex])]);
  return createHash('sha256')
    .update(JSON.stringify([STATE_VERSION, canon]))
    .digest('hex')
    .slice(0, 32);
}

/** The checkpoint file of a source path and signature set inside `stateDir`. */
export function checkpointFile(stateDir: string, sourcePath: string, key: string): string {
  const id = createHash('sha256').update(`${sourcePath}\0${key}`).digest('hex').slice(0, 24);
  return path.join(stateDir, `scan-${id}.json`);
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;

function validPoint(p: unknown, nSigs: number): p is FilePoint {
  const q = p as FilePoint;
  return (
    typeof q === 'object' &&
    q !== null &&
    [q.dev, q.ino, q.size, q.mtimeMs, q.headLen, q.offset, q.tailLen, q.lines].every(isNum) &&
    typeof q.gzip === 'boolean' &&
    typeof q.head === 'string' &&
    typeof q.tail === 'string' &&
    Array.isArray(q.counts) &&
    q.counts.length === nSigs &&
    q.counts.every(isNum)
  );
}

/** The checkpoint for (path, signature set), or null when absent, unreadable or not trustworthy. */
export async function loadCheckpoint(file: string, sourcePath: string, key: string, nSigs: number): Promise<SourceCheckpoint | null> {
  const data = await readStateJson(file);
  const c = data as SourceCheckpoint;
  if (typeof c !== 'object' || c === null || c.kind !== KIND || c.version !== STATE_VERSION || c.sigKey !== key || c.path !== sourcePath) return null;
  if (!Array.isArray(c.files) || !c.files.every((p) => validPoint(p, nSigs))) return null;
  return c;
}

/** Writes the checkpoint atomically (a killed run leaves the previous one intact). */
export async function saveCheckpoint(file: string, sourcePath: string, key: string, files: FilePoint[]): Promise<void> {
  const c: SourceCheckpoint = { kind: KIND, version: STATE_VERSION, sigKey: key, path: sourcePath, files };
  await writeJsonAtomic(file, c);
}
