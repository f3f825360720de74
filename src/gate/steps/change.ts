/**
 * T1 change: update (gate.update.policy, default warn), restart (strict), wait until ready, verify (strict).
 * Update and restart act on the live target and are NOT idempotent (the journal refuses to repeat them
 * blindly). A target that failed preflight is never changed: hunt does not touch what it cannot see; nor is
 * it restarted onto an update that failed under the strict policy.
 */
import { describeHealth } from '../../config/health.js';
import { probeTarget } from '../../probes/health-probe.js';
import { healthProbeOptions } from '../../probes/snapshot.js';
import { isPortOpen } from '../../runtime/ports.js';
import { waitFor } from '../../runtime/clock.js';
import type { CommandLine } from '../../runtime/exec.js';
import type { StepDef, StepOutput, StepRun } from '../types.js';
import { commandEvidence, commandLog, displayCommand, keyLine, makeCheck, outcome, runForStep, skipCheck, succeeded, targetCommand } from './common.js';

/** Update commands may download and install: they get this long. */
export const UPDATE_TIMEOUT_MS = 15 * 60_000;

function preflightFailed(r: StepRun): boolean {
  return r.checkOf('t0_preflight')?.status === 'fail';
}
const NOT_TOUCHED = 'skipped: preflight failed, hunt does not change a target it cannot see (see t0_preflight)';

function strictUpdateFailed(r: StepRun): boolean {
  const u = r.checkOf('t1_update');
  return u?.status === 'fail' && u.metadata?.policy === 'strict';
}
const NOT_RESTARTED = 'skipped: the update failed under gate.update.policy "strict" (see t1_update); hunt does not restart onto a failed update';

/**
 * How long t1_ready looks after a restart that failed. The gate fails on t1_restart whatever happens next, so the
 * whole readyTimeoutMs would only delay the verdict (10 s for a redis that refused a broken config); a short look
 * still tells the operator whether the old instance kept serving or a supervisor brought one back.
 */
export const READY_AFTER_FAILED_RESTART_MS = 2000;

/** What to do about a failed T1 step: carried into the verdict's reason (metadata.fix). */
export const T1_FIX: Record<string, string> = {
  t1_update: 'make the release pass its own update check (the quoted line says what it rejected); the live target was not restarted',
  t1_restart: 'the target refused the change: fix what the quoted line names (config, permissions, port), or roll back',
  t1_ready: 'the target did not become ready after the restart: see the health probe detail and its logs',
  t1_verify: 'the verify command rejects the running target: see its output in checks/t1_verify.log',
};

async function commandStep(r: StepRun, def: StepDef, cmd: CommandLine, timeoutMs: number, policy: 'strict' | 'warn'): Promise<StepOutput> {
  const t = r.gate.clock.now();
  r.update(displayCommand(r.gate, cmd));
  const res = await runForStep(r, cmd, timeoutMs);
  const ok = succeeded(res);
  const status = ok ? 'pass' : policy === 'strict' ? 'fail' : 'warn';
  const line = ok ? null : keyLine(res);
  const check = makeCheck(r.gate, def, t, {
    status,
    summary: `${ok ? '' : policy === 'warn' ? 'failed (policy warn): ' : 'failed: '}${outcome(res, timeoutMs)}${line ? `: ${line}` : ''}`,
    command: res.command,
    evidence: commandEvidence(res, timeoutMs),
    artifacts: [`checks/${def.id}.log`],
    metadata: { policy, exitCode: res.exitCode, timedOut: res.timedOut, ...(status === 'pass' ? {} : { fix: T1_FIX[def.id] }) },
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
      return commandStep(r, update, cmd, UPDATE_TIMEOUT_MS, gate.bound.gate.update.policy);
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
      if (strictUpdateFailed(r)) return { checks: [skipCheck(gate, restart, NOT_RESTARTED)] };
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
      if (strictUpdateFailed(r)) return { checks: [skipCheck(gate, ready, NOT_RESTARTED)] };
      r.started(process.pid);
      const t = gate.clock.now();
      const tg = gate.bound.target;
      const restartFailed = r.checkOf('t1_restart')?.status === 'fail';
      const timeoutMs = restartFailed ? Math.min(tg.readyTimeoutMs, READY_AFTER_FAILED_RESTART_MS) : tg.readyTimeoutMs;
      let last = 'no probe yet';
      const ok = await waitFor(
        async () => {
          if (!(await isPortOpen(tg.port, tg.host))) return void (last = `port ${tg.port} not open`);
          if (!tg.health) return true;
          const h = await probeTarget(tg.health, healthProbeOptions(gate.bound));
          if (h.ok) return true;
          last = `health: ${h.detail}`;
          return undefined;
        },
        { timeoutMs, initialDelayMs: 50, maxDelayMs: 500 },
      );
      const waited = gate.clock.now() - t;
      const what = tg.health
        ? `port ${tg.port} open and healthy (${gate.bound.redact(describeHealth(tg.health))})`
        : `port ${tg.port} open only (no health probe in the profile)`;
      return {
        checks: [
          makeCheck(
            gate,
            ready,
            t,
            ok
              ? { status: 'pass', summary: `${what} after ${waited} ms` }
              : {
                  status: 'fail',
                  summary: `not ready within ${timeoutMs} ms${restartFailed ? ' after the failed restart (see t1_restart)' : ''}: ${last}`,
                  metadata: { readyTimeoutMs: timeoutMs, ...(restartFailed ? { afterFailedRestart: true } : {}), fix: T1_FIX.t1_ready },
                },
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
      if (strictUpdateFailed(r)) return { checks: [skipCheck(gate, verify, NOT_RESTARTED)] };
      const cmd = targetCommand(gate, gate.opts.verifyCommand, gate.bound.target.commands.verify);
      if (!cmd) return { checks: [skipCheck(gate, verify, 'no verify command (set target.verifyCommand in the profile or pass --verify-command)')] };
      return commandStep(r, verify, cmd, gate.bound.target.commandTimeoutMs, 'strict');
    },
  };
  return [update, restart, ready, verify];
}
