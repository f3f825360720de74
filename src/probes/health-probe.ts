/**
 * The one health probe of hunt: collect, the gate's T0/T1 ready/T4 observe and every chaos readiness wait
 * ask this function, so "healthy" means the same thing everywhere. http (health.ts), tcp (connect, send,
 * wait for the expected reply; redis: PING -> +PONG) and command (exit 0 = healthy). Never throws.
 */
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import type { HealthSpec } from '../config/health.js';
import { commandText, runCommand } from '../runtime/exec.js';
import { noRedaction, type Redactor } from '../runtime/redact.js';
import { probeHealth, type HealthProbe } from './health.js';

export type { HealthProbe } from './health.js';

export interface ProbeOptions {
  timeoutMs: number;
  redact?: Redactor;
  /** For command probes: how target commands run here (production or a lane). */
  exec?: { cwd: string; env: NodeJS.ProcessEnv; user?: string | null };
}

const REPLY_CAP = 512;

/** Pure: printable text of a reply (control bytes escaped, capped). */
export function showReply(text: string, max = 120): string {
  const shown = JSON.stringify(text).slice(1, -1);
  return shown.length > max ? `${shown.slice(0, max)}...` : shown;
}

/** Connects, sends `send`, and waits until the reply contains `expect` (or the peer closes, or the deadline). */
export function probeTcp(spec: Extract<HealthSpec, { kind: 'tcp' }>, opts: ProbeOptions): Promise<HealthProbe> {
  const redact = opts.redact ?? noRedaction;
  const url = `tcp://${spec.host}:${spec.port}`;
  const started = performance.now();
  return new Promise((resolve) => {
    let reply = '';
    let settled = false;
    const sock = net.connect({ host: spec.host, port: spec.port });
    const finish = (p: Partial<HealthProbe> & { detail: string }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      sock.destroy();
      const body = reply ? redact(showReply(reply, REPLY_CAP)) : null;
      resolve({ kind: 'tcp', url, ok: false, statusCode: null, latencyMs: null, timedOut: false, error: null, body, ...p });
    };
    const ms = () => Math.round(performance.now() - started);
    const timer = setTimeout(() => {
      const what =
        spec.expect !== null ? `no "${showReply(spec.expect)}" in the reply within ${opts.timeoutMs} ms` : `no connection within ${opts.timeoutMs} ms`;
      finish({ timedOut: true, error: what, detail: `${what}${reply ? ` (got "${redact(showReply(reply))}")` : ''}` });
    }, opts.timeoutMs);
    sock.once('connect', () => {
      if (spec.send !== null) sock.write(spec.send);
      if (spec.expect === null) finish({ ok: true, latencyMs: ms(), detail: `connected${spec.send !== null ? ' and sent' : ''} in ${ms()} ms` });
    });
    sock.on('data', (d: Buffer) => {
      if (reply.length < REPLY_CAP * 4) reply += d.toString('utf8');
      if (spec.expect !== null && reply.includes(spec.expect)) finish({ ok: true, latencyMs: ms(), detail: `"${showReply(spec.expect)}" in ${ms()} ms` });
    });
    sock.once('end', () =>
      finish({
        latencyMs: ms(),
        error: 'closed by the peer',
        detail: `closed by the peer without "${showReply(spec.expect ?? '')}" (got "${redact(showReply(reply))}")`,
      }),
    );
    sock.once('error', (err) => finish({ error: redact(err.message), detail: redact(err.message) }));
  });
}

/** Runs the probe command; exit 0 within the deadline is healthy. */
export async function probeCommand(spec: Extract<HealthSpec, { kind: 'command' }>, opts: ProbeOptions): Promise<HealthProbe> {
  const redact = opts.redact ?? noRedaction;
  const r = await runCommand(spec.command, {
    cwd: opts.exec?.cwd,
    env: opts.exec?.env,
    extendEnv: opts.exec === undefined,
    user: opts.exec?.user ?? null,
    timeoutMs: opts.timeoutMs,
    redact,
    maxOutputChars: REPLY_CAP,
    killGraceMs: 500,
  });
  const out = (r.stderr.trim() || r.stdout.trim()).split('\n').pop() ?? '';
  const base = {
    kind: 'command' as const,
    url: `command: ${redact(commandText(spec.command))}`,
    statusCode: null,
    body: r.stdout.trim() || r.stderr.trim() || null,
  };
  if (r.spawnError) return { ...base, ok: false, latencyMs: null, timedOut: false, error: r.spawnError, detail: `could not start: ${r.spawnError}` };
  if (r.timedOut)
    return {
      ...base,
      ok: false,
      latencyMs: null,
      timedOut: true,
      error: `timed out after ${opts.timeoutMs} ms`,
      detail: `timed out after ${opts.timeoutMs} ms`,
    };
  const ok = r.exitCode === 0;
  const how = r.signal ? `killed by ${r.signal}` : `exit ${r.exitCode}`;
  return {
    ...base,
    ok,
    latencyMs: r.durationMs,
    timedOut: false,
    error: ok ? null : how,
    detail: `${how} in ${r.durationMs} ms${!ok && out ? `: ${out}` : ''}`,
  };
}

/** Probes a target's health once, whatever the kind. Never throws. */
export function probeTarget(spec: HealthSpec, opts: ProbeOptions): Promise<HealthProbe> {
  switch (spec.kind) {
    case 'http':
      return probeHealth(spec.url, { timeoutMs: opts.timeoutMs, redact: opts.redact, expectStatus: spec.expectStatus, bodyPattern: spec.bodyPattern });
    case 'tcp':
      return probeTcp(spec, opts);
    case 'command':
      return probeCommand(spec, opts);
  }
}
