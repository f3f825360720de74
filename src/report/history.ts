/**
 * Reports of earlier releases: every hunt-report.json under a directory (depth and count bounded), or given files.
 * A given file must be a valid report (exit 2); a file found in a directory that is not one is skipped with a
 * warning, since history directories collect other files too. The same run found twice counts once.
 */
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import type { HuntReportV1 } from '../core/report-types.js';
import { InputError } from '../errors.js';
import { readJsonFile } from '../runtime/fs.js';
import { assertValidReport, validateReport } from './validate.js';

const REPORT_NAME = 'hunt-report.json';
const MAX_DEPTH = 6;
/** Most reports read from directories; a trend of more than this is not readable anyway. */
export const MAX_REPORTS = 500;
const SKIP_DIRS = new Set(['node_modules', '.git']);

async function findReports(dir: string, depth: number, out: string[]): Promise<void> {
  if (depth > MAX_DEPTH || out.length >= MAX_REPORTS) return;
  const entries = await fsp.readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    if (out.length >= MAX_REPORTS) return;
    const p = path.join(dir, e.name);
    if (e.isDirectory() && !SKIP_DIRS.has(e.name)) await findReports(p, depth + 1, out);
    else if (e.isFile() && e.name === REPORT_NAME) out.push(p);
  }
}

/** Reads the reports named by `args` (files or directories); `warn` receives one line per skipped file. */
export async function readHistory(args: string[], cwd: string, warn: (line: string) => void): Promise<HuntReportV1[]> {
  const reports: HuntReportV1[] = [];
  const seen = new Set<string>();
  const add = (r: HuntReportV1) => {
    const key = `${r.lane}\0${r.runId}\0${r.release}`;
    if (!seen.has(key)) reports.push(r);
    seen.add(key);
  };
  for (const arg of args) {
    const p = path.resolve(cwd, arg);
    const stat = await fsp.stat(p).catch(() => null);
    if (!stat) throw new InputError(`${arg}: no such file or directory`, { hint: 'give report files or directories holding hunt-report.json' });
    if (!stat.isDirectory()) {
      add(assertValidReport(await readJsonFile(p, 'report'), p));
      continue;
    }
    const found: string[] = [];
    await findReports(p, 0, found);
    if (found.length >= MAX_REPORTS) warn(`${arg}: read the first ${MAX_REPORTS} reports only`);
    for (const f of found) {
      let data: unknown;
      try {
        data = await readJsonFile(f, 'report');
      } catch (err) {
        warn(`${f}: skipped (${(err as Error).message})`);
        continue;
      }
      const checked = validateReport(data);
      if (checked.ok) add(checked.report);
      else warn(`${f}: skipped (not a valid HuntReportV1: ${checked.errors[0]})`);
    }
  }
  return reports;
}
