import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeDirs } from '../../src/runtime/mkdirp.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'hunt-mkdirp-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('makeDirs', () => {
  it('creates missing parents and accepts an existing directory', async () => {
    const deep = path.join(tmp, 'a', 'b', 'c');
    await makeDirs(deep);
    expect(statSync(deep).isDirectory()).toBe(true);
    await expect(makeDirs(deep)).resolves.toBeUndefined();
  });

  it('rejects a file in the way with its errno code', async () => {
    writeFileSync(path.join(tmp, 'file'), 'x');
    await expect(makeDirs(path.join(tmp, 'file'))).rejects.toMatchObject({ code: 'EEXIST' });
    await expect(makeDirs(path.join(tmp, 'file', 'sub'))).rejects.toMatchObject({ code: 'ENOTDIR' });
  });

  it.runIf(existsSync('/proc/self'))('terminates under /proc, where a recursive mkdir never settles', async () => {
    await expect(makeDirs('/proc/hunt-no-such/dir')).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
