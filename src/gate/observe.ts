/**
 * T4 observation window on the live target's health. The verdict of a probe series is pure:
 * - `fail` when N consecutive probes failed (gate.observe.consecutiveFailures): an outage after the change;
 * - `warn` when the share of failed probes passes gate.observe.failureRatio without such a streak: flapping,
 *   worth a look but not an outage;
 * - `pass` otherwise.
 */
import { probeHealth } from '../probes/health.js';
import { isPortOpen } from '../runtime/ports.js';
import type { StepDef } from './types.js';
import { markPhase } from './steps/appended.js';
import { makeCheck, skipCheck } from './steps/common.js';

export interface ObserveThresholds {
  consecutiveFailures: number;
  failureRatio: number;
}

export interface ObserveVerdict {
  status: 'pass' | 'warn' | 'fail';
  probes: number;
  failures: number;
  maxConsecutive: number;
  ratio: number;
  summary: string;
}

/** Judges a series of probe outcomes (true = healthy). */
export function evaluateObservation(ok: boolean[], t: ObserveThresholds): ObserveVerdict {
  let run = 0;
  let maxConsecutive = 0;
  for (const o of ok) {
    run = o ? 0 : run + 1;
    maxConsecutive = Math.max(maxConsecutive, run);
  }
  const failures = ok.filter((o) => !o).length;
  const ratio = ok.length ? failures / ok.length : 1;
  const base = { probes: ok.length, failures, maxConsecutive, ratio: Math.round(ratio * 1000) / 1000 };
  const counts = `${failures}/${ok.length} probe(s) failed, longest streak ${maxConsecutive}`;
  if (!ok.length) return { ...base, status: 'fail', summary: 'no probe ran: the target was not observed' };
  if (maxConsecutive >= t.consecutiveFailures)
    return { ...base, status: 'fail', summary: `degraded: ${counts} (outage: ${t.consecutiveFailures} consecutive failures)` };
  if (ratio > t.failureRatio)
    return { ...base, status: 'warn', summary: `degraded: ${counts} (failure ratio ${Math.round(ratio * 100)}% > ${Math.round(t.failureRatio * 100)}%)` };
  return { ...base, status: 'pass', summary: `healthy: ${counts}` };
}

/** The observation step: polls health (or the port, without a healthUrl) every intervalMs for --observe-seconds. */
export function observeStep(deps: string[]): StepDef {
  const def: StepDef = {
    id: 't4_observe',
    phase: 'T4',
    title: 'observation window on health',
    idempotent: true,
    deps,
    async run(r) {
      const { gate } = r;
      await markPhase(gate, 'T4').catch(() => {}); // lines after this were logged during the observation
      const seconds = gate.opts.observeSeconds;
      if (seconds <= 0) return { checks: [skipCheck(gate, def, 'no observation window requested (--observe-seconds)')] };
      r.started(process.pid);
      const cfg = gate.bound.gate.observe;
      const tg = gate.bound.target;
      const t = gate.clock.now();
      const end = t + seconds * 1000;
      const ok: boolean[] = [];
      const lines: string[] = [];
      for (;;) {
        const at = gate.clock.now();
        let good: boolean;
        let detail: string;
        if (tg.healthUrl) {
          const h = await probeHealth(tg.healthUrl, { timeoutMs: tg.healthTimeoutMs, redact: gate.bound.redact });
          good = h.ok;
          detail = h.statusCode !== null ? `HTTP ${h.statusCode} in ${h.latencyMs} ms` : (h.error ?? 'no answer');
        } else {
          good = await isPortOpen(tg.port, tg.host, tg.healthTimeoutMs);
          detail = good ? `port ${tg.port} open` : `port ${tg.port} closed`;
        }
        ok.push(good);
        lines.push(`${new Date(at).toISOString()} ${good ? 'ok  ' : 'FAIL'} ${detail}`);
        const v = evaluateObservation(ok, cfg);
        r.update(`${Math.max(0, Math.round((end - gate.clock.now()) / 1000))} s left, ${v.failures} failed`);
        const left = end - gate.clock.now();
        if (left <= 0) break;
        await gate.clock.sleep(Math.min(cfg.intervalMs, left));
      }
      const v = evaluateObservation(ok, cfg);
      const check = makeCheck(gate, def, t, {
        status: v.status,
        summary: `${v.summary} over ${seconds} s`,
        evidence: lines.filter((l) => l.includes('FAIL')).slice(0, 10),
        artifacts: ['checks/t4_observe.log'],
        metadata: { ...v, intervalMs: cfg.intervalMs, thresholds: { consecutiveFailures: cfg.consecutiveFailures, failureRatio: cfg.failureRatio } },
      });
      return { checks: [check], logs: { t4_observe: lines.join('\n') } };
    },
  };
  return def;
}
