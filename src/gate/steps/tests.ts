/**
 * T2 tests: the profile's test bundles (`gate.tests`), each a command with policy strict|warn and a
 * timeout, run with bounded concurrency (the runner's `tests` pool), output captured to checks/<id>.log.
 */
import type { GateContext, StepDef } from '../types.js';
import { commandEvidence, commandLog, makeCheck, outcome, runForStep, skipCheck, succeeded } from './common.js';

/** Step id of a test bundle. */
export const testStepId = (bundleId: string) => `t2_${bundleId}`;

/** The T2 steps: one per bundle, or one `t2_tests` skip when skipped or none are configured. */
export function testSteps(gate: Pick<GateContext, 'opts' | 'bound'>, deps: string[]): StepDef[] {
  const bundles = gate.bound.gate.tests;
  if (gate.opts.skipTests || !bundles.length) {
    const reason = gate.opts.skipTests ? 'skipped by --skip-tests' : 'no test bundles in the profile (gate.tests)';
    const def: StepDef = {
      id: 't2_tests',
      phase: 'T2',
      title: 'test bundles',
      idempotent: true,
      deps,
      run: async (r) => ({ checks: [skipCheck(r.gate, def, reason)] }),
    };
    return [def];
  }
  return bundles.map((b) => {
    const def: StepDef = {
      id: testStepId(b.id),
      phase: 'T2',
      title: b.title ?? `test bundle ${b.id}`,
      idempotent: true,
      deps,
      pool: 'tests',
      async run(r) {
        const t = r.gate.clock.now();
        const cmd = r.gate.bound.expandCommand(b.command);
        const res = await runForStep(r, cmd, b.timeoutMs);
        const ok = succeeded(res);
        const status = ok ? 'pass' : b.policy === 'strict' ? 'fail' : 'warn';
        const check = makeCheck(r.gate, def, t, {
          status,
          summary: `${ok ? 'passed' : `failed (policy ${b.policy})`}: ${outcome(res, b.timeoutMs)}`,
          command: res.command,
          evidence: commandEvidence(res, b.timeoutMs),
          artifacts: [`checks/${def.id}.log`],
          metadata: { policy: b.policy, timeoutMs: b.timeoutMs, exitCode: res.exitCode, timedOut: res.timedOut },
        });
        return { checks: [check], logs: { [def.id]: commandLog(res, b.timeoutMs) } };
      },
    };
    return def;
  });
}
