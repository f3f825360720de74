/**
 * The process supervisor for long-running targets (chaos lanes, the demo gate). A target starts in its
 * own process group with stdout/stderr going straight to files; every descendant is tracked by walking
 * the process table by parent pid (daemons start helpers in groups and sessions of their own), and every
 * pid ever seen in the tree is remembered, so a helper that re-parents to init is still ours to find.
 * Every target registers a teardown: SIGINT/SIGTERM to hunt kills every tree it started.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import { commandText, type CommandLine } from './exec.js';
import { sendSignal } from './signals.js';
import { isTearingDown, onTeardown } from './teardown.js';
import { sampleTable, startKey, subscribeSampler, trackedLive, type TrackedProc } from './proctrack.js';
import { listProcesses, processStartId, type ProcInfo } from './proctable.js';
import { recordProcesses } from './registry.js';
import { dropPrivilegesArgv, runAsIdentity } from './users.js';

export interface SuperviseOptions {
  command: CommandLine;
  cwd: string;
  /** The complete environment of the target (nothing is inherited implicitly). */
  env: NodeJS.ProcessEnv;
  stdoutFile: string;
  stderrFile: string;
  /** How often the tree is sampled in its first seconds (default 100 ms; every 400 ms at most once settled). */
  sampleIntervalMs?: number;
  /** target.user: run as this user when hunt is root. */
  user?: string | null;
  /** Rewrites the argv before spawning (a chaos lane: join its cgroup and mount namespace first). */
  wrap?: (argv: string[]) => string[];
  /** Registry file: every process of the tree is appended as (pid, start id) the moment it is seen. */
  registry?: string;
  /** The cgroup the wrapped command joins (a chaos lane's): the tree never leaves it, so samples may read only it. */
  cgroup?: string | null;
}

export interface ExitInfo {
  exitCode: number | null;
  signal: string | null;
  /** Epoch ms of the exit (or of the spawn failure). */
  atMs: number;
  /** The command never ran (binary not found, cwd missing, ...). */
  spawnError?: string;
}

export interface StopResult {
  /** Every tracked process ended within the grace period after SIGTERM. */
  graceful: boolean;
  /** Pids that needed SIGKILL. */
  killed: number[];
  /** Pids still alive after SIGKILL (should never happen; reported, not hidden). */
  survivors: number[];
}

export type SignalScope = 'root' | 'group' | 'tree';

/** A supervised target. */
export interface Supervised {
  readonly pid: number | undefined;
  readonly command: string;
  readonly startedAtMs: number;
  readonly exited: Promise<ExitInfo>;
  exitInfo(): ExitInfo | undefined;
  running(): boolean;
  /** Every process ever seen in the tree (root included), by pid. */
  seen(): TrackedProc[];
  /** Tracked processes alive right now (identity verified: a recycled pid is not ours). */
  live(table?: ProcInfo[]): Promise<ProcInfo[]>;
  /** Samples the tree once now (also done periodically while running). */
  sample(): Promise<void>;
  /** Sends a signal to the root, its process group, or every live tracked process. */
  signal(sig: NodeJS.Signals, scope?: SignalScope): Promise<number[]>;
  /** Resolves with the exit info, or undefined if the root still runs after `timeoutMs`. */
  waitExit(timeoutMs: number): Promise<ExitInfo | undefined>;
  /** SIGTERM to every tracked process, wait up to graceMs, SIGKILL what is left. */
  stop(graceMs: number): Promise<StopResult>;
  /** Stops sampling and unregisters the teardown (call after the target and its tree are gone). */
  dispose(): void;
}

function openOut(file: string): number {
  mkdirSync(path.dirname(file), { recursive: true });
  return openSync(file, 'a');
}

