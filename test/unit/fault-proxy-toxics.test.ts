/**
 * The toxiproxy vocabulary of the fault proxy through real sockets: timeout, slow_close, slicer and limit_data,
 * each toxic's direction (`stream`) and its share of connections (`toxicity`, drawn from an injected sequence so
 * the outcome is exact, never statistical). Conditions are awaited with generous deadlines; no timing is asserted.
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { FaultProxy, type FaultProxyOptions } from '../../src/chaos/fault-proxy/proxy.js';
import { sliceForSlicer } from '../../src/chaos/fault-proxy/pipe.js';
import { drawToxics, faultProblems } from '../../src/chaos/fault-proxy/types.js';
import { waitFor } from '../helpers/wait.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

/** An echo upstream that records what it received; `greet` is written (and the socket ended) on connect instead. */
async function upstream(o: { greet?: string } = {}): Promise<{ port: number; received: () => number; closed: () => number }> {
  let received = 0;
  let closed = 0;
  const sockets = new Set<net.Socket>();
  const srv = net.createServer({ allowHalfOpen: true }, (s) => {
    sockets.add(s);
    s.on('close', () => (closed++, sockets.delete(s)));
    s.on('error', () => undefined);
    if (o.greet !== undefined) {
      s.end(o.greet);
      s.resume();
      return;
    }
    s.on('data', (d) => {
      received += d.length;
      s.write(d);
    });
    s.on('end', () => s.end());
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  closers.push(
    () =>
      new Promise((r) => {
        for (const s of sockets) s.destroy();
        srv.close(() => r());
      }),
  );
  return { port: (srv.address() as net.AddressInfo).port, received: () => received, closed: () => closed };
}

async function proxyTo(port: number, o: Partial<FaultProxyOptions> = {}): Promise<FaultProxy> {
  const p = await FaultProxy.start({ upstreamPort: port, ...o });
  closers.push(() => p.close());
  return p;
}

/** A client that records everything: bytes, data events, whether the proxy ended or closed it. */
async function client(port: number) {
  const sock = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true });
  const state = { data: Buffer.alloc(0), events: 0, ended: false, closed: false, error: '' };
  sock.on('data', (d) => {
    state.data = Buffer.concat([state.data, d]);
    state.events++;
  });
  sock.on('end', () => (state.ended = true));
  sock.on('close', () => (state.closed = true));
  sock.on('error', (e: NodeJS.ErrnoException) => (state.error = e.code ?? e.message));
  await new Promise((r) => sock.once('connect', r));
  closers.push(async () => void sock.destroy());
  return { sock, state };
}

const sequence = (values: number[]) => () => {
  if (!values.length) throw new Error('the test drew more often than it planned');
  return values.shift()!;
};
const settle = () => new Promise((r) => setTimeout(r, 150));

