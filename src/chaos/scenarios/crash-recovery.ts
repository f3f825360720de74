/** crash-recovery: SIGKILL the serving process, start again: it must come up (stale state reclaimed), alone. */
import { sendSignal } from '../../runtime/signals.js';
import { listenerList } from '../lane.js';
import type { ScenarioDef } from '../types.js';
import { startReady } from './common.js';

export const crashRecovery: ScenarioDef = {
  name: 'crash-recovery',
  title: 'restart after a crash',
  expected: (cfg) =>
    `after SIGKILL of the running target a new start is ready within ${cfg.crashRecovery.deadlineMs} ms (stale lock reclaimed), with exactly one instance and one listener`,
  suggestedFix: 'on startup, check whether the pid in an existing lock is alive; reclaim the lock when it is not instead of refusing to start',
  async run({ cfg, lane, rec }) {
    const first = await startReady(lane, rec, 'first');
    if (!first) return;
    const crashed = await lane.mainPid(first);
    if (!crashed || !sendSignal(crashed, 'SIGKILL')) {
      rec.fail('setup', `could not SIGKILL the target (pid ${crashed})`);
      return;
    }
    if (crashed === first.sup.pid && !(await first.sup.waitExit(5000))) {
      rec.fail('setup', `pid ${crashed} survived SIGKILL for 5 s`);
      return;
    }
    rec.add(`SIGKILLed pid ${crashed}`);
    const second = await startReady(lane, rec, 'restarted', cfg.crashRecovery.deadlineMs);
    if (!second) return;
    const owners = await lane.portListeners();
    rec.add(`listeners on ${lane.port}: ${listenerList(owners)}`);
    const pids = [...new Set(owners.map((l) => l.pid))];
    const secondPids = new Set((await second.sup.live()).map((p) => p.pid));
    if (pids.length !== 1 || pids[0] === null || !secondPids.has(pids[0])) {
      rec.fail('behaviour', `expected one listener owned by the restarted instance, found: ${listenerList(owners)}`);
    }
    const leftovers = (await first.sup.live()).filter((p) => !secondPids.has(p.pid));
    if (leftovers.some((p) => p.pid === crashed)) rec.fail('behaviour', `the crashed pid ${crashed} is still alive`);
    if (!rec.findings.length) rec.note(`restarted and ready after the crash of pid ${crashed}; one instance, one listener`);
  },
};
