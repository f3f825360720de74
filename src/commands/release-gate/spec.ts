import { Option } from 'commander';
import { LIMITS } from '../../config/limits.js';
import { addOptions, intOption, listOption, profileOptions, repeatableOption, textOption, windowOption, type ProfileFlags } from '../flags.js';
import { defineCommand } from '../types.js';

/** `hunt release-gate` options, as commander hands them to run() (no defaults: see below). */
export interface ReleaseGateOptions extends ProfileFlags {
  release?: string;
  lane?: 'prod-observe' | 'staging-chaos';
  runId?: string;
  outDir?: string;
  stateDir?: string;
  windowMinutes?: number;
  skipUpdate?: boolean;
  skipTests?: boolean;
  skipChaos?: boolean;
  updateCommand?: string;
  restartCommand?: string;
  verifyCommand?: string;
  expectVersion?: string;
  baseline?: string;
  /** A path, false for --no-allowlist, undefined for the default known-issues.json if present. */
  allowlist?: string | false;
  failOn?: 'fail' | 'warn';
  observeSeconds?: number;
  history?: string;
  absolutePaths?: boolean;
  scenarios?: string[];
  serial?: boolean;
  resume?: string;
  acceptStep?: string[];
  json?: boolean;
}

/**
 * `hunt release-gate`: phases T0-T4 on the live target, one verdict. Flags are a drop-in for the bash
 * scripts this replaces. No commander defaults: run.ts applies them, so it can tell which flags were
 * given (a --resume takes everything from the journal and refuses conflicting flags).
 */
export const releaseGateSpec = defineCommand<ReleaseGateOptions>({
  name: 'release-gate',
  summary: 'run the release gate (T0 preflight, T1 change, T2 tests, T3 staging chaos, T4 observe & verdict) on the live target',
  configure: (cmd) =>
    addOptions(cmd, [
      textOption('--release <label>', 'the release being gated (required unless --demo or --resume)'),
      new Option('--lane <lane>', 'report lane (default prod-observe; T3 always runs in its own sandbox lane)').choices(['prod-observe', 'staging-chaos']),
      textOption('--run-id <id>', 'run id for the report (default <release>-<UTC stamp>)'),
      textOption('--out-dir <dir>', 'where every artifact goes (default artifacts/hunt/release-gate-<UTC stamp>/)'),
      textOption('--state-dir <dir>', "the log scanner's checkpoints: bytes already counted are not read again (default <out-dir>/scan-state)"),
      windowOption('signature lookback window in minutes (default: the profile windowMinutes)'),
      new Option('--skip-update', 'T1: do not run the update command (restart and verify still run)'),
      new Option('--skip-tests', 'T2: skip the test bundles'),
      new Option('--skip-chaos', 'T3: skip the staging chaos matrix'),
      textOption('--update-command <cmd>', 'T1 update command (shell; overrides target.updateCommand; {port} {home} {node} {packageDir} {configDir} expanded)'),
      textOption('--restart-command <cmd>', 'T1 restart command (shell; overrides target.restartCommand)'),
      textOption('--verify-command <cmd>', 'T1 verify command (shell; overrides target.verifyCommand)'),
      textOption('--expect-version <v>', 'T1: the version the target must report after the change (an unchanged version fails)'),
      ...profileOptions().map((o) =>
        o.long === '--demo' ? new Option('--demo', 'gate the bundled sample gateway, started in a throwaway home under the out-dir and stopped at the end') : o,
      ),
      textOption('--baseline <hunt-report.json>', "the previous release's hunt-report.json: signature deltas, regressed/resolved"),
      textOption('--allowlist <known-issues.json>', 'known-issue allowlist (default: known-issues.json in the working directory, if present)'),
      new Option('--no-allowlist', 'do not use known-issues.json even if present'),
      new Option('--fail-on <level>', 'verdict that makes the exit code 1 (default fail)').choices(['fail', 'warn']),
      intOption('--observe-seconds <n>', 'T4: observation window on health, in seconds (default 0: none)', LIMITS.observeSeconds),
      new Option('--absolute-paths', 'keep absolute paths in the report (default: relative to the out-dir or working directory)'),
      textOption('--history <dir>', 'earlier reports (searched for hunt-report.json): the Markdown report embeds the release trend'),
      listOption('--scenarios <list>', "T3: comma-separated chaos scenarios, custom:<name> for a chaos.custom entry (default: the profile's, else all)"),
      new Option(
        '--serial',
        'run every step strictly one after another (tests and chaos scenarios one at a time, no overlap); slower, for debugging and benchmarks',
      ),
      textOption('--resume <out-dir>', 'continue an interrupted gate from its journal (takes its options from there)'),
      repeatableOption('--accept-step <id>', 'with --resume: vouch for an interrupted non-idempotent step (e.g. t1_restart) after verifying the target'),
    ]).option('--json', 'print one JSON object on stdout: verdict, reasons, counts, paths'),
  load: () => import('./run.js'),
});
