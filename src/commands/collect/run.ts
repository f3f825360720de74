/**
 * `hunt collect`: load the profile (file < env < flags), take a snapshot, write it atomically, print a
 * short summary (or one JSON object). A target that is down still yields a snapshot and exit 0.
 */
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../config/load.js';
import { applyFlagOverrides, parseIntFlag } from '../../config/overrides.js';
import { EnvironmentError, UsageError } from '../../errors.js';
import { utcStamp } from '../../runtime/clock.js';
import { writeJsonAtomic } from '../../runtime/fs.js';
import { createProgress } from '../../runtime/progress.js';
import { takeSnapshot } from '../../probes/snapshot.js';
import type { RuntimeSnapshot } from '../../probes/snapshot-types.js';
import type { RunContext } from '../types.js';
import { summaryLines } from './summary.js';

const LABEL = /^[A-Za-z0-9_.-]{1,100}$/;

function stringFlag(value: unknown, flag: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '') throw new UsageError(`${flag}: expected a non-empty value`);
  return value;
}

async function checkOutput(file: string): Promise<void> {
  try {
    if ((await fsp.stat(file)).isDirectory()) {
      throw new UsageError(`--output: ${file} is a directory`, { hint: 'give a file name, e.g. --output snapshots/before.json' });
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

/** Runs `hunt collect`. */
export async function run(opts: Record<string, unknown>, ctx: RunContext): Promise<number> {
  const label = stringFlag(opts.label, '--label') ?? 'snapshot';
  if (!LABEL.test(label)) {
    throw new UsageError(`--label: "${label}" may only contain letters, digits, _ . - (at most 100)`, { hint: 'it names the output file' });
  }
  const port = parseIntFlag(opts.port, '--port', 1, 65535);
  const windowMinutes = parseIntFlag(opts.windowMinutes, '--window-minutes', 1, 525_600);
  const home = stringFlag(opts.home, '--home');
  const output = stringFlag(opts.output, '--output');
  const base = await loadConfig({ config: stringFlag(opts.config, '--config'), demo: Boolean(opts.demo), cwd: ctx.cwd, env: ctx.env });
  const loaded = applyFlagOverrides(base, { port, home, windowMinutes }, ctx.cwd);

  const nowMs = Date.now();
  const file = path.resolve(ctx.cwd, output ?? path.join('artifacts', 'hunt', `collect-${label}-${utcStamp(nowMs)}.json`));
  await checkOutput(file);

  const progress = await createProgress();
  const t = loaded.config.target;
  progress.info(`hunt collect: ${t.name} on port ${t.port} (profile ${loaded.file})`);
  const snapshot: RuntimeSnapshot = await takeSnapshot(loaded, { label, windowMinutes: loaded.config.windowMinutes, env: ctx.env, nowMs, progress });
  try {
    await writeJsonAtomic(file, snapshot);
  } catch (err) {
    throw new EnvironmentError(`--output: cannot write ${file}: ${(err as Error).message}`, { hint: 'pick a writable location with --output' });
  }

  if (ctx.json) {
    const out = {
      output: file,
      label,
      takenAt: snapshot.takenAt,
      target: { name: snapshot.target.name, port: snapshot.target.port, pid: snapshot.process.pid },
      summary: snapshot.summary,
    };
    process.stdout.write(`${JSON.stringify(out)}\n`);
  } else {
    process.stdout.write(`${summaryLines(snapshot, file).join('\n')}\n`);
  }
  return 0;
}
