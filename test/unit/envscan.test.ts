import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { environHolds, killByEnv, processesWithEnv } from '../../src/runtime/envscan.js';
import { processStartId } from '../../src/runtime/proctable.js';
import { waitFor } from '../helpers/wait.js';

const started: ChildProcess[] = [];
afterEach(() => {
  for (const c of started.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});

function sleeper(env: Record<string, string>): ChildProcess {
  const c = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { env: { ...process.env, ...env }, stdio: 'ignore' });
  started.push(c);
  return c;
}

describe('killByEnv', () => {
  it('ends only a process holding the whole NAME=value entry, never one whose value or name merely contains it', async () => {
    const base = `/tmp/hunt-envscan-${randomBytes(6).toString('hex')}/out`;
    const nested = sleeper({ HUNT_TEST_MARKER: `${base}/nested/` }); // a gate whose out-dir is inside this one
    const renamed = sleeper({ OLD_HUNT_TEST_MARKER: `${base}/` });
    const exact = sleeper({ HUNT_TEST_MARKER: `${base}/` });
    const needle = `HUNT_TEST_MARKER=${base}/`;
    await waitFor('both sleepers', async () => (await processesWithEnv(`HUNT_TEST_MARKER=${base}`)).length === 3, 30_000);
    const res = await killByEnv(needle, 5000);
    expect(res.signalled).toEqual([exact.pid]);
    expect(res.survivors).toEqual([]);
    expect(nested.exitCode).toBeNull();
    expect(renamed.exitCode).toBeNull();
    expect((await processesWithEnv(`${base}/`)).map((p) => p.pid)).toEqual([nested.pid, renamed.pid].sort((a, b) => a! - b!));
  });
});

describe('the sweep after a command', () => {
  it('skips processes older than the one the marker was given to (their environment is not read)', async () => {
    const marker = `HUNT_TEST_MARKER=${randomBytes(6).toString('hex')}`;
    const [name, value] = marker.split('=');
    const older = sleeper({ [name]: value });
    await waitFor('the older sleeper', async () => (await processesWithEnv(marker, { exact: true })).length === 1, 30_000);
    // a start id from the future stands for "started after every process that exists now"
    const future = String(Number(processStartId(process.pid)) + 10_000_000);
    expect(await processesWithEnv(marker, { exact: true, startedAfter: future })).toEqual([]);
    const own = processStartId(older.pid!);
    expect((await processesWithEnv(marker, { exact: true, startedAfter: own })).map((p) => p.pid)).toEqual([older.pid]);
  });

  it('matches whole entries in the raw environ bytes', () => {
    const env = Buffer.from('A=1\0HUNT_X=/out/\0B=/out/nested\0', 'latin1');
    expect(environHolds(env, Buffer.from('HUNT_X=/out/'), true)).toBe(true);
    expect(environHolds(env, Buffer.from('HUNT_X=/out'), true)).toBe(false);
    expect(environHolds(env, Buffer.from('X=/out/'), true)).toBe(false);
    expect(environHolds(env, Buffer.from('/out/'), false)).toBe(true);
    expect(environHolds(Buffer.from('HUNT_X=/out/', 'latin1'), Buffer.from('HUNT_X=/out/'), true)).toBe(true);
    expect(environHolds(Buffer.from('Y=HUNT_X=/out/\0HUNT_X=/out/', 'latin1'), Buffer.from('HUNT_X=/out/'), true)).toBe(true);
  });
});
