/**
 * Files and modes: gzip rotation (oldest first), missing and unreadable files, signatures without a source,
 * window-only seek (reads a fraction of the file), unordered files (fall back to a full scan), worker threads
 * over line-aligned ranges, and lines far longer than the read buffer.
 */
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { noRedaction } from '../../src/runtime/redact.js';
import { scanSignatures } from '../../src/scan/index.js';
import { workerScript } from '../../src/scan/pool.js';
import type { ScanOptions, ScanSignature, ScanSource } from '../../src/scan/types.js';
import { referenceScan } from './scan.reference.js';

const DAY = 24 * 3600_000;
const END = Date.UTC(2024, 5, 1);
const SIGS = ['reload failed', 'FATAL', 'upstream unreachable', 'EADDRINUSE'];
const sigs = (source = 'app'): ScanSignature[] => SIGS.map((p, i) => ({ name: `s${i}`, source, pattern: p, regex: false }));

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'hunt-scan-files-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A time-ordered log of `lines` lines from `from` to `to`, with signatures and stack traces sprinkled in. */
function orderedLog(lines: number, from: number, to: number, seed = 1): Buffer {
  let x = seed;
  const rnd = () => (x = (x * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    const ts = new Date(Math.floor(from + ((to - from) * i) / lines)).toISOString();
    const r = rnd();
    if (r < 0.02) out.push(`${ts} ERROR request failed: ${SIGS[Math.floor(rnd() * SIGS.length)]}\n    at handler (app.js:1:1)\n`);
    else out.push(`${ts} INFO served GET /api/items in ${Math.floor(r * 300)}ms\n`);
  }
  return Buffer.from(out.join(''));
}

async function put(rel: string, data: Buffer): Promise<string> {
  const file = path.join(dir, rel);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, data);
  return file;
}

function opts(win: [number, number], extra: Partial<ScanOptions> = {}): ScanOptions {
  return { windowStartMs: win[0], windowEndMs: win[1], redact: noRedaction, ...extra };
}

const refOpts = (win: [number, number]) => ({
  ts: { format: 'iso' as const },
  windowStartMs: win[0],
  windowEndMs: win[1],
  tsCapBytes: 16384,
  sampleBytes: 2000,
  maxSamples: 3,
});

describe('rotation and gzip', () => {
  it('reads x.log.3.gz, x.log.2.gz, x.log.1, x.log oldest first, gzip streamed; rotated:false reads only the live file', async () => {
    const parts = [0, 1, 2, 3].map((k) => orderedLog(400, END - (4 - k) * DAY, END - (3 - k) * DAY, k + 7));
    await put('rot/x.log.3.gz', gzipSync(parts[0]));
    await put('rot/x.log.2.gz', gzipSync(parts[1]));
    await put('rot/x.log.1', parts[2]);
    const live = await put('rot/x.log', parts[3]);
    await put('rot/x.log.old', Buffer.from('not a rotation of x.log: FATAL\n'));
    const win: [number, number] = [END - 3.5 * DAY, END];
    const src: ScanSource = { source: 'app', path: live, rotated: true };
    const r = await scanSignatures([src], sigs(), opts(win));
    expect(r.sources[0].files.map((f) => path.basename(f))).toEqual(['x.log.3.gz', 'x.log.2.gz', 'x.log.1', 'x.log']);
    const ref = referenceScan(parts, sigs(), refOpts(win));
    expect(r.signatures.map((s) => [s.countTotal, s.countWindow])).toEqual(ref.sigs.map((s) => [s.countTotal, s.countWindow]));
    expect(r.signatures[0].countTotal).toBeGreaterThan(0);
    // Window-only: the same window counts.
    const w = await scanSignatures([src], sigs(), opts(win, { totals: false }));
    expect(w.signatures.map((s) => s.countWindow)).toEqual(ref.sigs.map((s) => s.countWindow));
    expect(w.sources[0].files.map((f) => path.basename(f))).toEqual(['x.log.3.gz', 'x.log.2.gz', 'x.log.1', 'x.log']);
    // Archives last modified more than a day before the window are not decompressed; plain files are seeked.
    await utimes(path.join(dir, 'rot/x.log.3.gz'), (END - 3 * DAY) / 1000, (END - 3 * DAY) / 1000);
    await utimes(path.join(dir, 'rot/x.log.2.gz'), (END - 2 * DAY) / 1000, (END - 2 * DAY) / 1000);
    const recent = await scanSignatures([src], sigs(), opts([END - 0.5 * DAY, END], { totals: false }));
    expect(recent.sources[0].files.map((f) => path.basename(f))).toEqual(['x.log.1', 'x.log']);
    const liveOnly = await scanSignatures([{ ...src, rotated: false }], sigs(), opts(win));
    expect(liveOnly.sources[0].files).toEqual([live]);
    expect(liveOnly.signatures.map((s) => s.countTotal)).toEqual(referenceScan([parts[3]], sigs(), refOpts(win)).sigs.map((s) => s.countTotal));
  });
});