describe('toxics (real sockets)', () => {
  it('timeout downstream: the answer is dropped, the request still reaches the upstream, the connection closes after ms', async () => {
    const up = await upstream();
    const proxy = await proxyTo(up.port);
    await proxy.setFaults({ timeout: { ms: 300 } });
    const c = await client(proxy.port);
    c.sock.write('ping');
    await waitFor('the timeout toxic to close the connection', () => c.state.ended || c.state.closed, 30_000);
    expect(c.state.data.length).toBe(0);
    expect(up.received()).toBe(4);
    expect(proxy.stats().timedOut).toBe(1);
  });

  it('timeout upstream with ms 0 holds the connection open and drops the request until cleared', async () => {
    const up = await upstream();
    const proxy = await proxyTo(up.port);
    await proxy.setFaults({ timeout: { ms: 0, stream: 'upstream' } });
    const c = await client(proxy.port);
    c.sock.write('lost');
    await waitFor('the proxy to take the connection', () => proxy.stats().bytesUp === 0 && proxy.stats().forwarded === 1, 30_000);
    await settle();
    expect(up.received()).toBe(0);
    expect(c.state.closed || c.state.ended).toBe(false);
    expect(proxy.stats().timedOut).toBe(0);
    await proxy.clear();
    c.sock.write('found');
    await waitFor('the echo after clearing', () => c.state.data.toString() === 'found', 30_000);
    expect(up.received()).toBe(5);
  });

  it('limit_data downstream: exactly the budget comes back, then the connection ends', async () => {
    const up = await upstream();
    const proxy = await proxyTo(up.port);
    await proxy.setFaults({ limitData: { bytes: 10 } });
    const c = await client(proxy.port);
    c.sock.write(Buffer.alloc(100, 'a'));
    await waitFor('limit_data to end the connection', () => c.state.ended || c.state.closed, 30_000);
    expect(c.state.data.toString()).toBe('a'.repeat(10));
    expect(up.received()).toBe(100);
    expect(proxy.stats().limited).toBe(1);
  });

  it('limit_data upstream: the upstream receives exactly the budget', async () => {
    const up = await upstream();
    const proxy = await proxyTo(up.port);
    await proxy.setFaults({ limitData: { bytes: 7, stream: 'upstream' } });
    const c = await client(proxy.port);
    c.sock.write(Buffer.alloc(50, 'b'));
    await waitFor('limit_data to end the connection', () => c.state.ended || c.state.closed, 30_000);
    await waitFor('the upstream leg to close', () => up.closed() === 1, 30_000);
    expect(up.received()).toBe(7);
    expect(c.state.data.length).toBeLessThanOrEqual(7);
  });

  it('slow_close downstream holds the end back while the upstream has long closed; a short one lets it through', async () => {
    const up = await upstream({ greet: 'bye' });
    const proxy = await proxyTo(up.port);
    await proxy.setFaults({ slowClose: { ms: 60_000 } });
    const held = await client(proxy.port);
    await waitFor('the held close', () => proxy.stats().closesDelayed === 1 && held.state.data.toString() === 'bye', 30_000);
    await settle();
    expect(held.state.ended).toBe(false);
    await proxy.setFaults({ slowClose: { ms: 50 } });
    const quick = await client(proxy.port);
    await waitFor('the delayed end', () => quick.state.ended, 30_000);
    expect(quick.state.data.toString()).toBe('bye');
    expect(held.state.ended).toBe(false); // its end was scheduled under the 60 s toxic
  });

  it('slow_close upstream leaves the downstream end alone', async () => {
    const up = await upstream({ greet: 'hi' });
    const proxy = await proxyTo(up.port);
    await proxy.setFaults({ slowClose: { ms: 60_000, stream: 'upstream' } });
    const c = await client(proxy.port);
    await waitFor('the end from the upstream', () => c.state.ended, 30_000);
    expect(c.state.data.toString()).toBe('hi');
    expect(proxy.stats().closesDelayed).toBe(0);
  });

  it('slicer delivers the bytes intact and in order, in several pieces', async () => {
    const up = await upstream();
    const proxy = await proxyTo(up.port);
    await proxy.setFaults({ slicer: { averageSize: 100, sizeVariation: 20, delayMs: 30 } });
    const c = await client(proxy.port);
    const payload = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));
    c.sock.write(payload);
    await waitFor('the sliced echo', () => c.state.data.length >= 1000, 30_000);
    expect(Buffer.compare(c.state.data, payload)).toBe(0);
    // ten slices 30 ms apart: the client reads them separately unless it stalled for most of the transfer
    expect(c.state.events).toBeGreaterThan(1);
  });

  it('toxicity: each connection draws once; below the toxicity it gets the toxic, above it does not', async () => {
    const up = await upstream();
    const proxy = await proxyTo(up.port, { roll: sequence([0.9, 0.1]) });
    await proxy.setFaults({ limitData: { bytes: 0, toxicity: 0.5 } });
    const spared = await client(proxy.port);
    spared.sock.write('spared');
    await waitFor('the spared echo', () => spared.state.data.toString() === 'spared', 30_000);
    const hit = await client(proxy.port);
    hit.sock.write('hit');
    await waitFor('the toxic connection to end', () => hit.state.ended || hit.state.closed, 30_000);
    expect(hit.state.data.length).toBe(0);
    expect(spared.state.ended).toBe(false);
    expect(proxy.stats().limited).toBe(1);
  });

  it('toxicity 0 never applies and 1 always does, neither drawing', async () => {
    const up = await upstream();
    const proxy = await proxyTo(up.port, { roll: sequence([]) });
    await proxy.setFaults({ limitData: { bytes: 0, toxicity: 0 }, timeout: { ms: 0, toxicity: 1, stream: 'upstream' } });
    const c = await client(proxy.port);
    c.sock.write('x');
    await waitFor('the connection', () => proxy.stats().forwarded === 1, 30_000);
    await settle();
    expect(up.received()).toBe(0); // the timeout (upstream) applied
    expect(proxy.stats().limited).toBe(0); // limit_data never did
  });
});

describe('toxics (pure)', () => {
  it('drawToxics puts each toxic on its stream and draws in a fixed order', () => {
    const d = drawToxics(
      { latency: { ms: 5, toxicity: 0.3 }, bandwidth: { bytesPerSec: 10, stream: 'upstream' }, slicer: { averageSize: 4, toxicity: 0.3 } },
      sequence([0.2, 0.8]),
    );
    expect(Object.keys(d.downstream)).toEqual(['latency']);
    expect(Object.keys(d.upstream)).toEqual(['bandwidth']);
  });
  it('slicer sizes follow averageSize ± sizeVariation and cover the chunk', () => {
    const slices = sliceForSlicer(Buffer.alloc(100), { slicer: { averageSize: 10, sizeVariation: 5 } }, sequence([1, 0, 0.5, 1, 1, 1, 1, 1, 1, 1, 1, 1]));
    expect(slices.slice(0, 3).map((s) => s.length)).toEqual([15, 5, 10]);
    expect(slices.reduce((n, s) => n + s.length, 0)).toBe(100);
  });
  it('validates the new toxics', () => {
    expect(faultProblems({ slicer: { averageSize: 10, sizeVariation: 10 } })).toEqual(['slicer sizeVariation must be >= 0 and below averageSize']);
    expect(faultProblems({ limitData: { bytes: -1 }, timeout: { ms: 1, toxicity: 2 } })).toEqual([
      'limit_data bytes must be an integer >= 0',
      'timeout toxicity must be from 0 to 1',
    ]);
  });
});
