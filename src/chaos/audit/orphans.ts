/**
 * The orphan audit, run after a scenario's targets were asked to stop: anything of theirs still alive
 * is a finding, then killed. Three nets, because each misses something the others catch:
 * - the tracked tree: every pid ever seen in a target's tree (sampled while it ran), identity-checked;
 * - the environment: processes carrying this sandbox's path (setsid helpers re-parented to init that
 *   started between two samples);
 * - the port: whoever still listens on the scenario's port (hunt's own foreign listener excepted).
 */
import { listProcesses } from '../../runtime/proctable.js';
import { sendSignal } from '../../runtime/signals.js';
import { scanListeners } from '../../probes/listeners.js';
import { processesWithEnv } from '../../runtime/envscan.js';
import type { Lane } from '../lane.js';

export interface Orphan {
  pid: number | null;
  command: string;
  how: 'tree' | 'escaped' | 'listener';
}

export interface OrphanAudit {
  orphans: Orphan[];
  /** Pids still alive after SIGKILL (never expected; reported). */
  survivors: number[];
}

/** Pure: one evidence line for an orphan. */
export function describeOrphan(o: Orphan): string {
  const why = {
    tree: 'still alive from the target tree',
    escaped: 'escaped the tree (found by the sandbox path in its environment)',
    listener: 'still listening on the scenario port',
  }[o.how];
  return `orphan: pid ${o.pid ?? '?'} ${why}: ${o.command.slice(0, 160)}`;
}

/** Finds what is left of a lane's targets, kills it, and reports it. */
export async function auditOrphans(lane: Lane, opts: { excludePids?: number[] } = {}): Promise<OrphanAudit> {
  const exclude = new Set([process.pid, ...(opts.excludePids ?? [])]);
  const table = await listProcesses();
  const found = new Map<number | string, Orphan>();
  for (const t of lane.targets) {
    for (const p of await t.sup.live(table)) if (!exclude.has(p.pid)) found.set(p.pid, { pid: p.pid, command: p.command, how: 'tree' });
  }
  for (const p of await processesWithEnv(lane.sandbox.root))
    if (!exclude.has(p.pid) && !found.has(p.pid)) found.set(p.pid, { pid: p.pid, command: p.command, how: 'escaped' });
  for (const l of (await scanListeners(lane.port)).listeners) {
    if (l.pid !== null && exclude.has(l.pid)) continue;
    const key = l.pid ?? `${l.address}:${l.port}`;
    if (!found.has(key)) found.set(key, { pid: l.pid, command: l.command ?? `unknown owner of ${l.address}:${l.port}`, how: 'listener' });
  }
  const orphans = [...found.values()].sort((a, b) => (a.pid ?? 0) - (b.pid ?? 0));
  const pids = orphans.map((o) => o.pid).filter((p): p is number => p !== null);
  for (const p of pids) sendSignal(p, 'SIGTERM');
  const survivors = await waitGone(pids, 500);
  for (const p of survivors) sendSignal(p, 'SIGKILL');
  const still = await waitGone(survivors, 1000);
  for (const t of lane.targets) await t.sup.stop(200); // closes each tracker; nothing should be left to signal
  return { orphans, survivors: still };
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
