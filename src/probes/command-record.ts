/** Target command runs (version, status) as snapshot records: timed out, trimmed, redacted. */
import type { RunBinding } from '../config/bind.js';
import { commandText, runCommand, type CommandLine } from '../runtime/exec.js';
import type { CommandRecord } from './snapshot-types.js';

const MAX_OUTPUT_CHARS = 4000;

/**
 * Pure: the version in a version command's output. With `pattern` (target.versionPattern): its first capture
 * group, else its whole match. Otherwise the first x.y.z[-pre][+build], else the first x.y (postgres "15.18");
 * an IPv4 address or a date is not a version.
 */
export function parseVersion(text: string, pattern?: string | null): string | null {
  if (pattern) {
    const m = new RegExp(pattern, 'm').exec(text);
    return m ? (m[1] ?? m[0]) || null : null;
  }
  const full = /(?:^|[^\d.])v?(\d+\.\d+\.\d+(?!\d|\.\d)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?)/.exec(text);
  if (full) return full[1];
  // x.y only when nothing better is there, and never part of a longer dotted or dashed number (dates, IPs)
  const short = /(?:^|[^\d.\-/:])v?(\d+\.\d+)(?![\d.\-/:]*\d)/.exec(text);
  return short ? short[1] : null;
}

/** Runs one target command with the profile's timeout; never throws for the command's own failure. */
export async function runRecord(cmd: CommandLine, bound: Pick<RunBinding, 'target' | 'commandEnv' | 'profile' | 'redact'>): Promise<CommandRecord> {
  const { target: t, redact } = bound;
  const r = await runCommand(cmd, {
    user: t.user,
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
