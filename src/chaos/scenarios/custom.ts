/**
 * custom:<name>: a scenario the profile declares (chaos.custom[]). The target starts in its lane like any
 * scenario's; then the action (a signal to the serving process, a command run inside the lane, or a fault on the
 * lane's upstream fault proxy for durationMs), then the declared expectations are judged (custom-expect.ts). The
 * classification takes the entry's severity, except that findings hunt always rates p0 (a sandbox escape, a leak,
 * an orphan) stay p0; with severity p2 an unmet expectation warns instead of failing the check.
 */
import type { CustomScenarioConfig, FaultConfig } from '../../config/custom-schema.js';
import { commandText } from '../../runtime/exec.js';
import { isPortOpen } from '../../runtime/ports.js';
import { sendSignal } from '../../runtime/signals.js';
import { FaultProxy } from '../fault-proxy/proxy.js';
import { describeFaults, type FaultState } from '../fault-proxy/types.js';
import { listenerList, type Lane, type Target } from '../lane.js';
import { laneCommandOutcome, runLaneCommand } from '../lane-command.js';
import { errorSignatures, errorsSince, markErrors } from '../logged-errors.js';
import type { Recorder, ScenarioDef } from '../types.js';
import { isSignalName, startReady, within } from './common.js';
import { judgeExpectations, markOutput, matchSince, type Observed } from './custom-expect.js';

const P0_KINDS = new Set(['crash', 'hang', 'sandbox-escape', 'leak', 'orphan']);

/** Pure: a profile fault as the fault proxy's state. */
export function faultStateOf(f: FaultConfig): FaultState {
  switch (f.type) {
    case 'reset':
    case 'blackhole':
    case 'refuse':
      return { [f.type]: true };
    case 'latency':
      return { latency: { ms: f.ms, jitterMs: f.jitterMs, stream: f.stream, toxicity: f.toxicity } };
    case 'bandwidth':
      return { bandwidth: { bytesPerSec: f.bytesPerSec, stream: f.stream, toxicity: f.toxicity } };
    case 'timeout':
      return { timeout: { ms: f.ms, stream: f.stream, toxicity: f.toxicity } };
    case 'slow_close':
      return { slowClose: { ms: f.ms, stream: f.stream, toxicity: f.toxicity } };
    case 'slicer':
      return { slicer: { averageSize: f.averageSize, sizeVariation: f.sizeVariation, delayMs: f.delayMs, stream: f.stream, toxicity: f.toxicity } };
    case 'limit_data':
      return { limitData: { bytes: f.bytes, stream: f.stream, toxicity: f.toxicity } };
  }
}

/** Pure: the action in words, for evidence and the classification's `expected`. */
export function actionText(c: CustomScenarioConfig): string {
  const a = c.action;
  if (a.signal) return a.signal;
  if (a.command) return `\`${commandText(a.command)}\``;
  return `the upstream fault ${describeFaults(faultStateOf(a.fault!))} for ${a.durationMs} ms`;
}

/** Pure: what a target meeting the entry's expectations does. */
export function expectedText(c: CustomScenarioConfig): string {
  const ex = c.expect;
  const parts: string[] = [];
  if (ex.exitsWithOneOf) parts.push(`exits within ${c.deadlineMs} ms with status ${ex.exitsWithOneOf.join(' or ')}`);
  else parts.push('keeps running');
  if (ex.samePid !== undefined) parts.push(ex.samePid ? 'keeps the same serving pid' : 'serves under a new pid');
  if (ex.noNewListener) parts.push('opens no new listening socket');
  if (ex.healthyWithinMs !== undefined) parts.push(`serves and is healthy within ${ex.healthyWithinMs} ms`);
  if (ex.messagePattern !== undefined) parts.push(`writes output matching /${ex.messagePattern}/`);
  if (ex.noErrorSignatureAfter) parts.push('logs no error signature');
  return `after ${actionText(c)} the target ${parts.join(', ')}`;
}

/** Performs the action; false when it could not be performed (a setup finding is recorded). */
async function act(c: CustomScenarioConfig, lane: Lane, t: Target, pid: number | undefined, proxy: FaultProxy | null, rec: Recorder): Promise<boolean> {
  const a = c.action;
  if (a.signal) {
    if (!isSignalName(a.signal)) {
      rec.fail('setup', `chaos.custom "${c.name}": ${a.signal} is not a signal on this platform`);
      return false;
    }
    if (!pid || !sendSignal(pid, a.signal as NodeJS.Signals)) {
      rec.fail('setup', `could not send ${a.signal} to the target (pid ${pid})`);
      return false;
    }
    rec.add(`action: sent ${a.signal} to the serving process, pid ${pid}`);
    return true;
  }
  if (a.command) {
    const res = await runLaneCommand(lane, lane.sandbox.binding.command(a.command, lane.upstreamUrl), c.deadlineMs);
    rec.add(`action: ${laneCommandOutcome(res, c.deadlineMs)}`);
    if (res.stderr.trim()) rec.add(`action stderr: ${res.stderr.trim().slice(0, 600)}`);
    if (res.exitCode !== 0)
      rec.fail(
        'behaviour',
        `the action command failed: ${laneCommandOutcome(res, c.deadlineMs)}${res.stderr.trim() ? `: ${res.stderr.trim().split('\n')[0]}` : ''}`,
      );
    return true;
  }
  const state = faultStateOf(a.fault!);
  await proxy!.setFaults(state);
  const at = Date.now();
  while (Date.now() - at < a.durationMs! && t.sup.running()) await Promise.race([t.sup.exited, new Promise((r) => setTimeout(r, 100))]);
  const stats = proxy!.stats();
  await proxy!.clear();
  rec.add(
    `action: fault ${describeFaults(state)} for ${Date.now() - at} ms; proxy accepted ${stats.accepted}, forwarded ${stats.forwarded}, reset ${stats.resets}, blackholed ${stats.blackholed}, timed out ${stats.timedOut}, limited ${stats.limited}, closes delayed ${stats.closesDelayed}`,
  );
  rec.metadata.proxy = stats;
  return true;
}

