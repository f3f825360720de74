/** `hunt daemon`: exit 0 done (status: running), 1 failed (status: not running), 2 usage. */
import os from 'node:os';
import path from 'node:path';
import { UsageError } from '../../errors.js';
import type { CommandLine } from '../../runtime/exec.js';
import { daemonStatus, startDaemon, stopDaemon, type DaemonResult } from '../../runtime/daemonize.js';
import { printResult } from '../print.js';
import type { RunContext } from '../types.js';
import type { DaemonOptions } from './spec.js';

/** The gate's marker must not follow a daemon that outlives the gate (it is production, not a gate helper). */
const NOT_INHERITED = ['HUNT_GATE_OUT_DIR'];

function parseStopCommand(text: string | undefined): CommandLine | undefined {
  if (text === undefined) return undefined;
  try {
    const v = JSON.parse(text) as unknown;
    if (typeof v === 'string' && v) return v;
    if (Array.isArray(v) && v.length && v.every((a) => typeof a === 'string')) return v as string[];
  } catch {
    /* fall through */
  }
  throw new UsageError('--stop-command: expected JSON: a command string or an array of strings');
}

function signalOf(name: string | undefined): NodeJS.Signals {
  const s = name ?? 'SIGTERM';
  if (!Object.prototype.hasOwnProperty.call(os.constants.signals, s)) throw new UsageError(`--signal: ${s} is not a signal on this platform`);
  return s as NodeJS.Signals;
}

/** The flags a managed profile implies (what its derived commands would pass), so `hunt daemon start --config p.json` just works. */
async function fromProfile(opts: DaemonOptions, ctx: RunContext): Promise<{ opts: DaemonOptions; env: NodeJS.ProcessEnv; user: string | null }> {
  const { bindFromFlags } = await import('../../config/bind.js');
  const bound = await bindFromFlags({ config: opts.config }, ctx);
  const t = bound.target;
  if (!t.managed)
    throw new UsageError(`${bound.profile.file}: target.manage is not "hunt"`, {
      hint: 'hunt daemon --config is for profiles whose daemon hunt runs detached',
    });
  const start = Array.isArray(t.commands.start) ? t.commands.start : [t.commands.start];
  const stop = bound.templates.target.stopCommand ? t.commands.stop : undefined;
  const derived: DaemonOptions = {
    args: [opts.args[0], ...start],
    shell: !Array.isArray(t.commands.start),
    pidFile: t.managed.pidFile,
    logFile: t.managed.logFile,
    cwd: bound.profile.configDir,
    host: t.host,
    port: t.port,
    readyTimeoutMs: t.readyTimeoutMs,
    signal: bound.chaos.gracefulShutdown.signal,
    timeoutMs: Math.min(bound.chaos.gracefulShutdown.deadlineMs, t.commandTimeoutMs),
    stopCommand: stop ? JSON.stringify(stop) : undefined,
    json: opts.json,
  };
  return { opts: derived, env: { ...bound.commandEnv }, user: t.user };
}

/** Runs the action and prints its outcome. */
export async function run(given: DaemonOptions, ctx: RunContext): Promise<number> {
  let opts = given;
  let baseEnv: NodeJS.ProcessEnv = ctx.env;
  let user: string | null = null;
  if (given.config) {
    if (given.pidFile || given.args.length > 1) throw new UsageError('--config takes everything from the profile; drop --pid-file and the command');
    ({ opts, env: baseEnv, user } = await fromProfile(given, ctx));
  }
  const [action, ...rest] = opts.args;
  if (!opts.pidFile) throw new UsageError('--pid-file <file> (or --config <profile>) is required');
  const pidFile = path.resolve(ctx.cwd, opts.pidFile);
  const env = { ...baseEnv };
  for (const k of NOT_INHERITED) delete env[k];
  const cwd = path.resolve(ctx.cwd, opts.cwd ?? '.');
  const stop = () =>
    stopDaemon({ pidFile, signal: signalOf(opts.signal), timeoutMs: opts.timeoutMs ?? 10_000, stopCommand: parseStopCommand(opts.stopCommand), cwd, env });
  const start = () => {
    if (!rest.length) throw new UsageError(`hunt daemon ${action}: the start command is missing (give it after --)`);
    if (!opts.logFile || opts.port === undefined) throw new UsageError(`hunt daemon ${action}: --log-file and --port are required`);
    const command: CommandLine = opts.shell ? rest.join(' ') : rest;
    return startDaemon({
      command,
      pidFile,
      logFile: path.resolve(ctx.cwd, opts.logFile),
      cwd,
      env,
      host: opts.host ?? '127.0.0.1',
      port: opts.port,
      readyTimeoutMs: opts.readyTimeoutMs ?? 15_000,
      user,
    });
  };
  let result: DaemonResult;
  let steps: DaemonResult[] = [];
  if (action === 'status') result = await daemonStatus(pidFile);
  else if (action === 'stop') result = await stop();
  else if (action === 'start') result = await start();
  else {
    const stopped = await stop();
    const started = await start();
    steps = [stopped, started];
    result = { ok: stopped.ok && started.ok, pid: started.pid, message: `${stopped.message}; ${started.message}`, tail: started.tail ?? stopped.tail };
  }
  printResult(ctx, { action, ...result, ...(steps.length ? { steps } : {}) }, () => [`${action}: ${result.message}`]);
  if (!result.ok && result.tail) process.stderr.write(`--- daemon output since the start ---\n${result.tail}\n`);
  if (result.ok) return 0;
  return 1;
}
