/**
 * `target.manage: "hunt"`: a daemon that only runs in the foreground and has no service manager. hunt
 * starts it detached itself (`hunt daemon start`: own session, pid file, output appended to a log under
 * the home) and derives the status, stop and restart commands from that pid file, so a profile needs no
 * wrapper script. The derived commands are ordinary command lines (hunt's own bin), so the gate runs,
 * times out, journals and reports them like any other target command.
 */
import path from 'node:path';
import type { CommandLine } from '../runtime/exec.js';
import { packageDir } from './package.js';

/** Where a managed daemon's pid file and output log live, relative to its home (unless target.pidFile is set). */
export const MANAGED_DIR = '.hunt';
export const MANAGED_PID = 'daemon.pid';
export const MANAGED_LOG = 'daemon.log';

/** What the derived commands need, already expanded. */
export interface ManagedInput {
  start: CommandLine;
  stop?: CommandLine;
  home: string;
  /** target.pidFile expanded, or null for the default under the home. */
  pidFile: string | null;
  cwd: string;
  host: string;
  port: number;
  /** The graceful stop signal (chaos.gracefulShutdown.signal) and how long a stop may take before SIGKILL. */
  signal: string;
  stopTimeoutMs: number;
  readyTimeoutMs: number;
}

/** The derived lifecycle of a managed daemon. */
export interface ManagedCommands {
  pidFile: string;
  logFile: string;
  start: CommandLine;
  status: CommandLine;
  stop: CommandLine;
  restart: CommandLine;
}

/** Pure: the pid file and log of a managed daemon. */
export function managedPaths(home: string, pidFile: string | null): { pidFile: string; logFile: string } {
  return { pidFile: pidFile ?? path.join(home, MANAGED_DIR, MANAGED_PID), logFile: path.join(home, MANAGED_DIR, MANAGED_LOG) };
}

/** Pure: the argv of the start command as `hunt daemon` takes it (a shell string runs through sh -c). */
function startArgs(start: CommandLine): string[] {
  return Array.isArray(start) ? ['--', ...start] : ['--shell', '--', start];
}

/** Pure: status/stop/start/restart command lines for a managed daemon. */
export function managedCommands(m: ManagedInput): ManagedCommands {
  const { pidFile, logFile } = managedPaths(m.home, m.pidFile);
  const hunt = [process.execPath, path.join(packageDir, 'bin', 'hunt.js'), 'daemon'];
  const stopArgs = ['--pid-file', pidFile, '--signal', m.signal, '--timeout-ms', String(m.stopTimeoutMs)];
  const stopVia = m.stop ? ['--stop-command', JSON.stringify(m.stop)] : [];
  const startOpts = [
    '--pid-file',
    pidFile,
    '--log-file',
    logFile,
    '--cwd',
    m.cwd,
    '--host',
    m.host,
    '--port',
    String(m.port),
    '--ready-timeout-ms',
    String(m.readyTimeoutMs),
  ];
  return {
    pidFile,
    logFile,
    status: [...hunt, 'status', '--pid-file', pidFile],
    stop: m.stop ?? [...hunt, 'stop', ...stopArgs],
    start: [...hunt, 'start', ...startOpts, ...startArgs(m.start)],
    restart: [...hunt, 'restart', ...startOpts, '--signal', m.signal, '--timeout-ms', String(m.stopTimeoutMs), ...stopVia, ...startArgs(m.start)],
  };
}
