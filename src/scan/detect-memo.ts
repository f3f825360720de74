/**
 * Timestamp detection remembered in the state directory. Detecting a source's format tries up to 15 candidate
 * formats on 200 lines of the newest file's head, on cold code: a tenth of a `hunt collect` that finds nothing new
 * in its logs. The winner depends only on those head bytes and on what the profile says (format, zone, field), so
 * the choice is stored under a hash of exactly those and reused while the head is unchanged; the spec itself is
 * rebuilt from the choice for this run (the zone, the reference time of year-less stamps). A memo that is
 * missing, unreadable or not one hunt wrote is a miss: detection runs as before.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { writeJsonAtomic } from '../runtime/fs.js';
import { readStateJson } from '../runtime/open-regular.js';
import { presetSpec } from './detect.js';
import type { TsSpec } from './timestamps.js';
import { PRESETS, type PresetName } from './ts-presets.js';
import type { ScanSource } from './types.js';

/** Bump when detection's candidates or their order change: older memos are then ignored. */
const DETECT_VERSION = 1;

type Choice = { kind: 'preset'; name: PresetName } | { kind: 'iso' } | { kind: 'json'; field: string } | { kind: 'epoch-ms' } | { kind: 'none' };

/** The memo file of a detection input (profile's timestamp settings, cap, head bytes) in `stateDir`. */
export function detectMemoFile(stateDir: string, ts: ScanSource['timestamp'], cap: number, head: Buffer): string {
  const id = createHash('sha256')
    .update(JSON.stringify([DETECT_VERSION, ts ?? null, cap]))
    .update('\0')
    .update(head)
    .digest('hex')
    .slice(0, 32);
  return path.join(stateDir, `detect-${id}.json`);
}

function choiceOf(spec: TsSpec): Choice {
  if (spec.preset) return { kind: 'preset', name: spec.preset as PresetName };
  if (spec.format === 'iso' || spec.format === 'epoch-ms' || spec.format === 'none') return { kind: spec.format };
  if (spec.format === 'json' && spec.field) return { kind: 'json', field: spec.field };
  return { kind: 'none' };
}

/** The spec a remembered choice stands for in this run; null for anything that is not a valid choice. */
function specOf(c: unknown, ts: ScanSource['timestamp'], refMs: number): TsSpec | null {
  const x = c as Choice;
  const z = ts?.timezone ? { zone: ts.timezone } : {};
  if (typeof x !== 'object' || x === null) return null;
  if (x.kind === 'preset' && typeof x.name === 'string' && Object.hasOwn(PRESETS, x.name)) return presetSpec(x.name, ts?.timezone, refMs);
  if (x.kind === 'iso') return { format: 'iso', ...z };
  if (x.kind === 'json' && typeof x.field === 'string' && x.field) return { format: 'json', field: x.field, ...z };
  if (x.kind === 'epoch-ms') return { format: 'epoch-ms' };
  if (x.kind === 'none') return { format: 'none' };
  return null;
}

/** The remembered detection for `file`, or null (then detect). */
export async function recallDetection(file: string, ts: ScanSource['timestamp'], refMs: number): Promise<TsSpec | null> {
  const data = (await readStateJson(file)) as { kind?: unknown; choice?: unknown } | null;
  return data?.kind === 'hunt-detect' ? specOf(data.choice, ts, refMs) : null;
}

/** Remembers a detection; a state directory that cannot be written is simply not used. */
export async function rememberDetection(file: string, spec: TsSpec): Promise<void> {
  try {
    await writeJsonAtomic(file, { kind: 'hunt-detect', choice: choiceOf(spec) });
  } catch {
    /* read-only state directory: detection runs again next time */
  }
}
