/**
 * Property-based: the streaming scanner agrees with the naive reference on random logs — random lines and
 * timestamps (ordered or not), lines without timestamps, CRLF, invalid UTF-8, ANSI prefixes, long lines,
 * patterns at chunk and range boundaries (tiny chunk and range sizes put boundaries everywhere).
 * SCAN_PROP_RUNS=<n> runs every property n times (e.g. 3000 before touching the scanner core).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanSignatures } from '../../src/scan/index.js';
import type { ScanResult, ScanSignature, ScanTuning } from '../../src/scan/types.js';
import type { TsSpec } from '../../src/scan/timestamps.js';
import { referenceScan, splitLines, type RefResult, type RefSig } from './scan.reference.js';

const LITERALS = ['ERR', 'FATAL', 'timeout!', 'EADDRINUSE', 'upstream unreachable', 'reload failed', 'ünïcødé', 'Zq'];
const REGEXES = ['fail(ed|ure) \\d+', '^\\s+at ', 'x{2,}y$', '(?<=\\[)warn'];
const T0 = Date.UTC(2024, 2, 10, 12, 0, 0);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'hunt-scan-prop-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function isoVariant(ms: number, v: number): string {
  const iso = new Date(ms).toISOString();
  switch (v % 7) {
    case 0:
      return iso;
    case 1:
      return `${iso.slice(0, 19)}Z`; // whole seconds
    case 2: {
      const local = new Date(ms + 2 * 3600_000).toISOString().slice(0, 23);
      return `${local}+02:00`;
    }
    case 3:
      return iso.replace('T', ' ');
    case 4:
      return `\x1b[32m${iso}`;
    case 5:
      return `${iso.slice(0, 23)}987654Z`; // nanoseconds: truncated to the same millisecond
    default:
      return `\x1b[2m[${iso}]\x1b[0m`;
  }
}

const tokenArb = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('alpha', 'beta', 'request', 'id=42', 'ok', '---', 'x', 'xx', 'y', '[', 'warn') },
  { weight: 2, arbitrary: fc.constantFrom(...LITERALS, 'failed 7', 'failure 12', 'Zq Zq') },
  { weight: 1, arbitrary: fc.constantFrom('\xff', '\xc3', '\xe2\x82', '\r') },
);

interface LineSpec {
  kind: 'ts' | 'plain' | 'empty' | 'bad';
  dt: number;
  variant: number;
  tokens: string[];
  repeat: number;
  crlf: boolean;
}

const lineArb: fc.Arbitrary<LineSpec> = fc.record({
  kind: fc.constantFrom<LineSpec['kind']>('ts', 'ts', 'ts', 'ts', 'plain', 'plain', 'empty', 'bad'),
  dt: fc.integer({ min: 0, max: 5 * 60_000 }),
  variant: fc.nat(),
  tokens: fc.array(tokenArb, { maxLength: 8 }),
  repeat: fc.oneof({ weight: 9, arbitrary: fc.constant(1) }, { weight: 1, arbitrary: fc.integer({ min: 20, max: 200 }) }),
  crlf: fc.boolean(),
});

/** Renders lines as bytes ('latin1' keeps the raw invalid bytes); returns the bytes and the timestamps used. */
function render(lines: LineSpec[], format: 'iso' | 'json' | 'epoch-ms', ordered: boolean): { bytes: Buffer; stamps: number[] } {
  let t = T0;
  const stamps: number[] = [];
  const parts: Buffer[] = [];
  for (const l of lines) {
    t = ordered ? t + l.dt : T0 + ((l.dt * 7919) % (24 * 3600_000));
    const body = Buffer.from(Array.from({ length: l.repeat }, () => l.tokens.join(' ')).join(' '), 'latin1');
    let head = '';
    if (l.kind === 'ts') {
      stamps.push(t);
      if (format === 'iso') head = `${isoVariant(t, l.variant)} `;
      else if (format === 'epoch-ms') head = `${t} `;
    } else if (l.kind === 'plain') head = '    at ';
    else if (l.kind === 'bad') head = format === 'iso' ? '2024-13-01T00:00:00Z ' : '12345 ';
    let line: Buffer;
    if (format === 'json' && l.kind === 'ts') {
      const msg = body
        .toString('latin1')
        .replace(/[^\x20-\x7e]/g, '?')
        .slice(0, 40); // whole line within tsCapBytes
      line = Buffer.from(JSON.stringify(l.variant % 2 ? { time: new Date(t).toISOString(), msg } : { _meta: { ts: t }, msg }), 'latin1');
    } else line = l.kind === 'empty' ? Buffer.alloc(0) : Buffer.concat([Buffer.from(head, 'latin1'), body]);
    parts.push(line, Buffer.from(l.crlf ? '\r\n' : '\n'));
  }
  if (parts.length && lines[lines.length - 1].variant % 3 === 0) parts.pop(); // sometimes no final newline
  return { bytes: Buffer.concat(parts), stamps };
}

