/**
 * A scenario's lane: starts supervised instances of the target inside the sandbox and its enclosure (cgroup,
 * mount namespace), waits for readiness (event-driven: a listener owned by the lane, then health, with backoff
 * up to a deadline, abandoned the moment the target exits), probes health, reads listeners, and returns
 * redacted output tails for evidence. Every variable the lane sets for a scenario is logged for its evidence.
 */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { probeTarget, type HealthProbe } from '../probes/health-probe.js';
import { listenerOwnedBy, scanListeners, type Listener } from '../probes/listeners.js';
import { readPidFile, servingRoots } from '../probes/target-process.js';
import { isPortOpen } from '../runtime/ports.js';
import type { BoundTarget, RunBinding } from '../config/bind.js';
import type { Redactor } from '../runtime/redact.js';
import { readTextFile, writeFileAtomic } from '../runtime/fs.js';
import { supervise, type ExitInfo, type Supervised } from '../runtime/supervisor.js';
import type { Enclosure } from './enclosure.js';
import { lastChars, readTail } from './output.js';
import type { Sandbox } from './sandbox.js';
import type { ScenarioSettings } from './settings.js';
import type { StartupClock } from './startup.js';

export { lastChars } from './output.js';

export interface Target {
  label: string;
  sup: Supervised;
  stdoutFile: string;
  stderrFile: string;
}

export type Readiness = { ready: true; ms: number } | { ready: false; ms: number; exit?: ExitInfo; reason: string };

/** Pure: "exit code 98", "killed by SIGKILL", "failed to start: ..." */
export function describeExit(e: ExitInfo): string {
  if (e.spawnError) return `failed to start: ${e.spawnError}`;
  return e.signal ? `killed by ${e.signal}` : `exit code ${e.exitCode}`;
}

export interface LaneOptions {
  enclosure: Enclosure;
  upstreamUrl?: string;
  settings: ScenarioSettings;
  /** The run's start-up clock (shared by every lane). */
  startup: StartupClock;
}

export class Lane {
  readonly targets: Target[] = [];
  /** The upstream URL targets started from now on get (the transient-network scenario points it at its proxy). */
  upstreamUrl: string | undefined;
  /** The run's target (host, timeouts, required env); what the lane runs comes from sandbox.binding. */
  readonly target: BoundTarget;
  readonly redact: Redactor;
  readonly enclosure: Enclosure;
  readonly settings: ScenarioSettings;
  readonly startup: StartupClock;
  /** What the lane set in the environment of this scenario's starts, one line each (evidence and repro). */
  readonly envLog: string[] = [];
  /** Runs each time a target became ready (an audit-only lane samples what its processes hold open then). */
  onReady: (() => Promise<void>) | null = null;

  constructor(
    readonly sandbox: Sandbox,
    bound: RunBinding,
    o: LaneOptions,
  ) {
    this.target = bound.target;
    this.redact = bound.redact;
    this.upstreamUrl = o.upstreamUrl;
    this.enclosure = o.enclosure;
    this.settings = o.settings;
    this.startup = o.startup;
  }

  /** The lane's health URL (null when the profile has none). */
  get healthUrl(): string | null {
    return this.sandbox.binding.healthUrl(this.upstreamUrl);
  }

  get port(): number {
    return this.sandbox.port;
  }

  /** Writes chaos.sandbox.files into the sandbox with this lane's values (again whenever the upstream changes). */
  async renderFiles(): Promise<void> {
    for (const f of this.sandbox.binding.files) {
      const text = await readTextFile(f.from, 'chaos.sandbox.files');
      await writeFileAtomic(f.to, this.sandbox.binding.render(text, this.upstreamUrl));
    }
  }

  /** Points later starts at another upstream (the fault proxy) and re-renders the sandbox files. */
  async setUpstream(url: string): Promise<void> {
    this.upstreamUrl = url;
    await this.renderFiles();
  }

  private log(line: string): void {
    const l = this.redact(line);
    if (!this.envLog.includes(l)) this.envLog.push(l);
  }

