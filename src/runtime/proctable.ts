/**
 * The process table: /proc on Linux, `ps` elsewhere (macOS). Used for the target's process tree in
 * snapshots and by the supervisor to find every descendant (walk by parent pid, not only the group:
 * daemons start helpers in groups of their own).
 */
import { closeSync, openSync, readdirSync, readFileSync, readSync } from 'node:fs';
import os from 'node:os';
import { captureTool } from './capture.js';

export interface ProcInfo {
  pid: number;
  ppid: number;
  pgid: number;
  /** Session id (a helper in a session of its own is what a process-group kill misses); null/absent when unknown. */
  sid?: number | null;
  /** Resident set size in KiB. */
  rssKb: number;
  /** Seconds since the process started (null when unknown). */
  uptimeSec: number | null;
  /** Short process name. */
  name: string;
  /** Full command line (may be empty for kernel threads). */
  command: string;
  state: string;
  /** Exact start time as the kernel counts it (Linux: clock ticks since boot); with the pid, the identity of a process. */
  startId?: string;
}

const CLK_TCK = 100; // USER_HZ is 100 on every mainstream Linux build
const PAGE_KB = 4;

/** Scratch space of the /proc reads (one table read at a time: they are synchronous). */
let scratch = Buffer.allocUnsafe(64 * 1024);
const CMDLINE_MAX = 1024 * 1024;

/**
 * One /proc file, read synchronously: a table read is a few hundred tiny files, and the async fs API costs ~10x
 * the CPU of the syscalls themselves (measured: 18.6 against 1.8 ms per table of 66 processes). The supervisor
 * samples the table several times a second while a target runs, so that difference was most of a gate's own CPU.
 * null when the process exited between the listing and the read.
 */
export function readProcFile(file: string, max: number, encoding: BufferEncoding = 'utf8'): string | null {
  const bytes = readProcBytes(file, max);
  return bytes === null ? null : bytes.toString(encoding);
}

/**
 * readProcFile without decoding: the bytes, in a buffer that the next read overwrites (use them at once). For the
 * environment sweep, which looks for one entry in every process's environ and need not make a string of each.
 */
