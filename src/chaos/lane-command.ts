/**
 * Commands a lane runs besides its supervised instances: the profile's prepare, stop and reload commands,
 * expanded for the sandbox, with the lane's environment, working directory and target.user, redacted.
 */
import { commandText, runCommand, type CommandLine, type ExecResult } from '../runtime/exec.js';
import type { Lane } from './lane.js';

/** Runs `cmd` as a lane command; never throws for the command's own failure. */
export function runLaneCommand(lane: Lane, cmd: CommandLine, timeoutMs: number): Promise<ExecResult> {
  return runCommand(cmd, {
    cwd: lane.sandbox.work,
    env: lane.sandbox.binding.env(lane.upstreamUrl),
    extendEnv: false,
    timeoutMs,
    redact: lane.redact,
    user: lane.target.user,
    maxOutputChars: 8000,
  });
}

/** Pure: "`nginx -s reload` exit 1 in 30 ms" for evidence (redacted by the caller's redactor). */
export function laneCommandOutcome(res: ExecResult, timeoutMs: number): string {
  const how = res.spawnError
    ? `could not start: ${res.spawnError}`
    : res.timedOut
      ? `timed out after ${timeoutMs} ms`
      : res.signal
        ? `killed by ${res.signal}`
        : `exit ${res.exitCode}`;
  return `\`${commandText(res.command)}\` ${how}${res.timedOut || res.spawnError ? '' : ` in ${res.durationMs} ms`}`;
}
