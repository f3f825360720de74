/**
 * Harness for the sample gateway e2e tests: spawns the built bin in its own process group, tracks every
 * process and temp dir a test creates, and ends them all in `cleanup()` (call it from afterEach).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { promises as fsp, readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

export const BIN = fileURLToPath(new URL('../../bin/hunt-sample-gateway.js', import.meta.url));
export const TOKEN = 'tok-e2e-5f3a9c1d7b2e4f60';
export const ISO_LINE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (DEBUG|INFO|WARN|ERROR|FATAL) \S/;

export const groups = new Set<number>(); // process groups to kill (our spawns are group leaders)
export const homes: string[] = [];
export const servers: net.Server[] = [];
export const extraFiles: string[] = [];

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}
export interface Proc {
  child: ChildProcess;
  output: () => string;
  done: Promise<Run>;
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat[stat.lastIndexOf(')') + 2] !== 'Z';
  } catch {
    return true;
  }
}

export function kill(pid: number, signal: NodeJS.Signals = 'SIGKILL'): void {
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, signal);
    } catch {
      /* already gone */
    }
  }
}

export async function makeHome(): Promise<string> {
  const home = await fsp.mkdtemp(path.join(os.tmpdir(), 'hunt-sgw-'));
  homes.push(home);
  return home;
}

export function gwEnv(home: string, extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, SAMPLE_GATEWAY_HOME: home, SAMPLE_GATEWAY_TOKEN: TOKEN, NO_COLOR: '1' };
  for (const k of ['SAMPLE_GATEWAY_PORT', 'SAMPLE_GATEWAY_UPSTREAM', 'SAMPLE_GATEWAY_BUGS']) delete env[k];
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

/** Spawns the gateway bin in its own process group (tracked for cleanup). */
export function spawnGw(args: string[], env: NodeJS.ProcessEnv, cwd?: string): Proc {
  const child = spawn(process.execPath, [BIN, ...args], { env, cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  if (child.pid) groups.add(child.pid);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<Run>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, output: () => stdout + stderr, done };
}

/** Runs a gateway command to completion (with a safety timeout). */
export async function gw(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 20_000): Promise<Run> {
  const p = spawnGw(args, env);
  const timer = setTimeout(() => p.child.pid && kill(p.child.pid), timeoutMs);
  const res = await p.done;
  clearTimeout(timer);
  return res;
}

/** Starts a detached gateway and returns its pid (also tracked for cleanup). */
export async function startDetached(home: string, port: number, extra: Record<string, string | undefined> = {}): Promise<number> {
  const res = await gw(['start', '--detach', '--port', String(port)], gwEnv(home, extra));
  const m = /started pid=(\d+) port=(\d+)/.exec(res.stdout);
  expect(res.code, res.stderr).toBe(0);
  expect(m).not.toBeNull();
  groups.add(Number(m![1]));
  expect(Number(m![2])).toBe(port);
  return Number(m![1]);
}

export { waitFor } from '../helpers/wait.js';

export function get(port: number, urlPath: string): Promise<{ status: number; json: any } | null> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: urlPath, agent: false, timeout: 2000 }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => {
        try {
          resolve({ status: res.statusCode ?? 0, json: JSON.parse(body) });
        } catch {
          resolve({ status: res.statusCode ?? 0, json: null });
        }
      });
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(null));
  });
}

export const readLog = (home: string, which: 'gateway.log' | 'gateway.err.log') => fsp.readFile(path.join(home, 'logs', which), 'utf8').catch(() => '');
export const logHas = (home: string, which: 'gateway.log' | 'gateway.err.log', text: string) => async () => (await readLog(home, which)).includes(text);

export function occupy(port: number): Promise<net.Server> {
  const srv = net.createServer((s) => s.destroy());
  servers.push(srv);
  return new Promise((resolve, reject) => srv.once('error', reject).listen(port, '127.0.0.1', () => resolve(srv)));
}

/** Kills every tracked process group (and what the homes' locks and logs name), removes temp files and dirs. */
export async function cleanup(): Promise<void> {
  for (const home of homes) {
    // whatever the lock names, and any helper the gateway says it started, is ours to end
    const lock = await fsp.readFile(path.join(home, 'gateway.lock'), 'utf8').catch(() => '');
    const m = /"pid":(\d+)/.exec(lock);
    if (m) groups.add(Number(m[1]));
    for (const h of (await readLog(home, 'gateway.log')).matchAll(/started helper pid=(\d+)/g)) groups.add(Number(h[1]));
  }
  for (const pid of groups) kill(pid);
  groups.clear();
  for (const srv of servers.splice(0)) srv.close();
  for (const f of extraFiles.splice(0)) await fsp.rm(f, { force: true });
  for (const home of homes.splice(0)) await fsp.rm(home, { recursive: true, force: true });
}
