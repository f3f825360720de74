/**
 * The one place that runs commands to completion. Every command has a timeout; on timeout the whole
 * process group is terminated (then killed), so a hanging target never hangs hunt. Output is trimmed
 * to a bounded tail and redacted before anyone else sees it.
 */
import { execa } from 'execa';
import { performance } from 'node:perf_hooks';
import type { Redactor } from './redact.js';
import { noRedaction } from './redact.js';
import { killGroup } from './signals.js';
import { stripAnsi } from './terminal.js';

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
  const child = execa(file, args, {
    shell,
    cwd: opts.cwd,
    env: opts.env,
    extendEnv: opts.extendEnv ?? true,
    reject: false,
    detached: true, // own process group: timeouts kill helpers too
    input: opts.input,
    stdin: opts.input === undefined ? 'ignore' : 'pipe',
    maxBuffer: 64 * 1024 * 1024,
    stripFinalNewline: false,
    cleanup: true,
  });
  if (child.pid !== undefined) opts.onSpawn?.(child.pid);
  let timedOut = false;
  // The command has ended once its process exited, even while a helper it left keeps the pipes open: a timer
  // firing after that still ends the group (nothing may outlive the command) but is no timeout of the command.
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  const timer = setTimeout(() => {
    if (!exited) timedOut = true;
    if (child.pid) void killGroup(child.pid, opts.killGraceMs ?? 1500);
  }, opts.timeoutMs);
  const res = await child;
  clearTimeout(timer);
  const spawnFailed = res.failed && res.exitCode === undefined && !res.signal && !timedOut;
  return {
    command: redact(commandText(cmd)),
    exitCode: res.exitCode ?? null,
    signal: res.signal ?? null,
    durationMs: Math.round(performance.now() - started),
    timedOut,
    // ANSI sequences out first (a colour code inside a secret would hide it from the redactor, and half a
    // sequence is garbage in every report), then redact the whole output, then cut: a secret straddling the cut
    // would otherwise leak its tail.
    stdout: tail(redact(stripAnsi(String(res.stdout ?? ''))), max),
    stderr: tail(redact(stripAnsi(String(res.stderr ?? ''))), max),
    spawnError: spawnFailed ? redact(res.shortMessage ?? res.message ?? 'failed to start') : undefined,
    pid: child.pid,
  };
}
