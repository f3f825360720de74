import { addOptions, textOption } from '../flags.js';
import { defineCommand } from '../types.js';

/** `hunt trend` options, as commander hands them to run(). */
export interface TrendOptions {
  args: string[];
  mdOut?: string;
  json?: boolean;
}

/** `hunt trend <dir|reports...>`: verdicts and signature counts across releases. */
export const trendSpec = defineCommand<TrendOptions>({
  name: 'trend',
  summary: 'verdicts and signature counts across releases: a table and a Mermaid chart GitHub renders',
  configure: (cmd) =>
    addOptions(cmd.argument('<dir|report...>', 'report files, or directories searched for hunt-report.json'), [
      textOption('--md-out <file>', 'also write the Markdown to this file'),
    ])
      .option('--json', 'print the trend as one JSON object instead of Markdown')
      .addHelpText('after', '\nIn a directory, files that are not valid reports are skipped with a warning. Details: docs/merge-diff-trend.md.'),
  load: () => import('./run.js'),
});
