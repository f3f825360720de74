import { Option } from 'commander';
import type { CommandSpec } from '../types.js';

/** `hunt render-report`: validate a HuntReportV1, write normalized JSON, Markdown and (optionally) JUnit. */
export const renderReportSpec: CommandSpec = {
  name: 'render-report',
  summary: 'validate a HuntReportV1 JSON and write normalized JSON, Markdown and JUnit with the gate verdict',
  configure: (cmd) =>
    cmd
      .requiredOption('--input <report.json>', 'the HuntReportV1 report to render')
      .option('--json-out <file>', 'normalized JSON report (default: <input dir>/<input name>.normalized.json)')
      .option('--md-out <file>', 'Markdown report (default: <input dir>/<input name>.md)')
      .option('--junit-out <file>', 'also write JUnit XML, one testcase per check')
      .option('--template <dir>', 'directory overriding report.md.hbs and/or partials/*.hbs')
      .option('--allowlist <known-issues.json>', 'known-issue allowlist to apply')
      .addOption(new Option('--fail-on <level>', 'verdict that makes the exit code 1').choices(['fail', 'warn']).default('fail'))
      .addOption(
        new Option('--blocking-severity <sev>', "lowest severity whose new/regressed classifications fail the gate (default: the input's, else p0)").choices([
          'p0',
          'p1',
          'p2',
        ]),
      )
      .option('--json', 'print one JSON object (verdict, exit code, paths) on stdout'),
  load: () => import('./run.js'),
};
