import { Option } from 'commander';
import { LIMITS } from '../../config/limits.js';
import { addOptions, intOption, listOption, profileOptions, textOption, type ProfileFlags } from '../flags.js';
import { defineCommand } from '../types.js';

/** `hunt staging-chaos` options, as commander hands them to run(). */
export interface StagingChaosOptions extends ProfileFlags {
  release?: string;
  runId?: string;
  outDir?: string;
  basePort?: number;
  /** Deprecated spelling of --base-port (it never meant the target port here). */
  port?: number;
  scenarios?: string[];
  concurrency?: number;
  render: boolean;
  absolutePaths?: boolean;
  json?: boolean;
}

/** `hunt staging-chaos`: the fault matrix in an isolated lane (flags only; the work lives in run.ts). */
export const stagingChaosSpec = defineCommand<StagingChaosOptions>({
  name: 'staging-chaos',
  summary:
    'run the chaos matrix (port collision, second instance, reload, missing env, upstream outage, crash recovery, graceful shutdown, bad config, chaos.custom[] as custom:<name>) in isolated sandboxes',
  configure: (cmd) =>
    addOptions(cmd, [
      ...profileOptions(),
      textOption('--release <label>', 'the release under test (required unless --demo, which defaults to "demo")'),
      textOption('--run-id <id>', 'run id for the report (letters, digits, _ . -; default chaos-<UTC stamp>)'),
      textOption(
        '--out-dir <dir>',
        'where report-input.json, the rendered report and per-scenario artifacts go (default artifacts/hunt/staging-chaos-<UTC stamp>/)',
      ),
      intOption('--base-port <n>', 'scenario i uses port n+i (default: free ports chosen by the OS); never the production port', LIMITS.port),
      intOption('--port <n>', 'deprecated: use --base-port', LIMITS.port).hideHelp(),
      listOption('--scenarios <list>', "comma-separated scenarios, custom:<name> for a chaos.custom entry (default: the profile's chaos.scenarios, else all)"),
      intOption('--concurrency <n>', 'scenarios run at the same time (default: the profile, 2)', LIMITS.concurrency),
      new Option('--no-render', 'write report-input.json only (no hunt-report.json/.md, junit.xml)'),
      new Option('--absolute-paths', 'keep absolute paths in the report (default: relative to the out-dir or working directory)'),
    ])
      .option('--json', 'print one JSON object on stdout: verdict, checks, paths')
      .addHelpText(
        'after',
        '\nEvery scenario runs in its own sandbox (HOME, TMPDIR, XDG dirs, config copy, port) under <tmpdir>/hunt-chaos/.\nExit 0 pass/warn, 1 fail, 2 usage/config error, 130/143 interrupted. Details: docs/staging-chaos.md.',
      ),
  load: () => import('./run.js'),
});
