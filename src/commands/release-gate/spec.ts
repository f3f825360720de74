import { Option } from 'commander';
import type { CommandSpec } from '../types.js';

const collect = (value: string, prev: string[] = []) => [...prev, value];

/**
 * `hunt release-gate`: phases T0-T4 on the live target, one verdict. Flags are a drop-in for the bash
 * scripts this replaces. No commander defaults: run.ts applies them, so it can tell which flags were
 * given (a --resume takes everything from the journal and refuses conflicting flags).
 */
export const releaseGateSpec: CommandSpec = {
  name: 'release-gate',
  summary: 'run the release gate (T0 preflight, T1 change, T2 tests, T3 staging chaos, T4 observe & verdict) on the live target',
  configure: (cmd) =>
    cmd
      .option('--release <label>', 'the release being gated (required unless --demo or --resume)')
      .addOption(
        new Option('--lane <lane>', 'report lane (default prod-observe; T3 always runs in its own sandbox lane)').choices(['prod-observe', 'staging-chaos']),
      )
      .option('--run-id <id>', 'run id for the report (default <release>-<UTC stamp>)')
      .option('--out-dir <dir>', 'where every artifact goes (default artifacts/hunt/release-gate-<UTC stamp>/)')
      .option('--window-minutes <n>', 'signature lookback window in minutes (default: the profile windowMinutes)')
      .option('--skip-update', 'T1: do not run the update command (restart and verify still run)')
      .option('--skip-tests', 'T2: skip the test bundles')
      .option('--skip-chaos', 'T3: skip the staging chaos matrix')
      .option('--update-command <cmd>', 'T1 update command (shell; overrides target.updateCommand; {port} {home} {node} {packageDir} {configDir} expanded)')
      .option('--restart-command <cmd>', 'T1 restart command (shell; overrides target.restartCommand)')
      .option('--verify-command <cmd>', 'T1 verify command (shell; overrides target.verifyCommand)')
      .option('--expect-version <v>', 'T1: the version the target must report after the change (an unchanged version fails)')
      .option('--config <file>', 'target profile (default: hunt.config.json here or in a parent directory)')
      .option('--demo', 'gate the bundled sample gateway, started in a throwaway home under the out-dir and stopped at the end')
      .option('--baseline <hunt-report.json>', "the previous release's hunt-report.json: signature deltas, regressed/resolved")
      .option('--allowlist <known-issues.json>', 'known-issue allowlist (default: known-issues.json in the working directory, if present)')
      .option('--no-allowlist', 'do not use known-issues.json even if present')
      .addOption(new Option('--fail-on <level>', 'verdict that makes the exit code 1 (default fail)').choices(['fail', 'warn']))
      .option('--observe-seconds <n>', 'T4: observation window on health, in seconds (default 0: none)')
      .option('--scenarios <list>', "T3: comma-separated chaos scenarios (default: the profile's, else all)")
      .option(
        '--serial',
        'run every step strictly one after another (tests and chaos scenarios one at a time, no overlap); slower, for debugging and benchmarks',
      )
      .option('--resume <out-dir>', 'continue an interrupted gate from its journal (takes its options from there)')
      .option('--accept-step <id>', 'with --resume: vouch for an interrupted non-idempotent step (e.g. t1_restart) after verifying the target', collect)
      .option('--json', 'print one JSON object on stdout: verdict, reasons, counts, paths'),
  load: () => import('./run.js'),
};
