/**
 * `upstream --port N`: a tiny HTTP upstream (200 on every path) to point a gateway's upstream check at
 * in demos and tests; stop or restart it to simulate an outage.
 */
import http from 'node:http';
import { EXIT_CODES } from './exits.js';
import { listen } from './http-app.js';

/** Serves until SIGTERM/SIGINT; resolves with the exit code. */
export async function runUpstream(port: number): Promise<number> {
  const server = http.createServer((req, res) => {
    const body = JSON.stringify({ status: 'ok', name: 'hunt-sample-upstream', pid: process.pid, path: req.url ?? '/' }) + '\n';
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
  let bound: number;
  try {
    bound = await listen(server, port);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    process.stderr.write(code === 'EADDRINUSE' ? `EADDRINUSE: port ${port} already in use\n` : `cannot listen on 127.0.0.1:${port}: ${(e as Error).message}\n`);
    return code === 'EADDRINUSE' ? EXIT_CODES.addrInUse : EXIT_CODES.failure;
  }
  process.stdout.write(`upstream listening on 127.0.0.1:${bound} (pid ${process.pid})\n`);
  return new Promise((resolve) => {
    const stop = () => {
      server.close(() => resolve(EXIT_CODES.ok));
      server.closeAllConnections();
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
}
