/**
 * The sample gateway's bug switches: each one must make it misbehave exactly as docs/sample-gateway-contract.md says, or the chaos
 * checks that rely on them could never be shown to fail. Every process started here is killed in afterEach.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, isPortOpen } from '../../src/runtime/ports.js';
import {
  alive,
  cleanup,
  extraFiles,
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

describe('hunt-sample-gateway bug switches', () => {
  it('ignore-lock: a second instance keeps running', async () => {
    const home = await makeHome();
    const pid = await startDetached(home, await freePort());
    const port2 = await freePort();
    const second = spawnGw(['start', '--port', String(port2)], gwEnv(home, { SAMPLE_GATEWAY_BUGS: 'ignore-lock' }));
    const root = await waitFor('second instance serving', async () => (await get(port2, '/'))?.json);
    expect(root.pid).toBe(second.child.pid);
    expect(alive(pid)).toBe(true);
  });

  it('hang-on-term: SIGTERM is ignored, stop times out (1), stop --force kills it', async () => {
    const home = await makeHome();
    const port = await freePort();
    const pid = await startDetached(home, port, { SAMPLE_GATEWAY_BUGS: 'hang-on-term' });
    const res = await gw(['stop', '--timeout-ms', '700'], gwEnv(home));
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`gateway (pid ${pid}) did not stop within 700 ms`);
    expect((await get(port, '/'))?.json.pid).toBe(pid);
    const forced = await gw(['stop', '--timeout-ms', '200', '--force'], gwEnv(home));
    expect(forced.code).toBe(0);
    await waitFor('killed', () => !alive(pid));
    expect(existsSync(path.join(home, 'gateway.lock'))).toBe(false);
  });

  it('crash-on-reload: SIGUSR1 crashes (FATAL, exit 1) and leaves a stale lock', async () => {
    const home = await makeHome();
    const port = await freePort();
    const fg = spawnGw(['start', '--port', String(port)], gwEnv(home, { SAMPLE_GATEWAY_BUGS: 'crash-on-reload' }));
    await waitFor('serving', async () => (await get(port, '/'))?.json);
    fg.child.kill('SIGUSR1');
    expect((await fg.done).code).toBe(1);
    expect(await readLog(home, 'gateway.err.log')).toMatch(/Z FATAL reload failed/);
    expect((await gw(['status'], gwEnv(home))).stdout).toContain('stale lock');
  });

  it('leak-child, write-outside-home, listener-on-reload, crash-loop-log, bind-anyway misbehave as documented', async () => {
    const home = await makeHome();
    const cwd = await makeHome();
    const port = await freePort();
    const bugs = 'leak-child,write-outside-home,listener-on-reload,crash-loop-log';
    const fg = spawnGw(['start', '--port', String(port)], gwEnv(home, { SAMPLE_GATEWAY_BUGS: bugs }), cwd);
    const pid = fg.child.pid!;
    extraFiles.push(`/tmp/hunt-sample-gateway-leak-${pid}`);
    await waitFor('serving', async () => (await get(port, '/'))?.json);
    const helper = Number(/started helper pid=(\d+)/.exec(await readLog(home, 'gateway.log'))![1]);
    groups.add(helper);
    expect(existsSync(`/tmp/hunt-sample-gateway-leak-${pid}`)).toBe(true);
    expect(existsSync(path.join(cwd, `gateway-leak-${pid}.txt`))).toBe(true);
    const errLog = await readLog(home, 'gateway.err.log');
    expect(errLog).toMatch(/Z FATAL /);
    expect(errLog).toContain('UnhandledPromiseRejection');
    fg.child.kill('SIGUSR1');
    const debugPort = Number((await waitFor('debug listener', async () => /debug listener on 127\.0\.0\.1:(\d+)/.exec(await readLog(home, 'gateway.log'))))[1]);
    expect(await isPortOpen(debugPort)).toBe(true);
    fg.child.kill('SIGTERM');
    const ended = await fg.done;
    expect(ended.code, ended.stdout + ended.stderr).toBe(0);
    expect(alive(helper)).toBe(true); // survived the graceful shutdown

    const busy = await freePort();
    await occupy(busy);
    const other = await makeHome();
    const stubborn = spawnGw(['start', '--port', String(busy)], gwEnv(other, { SAMPLE_GATEWAY_BUGS: 'bind-anyway' }));
    await waitFor('EADDRINUSE logged', logHas(other, 'gateway.err.log', `EADDRINUSE: port ${busy} already in use`));
    await waitFor('worker started', logHas(other, 'gateway.log', 'worker started'));
    expect(stubborn.child.exitCode).toBeNull();
  });
});
