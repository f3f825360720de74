/** already-running: a second instance on the same home and port must refuse; the first stays healthy, alone on the port. */
import { listenerList } from '../lane.js';
import type { ScenarioDef } from '../types.js';
import { expectFastFailure, startReady } from './common.js';

export const alreadyRunning: ScenarioDef = {
  name: 'already-running',
  title: 'second instance while running',
  expected: (cfg) =>
    `a second start exits non-zero within ${cfg.alreadyRunning.deadlineMs} ms${cfg.alreadyRunning.messagePattern ? ` with a message matching /${cfg.alreadyRunning.messagePattern}/` : ''}; the first instance stays healthy and is the only listener`,
  suggestedFix:
    'take an exclusive lock (pid file created with O_EXCL, checked for liveness) before binding, and exit non-zero with a clear message when a live instance holds it',
  async run({ cfg, lane, rec }) {
    const first = await startReady(lane, rec, 'first');
    if (!first) return;
    const firstPids = new Set((await first.sup.live()).map((p) => p.pid));
    const second = lane.start('second');
    await expectFastFailure(lane, second, rec, {
      deadlineMs: cfg.alreadyRunning.deadlineMs,
      pattern: cfg.alreadyRunning.messagePattern,
      what: 'second instance',
    });
    if (!first.sup.running()) {
      rec.fail('crash', `the first instance died while the second started (${JSON.stringify(first.sup.exitInfo())})`);
      return;
    }
    const h = await lane.health();
    if (h && !h.ok) rec.fail('behaviour', `the first instance is unhealthy after the second start: ${h.detail}`);
    const owners = await lane.portListeners();
    const pids = [...new Set(owners.map((l) => l.pid))];
    rec.add(`listeners on ${lane.port}: ${listenerList(owners)}`);
    // a master and its workers share one socket: every owner must be a process of the first instance
    const alive = new Set((await first.sup.live()).map((p) => p.pid));
    if (!pids.length || pids.some((p) => p === null || !(firstPids.has(p) || alive.has(p)))) {
      rec.fail('behaviour', `expected the listener to be owned by the first instance only; found: ${listenerList(owners)}`);
    } else rec.note(`first instance healthy and alone on port ${lane.port}`);
  },
};
