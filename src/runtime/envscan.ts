/**
 * Finds processes by their environment. Every target of a lane inherits HUNT_CHAOS_SANDBOX=<root> and a
 * HOME inside the sandbox, and so does everything it starts, even a helper that left the tree with
 * setsid and was re-parented to init. It is a detector, never proof on its own: a daemon that rewrites
 * its title wipes its environment, and an operator's shell that cd'd into a sandbox carries the path in
 * PWD. Killing is by cgroup or (pid, start id) registry only. Linux: /proc/<pid>/environ; elsewhere: `ps eww` (environment appended
 * to the command line).
 */
import { readdirSync } from 'node:fs';
import os from 'node:os';
import { captureTool } from './capture.js';
import { parseStartId, readProcBytes, readProcFile } from './proctable.js';
import { sendSignal } from './signals.js';

export interface EnvMatch {
  pid: number;
  command: string;
}

/** environ is at most the kernel's argument limit (2 MiB on common builds): never cut below that. */
const ENVIRON_MAX = 4 * 1024 * 1024;

/** Pure: whether an environ block (NUL-separated entries) holds `needle`, as a whole entry when `exact`. */
export function environHolds(env: Buffer, needle: Buffer, exact: boolean): boolean {
  for (let at = env.indexOf(needle); at >= 0; at = env.indexOf(needle, at + 1)) {
    if (!exact) return true;
    const end = at + needle.length;
    if ((at === 0 || env[at - 1] === 0) && (end === env.length || env[end] === 0)) return true;
  }
  return false;
}

async function fromProc(needle: string, exact: boolean, startedAfter: number | null): Promise<EnvMatch[]> {
  // Synchronous reads, like the process table (proctable.ts says why): every command hunt runs ends with a sweep.
  const pids = readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(Number);
  const want = Buffer.from(needle, 'latin1');
  const out: EnvMatch[] = [];
  for (const pid of pids) {
    if (pid === process.pid) continue;
    // stat first (small): gone, a zombie (already dead), or older than what the marker can be on: not it
    const start = parseStartId(readProcFile(`/proc/${pid}/stat`, 64 * 1024) ?? ' Z');
    if (start === null || (startedAfter !== null && Number(start) < startedAfter)) continue;
    const env = readProcBytes(`/proc/${pid}/environ`, ENVIRON_MAX);
    if (env === null || !environHolds(env, want, exact)) continue; // not ours to read, gone, or not it
    const cmd = (readProcFile(`/proc/${pid}/cmdline`, 1024 * 1024) ?? '').split('\0').filter(Boolean).join(' ');
    out.push({ pid, command: cmd });
  }
  return out;
}

async function fromPs(needle: string, exact: boolean): Promise<EnvMatch[]> {
  // ps joins the environment with spaces: an exact entry is the needle between spaces (or the line's end).
  const holds = (text: string) => (exact ? ` ${text} `.includes(` ${needle} `) : text.includes(needle));
  const res = await captureTool('ps', ['eww', '-ax', '-o', 'pid=,stat=,command=']);
  const out: EnvMatch[] = [];
  for (const line of res.stdout.split('\n')) {
    const m = /^\s*(\d+)\s+(\S+)\s+(.*)$/.exec(line);
    if (!m || Number(m[1]) === process.pid || m[2].startsWith('Z') || !holds(m[3])) continue;
    out.push({ pid: Number(m[1]), command: m[3].slice(0, 200) });
  }
  return out;
}

/**
 * Live processes whose environment contains `needle` (hunt itself excluded), sorted by pid. `exact`: one
 * whole NAME=value entry must equal it (a prefix of a longer path, or a shell's PWD inside it, does not count).
 * `startedAfter`: the start id (Linux: clock ticks since boot, /proc/<pid>/stat) of the process the marker was
 * given to; a process that started before it cannot carry the marker, so its environment is not read (on a busy
 * machine most processes are older: the sweep after every command read them all).
 */
export async function processesWithEnv(needle: string, o: { exact?: boolean; startedAfter?: string | null } = {}): Promise<EnvMatch[]> {
  let found: EnvMatch[] | null = null;
  if (os.platform() === 'linux') {
    try {
      found = await fromProc(needle, o.exact ?? false, o.startedAfter ? Number(o.startedAfter) : null);
    } catch {
      /* no /proc: fall back to ps */
    }
  }
  found ??= await fromPs(needle, o.exact ?? false);
  return found.sort((a, b) => a.pid - b.pid);
}

/**
 * SIGTERM, wait up to graceMs, SIGKILL every process whose environment holds `needle` as one whole NAME=value
 * entry (never a substring: /a/out must not match /a/out-2 or a PWD inside it); returns the pids still
 * alive afterwards. Only for a marker that is itself proof (the gate's out-dir marker as a whole entry):
 * chaos lanes end their processes by cgroup or registry instead.
 */
export async function killByEnv(needle: string, graceMs = 1000, startedAfter: string | null = null): Promise<{ signalled: number[]; survivors: number[] }> {
  const find = () => processesWithEnv(needle, { exact: true, startedAfter });
  const first = await find();
  for (const p of first) sendSignal(p.pid, 'SIGTERM');
  let left = first;
  const deadline = Date.now() + graceMs;
  while (left.length && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    left = await find();
  }
  for (let round = 0; left.length && round < 10; round++) {
    for (const p of left) sendSignal(p.pid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 50));
    left = await find();
  }
  return { signalled: first.map((p) => p.pid), survivors: left.map((p) => p.pid) };
}
