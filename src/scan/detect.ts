/**
 * Resolves a source's timestamp spec: what the profile names, or (format 'auto', or 'json' without a field)
 * the format that matches the most lines of a sample from the head of the newest file.
 */
import { createTsReader, type TsSpec } from './timestamps.js';
import { AUTO_ORDER, presetOf, PRESETS, type Preset, type PresetName } from './ts-presets.js';
import type { ScanSource } from './types.js';
import { zlib } from '../runtime/builtin.js';
import { openRegular, regularReadStream } from '../runtime/open-regular.js';

const SAMPLE_BYTES = 64 * 1024;
const SAMPLE_LINES = 200;
/** Top-level JSON fields tried by auto-detection, in order of preference on ties. */
export const JSON_TIME_FIELDS = ['time', 'timestamp', 'ts', 'date', '@timestamp'];

/** Reads up to 64 KiB from the head of a file (gunzipping when it is gzip). */
export async function readHead(path: string, gzip: boolean): Promise<Buffer> {
  if (!gzip) {
    const fh = await openRegular(path);
    try {
      const buf = Buffer.allocUnsafe(SAMPLE_BYTES);
      const { bytesRead } = await fh.read(buf, 0, SAMPLE_BYTES, 0);
      return buf.subarray(0, bytesRead);
    } finally {
      await fh.close();
    }
  }
  const parts: Buffer[] = [];
  let total = 0;
  const raw = await regularReadStream(path);
  const gunzip = zlib().createGunzip();
  raw.pipe(gunzip);
  raw.on('error', (err) => gunzip.destroy(err));
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      parts.push(chunk);
      total += chunk.length;
      if (total >= SAMPLE_BYTES) break;
    }
  } catch {
    // A truncated or corrupt archive still yields its readable head; the scan reports the error.
  } finally {
    raw.destroy();
    gunzip.destroy();
  }
  return Buffer.concat(parts).subarray(0, SAMPLE_BYTES);
}

function countHits(head: Buffer, spec: TsSpec, cap: number): { hits: number; lines: number } {
  const reader = createTsReader(spec, cap);
  let hits = 0;
  let lines = 0;
  for (let s = 0; s < head.length && lines < SAMPLE_LINES; lines++) {
    let e = head.indexOf(10, s);
    if (e < 0) e = head.length;
    if (reader.has(head, s, Math.min(e, s + cap))) hits++;
    s = e + 1;
  }
  return { hits, lines };
}

/** The spec of a preset, with the source's zone and the reference time of year-less stamps. */
export function presetSpec(name: PresetName, zone: string | undefined, refMs: number): TsSpec {
  const p: Preset = PRESETS[name];
  const extra = { ...(zone ? { zone } : {}), preset: name };
  if (!p.patterns) return { format: 'iso', skip: p.skip === 'start' ? undefined : p.skip, ...extra };
  // A boundary after the stamp, unless the pattern itself ends with a literal (nginx's " [").
  return { format: 'pattern', patterns: p.patterns, skip: p.skip, boundary: p.patterns.every((x) => /%[a-zA-Z]$/.test(x)), refMs, ...extra };
}

/**
 * The spec to scan with; `head` is a sample of the source (empty when nothing could be read). `refMs` is the
 * reference time of year-less stamps (the window end).
 */
export function resolveTsSpec(ts: ScanSource['timestamp'], head: Buffer, cap: number, refMs = Date.now()): TsSpec {
  const format = ts?.format ?? 'auto';
  const zone = ts?.timezone;
  const z = zone ? { zone } : {};
  if (format === 'iso' || format === 'epoch-ms') return { format, ...z };
  if (format === 'regex') return { format, regex: ts?.regex, ...(ts?.pattern ? { patterns: [ts.pattern] } : {}), refMs, ...z };
  if (format === 'pattern') return { format, patterns: ts?.pattern ? [ts.pattern] : [], refMs, ...z };
  const preset = presetOf(format);
  if (preset) return presetSpec(preset, zone, refMs);
  if (format === 'json' && ts?.field) return { format, field: ts.field, ...z };
  const jsonCandidates = (ts?.field ? [ts.field] : JSON_TIME_FIELDS).map((field): TsSpec => ({ format: 'json', field, ...z }));
  // On equal hits the earlier wins: presets that need more context first, ISO before the presets it reads alike.
  const candidates: TsSpec[] =
    format === 'json'
      ? jsonCandidates
      : [
          ...AUTO_ORDER.map((n) => presetSpec(n, zone, refMs)),
          { format: 'iso', ...z },
          presetSpec('rfc5424', zone, refMs),
          ...jsonCandidates,
          { format: 'epoch-ms' },
        ];
  let best: TsSpec | null = null;
  let bestHits = 0;
  for (const spec of candidates) {
    const { hits, lines } = countHits(head, spec, cap);
    if (hits > bestHits) {
      best = spec;
      bestHits = hits;
    }
    // Every sampled line matched: a later candidate can at best tie, and ties go to the earlier one.
    if (hits === lines && hits > 0) break;
  }
  if (best) return best;
  return format === 'json' ? { format: 'json', field: 'time', ...z } : { format: 'none' };
}
