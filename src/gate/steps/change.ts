/**
 * T1 change: update (policy warn), restart (strict), wait until ready, verify (strict). Update and
 * restart act on the live target and are NOT idempotent (the journal refuses to repeat them blindly).
 * A target that failed preflight is never changed: hunt does not touch what it cannot see.
 */
import { probeHealth } from '../../probes/health.js';
import { isPortOpen } from '../../runtime/ports.js';
import { waitFor } from '../../runtime/clock.js';
import type { CommandLine } from '../../runtime/exec.js';
import type { StepDef, StepOutput, StepRun } from '../types.js';
import { commandEvidence, commandLog, displayCommand, makeCheck, outcome, runForStep, skipCheck, succeeded, targetCommand } from './common.js';

/** Update commands may download and install: they get this long. */
export const UPDATE_TIMEOUT_MS = 15 * 60_000;

function preflightFailed(r: StepRun): boolean {
  return r.checkOf('t0_preflight')?.status === 'fail';
}
const NOT_TOUCHED = 'skipped: preflight failed, hunt does not change a target it cannot see (see t0_preflight)';

async function commandStep(r: StepRun, def: StepDef, cmd: CommandLine, timeoutMs: number, policy: 'strict' | 'warn'): Promise<StepOutput> {
  const t = r.gate.clock.now();
  r.update(displayCommand(r.gate, cmd));
  const res = await runForStep(r, cmd, timeoutMs);
  const ok = succeeded(res);
  const status = ok ? 'pass' : policy === 'strict' ? 'fail' : 'warn';
  const check = makeCheck(r.gate, def, t, {
    status,
    summary: `${ok ? '' : policy === 'warn' ? 'failed (policy warn): ' : 'failed: '}${outcome(res, timeoutMs)}`,
    command: res.command,
    evidence: commandEvidence(res, timeoutMs),
    artifacts: [`checks/${def.id}.log`],
    metadata: { policy, exitCode: res.exitCode, timedOut: res.timedOut },
  });
  return { checks: [check], logs: { [def.id]: commandLog(res, timeoutMs) } };
}

/** The T1 steps, in order. */
export function changeSteps(): StepDef[] {
  const update: StepDef = {
    id: 't1_update',
    phase: 'T1',
    title: 'update the target',
    idempotent: false,
    deps: ['t0_preflight'],
    async run(r) {
      const { gate } = r;
      if (gate.opts.skipUpdate) return { checks: [skipCheck(gate, update, 'skipped by --skip-update')] };
      if (preflightFailed(r)) return { checks: [skipCheck(gate, update, NOT_TOUCHED)] };
      const cmd = targetCommand(gate, gate.opts.updateCommand, gate.bound.target.commands.update);
      if (!cmd) return { checks: [skipCheck(gate, update, 'no update command (set target.updateCommand in the profile or pass --update-command)')] };
      return commandStep(r, update, cmd, UPDATE_TIMEOUT_MS, 'warn');
    },
  };
  const restart: StepDef = {
    id: 't1_restart',
    phase: 'T1',
    title: 'restart the target',
    idempotent: false,
    deps: ['t1_update'],
    async run(r) {
      const { gate } = r;
      if (preflightFailed(r)) return { checks: [skipCheck(gate, restart, NOT_TOUCHED)] };
      const cmd = targetCommand(gate, gate.opts.restartCommand, gate.bound.target.commands.restart);
      if (!cmd) return { checks: [skipCheck(gate, restart, 'no restart command (set target.restartCommand in the profile or pass --restart-command)')] };
      // a restart stops and starts: it gets the command timeout plus the time the target may take to become ready
      return commandStep(r, restart, cmd, gate.bound.target.commandTimeoutMs + gate.bound.target.readyTimeoutMs, 'strict');
    },
  };
  const ready: StepDef = {
    id: 't1_ready',
    phase: 'T1',
    title: 'wait until the target is ready',
    idempotent: true,
    deps: ['t1_restart'],
    async run(r) {
      const { gate } = r;
      if (preflightFailed(r)) return { checks: [skipCheck(gate, ready, NOT_TOUCHED)] };
      r.started(process.pid);
      const t = gate.clock.now();
      const tg = gate.bound.target;
      let last = 'no probe yet';
      const ok = await waitFor(
        async () => {
          if (!(await isPortOpen(tg.port, tg.host))) return void (last = `port ${tg.port} not open`);
          if (!tg.healthUrl) return true;
          const h = await probeHealth(tg.healthUrl, { timeoutMs: tg.healthTimeoutMs, redact: gate.bound.redact });
          if (h.ok) return true;
          last = `health ${h.statusCode !== null ? `HTTP ${h.statusCode}` : h.error}`;
          return undefined;
        },
        { timeoutMs: tg.readyTimeoutMs, initialDelayMs: 50, maxDelayMs: 500 },
      );
      const waited = gate.clock.now() - t;
      const what = tg.healthUrl ? `port ${tg.port} open and ${tg.healthUrl} healthy` : `port ${tg.port} open`;
      return {
        checks: [
          makeCheck(
            gate,
            ready,
            t,
            ok
              ? { status: 'pass', summary: `${what} after ${waited} ms` }
              : { status: 'fail', summary: `not ready within ${tg.readyTimeoutMs} ms: ${last}`, metadata: { readyTimeoutMs: tg.readyTimeoutMs } },
          ),
        ],
      };
    },
  };
  const verify: StepDef = {
    id: 't1_verify',
    phase: 'T1',
    title: 'verify the target',
    idempotent: true,
    deps: ['t1_ready'],
    async run(r) {
      const { gate } = r;
      if (preflightFailed(r)) return { checks: [skipCheck(gate, verify, NOT_TOUCHED)] };
      const cmd = targetCommand(gate, gate.opts.verifyCommand, gate.bound.target.commands.verify);
      if (!cmd) return { checks: [skipCheck(gate, verify, 'no verify command (set target.verifyCommand in the profile or pass --verify-command)')] };
      return commandStep(r, verify, cmd, gate.bound.target.commandTimeoutMs, 'strict');
    },
  };
  return [update, restart, ready, verify];
}
