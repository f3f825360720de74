/**
 * Incremental totals: with a state directory, each run reads only the bytes appended since the last one, and
 * the totals must equal a full rescan (and the reference) after appends, rotations (.1, .2.gz), truncation,
 * copy-truncate, a same-size rewrite, a partially written last line, and must ignore checkpoints written for
 * another signature set, by another version, or corrupted.
 */
import { appendFile, copyFile, mkdir, mkdtemp, readdir, readFile, rename, rm, truncate, unlink, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { noRedaction } from '../../src/runtime/redact.js';
import { scanSignatures } from '../../src/scan/index.js';
import type { ScanResult, ScanSignature, ScanSource } from '../../src/scan/types.js';
import { referenceScan } from './scan.reference.js';

const END = Date.UTC(2024, 5, 1);
const PATTERNS = ['reload failed', 'FATAL', 'upstream unreachable', 'EADDRINUSE'];
const sigs = (patterns = PATTERNS): ScanSignature[] => patterns.map((p, i) => ({ name: `s${i}`, source: 'app', pattern: p, regex: false }));

let dir: string;
let state: string;
let seed = 1;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'hunt-scan-cp-'));
  state = path.join(dir, 'state');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** `n` log lines (signatures sprinkled in), ending with a LF unless `partial`. */
function lines(n: number, partial = false): string {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    const ts = new Date(END - 3600_000 + (seed % 3600_000)).toISOString();
    const r = seed % 100;
    out.push(r < 8 ? `${ts} ERROR ${PATTERNS[r % 4]} on ${seed}` : `${ts} INFO ok ${seed} ${'x'.repeat(seed % 300)}`);
  }
  return out.join('\n') + (partial ? '' : '\n');
}

const src = (live: string): ScanSource => ({ source: 'app', path: live, rotated: true, timestamp: { format: 'iso' } });
const opts = (extra: object = {}) => ({ windowStartMs: END - 3600_000, windowEndMs: END, redact: noRedaction, tuning: { workers: 0 }, ...extra });

/** Scans with the checkpoint, then without, and checks both against the reference over the current files. */
async function check(live: string, s = sigs()): Promise<ScanResult> {
  const inc = await scanSignatures([src(live)], s, opts({ stateDir: state }));
  const full = await scanSignatures([src(live)], s, opts());
  const files = await Promise.all(
    full.sources[0].files.map(async (f) => {
      const b = await readFile(f);
      return b[0] === 0x1f && b[1] === 0x8b ? gunzipSync(b) : b;
    }),
  );
  const ref = referenceScan(files, s, {
    ts: { format: 'iso' },
    windowStartMs: END - 3600_000,
    windowEndMs: END,
    tsCapBytes: 16384,
    sampleBytes: 2000,
    maxSamples: 3,
  });
  expect(inc.signatures.map((x) => x.countTotal)).toEqual(ref.sigs.map((x) => x.countTotal));
  expect(full.signatures.map((x) => x.countTotal)).toEqual(ref.sigs.map((x) => x.countTotal));
  expect(inc.signatures.map((x) => x.countWindow)).toEqual(full.signatures.map((x) => x.countWindow));
  expect(inc.sources[0].linesTotal).toBe(ref.lines);
  return inc;
}

describe('incremental totals equal a full rescan', () => {
  it('across appends, a partial last line, rotation to .1 and .2.gz, truncation, copy-truncate and a same-size rewrite', async () => {
    const live = path.join(dir, 'a', 'x.log');
    await rm(path.dirname(live), { recursive: true, force: true });
    await mkdir(path.dirname(live), { recursive: true });
    await writeFile(live, lines(3000, true)); // the daemon is mid-line
    let r = await check(live);
    expect(r.sources[0].bytesFromCheckpoint).toBe(0);

    await appendFile(live, ` FATAL tail of the partial line\n${lines(500)}`);
    r = await check(live);
    expect(r.sources[0].bytesFromCheckpoint).toBeGreaterThan(100_000);

    await rename(live, `${live}.1`); // rotation: the old file keeps its inode under a new name
    await writeFile(live, lines(200));
    r = await check(live);
    expect(r.sources[0].bytesFromCheckpoint).toBeGreaterThan(100_000);

    await writeFile(`${live}.2.gz`, gzipSync(await readFile(`${live}.1`))); // compress rotation
    await unlink(`${live}.1`);
    await rename(live, `${live}.1`);
    await writeFile(live, lines(100));
    await check(live);
    r = await check(live); // the archive is now known: nothing is decompressed again
    expect(r.sources[0].bytesRead).toBeLessThan(200_000);

    await truncate(live, 0); // truncation, then new content
    await appendFile(live, lines(50));
    await check(live);

    await copyFile(live, `${live}.1`); // copy-truncate: the copy has the content, the live file starts over
    await truncate(live, 0);
    await appendFile(live, lines(20));
    await check(live);

    // Same size, same inode, other content (and another mtime): counted again, not trusted.
    const before = await readFile(live);
    const rewritten = Buffer.from(lines(20));
    const same = Buffer.alloc(before.length, 0x20);
    rewritten.copy(same, 0, 0, Math.min(rewritten.length, same.length));
    same[same.length - 1] = 10;
    await writeFile(live, same);
    await utimes(live, new Date(END), new Date(END));
    await check(live);
  });

  it('ignores a checkpoint of another signature set, of another version, or corrupted', async () => {
    state = path.join(dir, 'state-b'); // its own: the files below are tampered with
    const live = path.join(dir, 'b', 'x.log');
    await mkdir(path.dirname(live), { recursive: true });
    await writeFile(live, lines(2000));
    await check(live);
    const other = sigs(['FATAL', 'EADDRINUSE']);
    const r = await check(live, other);
    expect(r.sources[0].bytesFromCheckpoint).toBe(0); // another set: its own checkpoint, none yet
    expect((await check(live, other)).sources[0].bytesFromCheckpoint).toBeGreaterThan(0);
    const files = (await readdir(state)).filter((f) => f.startsWith('scan-'));
    for (const f of files) {
      const c = JSON.parse(await readFile(path.join(state, f), 'utf8'));
      c.version = 0;
      await writeFile(path.join(state, f), JSON.stringify(c));
    }
    expect((await check(live)).sources[0].bytesFromCheckpoint).toBe(0);
    for (const f of files) await writeFile(path.join(state, f), '{"kind": "hunt-scan-checkpoint", "files": [');
    expect((await check(live, other)).sources[0].bytesFromCheckpoint).toBe(0);
    // Counts tampered with to a wrong length: not trusted either.
    await check(live);
    const cp = (await readdir(state)).filter((f) => f.startsWith('scan-'));
    for (const f of cp) {
      const c = JSON.parse(await readFile(path.join(state, f), 'utf8'));
      for (const p of c.files) p.counts = [1];
      await writeFile(path.join(state, f), JSON.stringify(c));
    }
    expect((await check(live)).sources[0].bytesFromCheckpoint).toBe(0);
  });
});
