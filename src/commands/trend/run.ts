/** `hunt trend`: read the reports (history.ts), compute the trend (core/trend.ts), print Markdown or JSON. */
import path from 'node:path';
import { trendOf } from '../../core/trend.js';
import { writeFileAtomic } from '../../runtime/fs.js';
import { renderTrendMarkdown } from '../../report/trend-md.js';
import { writeOutputFile } from '../output-file.js';
import { printWarnings } from '../print.js';
import type { RunContext } from '../types.js';
import { readHistory } from '../../report/history.js';
import type { TrendOptions } from './spec.js';

/** Runs trend; exit 0 once the reports are read. */
export async function run(opts: TrendOptions, ctx: RunContext): Promise<number> {
  const warnings: string[] = [];
  const reports = await readHistory(opts.args, ctx.cwd, (w) => warnings.push(w));
  printWarnings(warnings);
  const trend = trendOf(reports);
  const markdown = renderTrendMarkdown(trend);
  if (opts.mdOut !== undefined) await writeOutputFile('--md-out', path.resolve(ctx.cwd, opts.mdOut), markdown, writeFileAtomic);
  process.stdout.write(ctx.json ? `${JSON.stringify(trend)}\n` : markdown);
  return 0;
}
