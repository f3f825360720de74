/**
 * The lane wrapper (laneArgv) run for real: it joins the holder's mount namespace only after checking that the
 * holder pid still carries the lane's marker. The holder execs `sleep` right after it reports ready, and while an
 * exec is under way its environ reads empty: the wrapper must wait that out, not call the namespace gone.
 * Needs root (nsenter) on Linux; skipped elsewhere.
 */
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { HOLDER_ENV, laneArgv } from '../../src/runtime/mountns.js';

const canRun = process.platform === 'linux' && process.getuid?.() === 0 && spawnSync('sh', ['-c', 'command -v nsenter']).status === 0;
const started: ChildProcess[] = [];
// after the file, not each test: the tests run side by side
afterAll(() => {
  for (const c of started.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});

function holder(script: string, env: NodeJS.ProcessEnv): ChildProcess {
  const c = spawn('/bin/sh', ['-c', script], { env: { PATH: process.env.PATH, ...env }, stdio: 'ignore' });
  started.push(c);
  return c;
}

/** Runs the wrapper asynchronously: the tests run side by side (one waits out the wrapper's ~5 s of retries). */
function wrapped(pid: number, root: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const argv = laneArgv(['/bin/sh', '-c', 'echo inside'], { cgroupDir: null, holder: { pid, root }, cwd: '/' });
  return new Promise((resolve) => {
    execFile(argv[0], argv.slice(1), { encoding: 'utf8', timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ status: err ? (typeof err.code === 'number' ? err.code : null) : 0, stdout, stderr });
    });
  });
}

describe.skipIf(!canRun).concurrent('lane wrapper', () => {
  it('runs the command in the namespace of a holder that carries the marker', async () => {
    const h = holder('exec sleep 60', { [HOLDER_ENV]: '/sb-a' });
    const res = await wrapped(h.pid!, '/sb-a');
    expect(res.stderr).toBe('');
    expect(res.stdout).toBe('inside\n');
  });

  it('waits while the holder has not yet exec-ed into its marked image, then joins it', async () => {
    // The marker appears only after 1 s (the exec), as it does transiently around the holder's `exec sleep`.
    const h = holder(`sleep 1; exec env ${HOLDER_ENV}=/sb-b sleep 60`, {});
    const res = await wrapped(h.pid!, '/sb-b');
    expect(res.stderr).toBe('');
    expect(res.stdout).toBe('inside\n');
  });

  it('exits 125 naming the holder when its pid is gone, or is not the lane holder', async () => {
    const gone = await wrapped(4_194_000, '/sb-c');
    expect(gone.status).toBe(125);
    expect(gone.stderr).toContain('the lane namespace (holder pid 4194000) is gone');
    const other = holder('exec sleep 60', { [HOLDER_ENV]: '/another-lane' });
    const res = await wrapped(other.pid!, '/sb-c');
    expect(res.status).toBe(125);
    expect(res.stdout).toBe('');
  });
});
