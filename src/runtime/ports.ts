/**
 * Ports. Lane ports are reserved, never "found free and hoped for": a reservation holds a listening socket
 * until the lane hands the port to its target, and a lock file (O_EXCL, naming the owning hunt by pid and
 * start id) keeps every other hunt on the machine off it for the whole run. Lane ports come from outside
 * the kernel's ephemeral range, so nothing that binds port 0 (the upstream stub, a fault proxy, any client)
 * can be handed a lane's port while its target is between two starts.
 */
import { promises as fsp, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { processStartId } from './proctable.js';
import { isRunning } from './signals.js';

/** Asks the OS for a free TCP port on host (default 127.0.0.1). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, host, () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** Whether something accepts TCP connections on host:port right now. */
export function isPortOpen(port: number, host = '127.0.0.1', timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ port, host });
    const done = (open: boolean) => {
      sock.destroy();
      resolve(open);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
  });
}

/** Pure: the kernel's ephemeral range from the text of ip_local_port_range (default 32768..60999). */
export function parseEphemeralRange(text: string | null): [number, number] {
  const m = /^\s*(\d+)\s+(\d+)/.exec(text ?? '');
  return m ? [Number(m[1]), Number(m[2])] : [32768, 60999];
}

/** Pure: the lane port ranges: 10000..65535 minus the ephemeral range (and never empty). */
export function lanePortRanges(ephemeral: [number, number]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  if (ephemeral[0] - 1 >= 10000) out.push([10000, ephemeral[0] - 1]);
  if (ephemeral[1] + 1 <= 65535) out.push([ephemeral[1] + 1, 65535]);
  return out.length ? out : [[10000, 65535]];
}

function ephemeralRange(): [number, number] {
  try {
    return parseEphemeralRange(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8'));
  } catch {
    return parseEphemeralRange(null); // macOS uses 49152..65535; the default above keeps clear of both
  }
}

export interface PortReservation {
  port: number;
  /** Closes the holding socket: the port is the lane's to bind now (the lock stays until release). */
  handoff(): Promise<void>;
  /** Closes the socket and removes the lock. */
  release(): Promise<void>;
}

interface PortLock {
  pid: number;
  start: string | null;
}

function listenExclusive(port: number, host: string): Promise<net.Server | null> {
  return new Promise((resolve) => {
    const srv = net.createServer((s) => s.destroy());
    srv.once('error', () => resolve(null));
    srv.listen({ port, host, exclusive: true }, () => {
      srv.unref();
      resolve(srv);
    });
  });
}

/** Takes the cross-process lock of a port; a lock whose owner is gone is taken over. */
async function takeLock(dir: string, port: number): Promise<boolean> {
  const file = path.join(dir, `${port}.lock`);
  const mine: PortLock = { pid: process.pid, start: processStartId(process.pid) };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await fsp.writeFile(file, JSON.stringify(mine), { flag: 'wx', mode: 0o600 });
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') return false;
    }
    let held: PortLock | null = null;
    try {
      held = JSON.parse(await fsp.readFile(file, 'utf8')) as PortLock;
    } catch {
      return false; // being written right now, or not a lock of ours: leave it
    }
    if (held.pid === process.pid && held.start === mine.start) return false; // already ours, in use by another lane
    if (!Number.isInteger(held.pid)) return false;
    // without start ids (macOS) a live pid keeps its lock, even if recycled: a port skipped, never shared
    const alive = held.start !== null ? processStartId(held.pid) === held.start : isRunning(held.pid);
    if (alive) return false;
    await fsp.unlink(file).catch(() => undefined); // its hunt is gone (SIGKILL): the lock is stale
  }
  return false;
}

/** The machine-wide directory of port locks (refused when it is a symlink or not ours). */
async function lockDir(dir: string): Promise<string | null> {
  try {
    await fsp.mkdir(dir, { mode: 0o700 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') return null;
  }
  try {
    const st = await fsp.lstat(dir);
    return st.isDirectory() && (process.getuid === undefined || st.uid === process.getuid()) ? dir : null;
  } catch {
    return null;
  }
}

const DEFAULT_LOCK_DIR = path.join('/tmp', `hunt-ports-${process.getuid?.() ?? 'user'}`);

/**
 * Reserves `count` distinct ports for lanes: outside the ephemeral range, not in `exclude`, bound (held)
 * on `host` and locked against every other hunt. `fixed` reserves exactly those ports instead (or throws
 * naming the first one that is taken).
 */
export async function reservePorts(
  count: number,
  o: { exclude?: number[]; host?: string; fixed?: number[]; lockDir?: string; random?: () => number } = {},
): Promise<PortReservation[]> {
  const host = o.host ?? '127.0.0.1';
  const locks = await lockDir(o.lockDir ?? DEFAULT_LOCK_DIR);
  const exclude = new Set(o.exclude ?? []);
  const ranges = lanePortRanges(ephemeralRange());
  const size = ranges.reduce((n, [a, b]) => n + b - a + 1, 0);
  const random = o.random ?? Math.random;
  const pick = () => {
    let i = Math.floor(random() * size);
    for (const [a, b] of ranges) {
      if (i <= b - a) return a + i;
      i -= b - a + 1;
    }
    return ranges[0][0];
  };
  const out: PortReservation[] = [];
  const tryPort = async (port: number): Promise<PortReservation | null> => {
    if (exclude.has(port) || out.some((r) => r.port === port)) return null;
    if (locks && !(await takeLock(locks, port))) return null;
    const srv = await listenExclusive(port, host);
    const unlock = async () => {
      if (locks) await fsp.unlink(path.join(locks, `${port}.lock`)).catch(() => undefined);
    };
    if (!srv) {
      await unlock();
      return null;
    }
    let open = true;
    const close = () => (open ? ((open = false), new Promise<void>((r) => srv.close(() => r()))) : Promise.resolve());
    return { port, handoff: close, release: async () => (await close(), await unlock()) };
  };
  try {
    if (o.fixed) {
      for (const p of o.fixed) {
        const r = await tryPort(p);
        if (!r) throw new Error(`port ${p} is in use (or reserved by another hunt)`);
        out.push(r);
      }
      return out;
    }
    for (let tries = 0; out.length < count; tries++) {
      if (tries > 2000) throw new Error(`could not reserve ${count} free port(s) outside the ephemeral range`);
      const r = await tryPort(pick());
      if (r) out.push(r);
    }
    return out;
  } catch (err) {
    for (const r of out) await r.release();
    throw err;
  }
}

/** Removes port locks whose hunt is gone (a SIGKILLed run); returns the ports freed. Locks of live hunts stay. */
export async function reclaimPortLocks(dir = DEFAULT_LOCK_DIR): Promise<number[]> {
  let names: string[];
  try {
    if (!(await fsp.lstat(dir)).isDirectory()) return [];
    names = await fsp.readdir(dir);
  } catch {
    return [];
  }
  const freed: number[] = [];
  for (const name of names) {
    const m = /^(\d+)\.lock$/.exec(name);
    if (!m) continue;
    try {
      const held = JSON.parse(await fsp.readFile(path.join(dir, name), 'utf8')) as PortLock;
      if (!Number.isInteger(held.pid)) continue;
      const alive = held.start !== null ? processStartId(held.pid) === held.start : isRunning(held.pid);
      if (alive) continue;
      await fsp.unlink(path.join(dir, name));
      freed.push(Number(m[1]));
    } catch {
      /* not a lock of ours, or gone meanwhile */
    }
  }
  return freed.sort((a, b) => a - b);
}