  /** Starts one instance; `env` edits the sandbox environment (undefined value = remove the variable). */
  start(label: string, env: Record<string, string | undefined> = {}): Target {
    const up = this.settings.upstream ? this.upstreamUrl : undefined;
    const full: Record<string, string> = this.sandbox.binding.env(up);
    const upstreamEnv = this.sandbox.binding.upstreamEnv;
    if (upstreamEnv && up) this.log(`${upstreamEnv}=${up} (chaos.upstreamEnv: this scenario uses the upstream)`);
    for (const [k, v] of Object.entries(this.settings.env)) {
      full[k] = v;
      this.log(`${k}=${v} (chaos.${this.settings.key}.env)`);
    }
    for (const [k, v] of Object.entries(env)) {
      if (v === undefined) delete full[k];
      else full[k] = v;
      this.log(`${label}: ${v === undefined ? `${k} unset` : `${k}=${v}`}`);
    }
    const cmd = this.sandbox.binding.start(this.upstreamUrl);
    const n = this.targets.length + 1;
    const t: Target = {
      label,
      stdoutFile: path.join(this.sandbox.runDir, `${n}-${label}.stdout.log`),
      stderrFile: path.join(this.sandbox.runDir, `${n}-${label}.stderr.log`),
      sup: null as unknown as Supervised,
    };
    t.sup = supervise({
      command: cmd,
      cwd: this.sandbox.work,
      env: full,
      stdoutFile: t.stdoutFile,
      stderrFile: t.stderrFile,
      wrap: this.enclosure.wrap,
      cgroup: this.enclosure.cgroupDir,
      registry: this.sandbox.registry,
      user: this.target.user,
    });
    this.targets.push(t);
    return t;
  }

  /** Probes the lane instance's health once with the profile's probe (null when the profile has none: port open only). */
  async health(timeoutMs = this.target.healthTimeoutMs): Promise<HealthProbe | null> {
    const spec = this.sandbox.binding.health(this.upstreamUrl);
    if (!spec) return null;
    const exec = { cwd: this.sandbox.work, env: this.sandbox.binding.env(this.upstreamUrl), user: this.target.user };
    return probeTarget(spec, { timeoutMs, redact: this.redact, exec });
  }

  /** Every live process of the lane: its cgroup when it has one, else the targets' trees. */
  async pids(): Promise<Set<number>> {
    const inCgroup = await this.enclosure.pids();
    if (inCgroup) return new Set(inCgroup);
    const out = new Set<number>();
    for (const t of this.targets) for (const p of await t.sup.live()) out.add(p.pid);
    return out;
  }

  /** The listeners on the lane port when none of them is the lane's ([] when one is; null when owners cannot be read here). */
  async foreignListeners(): Promise<Listener[] | null> {
    if (await listenerOwnedBy(this.port, await this.pids())) return []; // the cheap answer: only the lane's own fds are read
    const scan = await scanListeners(this.port);
    if (scan.source === 'unavailable') return null;
    const mine = await this.pids();
    const foreign = scan.listeners.filter((l) => l.pid === null || !mine.has(l.pid));
    return foreign.length === scan.listeners.length ? foreign : [];
  }

  /** Ready = a listener of the lane's own processes on the port and health 2xx; gives up when the target exits or the deadline passes. */
  async waitReady(t: Target, timeoutMs = this.target.readyTimeoutMs): Promise<Readiness> {
    const started = performance.now();
    const deadline = started + timeoutMs;
    let delay = 25;
    let reason = 'port never opened';
    for (;;) {
      const exit = t.sup.exitInfo();
      if (exit) return { ready: false, ms: Math.round(performance.now() - started), exit, reason: `target ended (${describeExit(exit)}) before it was ready` };
      if (await isPortOpen(this.port, this.target.host, 500)) {
        const foreign = await this.foreignListeners();
        if (foreign?.length) reason = `port ${this.port} is served by ${listenerList(foreign)}, not by this lane`;
        else {
          const h = await this.health(Math.min(this.target.healthTimeoutMs, Math.max(200, deadline - performance.now())));
          if (!h || h.ok) {
            const ms = Math.round(performance.now() - started);
            await this.onReady?.();
            return { ready: true, ms };
          }
          reason = `port open but health: ${h.detail}`;
        }
      }
      const left = deadline - performance.now();
      if (left <= 0) return { ready: false, ms: Math.round(performance.now() - started), reason: `${reason} within ${timeoutMs} ms` };
      await Promise.race([t.sup.exited, new Promise((r) => setTimeout(r, Math.min(delay, left)))]);
      delay = Math.min(delay * 2, 250);
    }
  }

