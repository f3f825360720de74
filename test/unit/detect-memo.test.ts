/**
 * Timestamp detection remembered in the state directory (src/scan/detect-memo.ts): the first scan stores the
 * choice, a later scan of the same head reuses it (a planted memo proves the recall path is taken), a changed head
 * or other timestamp settings detect afresh, and a memo that is not hunt's is ignored.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { noRedaction } from '../../src/runtime/redact.js';
import { scanSignatures } from '../../src/scan/index.js';
import type { ScanSource } from '../../src/scan/types.js';

const END = Date.UTC(2024, 5, 1);
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'hunt-detect-memo-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const sigs = [{ name: 'fatal', source: 'app', pattern: 'FATAL', regex: false }];
const scan = async (file: string, state: string, timestamp: ScanSource['timestamp'] = { format: 'auto' }) =>
  (
    await scanSignatures([{ source: 'app', path: file, rotated: false, timestamp }], sigs, {
      windowStartMs: END - 3600_000,
      windowEndMs: END,
      redact: noRedaction,
      stateDir: state,
      tuning: { workers: 0 },
    })
  ).sources[0];
const memos = async (state: string) => (await readdir(state)).filter((f) => f.startsWith('detect-'));

describe('remembered timestamp detection', () => {
  it('stores the detected choice and reuses it for the same head', async () => {
    const file = path.join(dir, 'nginx.log');
    const state = path.join(dir, 'state-1');
    await writeFile(file, `2024/06/01 00:10:00 [error] 7#7: FATAL upstream\n2024/06/01 00:20:00 [notice] 7#7: ok\n`);
    expect((await scan(file, state)).timestampPreset).toBe('nginx-error');
    const [memo, ...more] = await memos(state);
    expect(more).toEqual([]);
    expect(JSON.parse(await readFile(path.join(state, memo), 'utf8'))).toEqual({ kind: 'hunt-detect', choice: { kind: 'preset', name: 'nginx-error' } });
    // a planted (valid) choice is what the next scan of this head uses: the memo is really read
    await writeFile(path.join(state, memo), JSON.stringify({ kind: 'hunt-detect', choice: { kind: 'epoch-ms' } }));
    expect((await scan(file, state)).timestampFormat).toBe('epoch-ms');
    // anything else in its place is ignored: detection runs again
    await writeFile(path.join(state, memo), JSON.stringify({ kind: 'hunt-detect', choice: { kind: 'preset', name: '__proto__' } }));
    expect((await scan(file, state)).timestampPreset).toBe('nginx-error');
    await writeFile(path.join(state, memo), '{not json');
    expect((await scan(file, state)).timestampPreset).toBe('nginx-error');
  });

  it('a changed head or other timestamp settings detect afresh', async () => {
    const file = path.join(dir, 'app.log');
    const state = path.join(dir, 'state-2');
    await writeFile(file, `2024-06-01T00:10:00Z FATAL one\n`);
    expect((await scan(file, state)).timestampFormat).toBe('iso');
    await writeFile(file, `{"time":"2024-06-01T00:10:00Z","msg":"FATAL one"}\n`);
    const json = await scan(file, state);
    expect([json.timestampFormat, json.timestampField]).toEqual(['json', 'time']);
    const zoned = await scan(file, state, { format: 'auto', timezone: 'Europe/Berlin' });
    expect(zoned.timestampFormat).toBe('json');
    expect(await memos(state)).toHaveLength(3);
  });
});
