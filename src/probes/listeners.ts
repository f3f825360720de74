/**
 * Who listens on a TCP port: /proc/net/tcp{,6} + /proc/<pid>/fd on Linux, `lsof` elsewhere.
 * No hard dependency on lsof: on Linux it is never called.
 */
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import { runCommand } from '../runtime/exec.js';
import { fdLinks } from '../runtime/fdsample.js';
import { listPids, listProcesses } from '../runtime/proctable.js';

export interface Listener {
  protocol: 'tcp' | 'tcp6';
  address: string;
  port: number;
  pid: number | null;
  process: string | null;
  command: string | null;
}

export interface ListenerScan {
  source: 'procfs' | 'lsof' | 'unavailable';
  listeners: Listener[];
  error?: string;
}

/** Decodes a /proc/net/tcp hex address ("0100007F:1F90" or the 32-hex-digit IPv6 form). */
export function decodeProcAddress(hex: string): { address: string; port: number } {
  const [ip, port] = hex.split(':');
  if (ip.length === 8) {
    const b = Buffer.from(ip, 'hex').reverse();
    return { address: [...b].join('.'), port: parseInt(port, 16) };
  }
  // IPv6: four 32-bit words, each in host (little-endian) order
  const words: string[] = [];
  for (let i = 0; i < 32; i += 8)
    words.push(
      Buffer.from(ip.slice(i, i + 8), 'hex')
        .reverse()
        .toString('hex'),
    );
  const groups = words
    .join('')
    .match(/.{4}/g)!
    .map((g) => g.replace(/^0+(?=.)/, ''));
  const text = groups
    .join(':')
    .replace(/(^|:)0(:0)+(:|$)/, '::')
    .replace(/:{3,}/, '::');
  return { address: text, port: parseInt(port, 16) };
}

/** Pure: LISTEN sockets from the text of /proc/net/tcp or tcp6, as [inode, protocol, address, port]. */
export function parseProcNetTcp(text: string, protocol: 'tcp' | 'tcp6'): Array<{ inode: string; protocol: 'tcp' | 'tcp6'; address: string; port: number }> {
  const out = [];
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10 || f[3] !== '0A') continue; // 0A = TCP_LISTEN
    out.push({ inode: f[9], protocol, ...decodeProcAddress(f[1]) });
  }
  return out;
}

/** Every process holding each socket: pre-forked servers (nginx master and workers) share one listening socket. */
async function socketOwners(inodes: Set<string>): Promise<Map<string, number[]>> {
  const owners = new Map<string, number[]>();
  const pids = (await fsp.readdir('/proc')).filter((d) => /^\d+$/.test(d));
  await Promise.all(
    pids.map(async (pid) => {
      // [] when not ours to read, or exited
      for (const { link } of await fdLinks(pid)) {
        const m = /^socket:\[(\d+)\]$/.exec(link);
        if (!m || !inodes.has(m[1])) continue;
        const list = owners.get(m[1]) ?? [];
        if (!list.includes(Number(pid))) list.push(Number(pid));
        owners.set(m[1], list);
      }
    }),
  );
  return owners;
}

async function fromProcfs(port?: number): Promise<Listener[]> {
  const sockets = [];
  for (const proto of ['tcp', 'tcp6'] as const) {
    try {
      sockets.push(...parseProcNetTcp(await fsp.readFile(`/proc/net/${proto}`, 'utf8'), proto));
    } catch (err) {
      if (proto === 'tcp') throw err; // tcp6 is absent when IPv6 is disabled
    }
  }
  const wanted = sockets.filter((s) => port === undefined || s.port === port);
  if (!wanted.length) return [];
  const owners = await socketOwners(new Set(wanted.map((s) => s.inode)));
  // the owners' rows only (name and command for the report), not a table of the machine
  const ownerPids = [...new Set([...owners.values()].flat())];
  const procs = new Map((listPids(ownerPids) ?? (await listProcesses())).map((p) => [p.pid, p]));
  // one entry per (socket, owner): a socket shared by a master and its workers lists each of them
  return wanted.flatMap((s) => {
    const pids = owners.get(s.inode) ?? [];
    return (pids.length ? pids : [null]).map((pid) => {
      const p = pid !== null ? procs.get(pid) : undefined;
      return { protocol: s.protocol, address: s.address, port: s.port, pid, process: p?.name ?? null, command: p?.command ?? null };
    });
  });
}

/**
 * Whether one of `pids` holds a LISTEN socket on `port` (Linux: /proc/net/tcp{,6} and only those pids' fds, so
 * it stays cheap however many processes the machine runs). Null when it cannot tell (no procfs).
 */
export async function listenerOwnedBy(port: number, pids: Iterable<number>): Promise<boolean | null> {
  if (os.platform() !== 'linux') return null;
  const inodes = new Set<string>();
  try {
    for (const proto of ['tcp', 'tcp6'] as const) {
      const text = await fsp.readFile(`/proc/net/${proto}`, 'utf8').catch((err) => (proto === 'tcp' ? Promise.reject(err) : ''));
      for (const s of parseProcNetTcp(text, proto)) if (s.port === port) inodes.add(s.inode);
    }
  } catch {
    return null;
  }
  if (!inodes.size) return false;
  for (const pid of pids) {
    for (const { link } of await fdLinks(pid)) {
      const m = /^socket:\[(\d+)\]$/.exec(link);
      if (m && inodes.has(m[1])) return true;
    }
  }
  return false;
}

/** Pure: parses `lsof -F pcn` output into listeners. */
export function parseLsof(text: string): Listener[] {
  const out: Listener[] = [];
  let pid: number | null = null;
  let name: string | null = null;
  for (const line of text.split('\n')) {
    const tag = line[0];
    const val = line.slice(1);
    if (tag === 'p') pid = Number(val);
    else if (tag === 'c') name = val;
    else if (tag === 'n') {
      const m = /^(.*):(\d+)$/.exec(val);
      if (!m) continue;
      const address = m[1].replace(/^\[|\]$/g, '');
      out.push({ protocol: address.includes(':') ? 'tcp6' : 'tcp', address, port: Number(m[2]), pid, process: name, command: name });
    }
  }
  return out;
}

/** Lists TCP listeners, optionally only on one port; never throws (reports `unavailable` instead). */
export async function scanListeners(port?: number): Promise<ListenerScan> {
  const sort = (l: Listener[]) => l.sort((a, b) => a.port - b.port || a.address.localeCompare(b.address) || (a.pid ?? 0) - (b.pid ?? 0));
  if (os.platform() === 'linux') {
    try {
      return { source: 'procfs', listeners: sort(await fromProcfs(port)) };
    } catch {
      /* no procfs: try lsof */
    }
  }
  const args = ['lsof', '-nP', port === undefined ? '-iTCP' : `-iTCP:${port}`, '-sTCP:LISTEN', '-F', 'pcn'];
  const res = await runCommand(args, { timeoutMs: 10_000, maxOutputChars: 2_000_000 });
  if (res.spawnError) return { source: 'unavailable', listeners: [], error: `neither /proc/net/tcp nor lsof is available (${res.spawnError})` };
  return { source: 'lsof', listeners: sort(parseLsof(res.stdout)) };
}
