/**
 * Finds the target's process from who listens on its port, and takes its process tree.
 * Pure selection logic is separate from the process-table read so it can be tested with plain data.
 */
import { descendantsOf, listProcesses, type ProcInfo } from '../runtime/proctable.js';
import type { Redactor } from '../runtime/redact.js';
import type { Listener } from './listeners.js';
import type { RuntimeSnapshot, SnapshotProcess } from './snapshot-types.js';

export interface PidChoice {
  pid: number | null;
  note: string | null;
}

/**
 * Pure: the target pid among the listeners on its port. Several owners (pre-forked workers, SO_REUSEPORT)
 * resolve to the one that is an ancestor of the others when the table says so, else the lowest pid.
 */
export function chooseTargetPid(port: number, listeners: Listener[], table: ProcInfo[]): PidChoice {
  const onPort = listeners.filter((l) => l.port === port);
  if (!onPort.length) return { pid: null, note: `nothing listens on port ${port}` };
  const pids = [...new Set(onPort.map((l) => l.pid).filter((p): p is number => p !== null))].sort((a, b) => a - b);
  if (!pids.length) {
    return { pid: null, note: `port ${port} is listening but its owner is not visible to this user (run hunt as the target's user)` };
  }
  if (pids.length === 1) return { pid: pids[0], note: null };
  const ancestor = pids.find((candidate) => {
    const tree = new Set(descendantsOf(candidate, table).map((p) => p.pid));
    return pids.every((p) => tree.has(p));
  });
  const pid = ancestor ?? pids[0];
  return { pid, note: `several processes listen on port ${port}: ${pids.join(', ')}; using ${pid}` };
}

function toSnapshotProcess(p: ProcInfo, redact: Redactor): SnapshotProcess {
  return { pid: p.pid, ppid: p.ppid, rssKb: p.rssKb, uptimeSec: p.uptimeSec, name: p.name, command: redact(p.command) };
}

/** The target process section of a snapshot: pid from the listeners, then its tree (root first). */
export async function targetProcess(port: number, listeners: Listener[], redact: Redactor): Promise<RuntimeSnapshot['process']> {
  let table: ProcInfo[];
  try {
    table = await listProcesses();
  } catch (err) {
    return { pid: null, source: 'none', note: `process table unavailable: ${(err as Error).message}`, tree: [] };
  }
  const choice = chooseTargetPid(port, listeners, table);
  if (choice.pid === null) return { pid: null, source: 'none', note: choice.note, tree: [] };
  const tree = descendantsOf(choice.pid, table).map((p) => toSnapshotProcess(p, redact));
  const note = tree.length ? choice.note : `pid ${choice.pid} exited before its process tree was read`;
  return { pid: choice.pid, source: 'listener', note, tree };
}
