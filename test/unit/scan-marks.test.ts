/**
 * Marks and appended bytes (the gate's "errors logged during the change" and chaos' "logged after the
 * signal"): exactly the lines appended after the first mark count, wherever rotation moved them, each
 * attributed to the interval between marks it was appended in, redacted.
 */
import { appendFile, copyFile, mkdir, mkdtemp, readFile, rename, rm, truncate, unlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { markLogs, scanAppended } from '../../src/scan/index.js';
import type { ScanSignature, ScanSource } from '../../src/scan/types.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'hunt-scan-marks-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const SIGS: ScanSignature[] = [
  { name: 'fatal', source: 'app', pattern: 'FATAL', regex: false },
  { name: 'bind', source: 'app', pattern: 'EADDRINUSE', regex: false },
  { name: 'oom', source: 'app', pattern: 'out of memory \\(\\d+\\)', regex: true },
  { name: 'status', source: 'app', pattern: 'ERROR', regex: false, exclude: [{ pattern: 'hunt-probe', regex: false }] },
];
const redact = (t: string) => t.replace(/token=\S+/g, 'token=[REDACTED]');
const old = (n: number) => Array.from({ length: n }, (_, i) => `2024-06-01T00:00:${String(i % 60).padStart(2, '0')}Z INFO FATAL ERROR before ${i}\n`).join('');

async function setup(name: string): Promise<{ live: string; src: ScanSource }> {
  const live = path.join(dir, name, 'x.log');
  await mkdir(path.dirname(live), { recursive: true });
  await writeFile(live, old(3000));
  return { live, src: { source: 'app', path: live, rotated: true } };
}

describe('scanAppended', () => {
  it('reads only what was appended since the first mark, across rename and compress rotation, with intervals', async () => {
    const { live, src } = await setup('rot');
    await appendFile(live, '2024-06-01T00:01:00Z INFO still being writ'); // a line in progress at T0 belongs after it
    const t0 = await markLogs([src], 1000);
    await appendFile(live, 'ten FATAL token=abc123\n2024-06-01T00:01:01Z ERROR hunt-probe status\n2024-06-01T00:01:02Z ERROR real one\n');
    const t1 = await markLogs([src], 2000);
    await appendFile(live, '2024-06-01T00:02:00Z WARN out of memory (42)\n');
    await rename(live, `${live}.1`);
    await writeFile(live, '2024-06-01T00:03:00Z listen EADDRINUSE :8080\n');
    const t2 = await markLogs([src], 3000);
    await appendFile(live, '2024-06-01T00:04:00Z FATAL after t2\n');

    const check = async () => {
      const r = await scanAppended([src], SIGS, [t0, t1, t2], { redact, workers: 0 });
      const by = Object.fromEntries(r.signatures.map((s) => [s.name, s]));
      expect(by.fatal.count).toBe(2);
      expect(by.fatal.lines.map((l) => [l.interval, l.line])).toEqual([
        [0, '2024-06-01T00:01:00Z INFO still being written FATAL token=[REDACTED]'],
        [2, '2024-06-01T00:04:00Z FATAL after t2'],
      ]);
      expect(by.status.count).toBe(1); // the probe's own line is excluded
      expect(by.status.lines[0]).toMatchObject({ interval: 0, line: '2024-06-01T00:01:02Z ERROR real one' });
      expect(by.oom).toMatchObject({ count: 1, lines: [{ interval: 1 }] });
      expect(by.bind).toMatchObject({ count: 1, lines: [{ interval: 1 }] });
      return r;
    };
    const r = await check();
    expect(r.sources[0].readFromStart).toEqual([live]); // the new live file; x.log.1 resumed after its mark
    expect(r.sources[0].bytesRead).toBeLessThan(10_000);

    await writeFile(`${live}.2.gz`, gzipSync(await readFile(`${live}.1`))); // compressed later: same lines, same intervals
    await unlink(`${live}.1`);
    await check();
  });

  it('copy-truncate and truncation: the copy is read after its mark, the truncated live file from its start', async () => {
    const { live, src } = await setup('ct');
    const t0 = await markLogs([src], 1000);
    await appendFile(live, '2024-06-01T00:01:00Z FATAL one\n');
    await copyFile(live, `${live}.1`);
    await truncate(live, 0);
    await appendFile(live, '2024-06-01T00:02:00Z FATAL two\n');
    const r = await scanAppended([src], SIGS, [t0], { redact, workers: 0 });
    expect(r.signatures[0].count).toBe(2);
    expect(r.signatures[0].lines.map((l) => l.line)).toEqual(['2024-06-01T00:01:00Z FATAL one', '2024-06-01T00:02:00Z FATAL two']);
  });

  it('a mark is plain JSON (a journal stores it for resume)', async () => {
    const { live, src } = await setup('json');
    const t0 = JSON.parse(JSON.stringify(await markLogs([src], 1000)));
    await appendFile(live, '2024-06-01T00:01:00Z EADDRINUSE\n');
    const r = await scanAppended([src], SIGS, [t0], { redact, workers: 0 });
    expect(r.signatures.map((s) => s.count)).toEqual([0, 1, 0, 0]);
  });
});
