/** The gateway's HTTP surface: GET /healthz (200 ok / 503 degraded) and GET / (identity JSON). */
import http from 'node:http';
import { NAME } from './settings.js';
import type { HealthSnapshot } from './upstream-monitor.js';

export interface AppState {
  version: string;
  port(): number;
  startedAtMs: number;
  workerPid(): number | null;
  /** null when no upstream is configured. */
  health(): HealthSnapshot | null;
}

function send(res: http.ServerResponse, status: number, body: unknown, head: boolean): void {
  const text = JSON.stringify(body) + '\n';
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(head ? undefined : text);
}

/** Builds the request handler over live state (reads it per request, so a reload is visible at once). */
export function createHandler(state: AppState): http.RequestListener {
  return (req, res) => {
    const head = req.method === 'HEAD';
    if (req.method !== 'GET' && !head) {
      res.setHeader('allow', 'GET, HEAD');
      send(res, 405, { error: 'method not allowed' }, false);
      return;
    }
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz') {
      const h = state.health();
      if (h?.degraded) {
        send(res, 503, { status: 'degraded', reason: h.reason, consecutiveFailures: h.consecutiveFailures }, head);
      } else {
        send(res, 200, { status: 'ok', upstream: h ? 'ok' : 'none', lastCheckAt: h?.lastCheckAt ?? null }, head);
      }
      return;
    }
    if (path === '/') {
      send(
        res,
        200,
        {
          name: NAME,
          version: state.version,
          pid: process.pid,
          port: state.port(),
          uptimeSec: Math.round((Date.now() - state.startedAtMs) / 1000),
          workerPid: state.workerPid(),
        },
        head,
      );
      return;
    }
    send(res, 404, { error: 'not found', path }, head);
  };
}

/** Listens on 127.0.0.1:port; rejects with the listen error (EADDRINUSE, EACCES...). */
export function listen(server: http.Server | import('node:net').Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => {
      server.off('error', onError);
      const addr = server.address();
      resolve(typeof addr === 'object' && addr ? addr.port : port);
    });
  });
}
