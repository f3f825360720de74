/**
 * The orphan audit, run after a scenario's targets were asked to stop: anything of the lane still alive is
 * a finding, then killed. Only processes hunt can prove are the lane's are ever touched:
 * - the lane cgroup: everything in it (whatever it did to its title, session or environment);
 * - the tracked trees and the registry: every (pid, start id) seen in a target's tree, identity-checked;
 * - without a cgroup, the environment: a process carrying this sandbox's exact marker entry that started
 *   after the sandbox was created (setsid helpers re-parented to init between two samples).
 * A listener on the lane port that is none of these belongs to someone else: evidence, never killed.
 */
import { listProcesses } from '../../runtime/proctable.js';
import { sendSignal } from '../../runtime/signals.js';
import { scanListeners, type Listener } from '../../probes/listeners.js';
import { processesWithEnv } from '../../runtime/envscan.js';
import { isPortOpen } from '../../runtime/ports.js';
import { liveRegistered, readRegistry } from '../../runtime/registry.js';
import type { Lane } from '../lane.js';
import { SANDBOX_ENV } from '../sandbox.js';

export interface Orphan {
  pid: number;
  command: string;
  how: 'cgroup' | 'tree' | 'registry' | 'escaped';
}

export interface OrphanAudit {
  orphans: Orphan[];
  /** Pids still alive after SIGKILL (never expected; reported). */
  survivors: number[];
  /** Listeners on the lane port owned by processes that are not the lane's (left alone). */
  foreign: Listener[];
}

/** Pure: one evidence line for an orphan. */
export function describeOrphan(o: Orphan): string {
  const why = {
    cgroup: "still in the lane's cgroup after the target stopped",
    tree: 'still alive from the target tree',
    registry: "still alive from the lane's process registry",
    escaped: 'escaped the tree (found by the sandbox marker in its environment)',
  }[o.how];
  return `orphan: pid ${o.pid} ${why}: ${o.command.slice(0, 160)}`;
}

/** Finds what is left of a lane's targets, kills it, and reports it. */
export async function auditOrphans(lane: Lane, opts: { excludePids?: number[] } = {}): Promise<OrphanAudit> {
  const holder = lane.enclosure.holder?.pid;
  const exclude = new Set([process.pid, ...(holder ? [holder] : []), ...(opts.excludePids ?? [])]);
  const table = await listProcesses();
  const byPid = new Map(table.map((p) => [p.pid, p]));
  const found = new Map<number, Orphan>();
  const add = (pid: number, how: Orphan['how'], command?: string) => {
    if (!exclude.has(pid) && !found.has(pid)) found.set(pid, { pid, command: command ?? byPid.get(pid)?.command ?? '?', how });
  };
  for (const p of (await lane.enclosure.pids()) ?? []) add(p, 'cgroup');
  for (const t of lane.targets) for (const p of await t.sup.live(table)) add(p.pid, 'tree', p.command);
  for (const e of liveRegistered(await readRegistry(lane.sandbox.registry))) add(e.pid, 'registry');
  if (!lane.enclosure.cgroupDir) {
    const bornAfter = lane.sandbox.createdAtMs / 1000 - 2;
    for (const p of await processesWithEnv(`${SANDBOX_ENV}=${lane.sandbox.root}`, { exact: true })) {
      const row = byPid.get(p.pid);
      if (row?.uptimeSec !== null && row?.uptimeSec !== undefined && Date.now() / 1000 - row.uptimeSec >= bornAfter) add(p.pid, 'escaped', p.command);
    }
  }
  const orphans = [...found.values()].sort((a, b) => a.pid - b.pid);
  const pids = orphans.map((o) => o.pid);
  for (const p of pids) sendSignal(p, 'SIGTERM');
  const survivors = await waitGone(pids, 500);
  for (const p of survivors) sendSignal(p, 'SIGKILL');
  const still = await waitGone(survivors, 1000);
  for (const t of lane.targets) await t.sup.stop(200); // closes each tracker; nothing should be left to signal
  const mine = new Set([...pids, ...lane.seenPids()]);
  // owners are looked up (every process's fds) only when something still answers on the port
  const open = await isPortOpen(lane.port, lane.target.host, 300);
  const foreign = open ? (await scanListeners(lane.port)).listeners.filter((l) => l.pid === null || (!mine.has(l.pid) && l.pid !== process.pid)) : [];
  return { orphans, survivors: still, foreign };
}

async function waitGone(pids: number[], ms: number): Promise<number[]> {
  const deadline = Date.now() + ms;
  let left = pids;
  while (left.length) {
    const alive = new Set((await listProcesses()).map((p) => p.pid));
    left = left.filter((p) => alive.has(p));
    if (!left.length || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return left;
}
