/**
 * T4 observation window on the live target's health. The verdict of a probe series is pure:
 * - `fail` when N consecutive probes failed (gate.observe.consecutiveFailures): an outage after the change;
 * - `warn` when the share of failed probes passes gate.observe.failureRatio without such a streak: flapping,
 *   worth a look but not an outage;
 * - `pass` otherwise.
 */
import { describeHealth } from '../config/health.js';
import { probeTarget } from '../probes/health-probe.js';
import { healthProbeOptions } from '../probes/snapshot.js';
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

/** The observation step: polls the health probe (or only the port, without one) every intervalMs for --observe-seconds. */
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
        if (tg.health) {
          const h = await probeTarget(tg.health, healthProbeOptions(gate.bound));
          good = h.ok;
          detail = h.detail;
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
      // without a probe only the port was watched: the summary must not call that "healthy"
      const what = tg.health ? gate.bound.redact(describeHealth(tg.health)) : 'port open only, no health probe in the profile';
      const summary = tg.health ? v.summary : v.summary.replace(/^healthy: /, 'port open: ');
      const check = makeCheck(gate, def, t, {
        status: v.status,
        summary: `${summary} over ${seconds} s (${what})`,
        evidence: lines.filter((l) => l.includes('FAIL')).slice(0, 10),
        artifacts: ['checks/t4_observe.log'],
        metadata: {
          ...v,
          probe: what,
          ...(v.status === 'pass' ? {} : { fix: 'the target went unhealthy after the change: see checks/t4_observe.log for when, and its logs for why' }),
          intervalMs: cfg.intervalMs,
          thresholds: { consecutiveFailures: cfg.consecutiveFailures, failureRatio: cfg.failureRatio },
        },
      });
      return { checks: [check], logs: { t4_observe: lines.join('\n') } };
    },
  };
  return def;
}
