/**
 * The control commands that act on a gateway through its home: status, stop, update, probe, and the
 * `start --detach` launcher (restart = stop + launcher). Each returns its exit code.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXIT_CODES } from './exits.js';
import { isAlive, isGatewayAlive, lockPath, readLock } from './lock.js';
import { logPaths } from './log.js';

const binPath = fileURLToPath(new URL('../../bin/hunt-sample-gateway.js', import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const out = (line: string) => process.stdout.write(line + '\n');
const err = (line: string) => process.stderr.write(`hunt-sample-gateway: ${line}\n`);

/** GET http://127.0.0.1:port<path>; resolves {status, body} or {error}. */
export function httpGet(port: number, urlPath: string, timeoutMs: number): Promise<{ status?: number; body?: string; error?: string }> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: urlPath, agent: false, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        if (body.length < 65536) body += c; // bounded: this is a probe, not a download
      });
      res.on('end', () => resolve({ status: res.statusCode, body }));
      res.on('error', (e) => resolve({ error: e.message }));
    });
    req.on('timeout', () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
    req.on('error', (e) => resolve({ error: e.message }));
  });
}

/** `status`: exit 0 + "running pid=<pid> port=<port>", or exit 3 + "not running". */
export function status(home: string): number {
  const lock = readLock(home);
  if (lock && isGatewayAlive(lock.pid)) {
    out(`running pid=${lock.pid} port=${lock.port}`);
    return EXIT_CODES.ok;
  }
  out(lock ? `not running (stale lock from pid ${lock.pid})` : 'not running');
  return EXIT_CODES.notRunning;
}

/** `stop`: SIGTERM to the lock's pid and wait; `force` SIGKILLs it after the timeout. */
export async function stop(home: string, timeoutMs: number, force: boolean): Promise<number> {
  const lock = readLock(home);
  if (!lock || !isGatewayAlive(lock.pid)) {
    out('not running');
    return EXIT_CODES.ok; // a stale lock is left for the next start to reclaim (and log)
  }
  const { pid } = lock;
  try {
    process.kill(pid, 'SIGTERM');
  } catch (e) {
    err(`cannot signal pid ${pid}: ${(e as Error).message}`);
    return EXIT_CODES.failure;
  }
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) {
      out(`stopped pid=${pid}`);
      return EXIT_CODES.ok;
    }
    await sleep(50);
  }
  if (force) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* exited at the last moment */
    }
    for (let i = 0; i < 40 && isAlive(pid); i++) await sleep(50);
    const cur = readLock(home);
    if (cur?.pid === pid) fs.rmSync(lockPath(home), { force: true });
    out(`killed pid=${pid} (did not stop within ${timeoutMs} ms)`);
    return EXIT_CODES.ok;
  }
  err(`gateway (pid ${pid}) did not stop within ${timeoutMs} ms`);
  return EXIT_CODES.failure;
}

/** `update --to <version>`: writes <home>/VERSION, which the next start and --version report. */
export function update(home: string, to: string): number {
  if (!/^\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]+)?$/.test(to)) {
    err(`invalid version "${to}" (expected x.y.z)`);
    return EXIT_CODES.usage;
  }
  const file = path.join(home, 'VERSION');
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, to + '\n');
  fs.renameSync(tmp, file);
  out(`updated to ${to}; restart to run it`);
  return EXIT_CODES.ok;
}

/** `probe`: GET / on the gateway; exit 0 and the JSON on 200, exit 1 otherwise. */
export async function probe(port: number, timeoutMs: number): Promise<number> {
  const res = await httpGet(port, '/', timeoutMs);
  if (res.status === 200) {
    out((res.body ?? '').trim());
    return EXIT_CODES.ok;
  }
  err(`probe of http://127.0.0.1:${port}/ failed: ${res.error ?? `HTTP ${res.status}`}`);
  return EXIT_CODES.failure;
}

function fileSize(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

/** Err-log lines written since `offset` (what a failed daemon said before exiting). */
function errLogSince(file: string, offset: number): string {
  try {
    return fs.readFileSync(file, 'utf8').slice(offset).trim();
  } catch {
    return '';
  }
}

/** Whether the gateway with this pid answers GET / (on the port its lock records). */
async function answers(home: string, pid: number): Promise<number | null> {
  const lock = readLock(home);
  if (!lock || lock.pid !== pid || !lock.port) return null;
  const res = await httpGet(lock.port, '/', 1000);
  if (res.status !== 200) return null;
  try {
    return (JSON.parse(res.body ?? '') as { pid?: number }).pid === pid ? lock.port : null;
  } catch {
    return null;
  }
}

/**
 * `start --detach`: runs a copy of the gateway in its own session with stdio appended to the log files,
 * waits until it answers GET / with its own pid, prints "started pid=<pid> port=<port>".
 * If it exits first, its err-log lines are shown and its exit code is returned.
 */
export async function startDetached(home: string, port: number | undefined, readyTimeoutMs: number): Promise<number> {
  const logs = logPaths(home);
  fs.mkdirSync(logs.dir, { recursive: true });
  const errOffset = fileSize(logs.err);
  const outFd = fs.openSync(logs.out, 'a');
  const errFd = fs.openSync(logs.err, 'a');
  const args = [binPath, 'start', '--home', home, '--daemon-child', ...(port === undefined ? [] : ['--port', String(port)])];
  const child = spawn(process.execPath, args, { detached: true, stdio: ['ignore', outFd, errFd], env: process.env });
  fs.closeSync(outFd);
  fs.closeSync(errFd);
  let exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  child.on('exit', (code, signal) => (exit = { code, signal }));
  child.on('error', (e) => {
    err(`cannot start: ${e.message}`);
    exit = { code: EXIT_CODES.failure, signal: null };
  });
  const pid = child.pid ?? -1;
  const deadline = Date.now() + readyTimeoutMs;
  while (Date.now() < deadline) {
    if (exit) break;
    const readyPort = await answers(home, pid);
    if (readyPort !== null) {
      child.unref();
      out(`started pid=${pid} port=${readyPort}`);
      return EXIT_CODES.ok;
    }
    await sleep(50);
  }
  if (exit) {
    const said = errLogSince(logs.err, errOffset);
    if (said) process.stderr.write(said + '\n');
    const { code, signal } = exit as { code: number | null; signal: NodeJS.Signals | null };
    err(`gateway exited before it was ready (${signal ? `signal ${signal}` : `exit ${code}`})`);
    return code ?? EXIT_CODES.failure;
  }
  child.unref();
  err(`gateway (pid ${pid}) not ready within ${readyTimeoutMs} ms; it is still running (see ${logs.err}; stop it with \`hunt-sample-gateway stop\`)`);
  return EXIT_CODES.failure;
}
