/**
 * signal-restart: the profile's reload (chaos.signalRestart.signal to the serving process, or its `command`,
 * e.g. `nginx -s reload`) must leave the target serving (same pid unless the profile expects a new one), must
 * not open any new listening socket (a debug port appearing is a finding), and must log no error: an error
 * signature appended to the lane's logs after the reload means the reload was refused (nginx keeps the old
 * config and logs `[emerg]`), which is not a successful reload.
 */
import { sendSignal } from '../../runtime/signals.js';
import { listenerList } from '../lane.js';
import { laneCommandOutcome, runLaneCommand } from '../lane-command.js';
import { errorsSince, markErrors } from '../logged-errors.js';
import type { ScenarioDef } from '../types.js';
import { exitStatus, isSignalName, startReady, within } from './common.js';
import { isPortOpen } from '../../runtime/ports.js';

const key = (l: { address: string; port: number }) => `${l.address}:${l.port}`;

export const signalRestart: ScenarioDef = {
  name: 'signal-restart',
  title: 'reload signal',
  expected: (cfg) =>
    `after ${cfg.signalRestart.command ? 'the reload command' : cfg.signalRestart.signal} the target keeps or regains its listener within ${cfg.signalRestart.deadlineMs} ms, stays healthy, keeps ${cfg.signalRestart.samePid ? 'the same pid' : 'serving under a new pid'}, opens no new listening socket and logs no error signature`,
  suggestedFix:
    'handle the reload in place: reload configuration without exiting, re-use the existing listener, never open extra (debug) listeners on reload, and make sure the configuration it reloads is valid (a refused reload is logged, not applied)',
  async run({ cfg, lane, rec }) {
    const sc = cfg.signalRestart;
    const how = sc.command ? 'the reload command' : sc.signal;
    if (!sc.command && !isSignalName(sc.signal)) {
      rec.fail('setup', `chaos.signalRestart.signal ${sc.signal} is not a signal on this platform`);
      return;
    }
    const t = await startReady(lane, rec, 'target');
    if (!t) return;
    const mainBefore = await lane.mainPid(t);
    const before = await lane.treeListeners(t);
    rec.add(`listeners before ${how}: ${listenerList(before)}`);
    const { scanSources, signatures, blockingSeverity } = lane.sandbox.binding;
    const mark = await markErrors(scanSources);
    const sentAt = Date.now();
    if (sc.command) {
      const res = await runLaneCommand(lane, lane.sandbox.binding.reloadCommand!, sc.deadlineMs);
      rec.add(`reload command: ${laneCommandOutcome(res, sc.deadlineMs)}`);
      if (res.exitCode !== 0)
        rec.fail(
          'behaviour',
          `the reload command failed: ${laneCommandOutcome(res, sc.deadlineMs)}${res.stderr.trim() ? `: ${res.stderr.trim().split('\n')[0]}` : ''}`,
        );
    } else if (!mainBefore || !sendSignal(mainBefore, sc.signal as NodeJS.Signals)) {
      rec.fail('setup', `could not send ${sc.signal} to the target (pid ${mainBefore})`);
      return;
    } else rec.add(`sent ${sc.signal} to the serving process, pid ${mainBefore}`);
    const back = await within(sc.deadlineMs, async () => {
      if (!t.sup.running()) return true;
      if (!(await isPortOpen(lane.port, lane.target.host, 300))) return false;
      const h = await lane.health();
      return !h || h.ok;
    });
    // the observation window: a listener opened (or an error logged) by the reload may appear a moment after it completes
    if (t.sup.running()) await t.sup.waitExit(sc.settleMs);
    const exit = t.sup.exitInfo();
    if (exit) {
      rec.fail('crash', `the target ended after ${how}: exit status ${exitStatus(exit)} after ${exit.atMs - sentAt} ms`);
      for (const line of await lane.exitEvidence(t, sentAt)) rec.add(line);
      return;
    }
    if (back === null) {
      const h = await lane.health();
      rec.fail('behaviour', `not serving and healthy within ${sc.deadlineMs} ms of ${how} (health: ${h ? h.detail : 'n/a'})`);
    } else rec.timing('serving_after_reload', back);
    const logged = await errorsSince(mark, scanSources, signatures, blockingSeverity, lane.redact);
    for (const e of logged) rec.add(`logged after ${how} (${e.source}, signature ${e.signature}): ${e.line}`);
    if (logged.length) {
      const first = logged[0];
      rec.fail(
        'behaviour',
        `the reload was refused: ${first.source} logged ${first.signature} after ${how}: ${first.line}${logged.length > 1 ? ` (+${logged.length - 1} more)` : ''}`,
      );
    }
    const mainAfter = await lane.mainPid(t);
    if (sc.samePid && mainAfter !== mainBefore) rec.fail('behaviour', `the serving pid changed from ${mainBefore} to ${mainAfter} (expected the same pid)`);
    if (!sc.samePid && mainAfter === mainBefore) rec.fail('behaviour', `the serving pid stayed ${mainBefore} (the profile expects a new one)`);
    const after = await lane.treeListeners(t);
    rec.add(`listeners after ${how} (+${sc.settleMs} ms): ${listenerList(after)}`);
    const old = new Set(before.map(key));
    const added = after.filter((l) => !old.has(key(l)));
    if (added.length) rec.fail('behaviour', `new listening socket(s) after ${how}: ${listenerList(added)}`);
    if (!rec.findings.length) rec.note(`serving ${back} ms after ${how}, pid ${mainAfter}, listeners unchanged, no error logged`);
  },
};
