import { addOptions, textOption } from '../flags.js';
import { defineCommand } from '../types.js';

/** `hunt diff` options, as commander hands them to run(). */
export interface DiffOptions {
  args: string[];
  mdOut?: string;
  json?: boolean;
}

/** `hunt diff <old> <new>`: release over release, from two HuntReportV1 files. */
export const diffSpec = defineCommand<DiffOptions>({
  name: 'diff',
  summary: "compare two reports (e.g. the last release's and this one's): new, resolved, regressed and improved findings, signature deltas",
  configure: (cmd) =>
    addOptions(cmd.argument('<old>', 'the earlier hunt-report.json').argument('<new>', 'the later hunt-report.json'), [
      textOption('--md-out <file>', 'also write the Markdown to this file (e.g. for `gh pr comment --body-file`)'),
    ])
      .option('--json', 'print the diff as one JSON object instead of Markdown')
      .addHelpText(
        'after',
        '\nMarkdown on stdout by default. Exit 0 when both reports were read; 2 for a missing or invalid report. Details: docs/merge-diff-trend.md.',
      ),
  load: () => import('./run.js'),
});