const tuningArb: fc.Arbitrary<ScanTuning> = fc.record({
  chunkBytes: fc.constantFrom(512, 520, 1024, 4096),
  tsCapBytes: fc.constant(128),
  sampleBytes: fc.constant(96),
  rangeBytes: fc.constantFrom(undefined, 61, 300, 2000),
  wordFilterMinBytes: fc.constantFrom(0, 0, undefined),
  workers: fc.constant(0),
  wasm: fc.boolean(), // the WebAssembly counter and the JavaScript fallback must agree with the reference
});

function sigsFor(pick: number[], withRegex: boolean): ScanSignature[] {
  const lit = pick.map((i) => LITERALS[i % LITERALS.length]);
  const all = [...new Set(lit)].map((p) => ({ pattern: p, regex: false }));
  if (withRegex) all.push(...REGEXES.map((p) => ({ pattern: p, regex: true })));
  return all.map((s, i) => ({ name: `s${i}`, source: 'app', ...s }));
}

function capped(s: string): string {
  return s.length > 500 ? `${s.slice(0, 499)}…` : s;
}

function compare(got: ScanResult, ref: RefResult, opts: { samples: boolean; totals: boolean }): void {
  // A log whose lines carry no timestamp at all has an unknown window: null, never 0.
  const unknown = ref.lines > 0 && ref.linesNoTs === ref.lines;
  got.signatures.forEach((g, i) => {
    const r = ref.sigs[i];
    expect({ name: g.name, w: g.countWindow, first: g.firstSeen, last: g.lastSeen }).toEqual({
      name: g.name,
      w: unknown ? null : r.countWindow,
      first: r.firstSeen,
      last: r.lastSeen,
    });
    if (opts.totals) expect({ name: g.name, total: g.countTotal }).toEqual({ name: g.name, total: r.countTotal });
    if (opts.samples) expect(g.samples).toEqual(r.samples.map(capped));
  });
  if (opts.totals) {
    expect(got.sources[0].linesTotal).toBe(ref.lines);
    // Timestamps are examined where the window needs them; when that was every line, the stats agree exactly.
    const info = got.sources[0];
    if (info.linesTimestampChecked === ref.lines) expect(info.linesWithoutTimestamp).toBe(ref.linesNoTs);
    else expect(info.linesWithoutTimestamp).toBeLessThanOrEqual(ref.linesNoTs);
  }
}

let seq = 0;
async function runCase(
  files: Buffer[],
  format: TsSpec & { format: 'iso' | 'json' | 'epoch-ms' },
  sigs: ScanSignature[],
  win: [number, number],
  tuning: ScanTuning,
  totals: boolean,
  gzOldest: boolean,
) {
  const base = path.join(dir, `c${++seq}`, 'app.log');
  await mkdir(path.dirname(base), { recursive: true });
  for (let i = 0; i < files.length; i++) {
    const age = files.length - 1 - i; // 0 = live file
    const name = age === 0 ? base : `${base}.${age}${gzOldest && i === 0 ? '.gz' : ''}`;
    await writeFile(name, gzOldest && i === 0 && age > 0 ? gzipSync(files[i]) : files[i]);
  }
  const got = await scanSignatures([{ source: 'app', path: base, rotated: true, timestamp: { format: format.format, field: format.field } }], sigs, {
    windowStartMs: win[0],
    windowEndMs: win[1],
    redact: (t) => t,
    totals,
    tuning,
  });
  const ref = referenceScan(files, sigs as RefSig[], {
    ts: format,
    windowStartMs: win[0],
    windowEndMs: win[1],
    tsCapBytes: tuning.tsCapBytes as number,
    sampleBytes: tuning.sampleBytes as number,
    maxSamples: 3,
  });
  const fits = files.every((f) => splitLines(f).every((l) => l.length + 1 < (tuning.chunkBytes as number)));
  return { got, ref, fits };
}

