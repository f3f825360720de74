/**
 * signal-restart: the profile's reload signal must leave the target serving (same pid unless the
 * profile expects a new one) and must not open any new listening socket (a debug port appearing is a finding).
 */
import { sendSignal } from '../../runtime/signals.js';
import { listenerList } from '../lane.js';
import type { ScenarioDef } from '../types.js';
import { exitStatus, isSignalName, startReady, within } from './common.js';
import { isPortOpen } from '../../runtime/ports.js';

const key = (l: { address: string; port: number }) => `${l.address}:${l.port}`;

export const signalRestart: ScenarioDef = {
  name: 'signal-restart',
  title: 'reload signal',
  expected: (cfg) =>
    `after ${cfg.signalRestart.signal} the target keeps or regains its listener within ${cfg.signalRestart.deadlineMs} ms, stays healthy, keeps ${cfg.signalRestart.samePid ? 'the same pid' : 'serving under a new pid'} and opens no new listening socket`,
  suggestedFix:
    'handle the reload signal in place: reload configuration without exiting, re-use the existing listener, and never open extra (debug) listeners on reload',
  async run({ cfg, lane, rec }) {
    const sc = cfg.signalRestart;
    if (!isSignalName(sc.signal)) {
      rec.fail('setup', `chaos.signalRestart.signal ${sc.signal} is not a signal on this platform`);
      return;
    }
    const t = await startReady(lane, rec, 'target');
    if (!t) return;
    const mainBefore = await lane.mainPid(t);
    const before = await lane.treeListeners(t);
    rec.add(`listeners before ${sc.signal}: ${listenerList(before)}`);
    if (!mainBefore || !sendSignal(mainBefore, sc.signal)) {
      rec.fail('setup', `could not send ${sc.signal} to the target (pid ${mainBefore})`);
      return;
    }
    const sentAt = Date.now();
    const back = await within(sc.deadlineMs, async () => {
      if (!t.sup.running()) return true;
      if (!(await isPortOpen(lane.port, lane.target.host, 300))) return false;
      const h = await lane.health();
      return !h || h.ok;
    });
    // the observation window: a listener opened by the reload may appear a moment after it completes
    if (t.sup.running()) await t.sup.waitExit(sc.settleMs);
    const exit = t.sup.exitInfo();
    if (exit) {
      rec.fail('crash', `the target ended after ${sc.signal}: exit status ${exitStatus(exit)} after ${exit.atMs - sentAt} ms`);
      for (const line of await lane.exitEvidence(t, sentAt)) rec.add(line);
      return;
    }
    if (back === null) {
      const h = await lane.health();
      rec.fail('behaviour', `not serving and healthy within ${sc.deadlineMs} ms of ${sc.signal} (health: ${h ? (h.statusCode ?? h.error) : 'n/a'})`);
    } else rec.timing('serving_after_signal', back);
    const mainAfter = await lane.mainPid(t);
    if (sc.samePid && mainAfter !== mainBefore) rec.fail('behaviour', `the serving pid changed from ${mainBefore} to ${mainAfter} (expected the same pid)`);
    if (!sc.samePid && mainAfter === mainBefore) rec.fail('behaviour', `the serving pid stayed ${mainBefore} (the profile expects a new one)`);
    const after = await lane.treeListeners(t);
    rec.add(`listeners after ${sc.signal} (+${sc.settleMs} ms): ${listenerList(after)}`);
    const old = new Set(before.map(key));
    const added = after.filter((l) => !old.has(key(l)));
    if (added.length) rec.fail('behaviour', `new listening socket(s) after ${sc.signal}: ${listenerList(added)}`);
    if (!added.length && back !== null) rec.note(`serving ${back} ms after ${sc.signal}, pid ${mainAfter}, listeners unchanged`);
  },
};
