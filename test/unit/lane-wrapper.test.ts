/**
 * The lane wrapper (laneArgv) run for real: it joins the holder's mount namespace only after checking that the
 * holder pid still carries the lane's marker. The holder execs `sleep` right after it reports ready, and while an
 * exec is under way its environ reads empty: the wrapper must wait that out, not call the namespace gone.
 * Needs root (nsenter) on Linux; skipped elsewhere.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { HOLDER_ENV, laneArgv } from '../../src/runtime/mountns.js';

const canRun = process.platform === 'linux' && process.getuid?.() === 0 && spawnSync('sh', ['-c', 'command -v nsenter']).status === 0;
const started: ChildProcess[] = [];
afterEach(() => {
  for (const c of started.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});

function holder(script: string, env: NodeJS.ProcessEnv): ChildProcess {
  const c = spawn('/bin/sh', ['-c', script], { env: { PATH: process.env.PATH, ...env }, stdio: 'ignore' });
  started.push(c);
  return c;
}

function wrapped(pid: number, root: string) {
  const argv = laneArgv(['/bin/sh', '-c', 'echo inside'], { cgroupDir: null, holder: { pid, root }, cwd: '/' });
  return spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', timeout: 60_000 });
}

describe.skipIf(!canRun)('lane wrapper', () => {
  it('runs the command in the namespace of a holder that carries the marker', () => {
    const h = holder('exec sleep 60', { [HOLDER_ENV]: '/sb-a' });
    const res = wrapped(h.pid!, '/sb-a');
    expect(res.stderr).toBe('');
    expect(res.stdout).toBe('inside\n');
  });

  it('waits while the holder has not yet exec-ed into its marked image, then joins it', () => {
    // The marker appears only after 1 s (the exec), as it does transiently around the holder's `exec sleep`.
    const h = holder(`sleep 1; exec env ${HOLDER_ENV}=/sb-b sleep 60`, {});
    const res = wrapped(h.pid!, '/sb-b');
    expect(res.stderr).toBe('');
    expect(res.stdout).toBe('inside\n');
  });

  it('exits 125 naming the holder when its pid is gone, or is not the lane holder', () => {
    const gone = wrapped(4_194_000, '/sb-c');
    expect(gone.status).toBe(125);
    expect(gone.stderr).toContain('the lane namespace (holder pid 4194000) is gone');
    const other = holder('exec sleep 60', { [HOLDER_ENV]: '/another-lane' });
    const res = wrapped(other.pid!, '/sb-c');
    expect(res.status).toBe(125);
    expect(res.stdout).toBe('');
  });
});
