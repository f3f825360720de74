import { afterEach, describe, expect, it } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { probeHealth } from '../../src/probes/health.js';
import { chooseTargetPid } from '../../src/probes/target-process.js';
import { createRedactor } from '../../src/runtime/redact.js';
import { freePort } from '../../src/runtime/ports.js';
import type { ProcInfo } from '../../src/runtime/proctable.js';
import type { Listener } from '../../src/probes/listeners.js';

const servers: http.Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

async function serve(handler: http.RequestListener): Promise<number> {
  const srv = http.createServer(handler);
  servers.push(srv);
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return (srv.address() as AddressInfo).port;
}

describe('probeHealth', () => {
  it('reports status, latency and a redacted body', async () => {
    const port = await serve((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok","token":"abc123456789"}'));
    const r = await probeHealth(`http://127.0.0.1:${port}/healthz`, { timeoutMs: 5000, redact: createRedactor() });
    expect(r).toMatchObject({ ok: true, statusCode: 200, timedOut: false, error: null });
    expect(r.latencyMs).toBeGreaterThanOrEqual(0);
    expect(r.body).toContain('"status":"ok"');
    expect(r.body).not.toContain('abc123456789');
  });

  it('a 503 is an answer, not an error; ok is false', async () => {
    const port = await serve((_req, res) => res.writeHead(503).end('degraded'));
    const r = await probeHealth(`http://127.0.0.1:${port}/`, { timeoutMs: 5000 });
    expect(r).toMatchObject({ ok: false, statusCode: 503, error: null, body: 'degraded' });
  });

  it('a closed port is an error with no status', async () => {
    const port = await freePort();
    const r = await probeHealth(`http://127.0.0.1:${port}/`, { timeoutMs: 5000 });
    expect(r.ok).toBe(false);
    expect(r.statusCode).toBeNull();
    expect(r.latencyMs).toBeNull();
    expect(r.error).toMatch(/ECONNREFUSED/);
  });

  it('a hanging endpoint ends at the deadline', async () => {
    const port = await serve(() => {
      /* never answers */
    });
    const r = await probeHealth(`http://127.0.0.1:${port}/`, { timeoutMs: 200 });
    expect(r).toMatchObject({ ok: false, timedOut: true, statusCode: null, error: 'no response within 200 ms' });
  });

  it('rejects non-http URLs without a request', async () => {
    expect((await probeHealth('ftp://127.0.0.1/', { timeoutMs: 100 })).error).toMatch(/unsupported protocol/);
    expect((await probeHealth('not a url', { timeoutMs: 100 })).error).toMatch(/not a valid URL/);
  });
});

describe('chooseTargetPid', () => {
  const proc = (pid: number, ppid: number): ProcInfo => ({ pid, ppid, pgid: pid, rssKb: 1, uptimeSec: 1, name: 'n', command: 'n', state: 'S' });
  const listener = (port: number, pid: number | null): Listener => ({ protocol: 'tcp', address: '127.0.0.1', port, pid, process: null, command: null });

  it('no listener on the port: no pid, says why', () => {
    expect(chooseTargetPid(80, [listener(81, 5)], [])).toEqual({ pid: null, note: 'nothing listens on port 80' });
  });
  it('owner not visible: no pid, says so', () => {
    expect(chooseTargetPid(80, [listener(80, null)], []).note).toMatch(/not visible/);
  });
  it('one owner; a master and its workers sharing the socket resolve to the master, whatever order /proc listed them in', () => {
    expect(chooseTargetPid(80, [listener(80, 7)], [])).toEqual({ pid: 7, note: null });
    const table = [proc(1, 0), proc(10, 1), proc(11, 10), proc(12, 10)];
    for (const order of [
      [12, 10, 11],
      [11, 12, 10],
      [10, 11, 12],
    ]) {
      const c = chooseTargetPid(
        80,
        order.map((p) => listener(80, p)),
        table,
      );
      expect(c.pid).toBe(10);
      expect(c.note).toBe('port 80 is shared by 3 processes; serving process 10, its descendant(s) 11, 12 share the socket');
    }
  });

  it('a worker under a non-owning intermediate still resolves to the owning ancestor', () => {
    const table = [proc(1, 0), proc(20, 1), proc(21, 20), proc(22, 21)];
    expect(chooseTargetPid(80, [listener(80, 22), listener(80, 20)], table).pid).toBe(20);
  });

  it('unrelated owners (SO_REUSEPORT) take the lowest pid and say how to name the target', () => {
    const table = [proc(1, 0), proc(11, 1), proc(12, 1)];
    expect(chooseTargetPid(80, [listener(80, 12), listener(80, 11)], table)).toEqual({
      pid: 11,
      note: 'several unrelated processes listen on port 80: 11, 12; using the lowest, 11 (set target.pidFile to name the target)',
    });
  });
});
