/**
 * Merging partial results (files oldest first, ranges in file order) into per-signature counts, and the final
 * shaping: ISO first/last seen, redacted and length-capped samples.
 */
import type { Redactor } from '../runtime/redact.js';
import type { PartialResult, SigPartial } from './params.js';
import type { SignatureCount, SourceScanInfo } from './types.js';

/** Characters a sample keeps after redaction. */
export const SAMPLE_CHARS = 500;

/** Zeroed per-signature accumulator. */
export function emptySig(): SigPartial {
  return { total: 0, window: 0, minTs: null, maxTs: null, samples: [] };
}

/** Adds `p` (which comes after everything already in `a`, in file order) into `a`. */
export function mergeSig(a: SigPartial, p: SigPartial, maxSamples: number): void {
  a.total += p.total;
  a.window += p.window;
  if (p.minTs !== null && (a.minTs === null || p.minTs < a.minTs)) a.minTs = p.minTs;
  if (p.maxTs !== null && (a.maxTs === null || p.maxTs > a.maxTs)) a.maxTs = p.maxTs;
  for (const s of p.samples) if (a.samples.length < maxSamples) a.samples.push(s);
}

/** Adds a file's or range's partial result into the source's accumulators and stats. */
export function addPartial(acc: SigPartial[], info: SourceScanInfo, part: PartialResult, maxSamples: number): void {
  part.sigs.forEach((p, i) => mergeSig(acc[i], p, maxSamples));
  info.linesTimestampChecked += part.lines;
  info.linesWithoutTimestamp += part.linesNoTs;
  info.bytesRead += part.bytesRead;
}

/** Redacts first, then caps, so a secret is never cut into a shape the redactor no longer recognises. */
export function finishSample(text: string, redact: Redactor): string {
  const red = redact(text);
  return red.length > SAMPLE_CHARS ? `${red.slice(0, SAMPLE_CHARS - 1)}…` : red;
}

/** The public per-signature record. */
export function toSignatureCount(name: string, source: string, acc: SigPartial, totals: boolean, windowKnown: boolean, redact: Redactor): SignatureCount {
  return {
    name,
    source,
    countWindow: windowKnown ? acc.window : null,
    countTotal: totals ? acc.total : acc.window,
    firstSeen: acc.minTs === null ? null : new Date(acc.minTs).toISOString(),
    lastSeen: acc.maxTs === null ? null : new Date(acc.maxTs).toISOString(),
    samples: acc.samples.map((s) => finishSample(s, redact)),
  };
}
