/** `hunt diff`: read and validate both reports, diff them (core/diff.ts), print Markdown or JSON. */
import path from 'node:path';
import { diffReports } from '../../core/diff.js';
import { readJsonFile, writeFileAtomic } from '../../runtime/fs.js';
import { renderDiffMarkdown } from '../../report/diff-md.js';
import { assertValidReport } from '../../report/validate.js';
import { writeOutputFile } from '../output-file.js';
import type { RunContext } from '../types.js';
import type { DiffOptions } from './spec.js';

/** Runs diff; exit 0 once both reports are read. */
export async function run(opts: DiffOptions, ctx: RunContext): Promise<number> {
  const [oldFile, newFile] = opts.args.map((f) => path.resolve(ctx.cwd, f));
  const before = assertValidReport(await readJsonFile(oldFile, '<old>'), oldFile);
  const after = assertValidReport(await readJsonFile(newFile, '<new>'), newFile);
  const diff = diffReports(before, after);
  const markdown = renderDiffMarkdown(diff);
  if (opts.mdOut !== undefined) await writeOutputFile('--md-out', path.resolve(ctx.cwd, opts.mdOut), markdown, writeFileAtomic);
  process.stdout.write(ctx.json ? `${JSON.stringify(diff)}\n` : markdown);
  return 0;
}
