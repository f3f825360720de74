/**
 * A scenario's lane: starts supervised instances of the target inside the sandbox, waits for readiness
 * (event-driven: port, then health, with backoff up to a deadline, abandoned the moment the target
 * exits), probes health, reads listeners, and returns redacted output tails for evidence.
 */
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { probeHealth, type HealthProbe } from '../probes/health.js';
import { scanListeners, type Listener } from '../probes/listeners.js';
import { isPortOpen } from '../runtime/ports.js';
import type { BoundTarget, RunBinding } from '../config/bind.js';
import type { Redactor } from '../runtime/redact.js';
import { supervise, type ExitInfo, type Supervised } from '../runtime/supervisor.js';
import type { Sandbox } from './sandbox.js';

export interface Target {
  label: string;
  sup: Supervised;
  stdoutFile: string;
  stderrFile: string;
}

export type Readiness = { ready: true; ms: number } | { ready: false; ms: number; exit?: ExitInfo; reason: string };

const TAIL_BYTES = 64 * 1024;

async function readTail(file: string, bytes = TAIL_BYTES): Promise<string> {
  try {
    const h = await fsp.open(file, 'r');
    try {
      const { size } = await h.stat();
      const start = Math.max(0, size - bytes);
      const buf = Buffer.alloc(size - start);
      await h.read(buf, 0, buf.length, start);
      return buf.toString('utf8');
    } finally {
      await h.close();
    }
  } catch {
    return '';
  }
}

/** Pure: the last `max` characters of text, marked when trimmed. */
export function lastChars(text: string, max: number): string {
  const t = text.replace(/\s+$/, '');
  return t.length > max ? `...${t.slice(t.length - max)}` : t;
}

/** Pure: "exit code 98", "killed by SIGKILL", "failed to start: ..." */
export function describeExit(e: ExitInfo): string {
  if (e.spawnError) return `failed to start: ${e.spawnError}`;
  return e.signal ? `killed by ${e.signal}` : `exit code ${e.exitCode}`;
}

export class Lane {
  readonly targets: Target[] = [];
  /** The upstream URL targets started from now on get (the transient-network scenario points it at its proxy). */
  upstreamUrl: string | undefined;

  /** The run's target (host, timeouts, required env); what the lane runs comes from sandbox.binding. */
  readonly target: BoundTarget;
  readonly redact: Redactor;

  constructor(
    readonly sandbox: Sandbox,
    bound: RunBinding,
    upstreamUrl?: string,
  ) {
    this.target = bound.target;
    this.redact = bound.redact;
    this.upstreamUrl = upstreamUrl;
  }

  /** The lane's health URL (null when the profile has none). */
  get healthUrl(): string | null {
    return this.sandbox.binding.healthUrl(this.upstreamUrl);
  }

  get port(): number {
    return this.sandbox.port;
  }

  /** Starts one instance; `env` edits the sandbox environment (undefined value = remove the variable). */
  start(label: string, env: Record<string, string | undefined> = {}): Target {
    const full: Record<string, string> = this.sandbox.binding.env(this.upstreamUrl);
    for (const [k, v] of Object.entries(env)) {
      if (v === undefined) delete full[k];
      else full[k] = v;
    }
    const cmd = this.sandbox.binding.start(this.upstreamUrl);
    const n = this.targets.length + 1;
    const t: Target = {
      label,
      stdoutFile: path.join(this.sandbox.runDir, `${n}-${label}.stdout.log`),
      stderrFile: path.join(this.sandbox.runDir, `${n}-${label}.stderr.log`),
      sup: null as unknown as Supervised,
    };
    t.sup = supervise({ command: cmd, cwd: this.sandbox.work, env: full, stdoutFile: t.stdoutFile, stderrFile: t.stderrFile });
    this.targets.push(t);
    return t;
  }

  /** GET the health URL once (null when the profile has none). */
  async health(timeoutMs = this.target.healthTimeoutMs): Promise<HealthProbe | null> {
    const url = this.healthUrl;
    if (!url) return null;
    return probeHealth(url, { timeoutMs, redact: this.redact });
  }

  /** Ready = port accepts and health answers 2xx; gives up when the target exits or the deadline passes. */
  async waitReady(t: Target, timeoutMs = this.target.readyTimeoutMs): Promise<Readiness> {
    const started = performance.now();
    const deadline = started + timeoutMs;
    let delay = 25;
    let reason = 'port never opened';
    for (;;) {
      const exit = t.sup.exitInfo();
      if (exit) return { ready: false, ms: Math.round(performance.now() - started), exit, reason: `target ended (${describeExit(exit)}) before it was ready` };
      if (await isPortOpen(this.port, this.target.host, 500)) {
        const h = await this.health(Math.min(this.target.healthTimeoutMs, Math.max(200, deadline - performance.now())));
        if (!h || h.ok) return { ready: true, ms: Math.round(performance.now() - started) };
        reason = `port open but health answered ${h.statusCode ?? h.error}`;
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

  /** The process that owns the lane port's listener inside `t`'s tree (the daemon, even under a shell wrapper). */
  async mainPid(t: Target): Promise<number | undefined> {
    const pids = new Set((await t.sup.live()).map((p) => p.pid));
    const owner = (await this.portListeners()).find((l) => l.pid !== null && pids.has(l.pid));
    return owner?.pid ?? t.sup.pid;
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