describe('rotation edge cases', () => {
  it('detects the format on an older file when the live one was just rotated (empty); a corrupt .gz is an error, not fatal, and makes the window unknown', async () => {
    const old = orderedLog(300, END - 2 * DAY, END - DAY, 11);
    await put('edge/x.log.2.gz', Buffer.from([0x1f, 0x8b, 8, 0, 1, 2, 3, 4, 5, 6, 7]));
    await put('edge/x.log.1', old);
    const live = await put('edge/x.log', Buffer.alloc(0));
    const win: [number, number] = [END - 2 * DAY, END];
    const r = await scanSignatures([{ source: 'app', path: live, rotated: true }], sigs(), opts(win));
    expect(r.sources[0].timestampFormat).toBe('iso');
    expect(r.sources[0].error).toMatch(/x\.log\.2\.gz/);
    expect(r.sources[0].files.map((f) => path.basename(f))).toEqual(['x.log.1', 'x.log']);
    // Totals count what could be read; the window is unknown (null): the archive may hold lines of it.
    const ref = referenceScan([old], sigs(), refOpts(win));
    expect(r.signatures.map((s) => [s.countTotal, s.countWindow])).toEqual(ref.sigs.map((s) => [s.countTotal, null]));
    expect(ref.sigs.some((s) => s.countWindow > 0)).toBe(true);
    expect(r.sources[0]).toMatchObject({ windowKnown: false, totalsExact: false });
  });
});

describe('missing and unreadable inputs are reported, not fatal', () => {
  it('a missing file, a directory, and a signature whose source has no ScanSource', async () => {
    const okFile = await put('ok/app.log', orderedLog(50, END - DAY, END));
    const sources: ScanSource[] = [
      { source: 'gone', path: path.join(dir, 'nope', 'app.log'), rotated: true },
      { source: 'dir', path: dir, rotated: false },
      { source: 'app', path: okFile, rotated: false },
    ];
    const all = [...sigs('gone'), ...sigs('dir'), ...sigs('nosource'), ...sigs('app')];
    const r = await scanSignatures(sources, all, opts([END - DAY, END]));
    expect(r.signatures.map((s) => s.name + s.source)).toEqual(all.map((s) => s.name + s.source));
    expect(r.sources.map((s) => s.source)).toEqual(['gone', 'dir', 'app']);
    expect(r.sources[0]).toMatchObject({ missing: true, files: [], bytesRead: 0 });
    expect(r.sources[1].missing).toBe(false);
    expect(r.sources[1].error).toMatch(/is a directory/);
    // Nothing readable: the window is unknown (null), never a silent 0. A signature without a source has no files to be unknown about.
    expect(r.signatures.filter((s) => s.source === 'gone' || s.source === 'dir').every((s) => s.countTotal === 0 && s.countWindow === null)).toBe(true);
    expect(r.signatures.filter((s) => s.source === 'nosource').every((s) => s.countTotal === 0 && s.countWindow === 0)).toBe(true);
    expect(r.sources[2].missing).toBe(false);
    expect(r.sources[2].error).toBeUndefined();
  });
});

