/**
 * The lane's own upstream: a real loopback HTTP server that answers 200 on every path. The target is
 * pointed at it through the fault proxy, so an outage is something hunt switches on and off, and a
 * production upstream is never called from a lane.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface UpstreamStub {
  port: number;
  /** Requests answered so far. */
  requests(): number;
  close(): Promise<void>;
}

/** Starts the stub on 127.0.0.1 (port 0 = chosen by the OS). */
export function startUpstreamStub(port = 0): Promise<UpstreamStub> {
  let count = 0;
  const server = http.createServer((req, res) => {
    count++;
    req.resume();
    const body = JSON.stringify({ ok: true, from: 'hunt-chaos-upstream', path: req.url ?? '/' });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
  server.keepAliveTimeout = 1000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port }, () => {
      server.off('error', reject);
      resolve({
        port: (server.address() as AddressInfo).port,
        requests: () => count,
        close: () =>
          new Promise((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