async function runCustom(c: CustomScenarioConfig, lane: Lane, rec: Recorder): Promise<void> {
  const ex = c.expect;
  const what = actionText(c);
  let proxy: FaultProxy | null = null;
  try {
    if (c.action.fault) {
      const upstream = lane.upstreamUrl;
      if (!upstream) {
        rec.fail(
          'setup',
          'a fault action needs the lane upstream: set chaos.upstreamEnv, or use {upstreamUrl} in the start command or a chaos.sandbox.files template',
        );
        return;
      }
      const u = new URL(upstream);
      proxy = await FaultProxy.start({ upstreamPort: Number(u.port) });
      await lane.setUpstream(proxy.url(u.pathname));
    }
    const t = await startReady(lane, rec, 'target');
    if (!t) return;
    if (proxy) {
      const p = proxy;
      const reached = await within(lane.target.readyTimeoutMs, async () => p.stats().forwarded > 0);
      if (reached === null)
        rec.warn('behaviour', `the target made no upstream call through the fault proxy within ${lane.target.readyTimeoutMs} ms: the fault may never be felt`);
    }
    const { scanSources, signatures, blockingSeverity } = lane.sandbox.binding;
    const pidBefore = await lane.mainPid(t);
    const listenersBefore = await lane.treeListeners(t);
    rec.add(`before ${what}: serving pid ${pidBefore ?? '?'}, listeners ${listenerList(listenersBefore)}`);
    const errMark = ex.noErrorSignatureAfter ? await markErrors(scanSources) : null;
    const outMark = await markOutput(lane, t);
    if (!(await act(c, lane, t, pidBefore, proxy, rec))) return;
    const actedAt = Date.now();
    let healthyAfter: number | null | undefined;
    if (ex.exitsWithOneOf) await t.sup.waitExit(c.deadlineMs);
    else {
      if (ex.healthyWithinMs !== undefined)
        healthyAfter = await within(ex.healthyWithinMs, async () => {
          if (!t.sup.running()) return true;
          if (!(await isPortOpen(lane.port, lane.target.host, 300))) return false;
          const h = await lane.health();
          return !h || h.ok;
        });
      // the observation window: a listener opened (or an error logged) by the action may appear a moment after it
      if (t.sup.running()) await t.sup.waitExit(c.settleMs);
    }
    const exit = t.sup.exitInfo();
    if (exit) for (const line of await lane.exitEvidence(t, actedAt)) rec.add(line);
    let matched: string | null | undefined;
    const pattern = ex.messagePattern;
    if (pattern !== undefined) await within(exit ? 0 : c.deadlineMs, async () => (matched = await matchSince(lane, outMark, pattern)) !== null);
    // an error signature can only be looked for when the profile has one at or above the blocking severity
    const canLog = errorSignatures(signatures, blockingSeverity).length > 0;
    const observed: Observed = {
      pidBefore,
      pidAfter: exit ? undefined : await lane.mainPid(t),
      listenersBefore,
      listenersAfter: await lane.treeListeners(t),
      exit,
      healthyAfter, // an exit ended the wait early: judged as an exit, never as healthy
      matched,
      logged: errMark ? (canLog ? await errorsSince(errMark, scanSources, signatures, blockingSeverity, lane.redact) : null) : undefined,
      actionText: what,
    };
    const results = judgeExpectations(c, observed);
    rec.metadata.action = c.action.signal
      ? { signal: c.action.signal }
      : c.action.command
        ? { command: lane.redact(commandText(c.action.command)) } // metadata is not redacted on the way out: a command may carry a secret
        : { fault: c.action.fault, durationMs: c.action.durationMs };
    rec.metadata.expectations = results;
    for (const r of results) {
      rec.add(`${r.status.toUpperCase()} expect.${r.name}: ${r.detail}`);
      // severity p2 is "worth knowing, never blocking": the check warns, as a built-in that only warns is p2
      if (r.status === 'fail') (c.severity === 'p2' ? rec.warn : rec.fail).call(rec, 'behaviour', `expect.${r.name}: ${r.detail}`);
    }
    if (!rec.findings.length)
      rec.note(`${results.length} expectation${results.length > 1 ? 's' : ''} met after ${what}: ${results.map((r) => r.name).join(', ')}`);
  } finally {
    await proxy?.close();
  }
}

/** The scenario of one chaos.custom entry. */
export function customScenario(c: CustomScenarioConfig): ScenarioDef {
  return {
    name: `custom:${c.name}`,
    title: `custom ${c.name}${c.description ? ` (${c.description})` : ''}`,
    expected: () => expectedText(c),
    suggestedFix: `the target did not do what chaos.custom "${c.name}" expects (the FAIL expect.* lines of the evidence say which): fix the target, or the expectation if the profile is wrong`,
    severity: (ranked) => {
      const worst = ranked[0];
      if (!worst || P0_KINDS.has(worst.kind)) return null;
      return worst.level === 'warn' && c.severity !== 'p2' ? null : c.severity;
    },
    run: ({ lane, rec }) => runCustom(c, lane, rec),
  };
}
