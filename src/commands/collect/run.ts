/**
 * `hunt collect`: load the profile (file < env < flags), take a snapshot, write it atomically, print a
 * short summary (or one JSON object). A target that is down still yields a snapshot and exit 0.
 */
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { bindFromFlags } from '../../config/bind.js';
import { EnvironmentError, UsageError } from '../../errors.js';
import { utcStamp } from '../../runtime/clock.js';
import { writeJsonAtomic } from '../../runtime/fs.js';
import { createProgress } from '../../runtime/progress.js';
import { takeSnapshot } from '../../probes/snapshot.js';
import type { RuntimeSnapshot } from '../../probes/snapshot-types.js';
import type { RunContext } from '../types.js';
import type { CollectOptions } from './spec.js';
import { summaryLines } from './summary.js';
import { printResult } from '../print.js';

const LABEL = /^[A-Za-z0-9_.-]{1,100}$/;

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
export async function run(opts: CollectOptions, ctx: RunContext): Promise<number> {
  const { label, output } = opts;
  if (!LABEL.test(label)) {
    throw new UsageError(`--label: "${label}" may only contain letters, digits, _ . - (at most 100)`, { hint: 'it names the output file' });
  }
  const bound = await bindFromFlags(opts, { ...ctx, cacheProfile: true });

  const nowMs = Date.now();
  const file = path.resolve(ctx.cwd, output ?? path.join('artifacts', 'hunt', `collect-${label}-${utcStamp(nowMs)}.json`));
  await checkOutput(file);

  const progress = await createProgress();
  progress.info(`hunt collect: ${bound.target.name} on port ${bound.target.port} (profile ${bound.profile.file})`);
  const snapshot: RuntimeSnapshot = await takeSnapshot(bound, { label, nowMs, progress });
  try {
    await writeJsonAtomic(file, snapshot);
  } catch (err) {
    throw new EnvironmentError(`--output: cannot write ${file}: ${(err as Error).message}`, { hint: 'pick a writable location with --output' });
  }

  const out = {
    output: file,
    label,
    takenAt: snapshot.takenAt,
    target: { name: snapshot.target.name, port: snapshot.target.port, pid: snapshot.process.pid },
    summary: snapshot.summary,
  };
  printResult(ctx, out, () => summaryLines(snapshot, file));
  return 0;
}