/** Starts `command` supervised. Never throws for the target's own failure: see `exited`. */
export function supervise(opts: SuperviseOptions): Supervised {
  const startedAtMs = Date.now();
  const outFd = openOut(opts.stdoutFile);
  const errFd = openOut(opts.stderrFile);
  const base = Array.isArray(opts.command) ? opts.command : ['/bin/sh', '-c', opts.command];
  // target.user: a lane wrapper must join the cgroup and namespace as root, so privileges drop inside it, just before
  // the target's own command; without a wrapper the spawn itself switches user
  const as = runAsIdentity(opts.user);
  const dropped = as && opts.wrap ? dropPrivilegesArgv(base, as) : null;
  const argv = opts.wrap ? opts.wrap(dropped ?? base) : base;
  const spawnAs = as && !dropped ? { uid: as.uid, gid: as.gid } : {};
  const [file, args] = [argv[0], argv.slice(1)];
  let child: ChildProcess;
  let exit: ExitInfo | undefined;
  let resolveExit!: (e: ExitInfo) => void;
  const exited = new Promise<ExitInfo>((r) => (resolveExit = r));
  const finish = (e: ExitInfo) => {
    if (exit) return;
    exit = e;
    resolveExit(e);
  };
  try {
    // a teardown already ran the cleanups it knew of: a target started now would outlive hunt
    if (isTearingDown()) throw new Error('hunt is shutting down; not starting a new target');
    // node's spawn rather than execa: the target writes to raw fds (no pipes to drain, no buffering in hunt)
    child = spawn(file, args, { cwd: opts.cwd, env: opts.env, detached: true, stdio: ['ignore', outFd, errFd], ...spawnAs });
  } catch (err) {
    child = null as unknown as ChildProcess;
    finish({ exitCode: null, signal: null, atMs: Date.now(), spawnError: (err as Error).message });
  } finally {
    closeSync(outFd); // the child holds its own copies
    closeSync(errFd);
  }
  child?.once('error', (err) => finish({ exitCode: null, signal: null, atMs: Date.now(), spawnError: err.message }));
  child?.once('exit', (code, sig) => finish({ exitCode: code, signal: sig, atMs: Date.now() }));
  const pid = child?.pid;
  const register = (procs: Array<{ pid: number; name: string; startId?: string }>) => {
    if (opts.registry)
      recordProcesses(
        opts.registry,
        procs.map((p) => ({ pid: p.pid, start: p.startId ?? processStartId(p.pid), name: p.name })),
      );
  };
  if (pid !== undefined) register([{ pid, name: path.basename(file) }]);

  const tracked = new Map<number, TrackedProc>();
  const absorb = (table: ProcInfo[]) => {
    if (pid === undefined) return;
    const fresh: ProcInfo[] = [];
    for (const p of trackedLive(pid, tracked, table, exit === undefined)) {
      const known = tracked.get(p.pid);
      if (known) {
        known.lastSeenMs = Date.now();
        known.startKey ??= startKey(p);
        if (known.pid === pid) Object.assign(known, { name: p.name, command: p.command, ppid: p.ppid, pgid: p.pgid }); // after an exec
      } else {
        fresh.push(p);
        tracked.set(p.pid, {
          pid: p.pid,
          ppid: p.ppid,
          pgid: p.pgid,
          name: p.name,
          command: p.command,
          startKey: startKey(p),
          firstSeenMs: Date.now(),
          lastSeenMs: Date.now(),
        });
      }
    }
    register(fresh);
  };
  if (pid !== undefined)
    tracked.set(pid, {
      pid,
      ppid: process.pid,
      pgid: pid,
      name: path.basename(file),
      command: commandText(opts.command),
      startKey: null,
      firstSeenMs: startedAtMs,
      lastSeenMs: startedAtMs,
    });
  const unsubscribe = pid === undefined ? () => {} : subscribeSampler(absorb, opts.sampleIntervalMs ?? 100, opts.cgroup ?? null);

  const sup: Supervised = {
    pid,
    command: commandText(opts.command),
    startedAtMs,
    exited,
    exitInfo: () => exit,
    running: () => exit === undefined,
    seen: () => [...tracked.values()].sort((a, b) => a.pid - b.pid),
    async live(table) {
      const t = table ?? (await sampleTable(Date.now(), opts.cgroup ?? null));
      absorb(t);
      return pid === undefined ? [] : trackedLive(pid, tracked, t, exit === undefined);
    },
    async sample() {
      absorb(await sampleTable(Date.now(), opts.cgroup ?? null));
    },
    async signal(sig, scope = 'root') {
      if (pid === undefined) return [];
      if (scope === 'root') return exit === undefined && sendSignal(pid, sig) ? [pid] : [];
      if (scope === 'group') return sendSignal(-pid, sig) ? [-pid] : [];
      const live = await sup.live();
      if (exit === undefined) sendSignal(-pid, sig);
      return live.filter((p) => sendSignal(p.pid, sig)).map((p) => p.pid);
    },
    async waitExit(timeoutMs) {
      if (exit) return exit;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), Math.max(0, timeoutMs))));
      const res = await Promise.race([exited, timeout]);
      clearTimeout(timer);
      return res;
    },
    async stop(graceMs) {
      await sup.signal('SIGTERM', 'tree');
      const deadline = Date.now() + graceMs;
      let left = await sup.live();
      while (left.length && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, Math.min(50, Math.max(1, deadline - Date.now()))));
        left = await sup.live();
      }
      const killed: number[] = [];
      // a tree may fork while dying: repeat until nothing tracked is alive (bounded)
      for (let round = 0; left.length && round < 10; round++) {
        if (pid !== undefined && exit === undefined) sendSignal(-pid, 'SIGKILL');
        for (const p of left) if (sendSignal(p.pid, 'SIGKILL') && !killed.includes(p.pid)) killed.push(p.pid);
        await new Promise((r) => setTimeout(r, 50));
        left = await sup.live();
      }
      if (exit === undefined && pid !== undefined) await sup.waitExit(2000);
      return { graceful: killed.length === 0, killed: killed.sort((a, b) => a - b), survivors: left.map((p) => p.pid) };
    },
    dispose() {
      unsubscribe();
      unregister();
    },
  };
  const unregister = onTeardown(async () => {
    unsubscribe();
    await sup.stop(1500);
  });
  return sup;
}

/** Reads the process table (re-exported for callers that audit several targets against one snapshot). */
export const readProcessTable = listProcesses;
