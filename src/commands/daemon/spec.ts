import { Argument, Option } from 'commander';
import { LIMITS } from '../../config/limits.js';
import { addOptions, intOption, textOption } from '../flags.js';
import { defineCommand } from '../types.js';

/** `hunt daemon` options (what the profile's derived commands pass; see src/config/managed.ts). */
export interface DaemonOptions {
  /** [action, ...start command argv] */
  args: string[];
  /** A profile with target.manage "hunt": every other value comes from it. */
  config?: string;
  pidFile?: string;
  logFile?: string;
  cwd?: string;
  host?: string;
  port?: number;
  readyTimeoutMs?: number;
  signal?: string;
  timeoutMs?: number;
  stopCommand?: string;
  shell?: boolean;
  json?: boolean;
}

/**
 * `hunt daemon <start|stop|restart|status>`: runs a foreground-only daemon detached, with a pid file and its
 * output in a log. A profile with `target.manage: "hunt"` gets its status/stop/restart commands from here.
 */
export const daemonSpec = defineCommand<DaemonOptions>({
  name: 'daemon',
  summary: 'start, stop, restart or query a foreground-only daemon that hunt runs detached (target.manage "hunt")',
  configure: (cmd) =>
    addOptions(
      cmd
        .addArgument(new Argument('<action>', 'what to do').choices(['start', 'stop', 'restart', 'status']))
        .addArgument(new Argument('[command...]', 'start/restart: the foreground command (after --)')),
      [
        textOption(
          '--config <file>',
          'a profile with target.manage "hunt": pid file, log, command, port and stop signal come from it (HUNT_PORT/HUNT_TARGET_HOME apply)',
        ),
        textOption('--pid-file <file>', 'the pid file hunt writes and reads (required without --config)'),
        textOption('--log-file <file>', 'start/restart: where the daemon output is appended'),
        textOption('--cwd <dir>', 'start/restart: working directory of the daemon'),
        textOption('--host <host>', 'start/restart: the host the daemon listens on (default 127.0.0.1)'),
        intOption('--port <n>', 'start/restart: the port that must accept connections before the start counts', LIMITS.port),
        intOption('--ready-timeout-ms <n>', 'start/restart: how long the daemon may take to listen (default 15000)', LIMITS.commandTimeoutMs),
        textOption('--signal <name>', 'stop/restart: the graceful stop signal (default SIGTERM)'),
        intOption('--timeout-ms <n>', 'stop/restart: how long a graceful stop may take before SIGKILL (default 10000)', LIMITS.commandTimeoutMs),
        textOption('--stop-command <json>', 'stop/restart: a command (JSON: string or argv array) run instead of sending the signal'),
        new Option('--shell', 'the start command is one shell string'),
      ],
    ).option('--json', 'print one JSON object'),
  load: () => import('./run.js'),
});
