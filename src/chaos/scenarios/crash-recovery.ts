/**
 * crash-recovery: SIGKILL the serving process, start again: it must come up (stale state reclaimed), alone.
 * killMode "process" kills the serving process only (its children are left to notice); "group" kills its
 * whole tree, as systemd does on a crash (KillMode=control-group): workers sharing its socket included.
 */
import { sendSignal } from '../../runtime/signals.js';
import { listenerList } from '../lane.js';
import type { ScenarioDef } from '../types.js';
import { startReady } from './common.js';

export const crashRecovery: ScenarioDef = {
  name: 'crash-recovery',
  title: 'restart after a crash',
  expected: (cfg) =>
    `after SIGKILL of the running target${cfg.crashRecovery.killMode === 'group' ? ' and its whole process tree' : ''} a new start is ready within ${cfg.crashRecovery.deadlineMs} ms (stale lock reclaimed), with one instance owning the listener`,
  suggestedFix: 'on startup, check whether the pid in an existing lock is alive; reclaim the lock when it is not instead of refusing to start',
  async run({ cfg, lane, rec }) {
    const group = cfg.crashRecovery.killMode === 'group';
    const first = await startReady(lane, rec, 'first');
    if (!first) return;
    const crashed = await lane.mainPid(first);
    const tree = group ? (await first.sup.live()).map((p) => p.pid) : [];
    const killed = group ? tree.filter((pid) => sendSignal(pid, 'SIGKILL')) : crashed && sendSignal(crashed, 'SIGKILL') ? [crashed] : [];
    if (!crashed || !killed.includes(crashed)) {
      rec.fail('setup', `could not SIGKILL the target (pid ${crashed})`);
      return;
    }
    if (crashed === first.sup.pid && !(await first.sup.waitExit(5000))) {
      rec.fail('setup', `pid ${crashed} survived SIGKILL for 5 s`);
      return;
    }
    rec.add(group ? `SIGKILLed the process tree of pid ${crashed} (killMode group): ${killed.join(', ')}` : `SIGKILLed pid ${crashed} (killMode process)`);
    const second = await startReady(lane, rec, 'restarted', cfg.crashRecovery.deadlineMs);
    if (!second) return;
    const owners = await lane.portListeners();
    rec.add(`listeners on ${lane.port}: ${listenerList(owners)}`);
    // a master and its workers share one socket: every owner must belong to the restarted instance
    const pids = [...new Set(owners.map((l) => l.pid))];
    const secondPids = new Set((await second.sup.live()).map((p) => p.pid));
    if (!pids.length || pids.some((p) => p === null || !secondPids.has(p))) {
      rec.fail('behaviour', `expected the listener to be owned by the restarted instance only, found: ${listenerList(owners)}`);
    }
    const leftovers = (await first.sup.live()).filter((p) => !secondPids.has(p.pid));
    if (leftovers.some((p) => p.pid === crashed)) rec.fail('behaviour', `the crashed pid ${crashed} is still alive`);
    if (!rec.findings.length) rec.note(`restarted and ready after the crash of pid ${crashed}; the restarted instance alone owns the listener`);
  },
};
