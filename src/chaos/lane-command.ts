/**
 * Commands a lane runs besides its supervised instances: the profile's prepare, stop and reload commands,
 * expanded for the sandbox, with the lane's environment, working directory and target.user, redacted, and inside
 * the lane's enclosure (its cgroup and mount namespace) like the instances: what they start stays in the lane.
 */
import { commandText, runCommand, type CommandLine, type ExecResult } from '../runtime/exec.js';
import { dropPrivilegesArgv, runAsIdentity } from '../runtime/users.js';
import type { Lane } from './lane.js';

/** Runs `cmd` as a lane command; never throws for the command's own failure. */
export function runLaneCommand(lane: Lane, cmd: CommandLine, timeoutMs: number): Promise<ExecResult> {
  const base = Array.isArray(cmd) ? cmd : ['/bin/sh', '-c', cmd];
  const wrapped = lane.enclosure.wrap(base) !== base;
  // entering the enclosure needs root: privileges drop inside it, as for the lane's instances
  const as = runAsIdentity(lane.target.user);
  const dropped = as && wrapped ? dropPrivilegesArgv(base, as) : null;
  const argv = wrapped ? lane.enclosure.wrap(dropped ?? base) : base;
  const res = runCommand(argv, {
    cwd: lane.sandbox.work,
    env: lane.sandbox.binding.env(lane.upstreamUrl),
    extendEnv: false,
    timeoutMs,
    redact: lane.redact,
    user: dropped ? null : lane.target.user,
    maxOutputChars: 8000,
  });
  // reports show the command as the profile wrote it, not the wrapper
  return res.then((r) => ({ ...r, command: lane.redact(commandText(cmd)) }));
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
