/** A sandbox for hostile-input runs: work/ (cwd, out-dir), home/, and outside/ whose files must never change. */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, lstatSync, writeFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hunt, type RunResult } from '../e2e/render-report.helpers.js';

export interface Sandbox {
  root: string;
  work: string;
  home: string;
  outside: string;
  run(args: string[], env?: Record<string, string>): Promise<RunResult>;
  /** Every file under outside/ with a hash of its content and its type (what "nothing harmed" compares). */
  outsideState(): string[];
  /** Temp files hunt left anywhere in the sandbox (must be none once a run ended). */
  leftoverTemps(): string[];
  cleanup(): void;
}

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    const st = lstatSync(p);
    if (st.isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

/** Creates a sandbox with a few files outside the out-dir that no run may touch. */
export function sandbox(): Sandbox {
  const root = mkdtempSync(path.join(os.tmpdir(), 'hunt-hostile-'));
  const work = path.join(root, 'work');
  const home = path.join(root, 'home');
  const outside = path.join(root, 'outside');
  for (const d of [work, home, outside]) mkdirSync(d);
  writeFileSync(path.join(outside, 'precious.txt'), 'do not touch\n');
  writeFileSync(path.join(outside, 'report.md'), '# an old report that is not hunt output\n');
  return {
    root,
    work,
    home,
    outside,
    run: (args, env) => hunt(args, { cwd: work, home, env }),
    outsideState: () =>
      walk(outside)
        .sort()
        .map((f) => {
          const st = lstatSync(f);
          const body = st.isSymbolicLink() ? 'link' : createHash('sha256').update(readFileSync(f)).digest('hex');
          return `${path.relative(outside, f)} ${body}`;
        }),
    leftoverTemps: () => walk(root).filter((f) => /\.tmp$/.test(f)),
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** A minimal valid report with one passing check; `patch` edits it. */
export function baseReport(patch: (r: Record<string, any>) => void = () => {}): Record<string, any> {
  const r: Record<string, any> = {
    version: '1',
    release: '9.9.9',
    runId: 'hostile-1',
    lane: 'prod-observe',
    startedAt: '2026-03-01T10:00:00Z',
    endedAt: '2026-03-01T10:05:00Z',
    checks: [
      {
        id: 'api_health',
        title: 'API health',
        status: 'pass',
        summary: 'ok',
        startedAt: '2026-03-01T10:00:00Z',
        endedAt: '2026-03-01T10:00:01Z',
        durationMs: 1000,
      },
    ],
    signatures: [],
    classification: [],
    upstreamLinks: [],
  };
  patch(r);
  return r;
}
