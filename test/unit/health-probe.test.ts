/** The one health probe: http expectations, a real TCP exchange (redis-style PING/+PONG), a command. */
import { afterEach, describe, expect, it } from 'vitest';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { probeTarget } from '../../src/probes/health-probe.js';
import { freePort } from '../../src/runtime/ports.js';
import { createRedactor } from '../../src/runtime/redact.js';
import { keyLine } from '../../src/core/key-line.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

async function tcpServer(onData: (sock: net.Socket, data: string) => void): Promise<number> {
  const socks = new Set<net.Socket>();
  const srv = net.createServer((s) => {
    socks.add(s);
    s.on('data', (d) => onData(s, d.toString()));
    s.on('error', () => {});
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  closers.push(async () => {
    for (const s of socks) s.destroy();
    await new Promise((r) => srv.close(r));
  });
  return (srv.address() as AddressInfo).port;
}

async function httpServer(handler: http.RequestListener): Promise<number> {
  const srv = http.createServer(handler);
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  closers.push(async () => {
    srv.closeAllConnections();
    await new Promise((r) => srv.close(r));
  });
  return (srv.address() as AddressInfo).port;
}

const tcp = (port: number, send: string | null, expect: string | null) => ({ kind: 'tcp' as const, host: '127.0.0.1', port, send, expect });

describe('tcp probe', () => {
  it('sends and waits for the expected reply', async () => {
    const port = await tcpServer((s, d) => d.includes('PING') && s.write('+PONG\r\n'));
    const r = await probeTarget(tcp(port, 'PING\r\n', '+PONG'), { timeoutMs: 5000 });
    expect(r).toMatchObject({ kind: 'tcp', url: `tcp://127.0.0.1:${port}`, ok: true, timedOut: false, error: null });
    expect(r.detail).toMatch(/^"\+PONG" in \d+ ms$/);
    expect(r.body).toBe('+PONG\\r\\n');
  });

  it('a server that accepts but never answers (redis under CLIENT PAUSE) is unhealthy at the deadline', async () => {
    const port = await tcpServer(() => {});
    const r = await probeTarget(tcp(port, 'PING\r\n', '+PONG'), { timeoutMs: 300 });
    expect(r).toMatchObject({ ok: false, timedOut: true });
    expect(r.detail).toBe('no "+PONG" in the reply within 300 ms');
  });

  it('a wrong reply, a peer that closes, and a closed port are unhealthy with what was seen', async () => {
    const wrong = await tcpServer((s) => s.end('-LOADING Redis is loading the dataset in memory\r\n'));
    const r = await probeTarget(tcp(wrong, 'PING\r\n', '+PONG'), { timeoutMs: 5000 });
    expect(r.ok).toBe(false);
    expect(r.detail).toContain('closed by the peer without "+PONG" (got "-LOADING Redis is loading');
    const closed = await freePort();
    const c = await probeTarget(tcp(closed, 'PING\r\n', '+PONG'), { timeoutMs: 2000 });
    expect(c).toMatchObject({ ok: false, timedOut: false });
    expect(c.error).toMatch(/ECONNREFUSED/);
  });

  it('without expect, a connection is enough', async () => {
    const port = await tcpServer(() => {});
    expect((await probeTarget(tcp(port, null, null), { timeoutMs: 2000 })).ok).toBe(true);
  });
});

describe('command probe', () => {
  const exec = { cwd: os.tmpdir(), env: { PATH: process.env.PATH } };
  it('exit 0 is healthy; a failure quotes its last output line, redacted', async () => {
    const ok = await probeTarget({ kind: 'command', command: ['sh', '-c', 'echo PONG'] }, { timeoutMs: 5000, exec });
    expect(ok).toMatchObject({ kind: 'command', ok: true, body: 'PONG' });
    const bad = await probeTarget(
      { kind: 'command', command: ['sh', '-c', 'echo "Could not connect, token=abcdef123456" >&2; exit 1'] },
      { timeoutMs: 5000, exec, redact: createRedactor() },
    );
    expect(bad.ok).toBe(false);
    expect(bad.detail).toMatch(/^exit 1 in \d+ ms: Could not connect, token=/);
    expect(bad.detail).not.toContain('abcdef123456');
  });

  it('a hanging command is unhealthy at the deadline; a missing binary says so', async () => {
    const hang = await probeTarget({ kind: 'command', command: ['sleep', '30'] }, { timeoutMs: 300, exec });
    expect(hang).toMatchObject({ ok: false, timedOut: true, detail: 'timed out after 300 ms' });
    const missing = await probeTarget({ kind: 'command', command: ['/nonexistent/hunt-probe'] }, { timeoutMs: 2000, exec });
    expect(missing.ok).toBe(false);
    expect(missing.detail).toMatch(/^could not start|exit 127/);
  });
});

describe('http probe expectations', () => {
  it('expectStatus replaces 2xx; bodyPattern must match', async () => {
    const port = await httpServer((req, res) => (req.url === '/ready' ? res.writeHead(204).end() : res.writeHead(200).end('status: degraded')));
    const url = (p: string) => `http://127.0.0.1:${port}${p}`;
    expect((await probeTarget({ kind: 'http', url: url('/ready'), expectStatus: [204], bodyPattern: null }, { timeoutMs: 5000 })).ok).toBe(true);
    expect((await probeTarget({ kind: 'http', url: url('/'), expectStatus: [204], bodyPattern: null }, { timeoutMs: 5000 })).ok).toBe(false);
    const body = await probeTarget({ kind: 'http', url: url('/'), expectStatus: null, bodyPattern: 'status: ok' }, { timeoutMs: 5000 });
    expect(body.ok).toBe(false);
    expect(body.detail).toMatch(/^HTTP 200 in \d+ ms but the body does not match \/status: ok\/$/);
  });
});

describe('keyLine', () => {
  it('picks the first error-like line, else the last line; stderr before stdout', () => {
    expect(keyLine(['nginx: the configuration file syntax is ok\n2026/11/30 [emerg] 1#1: unknown directive "x"\ntest failed', ''])).toBe(
      '2026/11/30 [emerg] 1#1: unknown directive "x"',
    );
    expect(keyLine(['', '*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\n>>> bogus'])).toBe('*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***');
    expect(keyLine(['first\nlast\n', 'other'])).toBe('last');
    expect(keyLine(['', ' \n'])).toBeNull();
    expect(keyLine(['x'.repeat(400)], 10)).toBe('xxxxxxxxxx...');
  });
});
