/**
 * The calibration start: one clean start of the target in a lane of its own (sandbox, enclosure, reserved
 * port), measured from spawn to ready, then stopped. It runs only when a scenario needs the target's start-up
 * time and no lane of the run has seen a healthy start yet.
 */
import { errorMessage } from '../errors.js';
import type { PortReservation } from '../runtime/ports.js';
import { openEnclosure } from './enclosure.js';
import { Lane } from './lane.js';
import { prepareLane } from './lane-prepare.js';
import { Recorder } from './types.js';
import type { RunShared } from './runner.js';
import { createSandbox, type Sandbox } from './sandbox.js';
import type { StartupEstimate } from './startup.js';

/** Measures one clean start; never throws (an unknown start-up time is reported as such). */
export async function calibrateStartup(s: RunShared, port: PortReservation): Promise<StartupEstimate> {
  let sandbox: Sandbox | null = null;
  let lane: Lane | null = null;
  try {
    sandbox = await createSandbox({ bound: s.bound, runId: s.runId, scenario: 'startup', port: port.port, parent: s.sandboxParent });
    const enclosure = await openEnclosure({ sandbox, containment: s.containment, bound: s.bound, cwd: s.cwd, parent: s.sandboxParent });
    lane = new Lane(sandbox, s.bound, { enclosure, upstreamUrl: s.upstreamUrl, settings: { key: 'startup', env: {}, upstream: true }, startup: s.startup });
    await lane.renderFiles();
    const rec = new Recorder();
    if (!(await prepareLane(lane, s.bound, rec)))
      return { ms: null, from: `the calibration lane could not be prepared: ${rec.findings[0]?.detail ?? 'unknown'}` };
    await port.handoff();
    const t = lane.start('calibration');
    const r = await lane.waitReady(t, s.startup.timeoutMs);
    return r.ready ? { ms: r.ms, from: 'calibration start' } : { ms: null, from: `the calibration start was not ready: ${r.reason}` };
  } catch (err) {
    return { ms: null, from: `the calibration start failed: ${errorMessage(err)}` };
  } finally {
    for (const t of lane?.targets ?? []) {
      await t.sup.stop(s.bound.chaos.gracefulShutdown.deadlineMs);
      t.sup.dispose();
    }
    await lane?.enclosure.end();
    await sandbox?.dispose().catch(() => undefined);
    await port.release();
  }
}
