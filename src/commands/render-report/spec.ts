import { Option } from 'commander';
import { addOptions, textOption } from '../flags.js';
import { defineCommand } from '../types.js';

/** `hunt render-report` options, as commander hands them to run(). */
export interface RenderReportOptions {
  input: string;
  jsonOut?: string;
  mdOut?: string;
  junitOut?: string;
  commentOut?: string;
  template?: string;
  allowlist?: string;
  failOn: 'fail' | 'warn';
  blockingSeverity?: 'p0' | 'p1' | 'p2';
  json?: boolean;
}

/** `hunt render-report`: validate a HuntReportV1, write normalized JSON, Markdown and (optionally) JUnit. */
export const renderReportSpec = defineCommand<RenderReportOptions>({
  name: 'render-report',
  summary: 'validate a HuntReportV1 JSON and write normalized JSON, Markdown and JUnit with the gate verdict',
  configure: (cmd) =>
    addOptions(cmd, [
      textOption('--input <report.json>', 'the HuntReportV1 report to render').makeOptionMandatory(),
      textOption('--json-out <file>', 'normalized JSON report (default: <input dir>/<input name>.normalized.json)'),
      textOption('--md-out <file>', 'Markdown report (default: <input dir>/<input name>.md)'),
      textOption('--junit-out <file>', 'also write JUnit XML, one testcase per check'),
      textOption('--comment-out <file>', "also write Markdown for a PR comment (gh pr comment --body-file), kept under GitHub's size limit"),
      textOption('--template <dir>', 'directory overriding report.md.hbs and/or partials/*.hbs'),
      textOption('--allowlist <known-issues.json>', 'known-issue allowlist to apply'),
      new Option('--fail-on <level>', 'verdict that makes the exit code 1').choices(['fail', 'warn']).default('fail'),
      new Option('--blocking-severity <sev>', "lowest severity whose new/regressed classifications fail the gate (default: the input's, else p0)").choices([
        'p0',
        'p1',
        'p2',
      ]),
    ]).option('--json', 'print one JSON object (verdict, exit code, paths) on stdout'),
  load: () => import('./run.js'),
});
