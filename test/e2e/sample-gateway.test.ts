/**
 * The bundled sample gateway as a real daemon: real processes, ports, signals and files in a temp home.
 * Every process a test starts (launchers, daemons, workers) is killed in afterEach.
 */
import { spawn } from 'node:child_process';
import { promises as fsp, existsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, isPortOpen } from '../../src/runtime/ports.js';
import {
  ISO_LINE,
  TOKEN,
  alive,
  cleanup,
  get,
  groups,
  gw,
  gwEnv,
  logHas,
  makeHome,
  occupy,
  readLog,
  spawnGw,
  startDetached,
  waitFor,
} from './sample-gateway.helpers.js';

afterEach(cleanup);

describe('hunt-sample-gateway lifecycle', () => {
  it('prints its version, and the version written by update', async () => {
    const home = await makeHome();
    const v1 = await gw(['--version'], gwEnv(home));
    expect(v1).toMatchObject({ code: 0, stdout: 'hunt-sample-gateway 1.0.0\n' });
    expect((await gw(['update', '--to', '1.2.3'], gwEnv(home))).code).toBe(0);
    expect((await gw(['--version'], gwEnv(home))).stdout).toBe('hunt-sample-gateway 1.2.3\n');
    const bad = await gw(['update', '--to', 'latest'], gwEnv(home));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('invalid version');
  });

  it('start --detach, status, healthz, logs, stop: lock removed, port released, worker ended', async () => {
    const home = await makeHome();
    const port = await freePort();
    const pid = await startDetached(home, port);
    const st = await gw(['status'], gwEnv(home));
    expect(st).toMatchObject({ code: 0, stdout: `running pid=${pid} port=${port}\n` });
    expect(await get(port, '/healthz')).toMatchObject({ status: 200, json: { status: 'ok' } });
    const root = await waitFor('worker pid in GET /', async () => {
      const r = await get(port, '/');
      return r?.json?.workerPid ? r : null;
    });
    expect(root.json).toMatchObject({ name: 'hunt-sample-gateway', version: '1.0.0', pid, port });
    const workerPid: number = root.json.workerPid;
    expect(alive(workerPid)).toBe(true);
    const lock = JSON.parse(await fsp.readFile(path.join(home, 'gateway.lock'), 'utf8'));
    expect(lock).toMatchObject({ pid, port });

    const stop = await gw(['stop'], gwEnv(home));
    expect(stop).toMatchObject({ code: 0, stdout: `stopped pid=${pid}\n` });
    expect(await gw(['status'], gwEnv(home))).toMatchObject({ code: 3, stdout: 'not running\n' });
    expect(existsSync(path.join(home, 'gateway.lock'))).toBe(false);
    expect(await isPortOpen(port)).toBe(false);
    await waitFor('worker gone', () => !alive(workerPid));
    const log = await readLog(home, 'gateway.log');
    for (const line of log.trim().split('\n')) expect(line).toMatch(ISO_LINE);
    for (const msg of [`listening on 127.0.0.1:${port}`, `worker started pid=${workerPid}`, 'shutdown complete']) expect(log).toContain(msg);
    expect((await gw(['stop'], gwEnv(home))).stdout).toBe('not running\n'); // idempotent
  });

  it('refuses a second instance (73) and an occupied port (98), fast and with stable messages', async () => {
    const home = await makeHome();
    const port = await freePort();
    const pid = await startDetached(home, port);
    const second = await gw(['start', '--port', String(await freePort())], gwEnv(home));
    expect(second.code).toBe(73);
    expect(second.stderr).toContain(`another instance is running (pid ${pid})`);
    expect(await readLog(home, 'gateway.err.log')).toMatch(/Z ERROR another instance is running \(pid \d+\)/);
    expect((await get(port, '/'))?.json.pid).toBe(pid); // the first one is untouched

    const other = await makeHome();
    const busy = await freePort();
    await occupy(busy);
    const res = await gw(['start', '--port', String(busy)], gwEnv(other));
    expect(res.code).toBe(98);
    expect(res.stderr).toContain(`EADDRINUSE: port ${busy} already in use`);
    expect(existsSync(path.join(other, 'gateway.lock'))).toBe(false);
  });

  it('reclaims a stale lock left by a dead pid, or by a pid now used by another program', async () => {
    const home = await makeHome();
    const dead = spawn(process.execPath, ['-e', '']);
    await new Promise((r) => dead.on('exit', r));
    const lockFile = path.join(home, 'gateway.lock');
    await fsp.writeFile(lockFile, JSON.stringify({ pid: dead.pid, port: 1, startedAt: 'x' }));
    expect(await gw(['status'], gwEnv(home))).toMatchObject({ code: 3, stdout: `not running (stale lock from pid ${dead.pid})\n` });
    const port = await freePort();
    const pid = await startDetached(home, port);
    expect(await readLog(home, 'gateway.log')).toContain(`reclaimed stale lock from pid ${dead.pid}`);
    expect(JSON.parse(await fsp.readFile(lockFile, 'utf8')).pid).toBe(pid);
    expect((await gw(['stop'], gwEnv(home))).code).toBe(0);

    // a live process that is not a gateway (pid reuse): not "running", never signalled by stop, reclaimed by start
    const bystander = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { detached: true, stdio: 'ignore' });
    groups.add(bystander.pid!);
    await fsp.writeFile(lockFile, JSON.stringify({ pid: bystander.pid, port: 1, startedAt: 'x' }));
    expect((await gw(['status'], gwEnv(home))).code).toBe(3);
    expect((await gw(['stop'], gwEnv(home))).stdout).toBe('not running\n');
    expect(alive(bystander.pid!)).toBe(true);
    await startDetached(home, port);
    expect(await readLog(home, 'gateway.log')).toContain(`reclaimed stale lock from pid ${bystander.pid}`);
  });

  it('SIGUSR1 reloads in place (same pid, same port, still serving); restart gives a new pid on the same port', async () => {
    const home = await makeHome();
    const port = await freePort();
    const pid = await startDetached(home, port);
    process.kill(pid, 'SIGUSR1');
    await waitFor('reload complete', logHas(home, 'gateway.log', 'reload complete'));
    expect(alive(pid)).toBe(true);
    expect((await get(port, '/'))?.json).toMatchObject({ pid, port });
    expect((await get(port, '/healthz'))?.status).toBe(200);

    const res = await gw(['restart'], gwEnv(home));
    expect(res.code, res.stderr).toBe(0);
    const m = /started pid=(\d+) port=(\d+)/.exec(res.stdout)!;
    groups.add(Number(m[1]));
    expect(Number(m[1])).not.toBe(pid);
    expect(Number(m[2])).toBe(port);
    expect(alive(pid)).toBe(false);
  });

  it('SIGTERM on a foreground gateway: exit 0, worker ended, lock removed, port free', async () => {
    const home = await makeHome();
    const port = await freePort();
    const fg = spawnGw(['start', '--port', String(port)], gwEnv(home));
    const root = await waitFor('GET / with a worker', async () => {
      const r = await get(port, '/');
      return r?.json?.workerPid ? r.json : null;
    });
    expect(fg.output()).toMatch(/Z INFO listening on 127\.0\.0\.1:\d+/); // foreground echoes its log lines
    fg.child.kill('SIGTERM');
    const res = await fg.done;
    expect(res.code).toBe(0);
    expect(alive(root.workerPid)).toBe(false);
    expect(existsSync(path.join(home, 'gateway.lock'))).toBe(false);
    expect(await isPortOpen(port)).toBe(false);
    expect(await readLog(home, 'gateway.log')).toContain('shutdown complete');
  });

  it('fails fast with 78 on a missing token or an invalid config, never printing the token', async () => {
    const home = await makeHome();
    const port = String(await freePort());
    const noEnv = await gw(['start', '--port', port], gwEnv(home, { SAMPLE_GATEWAY_TOKEN: undefined }));
    expect(noEnv.code).toBe(78);
    expect(noEnv.stderr).toContain('missing required env var SAMPLE_GATEWAY_TOKEN');
    const cfg = path.join(home, 'config.json');
    for (const [content, reason] of [
      ['{"port": "eighty"}', '"port" must be an integer'],
      ['{"upstreamUrl": "ftp://x"}', '"upstreamUrl" unsupported protocol'],
      ['{"colour": 1}', 'unknown key "colour"'],
      ['{not json', 'not valid JSON'],
    ]) {
      await fsp.writeFile(cfg, content);
      const res = await gw(['start', '--port', port], gwEnv(home));
      expect(res.code).toBe(78);
      expect(res.stderr).toContain(`invalid config ${cfg}: ${reason}`);
      expect(res.stdout + res.stderr).not.toContain(TOKEN);
    }
    const errLog = await readLog(home, 'gateway.err.log');
    expect(errLog).toContain('missing required env var SAMPLE_GATEWAY_TOKEN');
    expect(errLog + (await readLog(home, 'gateway.log'))).not.toContain(TOKEN);
    expect(existsSync(path.join(home, 'gateway.lock'))).toBe(false);
  });

  it('degrades to 503 while its upstream is down and recovers by itself', async () => {
    const home = await makeHome();
    const [port, upPort] = [await freePort(), await freePort()];
    const startUpstream = async () => {
      const up = spawnGw(['upstream', '--port', String(upPort)], gwEnv(home));
      await waitFor('upstream listening', () => up.output().includes('upstream listening'));
      return up;
    };
    let up = await startUpstream();
    await fsp.writeFile(path.join(home, 'config.json'), JSON.stringify({ upstreamUrl: `http://127.0.0.1:${upPort}/`, upstreamIntervalMs: 100 }));
    await startDetached(home, port);
    await waitFor('healthy', async () => (await get(port, '/healthz'))?.json?.upstream === 'ok');
    up.child.kill('SIGTERM');
    expect((await up.done).code).toBe(0);
    const degraded = await waitFor('503', async () => {
      const r = await get(port, '/healthz');
      return r?.status === 503 ? r : null;
    });
    expect(degraded.json).toMatchObject({ status: 'degraded' });
    expect(degraded.json.reason).toContain('upstream unreachable');
    expect(await readLog(home, 'gateway.err.log')).toMatch(/Z ERROR upstream unreachable: .*ECONNREFUSED/);
    up = await startUpstream();
    await waitFor('recovered', async () => (await get(port, '/healthz'))?.status === 200);
    expect(await readLog(home, 'gateway.log')).toContain('upstream recovered');
  });
});
