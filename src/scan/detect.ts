/**
 * Resolves a source's timestamp spec: what the profile names, or (format 'auto', or 'json' without a field)
 * the format that matches the most lines of a sample from the head of the newest file.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { createTsReader, type TsSpec } from './timestamps.js';
import type { ScanSource } from './types.js';

const SAMPLE_BYTES = 64 * 1024;
const SAMPLE_LINES = 200;
/** Top-level JSON fields tried by auto-detection, in order of preference on ties. */
export const JSON_TIME_FIELDS = ['time', 'timestamp', 'ts', 'date', '@timestamp'];

/** Reads up to 64 KiB from the head of a file (gunzipping when it is gzip). */
export async function readHead(path: string, gzip: boolean): Promise<Buffer> {
  if (!gzip) {
    const fh = await open(path, 'r');
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
  const raw = createReadStream(path);
  const gunzip = createGunzip();
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

function countHits(head: Buffer, spec: TsSpec, cap: number): number {
  const reader = createTsReader(spec, cap);
  let hits = 0;
  let lines = 0;
  for (let s = 0; s < head.length && lines < SAMPLE_LINES; lines++) {
    let e = head.indexOf(10, s);
    if (e < 0) e = head.length;
    if (reader.has(head, s, Math.min(e, s + cap))) hits++;
    s = e + 1;
  }
  return hits;
}

/** The spec to scan with; `head` is a sample of the source (empty when nothing could be read). */
export function resolveTsSpec(ts: ScanSource['timestamp'], head: Buffer, cap: number): TsSpec {
  const format = ts?.format ?? 'auto';
  if (format === 'iso' || format === 'epoch-ms') return { format };
  if (format === 'regex') return { format, regex: ts?.regex };
  if (format === 'json' && ts?.field) return { format, field: ts.field };
  const jsonCandidates = (ts?.field ? [ts.field] : JSON_TIME_FIELDS).map((field): TsSpec => ({ format: 'json', field }));
  const candidates: TsSpec[] = format === 'json' ? jsonCandidates : [{ format: 'iso' }, ...jsonCandidates, { format: 'epoch-ms' }];
  let best: TsSpec | null = null;
  let bestHits = 0;
  for (const spec of candidates) {
    const hits = countHits(head, spec, cap);
    if (hits > bestHits) {
      best = spec;
      bestHits = hits;
    }
  }
  if (best) return best;
  return format === 'json' ? { format: 'json', field: 'time' } : { format: 'none' };
}
