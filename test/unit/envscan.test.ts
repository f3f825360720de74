import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { killByEnv, processesWithEnv } from '../../src/runtime/envscan.js';
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