export function readProcBytes(file: string, max: number): Buffer | null {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return null;
  }
  try {
    let n = 0;
    for (;;) {
      if (n === scratch.length) {
        if (n >= max) break; // a longer command line is shown cut (it is evidence, never an identity)
        const bigger = Buffer.allocUnsafe(Math.min(max, n * 2));
        scratch.copy(bigger, 0, 0, n);
        scratch = bigger;
      }
      const got = readSync(fd, scratch, n, scratch.length - n, null);
      if (got === 0) break;
      n += got;
    }
    return scratch.subarray(0, n);
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

/**
 * Command lines of the sampler's table reads, by pid and start time. A command line is re-read while its process
 * is young (daemons rewrite their title just after start: `nginx: master process`), then reused: reading it takes
 * the target's memory-map lock, and the sampler runs several times a second. One-off listings always read it afresh.
 */
const commands = new Map<string, string>();
const COMMAND_SETTLED_SEC = 5;

/** How a table read gets command lines: read now, reused once settled (the sampler), or not at all (the name stands in). */
type CommandMode = 'fresh' | 'reuse' | 'none';

function readProcEntry(pid: number, bootUptime: number, mode: CommandMode): ProcInfo | null {
  const stat = readProcFile(`/proc/${pid}/stat`, 64 * 1024);
  if (stat === null) return null; // exited while we were reading: simply not in the table
  // comm may contain spaces and parens: take everything up to the LAST ')'
  const close = stat.lastIndexOf(')');
  const name = stat.slice(stat.indexOf('(') + 1, close);
  const f = stat.slice(close + 2).split(' ');
  // f[0]=state f[1]=ppid f[2]=pgrp f[3]=session ... f[19]=starttime f[21]=rss (fields 3.. of proc(5), shifted by 3)
  const startTicks = Number(f[19]);
  const uptimeSec = Number.isFinite(startTicks) ? Math.max(0, Math.round(bootUptime - startTicks / CLK_TCK)) : null;
  const key = `${pid}:${f[19]}`;
  let command = mode === 'none' ? '' : mode === 'reuse' && uptimeSec !== null && uptimeSec >= COMMAND_SETTLED_SEC ? commands.get(key) : undefined;
  if (command === undefined) {
    command = (readProcFile(`/proc/${pid}/cmdline`, CMDLINE_MAX) ?? '').split('\0').filter(Boolean).join(' ');
    if (mode === 'reuse') commands.set(key, command);
  }
  return {
    pid,
    ppid: Number(f[1]),
    pgid: Number(f[2]),
    sid: Number(f[3]),
    rssKb: Number(f[21]) * PAGE_KB,
    uptimeSec,
    name,
    command: command || name,
    state: f[0],
    startId: f[19],
  };
}

function bootUptime(): number {
  const text = readProcFile('/proc/uptime', 4096);
  const uptime = text === null ? NaN : Number(text.split(' ')[0]);
  if (!Number.isFinite(uptime)) throw new Error('/proc/uptime unreadable'); // no usable /proc: ps instead
  return uptime;
}

function rowsOf(pids: Iterable<number>, uptime: number, mode: CommandMode): ProcInfo[] {
  const rows: ProcInfo[] = [];
  for (const pid of pids) {
    const r = readProcEntry(pid, uptime, mode);
    if (r !== null && r.state !== 'Z') rows.push(r);
  }
  return rows;
}

function fromProc(mode: CommandMode): ProcInfo[] {
  const uptime = bootUptime();
  const pids = readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(Number);
  const rows = rowsOf(pids, uptime, mode);
  if (mode === 'reuse' && commands.size > 2 * rows.length + 64) {
    const live = new Set(rows.map((r) => `${r.pid}:${r.startId}`));
    for (const k of commands.keys()) if (!live.has(k)) commands.delete(k);
  }
  return rows;
}

/**
 * The rows of these pids only (the live ones among them), for the sampler's cgroup-scoped reads (proctrack.ts).
 * Linux only; null when /proc cannot be read (then the caller reads the whole table).
 */
export function listPids(pids: Iterable<number>, opts: { reuseCommands?: boolean } = {}): ProcInfo[] | null {
  if (os.platform() !== 'linux') return null;
  try {
    return rowsOf(pids, bootUptime(), opts.reuseCommands === true ? 'reuse' : 'fresh');
  } catch {
    return null;
  }
}

/** Parses ps etime ([[dd-]hh:]mm:ss) into seconds. */
export function parseEtime(etime: string): number | null {
  const m = /^(?:(\d+)-)?(?:(\d+):)?(\d+):(\d+)$/.exec(etime.trim());
  if (!m) return null;
  return Number(m[1] ?? 0) * 86400 + Number(m[2] ?? 0) * 3600 + Number(m[3]) * 60 + Number(m[4]);
}

async function fromPs(): Promise<ProcInfo[]> {
  const res = await captureTool('ps', ['-axo', 'pid=,ppid=,pgid=,sess=,rss=,stat=,etime=,comm=']);
  const out: ProcInfo[] = [];
  for (const line of res.stdout.split('\n')) {
    // sess is a decimal session id on Linux procps; BSD ps may print something else: then it is unknown
    const m = /^\s*(\d+)\s+(\d+)\s+(\d+)\s+(\S+)\s+(\d+)\s+(\S+)\s+(\S+)\s+(.*)$/.exec(line);
    if (!m || m[6].startsWith('Z')) continue;
    out.push({
      pid: +m[1],
      ppid: +m[2],
      pgid: +m[3],
      sid: /^\d+$/.test(m[4]) ? +m[4] : null,
      rssKb: +m[5],
      state: m[6],
      uptimeSec: parseEtime(m[7]),
      name: m[8].split('/').pop() ?? m[8],
      command: m[8],
    });
  }
  return out;
}

/**
 * Lists live (non-zombie) processes. `reuseCommands` (the periodic sampler) reuses the command lines of
 * processes older than a few seconds; every other caller gets them read now. `withoutCommands`: no command line
 * is read (the name stands in), for a caller that needs the table's shape and reads the commands of the few rows it
 * keeps with listPids: reading every process's command line takes each one's memory-map lock.
 */
export async function listProcesses(opts: { reuseCommands?: boolean; withoutCommands?: boolean } = {}): Promise<ProcInfo[]> {
  if (os.platform() === 'linux') {
    try {
      return fromProc(opts.withoutCommands ? 'none' : opts.reuseCommands === true ? 'reuse' : 'fresh');
    } catch {
      /* /proc not mounted (some containers): fall through to ps */
    }
  }
  return fromPs();
}

/** Pure: the root and all its descendants (by parent pid), root first, then breadth-first by pid. */
export function descendantsOf(rootPid: number, table: ProcInfo[]): ProcInfo[] {
  const byParent = new Map<number, ProcInfo[]>();
  for (const p of table) {
    const list = byParent.get(p.ppid) ?? [];
    list.push(p);
    byParent.set(p.ppid, list);
  }
  const root = table.find((p) => p.pid === rootPid);
  const out: ProcInfo[] = root ? [root] : [];
  const queue = [rootPid];
  const seen = new Set(queue);
  while (queue.length) {
    const kids = (byParent.get(queue.shift()!) ?? []).sort((a, b) => a.pid - b.pid);
    for (const k of kids) {
      if (seen.has(k.pid)) continue;
      seen.add(k.pid);
      out.push(k);
      queue.push(k.pid);
    }
  }
  return out;
}

/** The process tree of a live pid (empty when it is gone). */
export async function processTree(rootPid: number): Promise<ProcInfo[]> {
  return descendantsOf(rootPid, await listProcesses());
}

/** Pure: the start id (field 22, clock ticks since boot) in the text of /proc/<pid>/stat, or null. */
export function parseStartId(statText: string): string | null {
  const f = statText.slice(statText.lastIndexOf(')') + 2).split(' ');
  return f[0] === 'Z' || !/^\d+$/.test(f[19] ?? '') ? null : f[19];
}

/**
 * The exact start id of a live pid (Linux; null elsewhere, for a zombie, or when it is gone). Synchronous: a
 * registry entry is written before hunt can be killed between seeing a process and recording it.
 */
export function processStartId(pid: number): string | null {
  if (process.platform !== 'linux') return null;
  try {
    return parseStartId(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return null;
  }
}