describe('window-only seek', () => {
  it('reads a small fraction of a month-long ordered log and counts the same window as a full scan', async () => {
    const file = await put('seek/app.log', orderedLog(250_000, END - 30 * DAY, END)); // ~16 MB
    const win: [number, number] = [END - 2 * 3600_000, END];
    const full = await scanSignatures([{ source: 'app', path: file, rotated: false }], sigs(), opts(win, { tuning: { workers: 0 } }));
    const seek = await scanSignatures([{ source: 'app', path: file, rotated: false }], sigs(), opts(win, { totals: false }));
    const size = full.sources[0].bytesRead;
    expect(seek.sources[0].seeked).toBe(true);
    expect(seek.sources[0].bytesRead).toBeLessThan(size / 10);
    expect(seek.signatures.map((s) => [s.countWindow, s.firstSeen, s.lastSeen, s.samples])).toEqual(
      full.signatures.map((s) => [s.countWindow, s.firstSeen, s.lastSeen, s.samples]),
    );
    expect(full.signatures.some((s) => (s.countWindow ?? 0) > 0)).toBe(true);
  });

  it('falls back to a full scan when the file is not time-ordered', async () => {
    const a = orderedLog(20_000, END - 30 * DAY, END, 3);
    const b = orderedLog(20_000, END - 60 * DAY, END - 30 * DAY, 4);
    const file = await put('unordered/app.log', Buffer.concat([a, b])); // newer half first
    const win: [number, number] = [END - 2 * DAY, END];
    const seek = await scanSignatures([{ source: 'app', path: file, rotated: false }], sigs(), opts(win, { totals: false }));
    const ref = referenceScan([Buffer.concat([a, b])], sigs(), refOpts(win));
    expect(seek.sources[0].seeked).toBe(false);
    expect(seek.sources[0].bytesRead).toBeGreaterThanOrEqual(a.length + b.length);
    expect(seek.signatures.map((s) => s.countWindow)).toEqual(ref.sigs.map((s) => s.countWindow));
  });

  it('falls back when disorder only shows inside the scanned window region', async () => {
    const head = orderedLog(40_000, END - 30 * DAY, END - DAY, 5);
    const stray = Buffer.from(`${new Date(END - 20 * DAY).toISOString()} ERROR late write: reload failed\n`);
    const tail = orderedLog(2_000, END - DAY, END, 6);
    const cut = tail.indexOf(10, 50_000) + 1;
    const data = Buffer.concat([head, tail.subarray(0, cut), stray, tail.subarray(cut)]);
    const file = await put('late/app.log', data);
    const win: [number, number] = [END - 20 * DAY - 1000, END];
    const seek = await scanSignatures([{ source: 'app', path: file, rotated: false }], sigs(), opts(win, { totals: false }));
    const ref = referenceScan([data], sigs(), refOpts(win));
    expect(seek.sources[0].seeked).toBe(false);
    expect(seek.signatures.map((s) => s.countWindow)).toEqual(ref.sigs.map((s) => s.countWindow));
  });
});

describe('parallel ranges and long lines', () => {
  it('worker threads over line-aligned ranges give the reference counts (stack traces across range starts)', async () => {
    expect(workerScript()).not.toBeNull(); // dist/ is built (npm test builds first)
    const data = orderedLog(60_000, END - 10 * DAY, END, 9);
    const file = await put('par/app.log', data);
    const win: [number, number] = [END - 5 * DAY, END - 2 * DAY];
    const par = await scanSignatures(
      [{ source: 'app', path: file, rotated: false }],
      sigs(),
      opts(win, { tuning: { workers: 2, rangeBytes: 97_003, wordFilterMinBytes: 0 } }),
    );
    const ref = referenceScan([data], sigs(), refOpts(win));
    expect(par.signatures.map((s) => [s.countTotal, s.countWindow, s.firstSeen, s.lastSeen])).toEqual(
      ref.sigs.map((s) => [s.countTotal, s.countWindow, s.firstSeen, s.lastSeen]),
    );
    expect(par.signatures.map((s) => s.samples)).toEqual(ref.sigs.map((s) => s.samples));
    // Timestamps are examined only where the window needs them (the seeked region).
    expect(par.sources[0]).toMatchObject({ linesTotal: ref.lines, seeked: true, windowKnown: true });
    expect(par.sources[0].linesTimestampChecked).toBeLessThan(ref.lines);
    expect(par.sources[0].linesWithoutTimestamp).toBeLessThanOrEqual(ref.linesNoTs);
  });

  it('a multi-MB line with matches at buffer boundaries counts once per line, memory stays bounded', async () => {
    const filler = Buffer.alloc(3 * 1024 * 1024 + 5, 'a');
    for (const off of [1024 * 1024 - 3, 2 * 1024 * 1024 - 10, 3 * 1024 * 1024 - 1]) filler.write('upstream unreachable', off - 1000);
    filler.write('FATAL', 2 * 1024 * 1024 - 2 - 1000);
    const ts = (m: number) => new Date(END - m * 60_000).toISOString();
    const data = Buffer.concat([Buffer.from(`${ts(10)} start\n${ts(5)} big: `), filler, Buffer.from(`\n  trace FATAL\n${ts(1)} reload failed\n`)]);
    const file = await put('long/app.log', data);
    const win: [number, number] = [END - 6 * 60_000, END];
    const r = await scanSignatures([{ source: 'app', path: file, rotated: false }], sigs(), opts(win));
    const ref = referenceScan([data], sigs(), refOpts(win));
    expect(r.signatures.map((s) => [s.countTotal, s.countWindow])).toEqual(ref.sigs.map((s) => [s.countTotal, s.countWindow]));
    expect(r.signatures[2]).toMatchObject({ countTotal: 1, countWindow: 1 });
    expect(r.signatures[1]).toMatchObject({ countTotal: 2, countWindow: 2 });
    expect(r.signatures[2].samples[0].length).toBeLessThanOrEqual(500);
    expect(r.signatures[2].samples[0]).toContain('upstream unreachable');
  });
});
