/**
 * The process table: /proc on Linux, `ps` elsewhere (macOS). Used for the target's process tree in
 * snapshots and by the supervisor to find every descendant (walk by parent pid, not only the group:
 * daemons start helpers in groups of their own).
 */
import { promises as fsp, readFileSync } from 'node:fs';
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

async function readProcEntry(pid: number, bootUptime: number): Promise<ProcInfo | null> {
  try {
    const stat = await fsp.readFile(`/proc/${pid}/stat`, 'utf8');
    // comm may contain spaces and parens: take everything up to the LAST ')'
    const close = stat.lastIndexOf(')');
    const name = stat.slice(stat.indexOf('(') + 1, close);
    const f = stat.slice(close + 2).split(' ');
    // f[0]=state f[1]=ppid f[2]=pgrp f[3]=session ... f[19]=starttime f[21]=rss (fields 3.. of proc(5), shifted by 3)
    const startTicks = Number(f[19]);
    let command = '';
    try {
      command = (await fsp.readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').filter(Boolean).join(' ');
    } catch {
      /* process may have exited between reads */
    }
    return {
      pid,
      ppid: Number(f[1]),
      pgid: Number(f[2]),
      sid: Number(f[3]),
      rssKb: Number(f[21]) * PAGE_KB,
      uptimeSec: Number.isFinite(startTicks) ? Math.max(0, Math.round(bootUptime - startTicks / CLK_TCK)) : null,
      name,
      command: command || name,
      state: f[0],
      startId: f[19],
    };
  } catch {
    return null; // exited while we were reading: simply not in the table
  }
}

async function fromProc(): Promise<ProcInfo[]> {
  const uptime = Number((await fsp.readFile('/proc/uptime', 'utf8')).split(' ')[0]);
  const pids = (await fsp.readdir('/proc')).filter((d) => /^\d+$/.test(d)).map(Number);
  const rows = await Promise.all(pids.map((p) => readProcEntry(p, uptime)));
  return rows.filter((r): r is ProcInfo => r !== null && r.state !== 'Z');
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

/** Lists live (non-zombie) processes. */
export async function listProcesses(): Promise<ProcInfo[]> {
  if (os.platform() === 'linux') {
    try {
      return await fromProc();
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
