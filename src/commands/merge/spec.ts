import { Option } from 'commander';
import { addOptions, textOption } from '../flags.js';
import { defineCommand } from '../types.js';

/** `hunt merge` options, as commander hands them to run(). */
export interface MergeOptions {
  args: string[];
  outDir: string;
  runId?: string;
  commentOut?: string;
  allowMixedReleases?: boolean;
  allowlist?: string;
  failOn: 'fail' | 'warn';
  blockingSeverity?: 'p0' | 'p1' | 'p2';
  json?: boolean;
}

/** `hunt merge`: one report for the release out of the reports of its lanes (one per machine or CI job). */
export const mergeSpec = defineCommand<MergeOptions>({
  name: 'merge',
  summary: 'merge the lane reports of one release (e.g. prod-observe from the host, staging-chaos from CI) into one report and verdict',
  configure: (cmd) =>
    addOptions(cmd.argument('<report.json...>', 'the lane reports (hunt-report.json of each lane)'), [
      textOption('--out-dir <dir>', 'where hunt-report.json, hunt-report.md and junit.xml of the release go').makeOptionMandatory(),
      textOption('--run-id <id>', 'run id of the merged report (default <release>-merged)'),
      textOption('--comment-out <file>', "also write Markdown for a PR comment (gh pr comment --body-file), kept under GitHub's size limit"),
      new Option('--allow-mixed-releases', 'merge reports of different releases (refused by default)'),
      textOption('--allowlist <known-issues.json>', 'known-issue allowlist to apply to the merged report'),
      new Option('--fail-on <level>', 'verdict that makes the exit code 1').choices(['fail', 'warn']).default('fail'),
      new Option('--blocking-severity <sev>', "lowest severity whose new/regressed classifications fail (default: the strictest of the lanes')").choices([
        'p0',
        'p1',
        'p2',
      ]),
    ])
      .option('--json', 'print one JSON object on stdout: verdict, lanes, paths')
      .addHelpText(
        'after',
        '\nColliding check and classification ids are namespaced by lane (<lane>/<id>); the verdict is never better than the\nworst lane. Same inputs in any order give the same files. Details: docs/merge-diff-trend.md.',
      ),
  load: () => import('./run.js'),
});
