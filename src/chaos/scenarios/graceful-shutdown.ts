/**
 * graceful-shutdown: the daemon's graceful stop (chaos.gracefulShutdown.signal to the serving process,
 * default SIGTERM; nginx's is SIGQUIT; or target.stopCommand with via "stopCommand") must end it within the
 * deadline with an expected code, release the port and leave no descendant (setsid helpers included: the
 * orphan audit finds those).
 */
import { isPortOpen } from '../../runtime/ports.js';
import { sendSignal } from '../../runtime/signals.js';
import { describeExit, listenerList } from '../lane.js';
import { laneCommandOutcome, runLaneCommand } from '../lane-command.js';
import type { ScenarioDef } from '../types.js';
import { exitStatus, isSignalName, startReady, within } from './common.js';

export const gracefulShutdown: ScenarioDef = {
  name: 'graceful-shutdown',
  title: 'graceful shutdown',
  expected: (cfg) =>
    `${cfg.gracefulShutdown.via === 'stopCommand' ? 'target.stopCommand' : cfg.gracefulShutdown.signal} ends the target within ${cfg.gracefulShutdown.deadlineMs} ms with exit status ${cfg.gracefulShutdown.exitCodes.join(' or ')}, the port is released and no descendant survives`,
  suggestedFix:
    'on the graceful stop signal stop accepting, end every child (and wait for it), close the listener, remove the lock and exit 0 within the deadline; never start helpers in their own session',
  async run({ cfg, lane, rec }) {
    const gs = cfg.gracefulShutdown;
    const viaCommand = gs.via === 'stopCommand';
    const how = viaCommand ? 'target.stopCommand' : gs.signal;
    if (!viaCommand && !isSignalName(gs.signal)) {
      rec.fail('setup', `chaos.gracefulShutdown.signal ${gs.signal} is not a signal on this platform`);
      return;
    }
    const t = await startReady(lane, rec, 'target');
    if (!t) return;
    await t.sup.sample(); // the tree as it is now (helpers included) is what must be gone afterwards
    const main = (await lane.mainPid(t)) ?? t.sup.pid!;
    rec.add(`serving process: pid ${main}`);
    const sentAt = Date.now();
    if (viaCommand) {
      const res = await runLaneCommand(lane, lane.sandbox.binding.stopCommand!, gs.deadlineMs);
      rec.add(`stop command: ${laneCommandOutcome(res, gs.deadlineMs)}`);
      if (res.exitCode !== 0) rec.fail('behaviour', `the stop command failed: ${laneCommandOutcome(res, gs.deadlineMs)}`);
    } else sendSignal(main, gs.signal as NodeJS.Signals);
    const exit = await t.sup.waitExit(Math.max(0, gs.deadlineMs - (Date.now() - sentAt)));
    if (!exit) {
      rec.fail('hang', `still running ${gs.deadlineMs} ms after ${how} (sent to pid ${main})`);
      for (const line of await lane.exitEvidence(t)) rec.add(line);
      sendSignal(main, 'SIGKILL'); // only the main process: its helpers are the orphan audit's to judge
      await t.sup.waitExit(2000);
      return;
    }
    const ms = exit.atMs - sentAt;
    rec.timing('exit_after_stop', ms);
    for (const line of await lane.exitEvidence(t, sentAt)) rec.add(line);
    const status = exitStatus(exit);
    if (status === null || !gs.exitCodes.includes(status))
      rec.fail('behaviour', `${describeExit(exit)} (status ${status}) after ${how}, expected ${gs.exitCodes.join(' or ')}`);
    const released = await within(1000, async () => !(await isPortOpen(lane.port, lane.target.host, 200)), 50);
    if (released === null) rec.fail('behaviour', `port ${lane.port} still bound after the target exited: ${listenerList(await lane.portListeners())}`);
    const gone = await within(1000, async () => (await t.sup.live()).length === 0, 50);
    if (gone === null) {
      const left = await t.sup.live();
      rec.fail('orphan', `${left.length} descendant(s) outlived the target after ${how}: ${left.map((p) => `${p.pid} ${p.command.slice(0, 80)}`).join('; ')}`);
    }
    if (!rec.findings.length) rec.note(`${describeExit(exit)} ${ms} ms after ${how}, port released, no descendant left`);
  },
};
