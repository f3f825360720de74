/**
 * Runs a foreground-only daemon as a service would (target.manage "hunt"): started detached in a session of
 * its own with its output appended to a log, a pid file (plus a sidecar with the process's start time, so a
 * recycled pid is never signalled), a stop that sends the graceful signal and escalates to SIGKILL of its
 * whole group after the deadline, and a status from the pid file. Used by `hunt daemon`.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync, promises as fsp, writeSync } from 'node:fs';
import path from 'node:path';
import { runCommand, type CommandLine } from './exec.js';
import { ensureDir, writeFileAtomic, removePath } from './fs.js';
import { isPortOpen } from './ports.js';
import { listProcesses } from './proctable.js';
import { startKey } from './proctrack.js';
import { isRunning, sendSignal } from './signals.js';
import { runAsIdentity } from './users.js';

export interface DaemonResult {
  ok: boolean;
  pid: number | null;
  message: string;
  /** The end of the daemon's log written since the start (failures only). */
  tail?: string;
}

const sidecar = (pidFile: string) => `${pidFile}.hunt.json`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The live pid a pid file names, when it is still the process hunt started (start time checked). */
export async function livePid(pidFile: string): Promise<number | null> {
  let pid: number;
  try {
    pid = Number((await fsp.readFile(pidFile, 'utf8')).trim().split('\n')[0]);
  } catch {
    return null;
  }
  if (!Number.isSafeInteger(pid) || pid <= 0 || !isRunning(pid)) return null;
  try {
    const meta = JSON.parse(await fsp.readFile(sidecar(pidFile), 'utf8')) as { pid: number; startKey: number | null };
    const row = (await listProcesses()).find((p) => p.pid === pid);
    const key = row ? startKey(row) : null;
    if (meta.pid === pid && meta.startKey !== null && key !== null && Math.abs(key - meta.startKey) > 2) return null; // recycled
  } catch {
    /* a pid file hunt did not write: trust it */
  }
  return pid;
}

async function logTail(file: string, from: number, max = 4000): Promise<string> {
  try {
    const text = (await fsp.readFile(file)).subarray(from).toString('utf8').trim();
    return text.length > max ? `...${text.slice(text.length - max)}` : text;
  } catch {
    return '';
  }
}

export interface StartOptions {
  command: CommandLine;
  pidFile: string;
  logFile: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  host: string;
  port: number;
  readyTimeoutMs: number;
  /** target.user (when hunt is root and was not already switched by the caller). */
  user?: string | null;
}

/** Starts the daemon detached and waits until its port accepts, it exits (a start-up failure), or the deadline. */
export async function startDaemon(o: StartOptions): Promise<DaemonResult> {
  const running = await livePid(o.pidFile);
  if (running !== null) return { ok: true, pid: running, message: `already running (pid ${running})` };
  await ensureDir(path.dirname(o.pidFile));
  await ensureDir(path.dirname(o.logFile));
  const fd = openSync(o.logFile, 'a');
  const from = (await fsp.stat(o.logFile)).size;
  // a timestamped line before the daemon's own output: lines it writes without a timestamp (redis's FATAL CONFIG
  // error) inherit this one, so the log's window counts stay known instead of becoming unverifiable
  writeSync(fd, `${new Date().toISOString()} hunt daemon: starting (pid file ${o.pidFile})\n`);
  const [file, args, shell] = Array.isArray(o.command) ? [o.command[0], o.command.slice(1), false] : [o.command, [], true];
  let exit: string | null = null;
  const as = runAsIdentity(o.user);
  if (as) {
    await fsp.chown(path.dirname(o.pidFile), as.uid, as.gid);
    await fsp.chown(o.logFile, as.uid, as.gid);
  }
  const child = spawn(file, args, { cwd: o.cwd, env: o.env, shell, detached: true, stdio: ['ignore', fd, fd], ...(as ? { uid: as.uid, gid: as.gid } : {}) });
  closeSync(fd);
  child.once('error', (err) => (exit = `could not start: ${err.message}`));
  child.once('exit', (code, sig) => (exit = sig ? `killed by ${sig}` : `exited with code ${code}`));
  child.unref();
  if (child.pid === undefined) {
    await sleep(50); // the 'error' event carries the reason
    return { ok: false, pid: null, message: exit ?? 'could not start', tail: await logTail(o.logFile, from) };
  }
  const row = (await listProcesses()).find((p) => p.pid === child.pid);
  await writeFileAtomic(o.pidFile, `${child.pid}\n`);
  await writeFileAtomic(sidecar(o.pidFile), `${JSON.stringify({ pid: child.pid, startKey: row ? startKey(row) : null, command: o.command })}\n`);
  const deadline = Date.now() + o.readyTimeoutMs;
  for (let delay = 25; ; delay = Math.min(delay * 2, 250)) {
    if (exit) {
      await removePath(o.pidFile);
      await removePath(sidecar(o.pidFile));
      return {
        ok: false,
        pid: child.pid,
        message: `${exit} before it listened on ${o.host}:${o.port} (a start-up failure)`,
        tail: await logTail(o.logFile, from),
      };
    }
    if (await isPortOpen(o.port, o.host, 300)) return { ok: true, pid: child.pid, message: `started (pid ${child.pid}), listening on ${o.host}:${o.port}` };
    if (Date.now() > deadline) {
      return {
        ok: false,
        pid: child.pid,
        message: `still not listening on ${o.host}:${o.port} after ${o.readyTimeoutMs} ms (pid ${child.pid} runs)`,
        tail: await logTail(o.logFile, from),
      };
    }
    await sleep(delay);
  }
}

export interface StopOptions {
  pidFile: string;
  signal: NodeJS.Signals;
  timeoutMs: number;
  /** target.stopCommand: run instead of sending the signal. */
  stopCommand?: CommandLine;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

async function gone(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isRunning(pid)) {
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
  return true;
}

/** Stops the daemon gracefully; after the deadline its whole group is SIGKILLed and the stop reports failure. */
export async function stopDaemon(o: StopOptions): Promise<DaemonResult> {
  const pid = await livePid(o.pidFile);
  if (pid === null) {
    await removePath(o.pidFile);
    await removePath(sidecar(o.pidFile));
    return { ok: true, pid: null, message: 'not running' };
  }
  let how = o.signal as string;
  if (o.stopCommand) {
    const r = await runCommand(o.stopCommand, { cwd: o.cwd, env: o.env, extendEnv: false, timeoutMs: o.timeoutMs });
    how = `the stop command (exit ${r.exitCode ?? r.signal})`;
  } else sendSignal(pid, o.signal);
  let ok = await gone(pid, o.timeoutMs);
  let message = `stopped pid ${pid} with ${how}`;
  if (!ok) {
    sendSignal(-pid, 'SIGKILL'); // its own session and group (started detached): helpers included
    sendSignal(pid, 'SIGKILL');
    ok = false;
    message = `pid ${pid} still ran ${o.timeoutMs} ms after ${how}: killed its process group with SIGKILL`;
    await gone(pid, 5000);
  }
  await removePath(o.pidFile);
  await removePath(sidecar(o.pidFile));
  return { ok, pid, message };
}

/** Whether the daemon of a pid file runs. */
export async function daemonStatus(pidFile: string): Promise<DaemonResult> {
  const pid = await livePid(pidFile);
  return pid === null ? { ok: false, pid: null, message: `not running (${pidFile})` } : { ok: true, pid, message: `running (pid ${pid})` };
}
