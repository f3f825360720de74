/** Out-dirs: one run at a time (lock), no reuse by staging-chaos, no resume of a copied out-dir. */
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, makeSandbox, runHunt, type Sandbox } from '../fixtures/gate/harness.js';
import { LOCK_FILE, lockDir } from '../../src/runtime/lock.js';
import { UsageError } from '../../src/errors.js';

let sb: Sandbox | undefined;
afterEach(async () => {
  await cleanup(sb);
  sb = undefined;
});

describe('out-dir lock', () => {
  it('a second run on a locked out-dir is refused with exit 2 naming the holder; a stale lock is taken over', async () => {
    sb = await makeSandbox();
    const out = path.join(sb.dir, 'gate');
    mkdirSync(out);
    // A live holder: this test process.
    writeFileSync(path.join(out, LOCK_FILE), JSON.stringify({ pid: process.pid, host: os.hostname(), command: 'release-gate', at: 'now' }));
    for (const args of [
      ['release-gate', '--demo', '--skip-chaos', '--skip-tests', '--out-dir', out],
      ['staging-chaos', '--demo', '--release', 'r', '--run-id', 'x', '--out-dir', out],
    ]) {
      const r = await runHunt(sb, args);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`--out-dir: another hunt is still running in ${out} \\(release-gate, hunt pid ${process.pid}`));
    }
    // The holder is gone (a pid that cannot exist): the lock is stale and taken over, and released at the end.
    const lock = await lockDirAfterStale(out);
    expect(JSON.parse(readFileSync(lock.file, 'utf8')).pid).toBe(process.pid);
    await expect(lockDir(out, 'again')).rejects.toBeInstanceOf(UsageError);
    lock.release();
    expect(existsSync(path.join(out, LOCK_FILE))).toBe(false);
  });

  it('staging-chaos refuses a reused out-dir instead of mixing two runs', async () => {
    sb = await makeSandbox();
    const out = path.join(sb.dir, 'chaos');
    mkdirSync(out);
    writeFileSync(path.join(out, 'report-input.json'), '{}');
    const r = await runHunt(sb, ['staging-chaos', '--demo', '--release', 'r', '--run-id', 'x', '--out-dir', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--out-dir .* is not empty/);
    expect(readFileSync(path.join(out, 'report-input.json'), 'utf8')).toBe('{}');
  });

  it('--resume of a copied out-dir is refused: it would finish the original', async () => {
    sb = await makeSandbox();
    const out = path.join(sb.dir, 'gate');
    const first = await runHunt(sb, ['release-gate', '--demo', '--skip-chaos', '--skip-tests', '--skip-update', '--out-dir', out]);
    expect(first.code, first.stderr).toBe(0);
    expect(existsSync(path.join(out, LOCK_FILE))).toBe(false); // released when the gate ended
    const copy = path.join(sb.dir, 'copy');
    cpSync(out, copy, { recursive: true });
    const r = await runHunt(sb, ['release-gate', '--resume', copy]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/its journal belongs to the gate in .*gate/);
  });
});

async function lockDirAfterStale(dir: string) {
  writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify({ pid: 2 ** 22 + 12345, host: os.hostname(), command: 'old', at: 'then' }));
  return lockDir(dir, 'release-gate');
}
