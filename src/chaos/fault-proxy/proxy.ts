/**
 * A real TCP proxy between a target and its upstream, on loopback only, with faults switchable while
 * it runs: toxiproxy's toxics per direction and per share of connections (latency + jitter, bandwidth, timeout,
 * slow_close, slicer, limit_data) and whole-connection faults (reset, blackhole, refuse). The transient-network
 * scenario and custom fault scenarios point the target at it and flip faults on and off; tests drive it with
 * plain sockets.
 */
import net from 'node:net';
import { UsageError } from '../../errors.js';
import { startPipe } from './pipe.js';
import { drawToxics, faultProblems, type DirectionFaults, type FaultState, type ProxyStats, type Stream } from './types.js';

export interface FaultProxyOptions {
  upstreamHost?: string;
  upstreamPort: number;
  /** Listen address (default 127.0.0.1) and port (default 0: the OS picks). */
  host?: string;
  port?: number;
  /** Randomness for jitter and slice sizes (inject a seeded one for reproducible runs). */
  random?: () => number;
  /** Randomness of the toxicity draws, one per toxic below 1 per connection (inject a sequence in tests). */
  roll?: () => number;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

interface Conn {
  client: net.Socket;
  upstream: net.Socket | null;
  /** The toxics this connection drew for the fault state in force. */
  toxics: Record<Stream, DirectionFaults>;
  /** The timeout toxic's close. */
  timer: NodeJS.Timeout | null;
}

/** The proxy. Create with `FaultProxy.start`. */
export class FaultProxy {
  private server: net.Server | null = null;
  private readonly conns = new Set<Conn>();
  private faults: FaultState = {};
  private boundPort = 0;
  private readonly counters = {
    accepted: 0,
    forwarded: 0,
    resets: 0,
    blackholed: 0,
    timedOut: 0,
    limited: 0,
    closesDelayed: 0,
    upstreamErrors: 0,
    up: { bytes: 0 },
    down: { bytes: 0 },
  };

  private constructor(private readonly opts: Required<Omit<FaultProxyOptions, 'port'>> & { port: number }) {}

  /** Starts listening; refuses a non-loopback address (hunt never sends traffic off the machine). */
  static async start(o: FaultProxyOptions): Promise<FaultProxy> {
    const host = o.host ?? '127.0.0.1';
    const upstreamHost = o.upstreamHost ?? '127.0.0.1';
    for (const h of [host, upstreamHost])
      if (!LOOPBACK.has(h)) throw new UsageError(`fault proxy: ${h} is not a loopback address`, { hint: 'use 127.0.0.1 or ::1' });
    const proxy = new FaultProxy({
      host,
      upstreamHost,
      upstreamPort: o.upstreamPort,
      port: o.port ?? 0,
      random: o.random ?? Math.random,
      roll: o.roll ?? Math.random,
    });
    await proxy.listen(o.port ?? 0);
    return proxy;
  }

  /** The port it listens on (kept across refuse/restore). */
  get port(): number {
    return this.boundPort;
  }

  /** http://host:port, for the target's upstream URL. */
  url(pathname = '/'): string {
    const h = this.opts.host.includes(':') ? `[${this.opts.host}]` : this.opts.host;
    return `http://${h}:${this.boundPort}${pathname}`;
  }

  /** The faults now in force. */
  current(): FaultState {
    return structuredClone(this.faults);
  }

  /** Replaces the fault state; existing connections feel it at once (reset/refuse close them, toxics are drawn again). */
  async setFaults(next: FaultState): Promise<void> {
    const problems = faultProblems(next);
    if (problems.length) throw new UsageError(`fault proxy: ${problems.join('; ')}`);
    this.faults = structuredClone(next);
    if (next.reset || next.refuse) for (const c of [...this.conns]) this.drop(c, Boolean(next.reset));
    for (const c of this.conns) this.applyToxics(c);
    if (next.refuse && this.server) await this.unlisten();
    if (!next.refuse && !this.server) await this.listen(this.boundPort);
  }

  /** Clears every fault (and reopens the listener after refuse). */
  async clear(): Promise<void> {
    await this.setFaults({});
  }