describe('scanner vs reference (property-based)', () => {
  it('full scan: counts, window, first/last seen, line stats and samples agree', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(lineArb, { maxLength: 60 }), { minLength: 1, maxLength: 3 }),
        fc.constantFrom<'iso' | 'json' | 'epoch-ms'>('iso', 'iso', 'json', 'epoch-ms'),
        fc.boolean(),
        fc.array(fc.nat(), { minLength: 1, maxLength: 8 }),
        fc.tuple(fc.integer({ min: -10, max: 200 }), fc.integer({ min: 0, max: 200 })),
        tuningArb,
        fc.boolean(),
        async (fileLines, format, ordered, pick, [a, len], tuning, gz) => {
          const rendered = fileLines.map((ls) => render(ls, format, ordered));
          const stamps = rendered.flatMap((r) => r.stamps).sort((x, y) => x - y);
          // Windows that start/end exactly on a line's timestamp exercise the inclusive edges.
          const start = stamps.length ? stamps[Math.min(stamps.length - 1, Math.max(0, a))] : T0;
          const end = stamps.length && len < 150 ? stamps[Math.min(stamps.length - 1, Math.max(0, a) + len)] : start + len * 60_000;
          const spec: TsSpec & { format: 'iso' | 'json' | 'epoch-ms' } =
            format === 'json' ? { format: 'json', field: fileLines[0]?.[0]?.variant % 2 ? 'time' : '_meta.ts' } : { format };
          const sigs = sigsFor(pick, format !== 'json');
          const { got, ref, fits } = await runCase(
            rendered.map((r) => r.bytes),
            spec,
            sigs,
            [start, Math.max(start, end)],
            tuning,
            true,
            gz,
          );
          compare(got, ref, { samples: fits, totals: true });
        },
      ),
      { numRuns: Number(process.env.SCAN_PROP_RUNS ?? 150) },
    );
  });

  it('many 7..10-byte literals (the word filter then checks every word) agree too', async () => {
    const mid = ['timeout!', 'EADDRINUSE', 'alpha beta', 'request', 'id=42 ok', 'Zq Zq x', 'failed 7'];
    const sigs: ScanSignature[] = [...mid, 'upstream unreachable'].map((p, i) => ({ name: `m${i}`, source: 'app', pattern: p, regex: false }));
    await fc.assert(
      fc.asyncProperty(fc.array(lineArb, { maxLength: 80 }), tuningArb, async (lines, tuning) => {
        const r = render(lines, 'iso', true);
        const win: [number, number] = [T0, T0 + 3600_000];
        const { got, ref, fits } = await runCase([r.bytes], { format: 'iso' }, sigs, win, { ...tuning, wordFilterMinBytes: 0 }, true, false);
        compare(got, ref, { samples: fits, totals: true });
      }),
      { numRuns: Number(process.env.SCAN_PROP_RUNS ?? 60) },
    );
  });

  it('window-only scan of ordered logs counts the same window', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(lineArb, { maxLength: 80 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 8 }),
        fc.tuple(fc.nat(80), fc.nat(80)),
        tuningArb,
        async (lines, pick, [a, len], tuning) => {
          const r = render(lines, 'iso', true);
          const start = r.stamps.length ? r.stamps[Math.min(r.stamps.length - 1, a)] : T0;
          const end = r.stamps.length ? r.stamps[Math.min(r.stamps.length - 1, a + len)] : T0;
          const { got, ref, fits } = await runCase([r.bytes], { format: 'iso' }, sigsFor(pick, true), [start, end], tuning, false, false);
          compare(got, ref, { samples: fits, totals: false });
          got.signatures.forEach((g) => expect(g.countTotal).toBe(g.countWindow ?? 0));
          expect(got.sources[0].totalsExact).toBe(false);
        },
      ),
      { numRuns: Number(process.env.SCAN_PROP_RUNS ?? 80) },
    );
  });
});
