/**
 * Starts one child process and collects its output until it is over: what exec.ts and capture.ts need from a
 * spawn, on node:child_process alone. (execa did this before; loading its ~100 modules cost about 0.1 s of CPU
 * on every `hunt collect`, more than the rest of a run on a target that is down.)
 */
import { spawn, type ChildProcess } from 'node:child_process';

export interface ChildOptions {
  /** Run `file` through /bin/sh (a string command line), like the bash scripts hunt replaces. */
  shell?: boolean;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** false: `env` is the whole environment; otherwise it extends process.env. */
  extendEnv?: boolean;
  /** Own process group (a timeout then ends helpers too). */
  detached?: boolean;
  /** Written to stdin, which is then closed; without it stdin is /dev/null. */
  input?: string;
  uid?: number;
  gid?: number;
  /** Bytes kept per stream: past it the oldest bytes are dropped, so the tail (what reports keep) survives. */
  maxBuffer: number;
  /** The child itself gets SIGTERM after this long, SIGKILL `killAfterMs` later (capture.ts; exec.ts ends groups itself). */
  timeoutMs?: number;
  killAfterMs?: number;
}

export interface ChildResult {
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  /** Why the command never ran (binary not found, not executable, not permitted); null once it was spawned. */
  spawnError: string | null;
  /** Whether `timeoutMs` ran out. */
  timedOut: boolean;
}

/** A bounded byte sink keeping the last `max` bytes of a stream. */
function sink(max: number): { push: (b: Buffer) => void; text: () => string } {
  const chunks: Buffer[] = [];
  let size = 0;
  return {
    push(b) {
      chunks.push(b);
      size += b.length;
      while (size - chunks[0].length >= max) size -= chunks.shift()!.length;
    },
    text() {
      const all = Buffer.concat(chunks);
      return all.subarray(Math.max(0, all.length - max)).toString('utf8');
    },
  };
}

/** How a failed spawn reads in reports: `Command failed with ENOENT: my-daemon --version` and the system's message. */
function spawnFailure(err: NodeJS.ErrnoException, line: string): string {
  return `Command failed with ${err.code ?? 'an error'}: ${line}\n${err.message}`;
}

/**
 * Spawns `file args`; `child` is there at once (pid, 'exit'), `done` resolves once the process is over and its
 * output streams are closed (a helper holding the pipes keeps it open). Never rejects.
 */
export function startChild(file: string, args: string[], opts: ChildOptions): { child: ChildProcess | null; done: Promise<ChildResult> } {
  const line = [file, ...args].join(' ');
  const env = opts.extendEnv === false ? opts.env : { ...process.env, ...opts.env };
  let child: ChildProcess;
  try {
    child = spawn(file, args, {
      shell: opts.shell ?? false,
      cwd: opts.cwd,
      env,
      detached: opts.detached ?? false,
      stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      ...(opts.uid !== undefined ? { uid: opts.uid } : {}),
      ...(opts.gid !== undefined ? { gid: opts.gid } : {}),
    });
  } catch (err) {
    // EPERM (uid/gid) and invalid arguments throw at once; ENOENT and EACCES come as an 'error' event below.
    const spawnError = spawnFailure(err as NodeJS.ErrnoException, line);
    return { child: null, done: Promise.resolve({ exitCode: null, signal: null, stdout: '', stderr: '', spawnError, timedOut: false }) };
  }
  const out = sink(opts.maxBuffer);
  const errOut = sink(opts.maxBuffer);
  child.stdout!.on('data', out.push);
  child.stderr!.on('data', errOut.push);
  if (opts.input !== undefined) {
    child.stdin!.on('error', () => {}); // a command that does not read its input closes the pipe: not a failure
    child.stdin!.end(opts.input);
  }
  let timedOut = false;
  const timers: NodeJS.Timeout[] = [];
  if (opts.timeoutMs !== undefined) {
    timers.push(
      setTimeout(() => {
        timedOut = true;
        child.kill('SIGTERM');
        timers.push(setTimeout(() => child.kill('SIGKILL'), opts.killAfterMs ?? 1000));
      }, opts.timeoutMs),
    );
  }
  const done = new Promise<ChildResult>((resolve) => {
    const finish = (r: Omit<ChildResult, 'stdout' | 'stderr' | 'timedOut'>) => {
      for (const t of timers) clearTimeout(t);
      resolve({ ...r, stdout: out.text(), stderr: errOut.text(), timedOut });
    };
    child.once('error', (err) => {
      // Only a spawn failure ends the run here (no pid); a failed kill() of a running child is no result.
      if (child.pid === undefined) finish({ exitCode: null, signal: null, spawnError: spawnFailure(err, line) });
    });
    child.once('close', (code, signal) => {
      if (child.pid !== undefined) finish({ exitCode: code, signal, spawnError: null });
    });
  });
  return { child, done };
}
