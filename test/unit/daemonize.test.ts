/**
 * hunt's own service manager for foreground-only daemons (runtime/daemonize.ts), with real processes: a
 * detached start in its own session with a pid file, a graceful stop, the SIGKILL escalation of a daemon that
 * ignores its stop signal, a start-up failure with the daemon's output, and the recycled-pid guard.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { daemonStatus, livePid, startDaemon, stopDaemon } from '../../src/runtime/daemonize.js';
import { freePort } from '../../src/runtime/ports.js';
import { listProcesses } from '../../src/runtime/proctable.js';
import { isRunning, sendSignal } from '../../src/runtime/signals.js';

const dirs: string[] = [];
const pids: number[] = [];
afterEach(async () => {
  for (const p of pids.splice(0)) if (isRunning(p)) sendSignal(p, 'SIGKILL');
  for (const d of dirs.splice(0)) await fsp.rm(d, { recursive: true, force: true });
});

/** A foreground server; `ignoreTerm` makes it ignore SIGTERM (a daemon that never stops gracefully). */
const server = (ignoreTerm: boolean) =>
  `const s = require('http').createServer((q, r) => r.end('ok')).listen(Number(process.argv[1]), '127.0.0.1', () => console.log('listening'));` +
  (ignoreTerm ? `process.on('SIGTERM', () => console.log('ignoring SIGTERM'));` : `process.on('SIGTERM', () => s.close(() => process.exit(0)));`);

async function setup(ignoreTerm = false) {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'hunt-daemonize-'));
  dirs.push(dir);
  const port = await freePort();
  const opts = {
    command: [process.execPath, '-e', server(ignoreTerm), String(port)],
    pidFile: path.join(dir, 'run', 'd.pid'),
    logFile: path.join(dir, 'logs', 'd.log'),
    cwd: dir,
    env: { PATH: process.env.PATH },
    host: '127.0.0.1',
    port,
    readyTimeoutMs: 20_000,
  };
  return { dir, port, opts };
}

describe('hunt daemon', () => {
  it('starts detached in its own session with a pid file, says so, is idempotent, and stops gracefully', async () => {
    const { opts } = await setup();
    const started = await startDaemon(opts);
    expect(started.ok, started.message).toBe(true);
    pids.push(started.pid!);
    expect(started.message).toBe(`started (pid ${started.pid}), listening on 127.0.0.1:${opts.port}`);
    expect((await fsp.readFile(opts.pidFile, 'utf8')).trim()).toBe(String(started.pid));
    const row = (await listProcesses()).find((p) => p.pid === started.pid)!;
    expect(row).toMatchObject({ pgid: started.pid, sid: started.pid });
    expect((await startDaemon(opts)).message).toBe(`already running (pid ${started.pid})`);
    expect(await daemonStatus(opts.pidFile)).toMatchObject({ ok: true, pid: started.pid });
    const stopped = await stopDaemon({ pidFile: opts.pidFile, signal: 'SIGTERM', timeoutMs: 10_000, cwd: opts.cwd, env: opts.env });
    expect(stopped).toMatchObject({ ok: true, message: `stopped pid ${started.pid} with SIGTERM` });
    expect(isRunning(started.pid!)).toBe(false);
    expect(await daemonStatus(opts.pidFile)).toMatchObject({ ok: false });
    expect(await stopDaemon({ pidFile: opts.pidFile, signal: 'SIGTERM', timeoutMs: 1000, cwd: opts.cwd, env: opts.env })).toMatchObject({
      ok: true,
      message: 'not running',
    });
    expect(await fsp.readFile(opts.logFile, 'utf8')).toContain('listening');
  });

  it('a daemon that ignores its stop signal is SIGKILLed after the deadline and the stop fails', async () => {
    const { opts } = await setup(true);
    const started = await startDaemon(opts);
    pids.push(started.pid!);
    const stopped = await stopDaemon({ pidFile: opts.pidFile, signal: 'SIGTERM', timeoutMs: 500, cwd: opts.cwd, env: opts.env });
    expect(stopped.ok).toBe(false);
    expect(stopped.message).toBe(`pid ${started.pid} still ran 500 ms after SIGTERM: killed its process group with SIGKILL`);
    expect(isRunning(started.pid!)).toBe(false);
  });

  it('a daemon that exits before it listens is a start-up failure with its output', async () => {
    const { opts } = await setup();
    const res = await startDaemon({ ...opts, command: ['sh', '-c', 'echo "*** FATAL CONFIG FILE ERROR ***" >&2; exit 1'] });
    expect(res.ok).toBe(false);
    expect(res.message).toBe(`exited with code 1 before it listened on 127.0.0.1:${opts.port} (a start-up failure)`);
    expect(res.tail).toContain('*** FATAL CONFIG FILE ERROR ***');
    expect(await livePid(opts.pidFile)).toBeNull();
  });

  it('a pid file whose pid now belongs to another process (recycled) is not ours: never signalled', async () => {
    const { opts } = await setup();
    await fsp.mkdir(path.dirname(opts.pidFile), { recursive: true });
    // our own pid stands in for a recycled one: alive, but started long before the sidecar says
    await fsp.writeFile(opts.pidFile, `${process.pid}\n`);
    await fsp.writeFile(`${opts.pidFile}.hunt.json`, JSON.stringify({ pid: process.pid, startKey: Math.round(Date.now() / 1000) + 3600 }));
    expect(await livePid(opts.pidFile)).toBeNull();
    expect(await stopDaemon({ pidFile: opts.pidFile, signal: 'SIGTERM', timeoutMs: 500, cwd: opts.cwd, env: opts.env })).toMatchObject({
      message: 'not running',
    });
  });
});
