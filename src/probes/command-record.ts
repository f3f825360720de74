/** Target command runs (version, status) as snapshot records: timed out, trimmed, redacted. */
import type { RunBinding } from '../config/bind.js';
import { commandText, runCommand, type CommandLine } from '../runtime/exec.js';
import type { CommandRecord } from './snapshot-types.js';

const MAX_OUTPUT_CHARS = 4000;

/** Pure: the first x.y.z[-pre][+build] in a version command's output (an IPv4 address is not a version). */
export function parseVersion(text: string): string | null {
  const m = /(?:^|[^\d.])v?(\d+\.\d+\.\d+(?!\d|\.\d)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?)/.exec(text);
  return m ? m[1] : null;
}

/** Runs one target command with the profile's timeout; never throws for the command's own failure. */
export async function runRecord(cmd: CommandLine, bound: Pick<RunBinding, 'target' | 'commandEnv' | 'profile' | 'redact'>): Promise<CommandRecord> {
  const { target: t, redact } = bound;
  const r = await runCommand(cmd, {
    cwd: bound.profile.configDir,
    env: bound.commandEnv,
    extendEnv: false,
    timeoutMs: t.commandTimeoutMs,
    redact,
    maxOutputChars: MAX_OUTPUT_CHARS,
    reapDetached: true, // a version/status command must leave nothing running, not even a setsid'd daemon
  });
  return {
    command: redact(commandText(cmd)),
    exitCode: r.exitCode,
    signal: r.signal,
    durationMs: r.durationMs,
    timeoutMs: t.commandTimeoutMs,
    timedOut: r.timedOut,
    stdout: r.stdout,
    stderr: r.stderr,
    spawnError: r.spawnError ?? null,
  };
}

/** One-line outcome for progress output. */
export function commandOutcome(r: CommandRecord): string {
  if (r.timedOut) return `timed out after ${r.timeoutMs} ms`;
  if (r.spawnError) return `could not start: ${r.spawnError}`;
  return `exit ${r.exitCode ?? r.signal} in ${r.durationMs} ms`;
}
