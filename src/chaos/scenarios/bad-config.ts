/** bad-config: the sandbox's config copy is corrupted; the target must fail fast with a clear message and never serve. */
import { writeFileAtomic } from '../../runtime/fs.js';
import type { ScenarioDef } from '../types.js';
import { expectFastFailure } from './common.js';

export const badConfig: ScenarioDef = {
  name: 'bad-config',
  title: 'corrupt config',
  expected: (cfg) =>
    `with a corrupt config file the target exits non-zero within ${cfg.badConfig.deadlineMs} ms${cfg.badConfig.messagePattern ? ` with a message matching /${cfg.badConfig.messagePattern}/` : ''} and never starts serving`,
  suggestedFix: 'parse and validate the config before binding anything; on error print the file, line and reason on stderr and exit non-zero',
  async run({ cfg, lane, rec }) {
    const file = lane.sandbox.configFile;
    if (!file) {
      rec.skip('the profile names no target.configFile to corrupt');
      return;
    }
    await writeFileAtomic(file, cfg.badConfig.content); // the sandbox copy only, never the production file
    rec.add(`wrote ${JSON.stringify(cfg.badConfig.content.slice(0, 80))} to the sandbox config copy ${file}`);
    const t = lane.start('bad-config');
    await expectFastFailure(lane, t, rec, {
      deadlineMs: cfg.badConfig.deadlineMs,
      pattern: cfg.badConfig.messagePattern,
      what: 'start with a corrupt config',
      watchPort: true,
    });
  },
};
