/**
 * The durable process registry of a lane: one line per process hunt saw in the lane's trees, with its exact
 * start id, appended (synchronously) the moment the process is first seen. It is how a later hunt proves a
 * leftover process is one a killed run started: a pid alone is recycled, an environment variable is wiped by
 * daemons that rewrite their title, but (pid, start id) names one process for the life of the machine.
 * The cgroup is the stronger net (it also holds processes started between two samples); the registry is
 * what remains where cgroups are unavailable.
 */
import { appendFileSync, promises as fsp } from 'node:fs';
import { processStartId } from './proctable.js';
import { sendSignal } from './signals.js';

export interface RegistryEntry {
  pid: number;
  /** Exact start id (Linux); null where the platform gives none (such an entry is never killed). */
  start: string | null;
  name: string;
}

/** Appends entries to the registry file (synchronous and unbuffered: it must be on disk before hunt can die). */
export function recordProcesses(file: string, entries: RegistryEntry[]): void {
  if (!entries.length) return;
  try {
    appendFileSync(file, entries.map((e) => JSON.stringify(e)).join('\n') + '\n');
  } catch {
    /* the sandbox is being removed: the lane is over */
  }
}

/** Pure: the entries of a registry text (malformed lines skipped), one per (pid, start). */
export function parseRegistry(text: string): RegistryEntry[] {
  const out = new Map<string, RegistryEntry>();
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const e = JSON.parse(line) as RegistryEntry;
      if (Number.isInteger(e.pid) && e.pid > 1 && (e.start === null || typeof e.start === 'string')) out.set(`${e.pid}:${e.start}`, e);
    } catch {
      /* a line torn by a SIGKILL mid-write */
    }
  }
  return [...out.values()].sort((a, b) => a.pid - b.pid);
}

/** Reads a registry file ([] when it is missing). */
export async function readRegistry(file: string): Promise<RegistryEntry[]> {
  try {
    return parseRegistry(await fsp.readFile(file, 'utf8'));
  } catch {
    return [];
  }
}

/** Registered processes that are still the same process (pid alive with the recorded start id). */
export function liveRegistered(entries: RegistryEntry[]): RegistryEntry[] {
  return entries.filter((e) => e.start !== null && e.pid !== process.pid && processStartId(e.pid) === e.start);
}

/** SIGTERM, wait up to graceMs, SIGKILL every registered process that is still itself; returns the pids it signalled and the survivors. */
export async function killRegistered(entries: RegistryEntry[], graceMs = 1000): Promise<{ killed: number[]; survivors: number[] }> {
  const first = liveRegistered(entries);
  for (const e of first) sendSignal(e.pid, 'SIGTERM');
  let left = first;
  const deadline = Date.now() + graceMs;
  while (left.length && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    left = liveRegistered(left);
  }
  for (let round = 0; left.length && round < 10; round++) {
    for (const e of left) sendSignal(e.pid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 50));
    left = liveRegistered(left);
  }
  return { killed: first.map((e) => e.pid), survivors: left.map((e) => e.pid) };
}