  stats(): ProxyStats {
    const c = this.counters;
    return {
      accepted: c.accepted,
      forwarded: c.forwarded,
      resets: c.resets,
      blackholed: c.blackholed,
      timedOut: c.timedOut,
      limited: c.limited,
      closesDelayed: c.closesDelayed,
      upstreamErrors: c.upstreamErrors,
      bytesUp: c.up.bytes,
      bytesDown: c.down.bytes,
      active: this.conns.size,
      listening: this.server !== null,
    };
  }

  /** Closes the listener and every connection. */
  async close(): Promise<void> {
    this.faults = { refuse: true };
    for (const c of [...this.conns]) this.drop(c, false);
    if (this.server) await this.unlisten();
  }

  private listen(port: number): Promise<void> {
    // half-open on both legs: an end travels through the (possibly delayed) pipe instead of cutting queued bytes
    const server = net.createServer({ allowHalfOpen: true }, (sock) => this.accept(sock));
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: this.opts.host, port, exclusive: true }, () => {
        server.off('error', reject);
        server.on('error', () => undefined); // a late listener error must not crash hunt
        this.boundPort = (server.address() as net.AddressInfo).port;
        this.server = server;
        resolve();
      });
    });
  }

  private unlisten(): Promise<void> {
    const server = this.server!;
    this.server = null;
    return new Promise((resolve) => server.close(() => resolve()));
  }

  /** Draws the connection's toxics for the fault state in force and (re)arms the timeout toxic's close. */
  private applyToxics(c: Conn): void {
    c.toxics = drawToxics(this.faults, this.opts.roll);
    if (c.timer) clearTimeout(c.timer);
    c.timer = null;
    const t = c.toxics.upstream.timeout ?? c.toxics.downstream.timeout;
    if (t && t.ms > 0)
      c.timer = setTimeout(() => {
        this.counters.timedOut++;
        this.drop(c, false);
      }, t.ms);
  }

  private drop(c: Conn, reset: boolean): void {
    this.conns.delete(c);
    if (c.timer) clearTimeout(c.timer);
    c.timer = null;
    for (const s of [c.client, c.upstream]) {
      if (!s || s.destroyed) continue;
      // an RST on a socket whose FIN is already queued (or that is still connecting) can leave its native
      // handle referenced, and node then spins forever at exit: those are closed plainly instead
      if (reset && !s.writableEnded && !s.connecting) s.resetAndDestroy();
      else s.destroy();
    }
  }

  private accept(client: net.Socket): void {
    this.counters.accepted++;
    client.on('error', () => undefined); // errors end the connection through 'close'
    const f = this.faults;
    if (f.reset) {
      this.counters.resets++;
      client.resetAndDestroy();
      return;
    }
    const conn: Conn = { client, upstream: null, toxics: { upstream: {}, downstream: {} }, timer: null };
    this.conns.add(conn);
    this.applyToxics(conn);
    const closed = (hadError: boolean) => {
      if (hadError || (client.destroyed && (!conn.upstream || conn.upstream.destroyed))) this.drop(conn, false);
      // a clean close of one leg: the pipes carry its end to the other leg once their queues drain
    };
    client.on('close', closed);
    if (f.blackhole) {
      this.counters.blackholed++;
      client.resume(); // read and discard: the peer's writes succeed, nothing ever answers
      return;
    }
    const upstream = net.connect({ host: this.opts.upstreamHost, port: this.opts.upstreamPort, allowHalfOpen: true });
    conn.upstream = upstream;
    this.counters.forwarded++;
    upstream.on('error', () => {
      this.counters.upstreamErrors++;
    });
    upstream.on('close', closed);
    const hooks = {
      limitReached: () => {
        if (!this.conns.has(conn)) return;
        this.counters.limited++;
        this.drop(conn, false);
      },
      closeDelayed: () => void this.counters.closesDelayed++,
    };
    startPipe(client, upstream, () => conn.toxics.upstream, this.counters.up, this.opts.random, hooks);
    startPipe(upstream, client, () => conn.toxics.downstream, this.counters.down, this.opts.random, hooks);
  }
}
