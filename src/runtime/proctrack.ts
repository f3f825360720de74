/**
 * Tree tracking for the supervisor: which processes of a table belong to a supervised target, and one
 * shared sampler that reads the process table periodically for every running target (one read per
 * tick however many targets run, so a concurrent chaos matrix does not multiply /proc walks).
 */
import { cgroupPidsSync } from './cgroup.js';
import { descendantsOf, listPids, listProcesses, type ProcInfo } from './proctable.js';

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
/** A subscriber, with the cgroup that holds its whole tree when it has one (a chaos lane's, on cgroup v2). */
interface Subscription {
  fn: Listener;
  cgroup: string | null;
}
const listeners = new Set<Subscription>();
let timer: NodeJS.Timeout | null = null;
/** A read in flight, with the cgroups it covers (null: the whole table, which serves every caller). */
let inFlight: { startedAt: number; scope: string[] | null; table: Promise<ProcInfo[]> } | null = null;
let intervalMs = 100;

/**
 * When every caller's tree lives in a cgroup of its own, the table is read for the members of those cgroups only:
 * one read of cgroup.procs and one stat per member, instead of one stat per process on the machine (on a busy CI
 * machine, hundreds, ten times a second: a fifth of a gate's own CPU, measured with --cpu-prof). A process cannot
 * leave a cgroup unless something privileged moves it, so the members are the whole tree; the whole table is still
 * read at least every FULL_EVERY_MS, so even a process moved out is seen (as before) within a second.
 */
const FULL_EVERY_MS = 1000;
let lastFullMs = 0;

function readScoped(scope: string[]): ProcInfo[] | null {
  const pids = new Set<number>();
  for (const dir of scope) {
    const members = cgroupPidsSync(dir);
    if (members === null) return null;
    for (const p of members) pids.add(p);
  }
  return listPids(pids, { reuseCommands: true });
}

/** A read for `scope`, and what it covers: the scope, or null when it read the whole table. */
function readTable(scope: string[] | null): { scope: string[] | null; table: Promise<ProcInfo[]> } {
  if (scope && Date.now() - lastFullMs < FULL_EVERY_MS) {
    const rows = readScoped(scope);
    if (rows) return { scope, table: Promise.resolve(rows) };
  }
  lastFullMs = Date.now();
  return { scope: null, table: listProcesses({ reuseCommands: true }) };
}

/** The cgroups that hold every listed caller's tree, or null when one of them has none (the whole table then). */
function scopeOf(cgroups: Array<string | null>): string[] | null {
  return cgroups.every((c): c is string => c !== null) && cgroups.length ? [...new Set(cgroups)].sort() : null;
}

/**
 * Reads the process table, sharing a read already in flight when it started at or after `notBefore`
 * (epoch ms) and covers the caller. Callers that need the present pass Date.now(): under load a read can take long
 * enough that one started before a spawn would hand them a table without the new process. `cgroup`: the cgroup
 * that holds the caller's whole tree, when it has one (then the table may hold only its members).
 */
export function sampleTable(notBefore?: number, cgroup: string | null = null): Promise<ProcInfo[]> {
  return sampleFor(scopeOf([cgroup]), notBefore);
}

function sampleFor(scope: string[] | null, notBefore?: number): Promise<ProcInfo[]> {
  const covers = (f: NonNullable<typeof inFlight>) => f.scope === null || (scope !== null && scope.every((d) => f.scope!.includes(d)));
  if (inFlight && (notBefore === undefined || inFlight.startedAt >= notBefore) && covers(inFlight)) return inFlight.table;
  const mine = { startedAt: Date.now(), ...readTable(scope) };
  inFlight = mine;
  void mine.table
    .finally(() => {
      if (inFlight === mine) inFlight = null;
    })
    .catch(() => undefined);
  return mine.table;
}

async function tick(): Promise<void> {
  if (inFlight) return; // a slow read must not pile up reads
  let table: ProcInfo[];
  try {
    table = await sampleFor(scopeOf([...listeners].map((l) => l.cgroup)));
  } catch {
    return; // a failed read is retried at the next tick
  }
  for (const l of [...listeners]) l.fn(table);
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

/**
 * Calls `fn` with the process table every `everyMs` (SETTLED_MS once settled) until the returned unsubscribe is
 * called. `cgroup`: the cgroup that holds the subscriber's whole tree, when it has one (see FULL_EVERY_MS).
 */
export function subscribeSampler(fn: Listener, everyMs: number, cgroup: string | null = null): () => void {
  const sub: Subscription = { fn, cgroup };
  listeners.add(sub);
  intervalMs = Math.min(intervalMs, everyMs);
  lastSubscribeMs = Date.now();
  if (!timer) schedule();
  void tick();
  return () => {
    listeners.delete(sub);
    if (!listeners.size) {
      if (timer) clearTimeout(timer);
      timer = null;
      intervalMs = 100;
    }
  };
}
