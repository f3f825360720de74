/**
 * Log paths naming several files: date patterns (ordered by the date in the name), globs (by modification
 * time), rotated siblings of each match, nothing matched = missing.
 */
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { noRedaction } from '../../src/runtime/redact.js';
import { scanSignatures } from '../../src/scan/index.js';
import { expandLogPath, isMultiPath } from '../../src/scan/paths.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'hunt-scan-paths-'));
  const put = async (rel: string, text: string, mtimeS: number) => {
    const f = path.join(dir, rel);
    await mkdir(path.dirname(f), { recursive: true });
    await writeFile(f, text);
    await utimes(f, mtimeS, mtimeS);
  };
  await put('d/app-2026-11-30.log', '2026-11-30T11:40:01Z FATAL today\n', 1000); // mtimes deliberately out of date order
  await put('d/app-2026-11-29.log', '2026-11-29T23:00:00Z FATAL yesterday\n', 3000);
  await put('d/app-2026-11-29.log.1', '2026-11-29T01:00:00Z FATAL yesterday, rotated\n', 2000);
  await put('d/app-2026-11-3.log', 'not a date this pattern names FATAL\n', 500);
  await put('d/other.log', 'FATAL elsewhere\n', 100);
  await put('g/a/svc.log', '2026-11-30T10:00:00Z FATAL a\n', 1000);
  await put('g/b/svc.log', '2026-11-30T11:00:00Z FATAL b\n', 2000);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const scan = (p: string, rotated: boolean) =>
  scanSignatures([{ source: 'app', path: path.join(dir, p), rotated }], [{ name: 'fatal', source: 'app', pattern: 'FATAL', regex: false }], {
    windowStartMs: Date.parse('2026-11-30T00:00:00Z'),
    windowEndMs: Date.parse('2026-11-30T23:59:59Z'),
    redact: noRedaction,
  });

describe('date patterns and globs', () => {
  it('a date pattern: files ordered by the date in the name, rotated siblings before their file', async () => {
    expect(isMultiPath('/x/app-%Y-%m-%d.log')).toBe(true);
    expect(isMultiPath('/x/app.log')).toBe(false);
    const r = await scan('d/app-%Y-%m-%d.log', true);
    expect(r.sources[0].files.map((f) => path.basename(f))).toEqual(['app-2026-11-29.log.1', 'app-2026-11-29.log', 'app-2026-11-30.log']);
    expect(r.signatures[0]).toMatchObject({ countTotal: 3, countWindow: 1 });
    const live = await scan('d/app-%Y-%m-%d.log', false);
    expect(live.sources[0].files.map((f) => path.basename(f))).toEqual(['app-2026-11-29.log', 'app-2026-11-30.log']);
  });

  it('a glob in a directory component, ordered by modification time; nothing matched is missing', async () => {
    expect((await expandLogPath(path.join(dir, 'g/*/svc.log'))).map((f) => path.relative(dir, f))).toEqual(['g/a/svc.log', 'g/b/svc.log']);
    const r = await scan('d/app-*.log', false);
    expect(r.sources[0].files.map((f) => path.basename(f))).toEqual(['app-2026-11-3.log', 'app-2026-11-30.log', 'app-2026-11-29.log']);
    const none = await scan('d/nothing-*.log', true);
    expect(none.sources[0]).toMatchObject({ missing: true, files: [] });
    expect(none.signatures[0].countWindow).toBeNull();
  });
});