  /** Listeners on the lane's port. */
  async portListeners(): Promise<Listener[]> {
    return (await scanListeners(this.port)).listeners;
  }

  /** Every listening socket owned by a live process of `t`'s tree. */
  async treeListeners(t: Target): Promise<Listener[]> {
    const pids = new Set((await t.sup.live()).map((p) => p.pid));
    return (await scanListeners()).listeners.filter((l) => l.pid !== null && pids.has(l.pid));
  }

  /**
   * The serving process of `t` (the daemon, even under a shell wrapper): the pid in the lane's pid file when the
   * profile names one inside the sandbox, else the owner of the lane port's listener in `t`'s tree none of whose
   * ancestors owns it (nginx's master, never a worker sharing its socket).
   */
  async mainPid(t: Target): Promise<number | undefined> {
    const live = await t.sup.live();
    const pids = new Set(live.map((p) => p.pid));
    const file = this.sandbox.binding.pidFile;
    if (file) {
      const { pid } = await readPidFile(file);
      if (pid !== null && pids.has(pid)) return pid;
    }
    const owners = [...new Set((await this.portListeners()).flatMap((l) => (l.pid !== null && pids.has(l.pid) ? [l.pid] : [])))].sort((a, b) => a - b);
    return servingRoots(owners, live)[0] ?? t.sup.pid;
  }

  /** Redacted stdout and stderr tails plus profile log tails of the sandbox, for pattern matching. */
  async outputText(t: Target): Promise<{ stdout: string; stderr: string; logs: string }> {
    const logs: string[] = [];
    for (const l of this.sandbox.binding.logPaths) logs.push(await readTail(l.path));
    return { stdout: this.redact(await readTail(t.stdoutFile)), stderr: this.redact(await readTail(t.stderrFile)), logs: this.redact(logs.join('\n')) };
  }

  /** Evidence lines: exit + trimmed output tails of a target. */
  async exitEvidence(t: Target, sinceMs?: number): Promise<string[]> {
    const out = await this.outputText(t);
    const e = t.sup.exitInfo();
    const lines = [`${t.label}: ${e ? describeExit(e) : 'still running'}${e && sinceMs !== undefined ? ` after ${e.atMs - sinceMs} ms` : ''}`];
    if (out.stderr.trim()) lines.push(`${t.label} stderr tail: ${lastChars(out.stderr, 1200)}`);
    if (out.stdout.trim()) lines.push(`${t.label} stdout tail: ${lastChars(out.stdout, 600)}`);
    return lines;
  }

  /** The lane's own failure to start a target inside its enclosure (exit 125 with "hunt-lane:" on stderr), or null. */
  async enclosureFailure(t: Target): Promise<string | null> {
    const e = t.sup.exitInfo();
    if (!e || e.exitCode !== 125) return null;
    const m = /^hunt-lane: (.*)$/m.exec(await readTail(t.stderrFile, 4096));
    return m ? m[1] : null;
  }

  /** Every pid ever seen in any target tree of this lane. */
  seenPids(): number[] {
    return [...new Set(this.targets.flatMap((t) => t.sup.seen().map((p) => p.pid)))].sort((a, b) => a - b);
  }

  /** Absolute profile log paths inside the sandbox. */
  logFiles(): string[] {
    return this.sandbox.binding.logPaths.map((l) => l.path);
  }
}

/** Pure: formats listeners for evidence ("127.0.0.1:4000 pid 12 (node)"), sorted. */
export function listenerList(ls: Listener[]): string {
  if (!ls.length) return 'none';
  return ls
    .map((l) => `${l.address}:${l.port} pid ${l.pid ?? '?'}${l.process ? ` (${l.process})` : ''}`)
    .sort()
    .join(', ');
}
