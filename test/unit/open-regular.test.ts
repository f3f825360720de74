/**
 * openRegular: only regular files are opened; a FIFO, a socket, a device or a directory is refused before
 * anything can block on it. Also the scanner's callers of it that e2e tests do not reach: the gate's log marks
 * and appended-bytes scan on a FIFO log path (they must end, report the source, read nothing from it), and the
 * chaos lane's output tails (a target could leave a pipe where its log was).
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSince, readTail } from '../../src/chaos/output.js';
import { NotRegularFileError, openRegular, regularReadStream } from '../../src/runtime/open-regular.js';
import { markLogs, scanAppended } from '../../src/scan/index.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'hunt-open-regular-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function mkfifo(name: string): string {
  const file = path.join(dir, name);
  const r = spawnSync('mkfifo', [file]);
  expect(r.status, String(r.stderr)).toBe(0);
  return file;
}

async function refusal(file: string): Promise<NotRegularFileError> {
  const err = await openRegular(file).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(NotRegularFileError);
  return err as NotRegularFileError;
}

describe('openRegular', () => {
  it('opens a regular file and reads it', async () => {
    const file = path.join(dir, 'ok.log');
    await writeFile(file, 'hello\n');
    const fh = await openRegular(file);
    try {
      expect((await fh.readFile()).toString()).toBe('hello\n');
    } finally {
      await fh.close();
    }
  });

  it('refuses a FIFO with no writer (no wait), naming its kind', async () => {
    const err = await refusal(mkfifo('pipe.log'));
    expect(err).toMatchObject({ code: 'ENOTREG', kind: 'FIFO', message: 'not a regular file (FIFO)' });
    await expect(regularReadStream(path.join(dir, 'pipe.log'))).rejects.toMatchObject({ code: 'ENOTREG' });
  });

  it('refuses a device, a socket and a directory (EISDIR)', async () => {
    expect(await refusal('/dev/null')).toMatchObject({ code: 'ENOTREG', kind: 'device' });
    const sock = path.join(dir, 's.sock');
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(sock, resolve));
    try {
      expect(await refusal(sock)).toMatchObject({ code: 'ENOTREG', kind: 'socket' });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    expect(await refusal(dir)).toMatchObject({ code: 'EISDIR', kind: 'directory', message: 'is a directory' });
  });

  it('a missing file is still ENOENT (reported as missing, not as unreadable)', async () => {
    await expect(openRegular(path.join(dir, 'nope.log'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('the gate log marks on a FIFO log path', () => {
  it('markLogs leaves the FIFO out; scanAppended ends and reports it as an error of the source', async () => {
    const fifo = mkfifo('app.log');
    const src = { source: 'app', path: fifo, rotated: true };
    const mark = await markLogs([src], Date.UTC(2026, 0, 1));
    expect(mark.sources).toEqual([{ source: 'app', path: fifo, files: [] }]);
    const res = await scanAppended([src], [{ name: 'boom', source: 'app', pattern: 'BOOM', regex: false }], [mark], { redact: (t) => t, workers: 0 });
    expect(res.sources[0]).toMatchObject({ source: 'app', files: [], missing: false });
    expect(res.sources[0].error).toMatch(/app\.log: not a regular file \(FIFO\); point logs\[\]\.path at the regular file the daemon writes/);
    expect(res.signatures[0]).toMatchObject({ count: 0, lines: [] });
  });
});

describe('chaos lane output tails', () => {
  it('a FIFO or a device reads as nothing (no wait); a regular file reads its tail', async () => {
    const fifo = mkfifo('lane.log');
    expect(await readTail(fifo)).toBe('');
    expect(await readSince(fifo, 0)).toBe('');
    expect(await readTail('/dev/zero')).toBe('');
    const file = path.join(dir, 'lane-ok.log');
    await writeFile(file, 'a\nb\n');
    expect(await readTail(file, 2)).toBe('b\n');
  });
});
