/**
 * graceful-shutdown: SIGTERM to the serving process; it must exit within the deadline with an expected
 * code, release the port and leave no descendant (setsid helpers included: the orphan audit finds those).
 */
import { isPortOpen } from '../../runtime/ports.js';
import { sendSignal } from '../../runtime/signals.js';
import { describeExit, listenerList } from '../lane.js';
import type { ScenarioDef } from '../types.js';
import { exitStatus, startReady, within } from './common.js';

export const gracefulShutdown: ScenarioDef = {
  name: 'graceful-shutdown',
  title: 'graceful shutdown',
  expected: (cfg) =>
    `SIGTERM ends the target within ${cfg.gracefulShutdown.deadlineMs} ms with exit status ${cfg.gracefulShutdown.exitCodes.join(' or ')}, the port is released and no descendant survives`,
  suggestedFix:
    'on SIGTERM stop accepting, end every child (and wait for it), close the listener, remove the lock and exit 0 within the deadline; never start helpers in their own session',
  async run({ cfg, lane, rec }) {
    const gs = cfg.gracefulShutdown;
    const t = await startReady(lane, rec, 'target');
    if (!t) return;
    await t.sup.sample(); // the tree as it is now (helpers included) is what must be gone afterwards
    const main = (await lane.mainPid(t)) ?? t.sup.pid!;
    const sentAt = Date.now();
    sendSignal(main, 'SIGTERM');
    const exit = await t.sup.waitExit(gs.deadlineMs);
    if (!exit) {
      rec.fail('hang', `still running ${gs.deadlineMs} ms after SIGTERM`);
      for (const line of await lane.exitEvidence(t)) rec.add(line);
      sendSignal(main, 'SIGKILL'); // only the main process: its helpers are the orphan audit's to judge
      await t.sup.waitExit(2000);
      return;
    }
    const ms = exit.atMs - sentAt;
    rec.timing('exit_after_sigterm', ms);
    for (const line of await lane.exitEvidence(t, sentAt)) rec.add(line);
    const status = exitStatus(exit);
    if (status === null || !gs.exitCodes.includes(status))
      rec.fail('behaviour', `${describeExit(exit)} (status ${status}) after SIGTERM, expected ${gs.exitCodes.join(' or ')}`);
    const released = await within(1000, async () => !(await isPortOpen(lane.port, lane.target.host, 200)), 50);
    if (released === null) rec.fail('behaviour', `port ${lane.port} still bound after the target exited: ${listenerList(await lane.portListeners())}`);
    const gone = await within(1000, async () => (await t.sup.live()).length === 0, 50);
    if (gone === null) {
      const left = await t.sup.live();
      rec.fail('orphan', `${left.length} descendant(s) outlived the target after SIGTERM: ${left.map((p) => `${p.pid} ${p.command.slice(0, 80)}`).join('; ')}`);
    }
    if (!rec.findings.length) rec.note(`${describeExit(exit)} ${ms} ms after SIGTERM, port released, no descendant left`);
  },
};
