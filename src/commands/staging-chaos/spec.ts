import type { CommandSpec } from '../types.js';

/** `hunt staging-chaos`: the fault matrix in an isolated lane (flags only; the work lives in run.ts). */
export const stagingChaosSpec: CommandSpec = {
  name: 'staging-chaos',
  summary:
    'run the chaos matrix (port collision, second instance, reload signal, missing env, upstream outage, crash, SIGTERM, bad config) in isolated sandboxes',
  configure: (cmd) =>
    cmd
      .option('--config <file>', 'target profile (default: $HUNT_CONFIG, else hunt.config.json here or in a parent directory)')
      .option('--demo', 'use the bundled sample-gateway profile')
      .option('--release <label>', 'the release under test (required)')
      .option('--run-id <id>', 'run id for the report (required; letters, digits, _ . -)')
      .option('--out-dir <dir>', 'where report-input.json, the rendered report and per-scenario artifacts go (required)')
      .option('--port <base>', 'scenario i uses port base+i (default: free ports chosen by the OS); never the production port')
      .option('--scenarios <list>', "comma-separated scenarios (default: the profile's chaos.scenarios, else all)")
      .option('--concurrency <n>', 'scenarios run at the same time (default: the profile, 2)')
      .option('--no-render', 'write report-input.json only (no hunt-report.json/.md, junit.xml)')
      .option('--json', 'print one JSON object on stdout: verdict, checks, paths')
      .addHelpText(
        'after',
        '\nEvery scenario runs in its own sandbox (HOME, TMPDIR, XDG dirs, config copy, port) under <tmpdir>/hunt-chaos/.\nExit 0 pass/warn, 1 fail, 2 usage/config error, 130/143 interrupted. Details: docs/staging-chaos.md.',
      ),
  load: () => import('./run.js'),
};
