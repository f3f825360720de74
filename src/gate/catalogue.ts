/**
 * The gate's step catalogue: which steps exist for these options and profile, and what each waits for.
 * Deterministic for the same inputs, so a resumed run rebuilds exactly the catalogue the journal speaks of.
 *
 *   T0 preflight -> T1 update -> restart -> ready -> verify -> post -> T2 tests (pool) -+-> T4 observe -+-> final -> appended errors -> report
 *                                                                                     +-> T3 chaos ---+
 * T3 overlaps only the observation window: the chaos lane's isolation audit watches the real app home and
 * the working directory, and T1/T2 legitimately change those (restart rewrites the lock, an update or a
 * test writes files); the observation window only reads. With --serial, the observation waits for T3.
 */
import type { Check } from '../core/report-types.js';
import { observeStep } from './observe.js';
import type { StepInfo } from './resume.js';
import { appendedStep } from './steps/appended.js';
import { changeSteps } from './steps/change.js';
import { chaosStep } from './steps/chaos.js';
import { reportStep } from './steps/report.js';
import { finalStep, postStep, preflightStep } from './steps/snapshots.js';
import { testSteps } from './steps/tests.js';
import type { GateContext, StepDef } from './types.js';

/** Builds the steps in dependency order; `stepChecks` is the map the runner fills (read by the report step). */
export function buildSteps(gate: Pick<GateContext, 'opts' | 'bound'>, stepChecks: Map<string, Check[]>): StepDef[] {
  const serial = gate.opts.serial;
  const pre = preflightStep();
  const change = changeSteps();
  const post = postStep([change[change.length - 1].id]);
  const tests = testSteps(gate, [post.id]);
  const testIds = tests.map((t) => t.id);
  const chaos = chaosStep(testIds);
  const observe = observeStep(serial ? [chaos.id] : testIds);
  const final = finalStep([observe.id, chaos.id]);
  const appended = appendedStep([final.id]);
  const before = [pre, ...change, post, ...tests, chaos, observe, final, appended];
  const steps: StepDef[] = [...before];
  steps.push(
    reportStep(
      before.map((s) => s.id),
      () => ({ steps: before, stepChecks }),
    ),
  );
  return steps;
}

/** What resume planning needs to know about each step. */
export function stepInfos(steps: StepDef[]): StepInfo[] {
  return steps.map((s) => ({ id: s.id, phase: s.phase, title: s.title, idempotent: s.idempotent }));
}
