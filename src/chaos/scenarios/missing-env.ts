/**
 * missing-env: start once with a stripped PATH and once without each required env var. Without a
 * required var the target must fail fast with a clear message and never serve. With a stripped PATH it
 * may either fail fast with a message or start normally (a daemon that needs no PATH is fine): what it
 * must never do is hang, or exit 0 without serving.
 */
import type { ScenarioDef } from '../types.js';
import { exitStatus, expectFastFailure, stopQuietly } from './common.js';
import { describeExit } from '../lane.js';

export const missingEnv: ScenarioDef = {
  name: 'missing-env',
  title: 'missing environment',
  expected: (cfg) =>
    `without a required env var the target exits non-zero within ${cfg.missingEnv.deadlineMs} ms${cfg.missingEnv.messagePattern ? ` with a message matching /${cfg.missingEnv.messagePattern}/` : ' naming the variable'} and never serves; with a stripped PATH it starts or fails fast with a message, never hangs`,
  suggestedFix:
    'validate the environment first thing at startup: name every missing variable in one message on stderr and exit non-zero; never wait for it to appear',
  async run({ cfg, lane, rec }) {
    const deadlineMs = cfg.missingEnv.deadlineMs;
    const grace = cfg.gracefulShutdown.deadlineMs;

    // 1. stripped PATH: an empty directory, so nothing resolves through it
    const noPath = lane.start('no-path', { PATH: lane.sandbox.emptyBin });
    const r = await lane.waitReady(noPath, Math.max(deadlineMs, lane.startup.timeoutMs));
    if (r.ready) {
      rec.note(`stripped PATH: started and served after ${r.ms} ms`);
    } else if (!r.exit) {
      rec.fail('hang', `stripped PATH: neither ready nor exited within ${Math.max(deadlineMs, lane.startup.timeoutMs)} ms (${r.reason})`);
      for (const line of await lane.exitEvidence(noPath)) rec.add(line);
    } else if (r.exit.spawnError || exitStatus(r.exit) !== 0) {
      const out = await lane.outputText(noPath);
      if (!r.exit.spawnError && !`${out.stderr}${out.stdout}${out.logs}`.trim())
        rec.warn('message', `stripped PATH: ${describeExit(r.exit)} without any message`);
      else rec.note(`stripped PATH: ${describeExit(r.exit)} after ${r.ms} ms`);
      for (const line of await lane.exitEvidence(noPath, noPath.sup.startedAtMs)) rec.add(line);
    } else {
      rec.fail('behaviour', `stripped PATH: exited 0 after ${r.ms} ms without ever serving`);
    }
    await stopQuietly(noPath, grace);

    // 2. each required variable removed in turn (PATH intact)
    const required = [...new Set(lane.target.requiredEnv)].sort();
    if (!required.length) rec.note('the profile lists no required env vars (target.requiredEnv)');
    for (const name of required) {
      const t = lane.start(`no-${name}`, { [name]: undefined });
      await expectFastFailure(lane, t, rec, {
        deadlineMs,
        pattern: cfg.missingEnv.messagePattern,
        what: `without ${name}`,
        watchPort: true,
        mustMention: name,
      });
      await stopQuietly(t, grace);
    }
    rec.metadata.requiredEnv = required;
  },
};
