/**
 * Finds the target's process and takes its process tree. The serving process is named by target.pidFile
 * when the profile gives one; otherwise it is, among the processes owning the listening socket, the one
 * none of whose ancestors owns it: a pre-forked server's master, never one of its workers (they share the
 * socket, and whichever /proc listed first used to win). Pure selection is separate from the reads.
 */
import { promises as fsp } from 'node:fs';
import { descendantsOf, listPids, listProcesses, type ProcInfo } from '../runtime/proctable.js';
import type { Redactor } from '../runtime/redact.js';
import type { Listener } from './listeners.js';
import type { RuntimeSnapshot, SnapshotProcess } from './snapshot-types.js';

export interface PidChoice {
  pid: number | null;
  note: string | null;
}

/** Pure: the owners of `pids` that no ancestor (by the table's parent links) of which is also an owner. */
export function servingRoots(pids: number[], table: ProcInfo[]): number[] {
  const owners = new Set(pids);
  const byPid = new Map(table.map((p) => [p.pid, p]));
  return pids.filter((pid) => {
    const seen = new Set<number>();
    for (let p = byPid.get(pid); p && p.ppid > 0 && !seen.has(p.ppid); p = byPid.get(p.ppid)) {
      if (owners.has(p.ppid)) return false;
      seen.add(p.ppid);
    }
    return true;
  });
}

/**
 * Pure: the serving pid among the listeners on the port. Several owners (a master and its workers) resolve
 * to the one whose ancestors own nothing; several such roots (independent SO_REUSEPORT servers) to the lowest pid, with a note.
 */
export function chooseTargetPid(port: number, listeners: Listener[], table: ProcInfo[]): PidChoice {
  const onPort = listeners.filter((l) => l.port === port);
  if (!onPort.length) return { pid: null, note: `nothing listens on port ${port}` };
  const pids = [...new Set(onPort.map((l) => l.pid).filter((p): p is number => p !== null))].sort((a, b) => a - b);
  if (!pids.length) {
    return { pid: null, note: `port ${port} is listening but its owner is not visible to this user (run hunt as the target's user)` };
  }
  if (pids.length === 1) return { pid: pids[0], note: null };
  const roots = servingRoots(pids, table);
  if (roots.length === 1) {
    const others = pids.filter((p) => p !== roots[0]);
    return {
      pid: roots[0],
      note: `port ${port} is shared by ${pids.length} processes; serving process ${roots[0]}, its descendant(s) ${others.join(', ')} share the socket`,
    };
  }
  const pid = (roots.length ? roots : pids)[0];
  return {
    pid,
    note: `several unrelated processes listen on port ${port}: ${pids.join(', ')}; using the lowest, ${pid} (set target.pidFile to name the target)`,
  };
}

/** Pure: the pid a pid file holds (first line, digits only), or null. */
export function parsePidFile(text: string): number | null {
  const m = /^\s*(\d+)\s*(?:\n|$)/.exec(text);
  const pid = m ? Number(m[1]) : NaN;
  return Number.isSafeInteger(pid) && pid > 0 ? pid : null;
}

/** Reads a pid file: the pid, or why there is none. */
export async function readPidFile(file: string): Promise<{ pid: number | null; note: string | null }> {
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { pid: null, note: code === 'ENOENT' ? `pid file ${file} does not exist` : `pid file ${file} is unreadable (${code})` };
  }
  const pid = parsePidFile(text);
  return pid === null ? { pid: null, note: `pid file ${file} holds no pid` } : { pid, note: null };
}

function toSnapshotProcess(p: ProcInfo, redact: Redactor): SnapshotProcess {
  return {
    pid: p.pid,
    ppid: p.ppid,
    pgid: p.pgid,
    sid: p.sid ?? null,
    rssKb: p.rssKb,
    uptimeSec: p.uptimeSec,
    name: p.name,
    command: redact(p.command),
  };
}

/** The target process section of a snapshot: pid from the pid file (when the profile names one) or the listeners, then its tree (root first). */
export async function targetProcess(port: number, listeners: Listener[], redact: Redactor, pidFile: string | null = null): Promise<RuntimeSnapshot['process']> {
  // Nothing listens and no pid file names a process: no candidate, so no walk of the whole process table
  // (~60 ms on a busy machine, most of what a collect of a target that is down spent past start-up).
  if (!pidFile && !listeners.some((l) => l.port === port)) return { pid: null, source: 'none', note: `nothing listens on port ${port}`, tree: [] };
  let table: ProcInfo[];
  try {
    // the shape of the table (parents, groups); the command lines are read below for the tree alone
    table = await listProcesses({ withoutCommands: true });
  } catch (err) {
    return { pid: null, source: 'none', note: `process table unavailable: ${(err as Error).message}`, tree: [] };
  }
  let choice: PidChoice;
  let source: RuntimeSnapshot['process']['source'] = 'listener';
  if (pidFile) {
    const read = await readPidFile(pidFile);
    source = 'pidFile';
    choice =
      read.pid !== null && !table.some((p) => p.pid === read.pid) ? { pid: null, note: `pid file ${pidFile} names ${read.pid}, which is not running` } : read;
    const chosen = choice.pid;
    if (chosen !== null) {
      const owners = new Set(listeners.flatMap((l) => (l.port === port && l.pid !== null ? [l.pid] : [])));
      const tree = new Set(descendantsOf(chosen, table).map((p) => p.pid));
      if (owners.size && ![...owners].some((o) => tree.has(o)))
        choice.note = `pid ${chosen} (pid file) owns no listener on port ${port}: ${[...owners].join(', ')} do`;
    }
  } else choice = chooseTargetPid(port, listeners, table);
  if (choice.pid === null) return { pid: null, source: 'none', note: choice.note, tree: [] };
  const shape = descendantsOf(choice.pid, table);
  const fresh = new Map((listPids(shape.map((p) => p.pid)) ?? []).map((p) => [p.pid, p]));
  // a row gone since the table was read keeps its name as the command
  const tree = shape.map((p) => toSnapshotProcess(fresh.get(p.pid) ?? p, redact));
  const note = tree.length ? choice.note : `pid ${choice.pid} exited before its process tree was read`;
  return { pid: choice.pid, source, note, tree };
}
