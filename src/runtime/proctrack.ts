/**
 * Tree tracking for the supervisor: which processes of a table belong to a supervised target, and one
 * shared sampler that reads the process table periodically for every running target (one read per
 * tick however many targets run, so a concurrent chaos matrix does not multiply /proc walks).
 */
import { descendantsOf, listProcesses, type ProcInfo } from './proctable.js';

/** A process once seen in a target's tree. */
export interface TrackedProc {
  pid: number;
  ppid: number;
  pgid: number;
  name: string;
  command: string;
  /** Approximate start time (epoch seconds) from the table; null when the platform did not say. */
  startKey: number | null;
  firstSeenMs: number;
  lastSeenMs: number;
}

const START_SLACK_SEC = 2;

/** Approximate start time (epoch seconds) of a table row: with the pid, the identity of a process. */
export function startKey(p: ProcInfo, nowMs = Date.now()): number | null {
  return p.uptimeSec === null ? null : Math.round(nowMs / 1000 - p.uptimeSec);
}

/** Pure: whether a live table row is the same process as a tracked one (a recycled pid has a later start time). */
export function sameProcess(row: ProcInfo, t: TrackedProc, nowMs: number): boolean {
  const key = startKey(row, nowMs);
  if (key !== null && t.startKey !== null) return Math.abs(key - t.startKey) <= START_SLACK_SEC;
  return row.name === t.name;
}

/**
 * Pure: the live processes of a target: the root (while it runs), every remembered process that is still
 * the same process, members of the root's process group, and all their descendants. Sorted by pid.
 */
export function trackedLive(rootPid: number, tracked: Map<number, TrackedProc>, table: ProcInfo[], rootRunning: boolean, nowMs = Date.now()): ProcInfo[] {
  const byPid = new Map(table.map((p) => [p.pid, p]));
  const roots = new Set<number>();
  if (rootRunning && byPid.has(rootPid)) roots.add(rootPid);
  for (const t of tracked.values()) {
    if (t.pid === rootPid) continue; // the root's identity is its exit status, not the table
    const row = byPid.get(t.pid);
    if (row && sameProcess(row, t, nowMs)) roots.add(t.pid);
  }
  if (rootRunning) for (const p of table) if (p.pgid === rootPid) roots.add(p.pid);
  const out = new Map<number, ProcInfo>();
  for (const r of roots) for (const p of descendantsOf(r, table)) out.set(p.pid, p);
  // a running root is ours whatever a (possibly older) table says: its exit event has not come yet
  const root = tracked.get(rootPid);
  if (rootRunning && root && !out.has(rootPid)) {
    out.set(rootPid, { pid: rootPid, ppid: root.ppid, pgid: root.pgid, rssKb: 0, uptimeSec: null, name: root.name, command: root.command, state: '?' });
  }
  out.delete(process.pid); // never ourselves, whatever the table says
  return [...out.values()].sort((a, b) => a.pid - b.pid);
}

type Listener = (table: ProcInfo[]) => void;
const listeners = new Set<Listener>();
let timer: NodeJS.Timeout | null = null;
let inFlight: { startedAt: number; table: Promise<ProcInfo[]> } | null = null;
let intervalMs = 100;

/**
 * Reads the process table, sharing a read already in flight when it started at or after `notBefore`
 * (epoch ms). Callers that need the present pass Date.now(): under load a read can take long enough
 * that one started before a spawn would hand them a table without the new process.
 */
export function sampleTable(notBefore?: number): Promise<ProcInfo[]> {
  if (inFlight && (notBefore === undefined || inFlight.startedAt >= notBefore)) return inFlight.table;
  const table = listProcesses({ reuseCommands: true });
  const mine = { startedAt: Date.now(), table };
  inFlight = mine;
  void table
    .finally(() => {
      if (inFlight === mine) inFlight = null;
    })
    .catch(() => undefined);
  return table;
}

async function tick(): Promise<void> {
  if (inFlight) return; // a slow read must not pile up reads
  let table: ProcInfo[];
  try {
    table = await sampleTable();
  } catch {
    return; // a failed read is retried at the next tick
  }
  for (const l of [...listeners]) l(table);
}

/**
 * A target's first seconds are when daemons fork, daemonize and re-parent helpers: the table is read every
 * `everyMs` for BUSY_MS after any subscription, then every SETTLED_MS (a late helper that lives is still seen; a
 * cgroup lane sees everything anyway). Reading the table ten times a second for a whole gate was most of hunt's
 * own CPU in a gate.
 */
const BUSY_MS = 3000;
const SETTLED_MS = 400;
let lastSubscribeMs = 0;

function schedule(): void {
  const delay = Date.now() - lastSubscribeMs < BUSY_MS ? intervalMs : Math.max(intervalMs, SETTLED_MS);
  timer = setTimeout(() => {
    timer = null;
    void tick().then(() => {
      if (listeners.size && !timer) schedule();
    });
  }, delay);
  timer.unref(); // sampling alone never keeps hunt alive
}

/** Calls `fn` with the process table every `everyMs` (SETTLED_MS once settled) until the returned unsubscribe is called. */
export function subscribeSampler(fn: Listener, everyMs: number): () => void {
  listeners.add(fn);
  intervalMs = Math.min(intervalMs, everyMs);
  lastSubscribeMs = Date.now();
  if (!timer) schedule();
  void tick();
  return () => {
    listeners.delete(fn);
    if (!listeners.size) {
      if (timer) clearTimeout(timer);
      timer = null;
      intervalMs = 100;
    }
  };
}
