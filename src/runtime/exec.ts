/**
 * The one place that runs commands to completion. Every command has a timeout; on timeout the whole
 * process group is terminated (then killed), so a hanging target never hangs hunt. Output is trimmed
 * to a bounded tail and redacted before anyone else sees it.
 */
import { performance } from 'node:perf_hooks';
import type { Redactor } from './redact.js';
import { noRedaction } from './redact.js';
import { randomBytes } from 'node:crypto';
import { killByEnv } from './envscan.js';
import { processStartId } from './proctable.js';
import { killGroup } from './signals.js';
import { runAsIdentity } from './users.js';
import { startChild } from './child.js';

/** The environment variable whose random value marks every process one reaping command started. */
export const EXEC_TOKEN_ENV = 'HUNT_EXEC_TOKEN';
import { stripAnsi } from './safe-text.js';

/** A command: a string runs through the shell (like the bash scripts it replaces), an array runs directly. */
export type CommandLine = string | string[];

export interface ExecOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Replace the environment instead of extending process.env (sandboxes, missing-env scenarios). */
  extendEnv?: boolean;
  timeoutMs: number;
  redact?: Redactor;
  /** Max characters of stdout/stderr kept (the tail). */
  maxOutputChars?: number;
  input?: string;
  /** Grace period between SIGTERM and SIGKILL on timeout. */
  killGraceMs?: number;
  /** Called with the child's pid right after it was spawned (the release gate journals it). */
  onSpawn?: (pid: number) => void;
  /** target.user: run as this user when hunt is root (see users.ts). */
  user?: string | null;
  /**
   * End, once the command is over, every process it left behind, also those that left its process group with
   * setsid: they carry a random token in their environment, inherited from the command (proof they are its).
   * For commands that must not leave anything running (a version or status command); never for a start command.
   */
  reapDetached?: boolean;
}

export interface ExecResult {
  command: string;
  exitCode: number | null;
  signal: string | null;
  durationMs: number;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  /** Spawn failure (e.g. binary not found); the command never ran. */
  spawnError?: string;
  pid?: number;
  /** With reapDetached: pids of processes the command left behind that were ended afterwards. */
  reaped?: number[];
}

/** Renders a command line for reports. */
export function commandText(cmd: CommandLine): string {
  return Array.isArray(cmd) ? cmd.map((a) => (/[\s"'$]/.test(a) ? JSON.stringify(a) : a)).join(' ') : cmd;
}

function tail(text: string, max: number): string {
  const t = text.replace(/\s+$/, '');
  return t.length > max ? `...[${t.length - max} chars trimmed]\n${t.slice(t.length - max)}` : t;
}

/** Runs a command to completion with a hard timeout on its whole process group. Never throws for the command's own failure. */
export async function runCommand(cmd: CommandLine, opts: ExecOptions): Promise<ExecResult> {
  const redact = opts.redact ?? noRedaction;
  const max = opts.maxOutputChars ?? 8000;
  const started = performance.now();
  const [file, args, shell] = Array.isArray(cmd) ? [cmd[0], cmd.slice(1), false] : [cmd, [], true];
  const as = runAsIdentity(opts.user);
  const token = opts.reapDetached ? `${EXEC_TOKEN_ENV}=${randomBytes(16).toString('hex')}` : undefined;
  const { child, done } = startChild(file, args, {
    ...(as ? { uid: as.uid, gid: as.gid } : {}),
    shell,
    cwd: opts.cwd,
    env: token ? { ...(opts.env ?? {}), [EXEC_TOKEN_ENV]: token.slice(EXEC_TOKEN_ENV.length + 1) } : opts.env,
    extendEnv: opts.extendEnv ?? true,
    detached: true, // own process group: timeouts kill helpers too
    input: opts.input,
    maxBuffer: 64 * 1024 * 1024,
  });
  const pid = child?.pid;
  if (pid !== undefined) opts.onSpawn?.(pid);
  // what carries the token started no earlier than the command: the sweep below need not read older processes
  const startId = token && pid !== undefined ? processStartId(pid) : null;
  let timedOut = false;
  // The command has ended once its process exited, even while a helper it left keeps the pipes open: a timer
  // firing after that still ends the group (nothing may outlive the command) but is no timeout of the command.
  let exited = pid === undefined;
  child?.once('exit', () => {
    exited = true;
  });
  const timer = setTimeout(() => {
    if (!exited) timedOut = true;
    if (pid !== undefined) void killGroup(pid, opts.killGraceMs ?? 1500);
  }, opts.timeoutMs);
  const res = await done;
  clearTimeout(timer);
  // A command that never started can have left nothing behind: no walk of the process table for its token.
  const reaped = token && pid !== undefined ? (await killByEnv(token, opts.killGraceMs ?? 1500, startId)).signalled : undefined;
  return {
    command: redact(commandText(cmd)),
    exitCode: res.exitCode,
    signal: res.signal,
    durationMs: Math.round(performance.now() - started),
    timedOut,
    // ANSI sequences out first (a colour code inside a secret would hide it from the redactor, and half a
    // sequence is garbage in every report), then redact the whole output, then cut: a secret straddling the cut
    // would otherwise leak its tail.
    stdout: tail(redact(stripAnsi(res.stdout)), max),
    stderr: tail(redact(stripAnsi(res.stderr)), max),
    spawnError: res.spawnError === null ? undefined : redact(res.spawnError),
    pid,
    ...(reaped?.length ? { reaped } : {}),
  };
}
