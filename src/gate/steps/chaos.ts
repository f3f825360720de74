/**
 * T3 staging chaos: the `hunt staging-chaos` matrix in its own sandbox lane (own HOME, port and temp dir
 * per scenario; the live target's port and home are refused by the lane), merged as `chaos_*` checks and
 * classifications. The live target never sees a fault, in any lane of the gate.
 */
import path from 'node:path';
import { promises as fsp } from 'node:fs';
import type { Check, Classification } from '../../core/report-types.js';
import { writeJsonAtomic } from '../../runtime/fs.js';
import type { GateContext, StepDef } from '../types.js';
import { skipCheck } from './common.js';

export const CHAOS_DIR = 'staging-chaos';
/** The chaos lane's findings as the gate merges them (written by the step, read by the report step). */
export const CHAOS_RESULT_FILE = `${CHAOS_DIR}/gate-chaos.json`;

/** Chaos check ids always carry the chaos_ prefix (the ops classification leaves them to the chaos findings). */
function chaosCheck(c: Check): Check {
  return c.id.startsWith('chaos_') ? c : { ...c, id: `chaos_${c.id}` };
}

/**
 * What the lane's isolation audit must not call a leak: the gate's own out-dir (the observation window and
 * the demo target write there while T3 runs) and the live target's log directories (a running daemon
 * appends to its own logs all the time).
 */
export function auditIgnore(gate: Pick<GateContext, 'opts' | 'bound'>): string[] {
  const logDirs = gate.bound.logs.map((s) => path.dirname(s.path));
  return [...new Set([gate.opts.outDir, ...logDirs])].sort();
}

/** The T3 step. */
export function chaosStep(deps: string[]): StepDef {
  const def: StepDef = {
    id: 't3_chaos',
    phase: 'T3',
    title: 'staging chaos in the sandbox lane',
    idempotent: true,
    deps,
    async run(r) {
      const { gate } = r;
      if (gate.opts.skipChaos) return { checks: [skipCheck(gate, def, 'skipped by --skip-chaos')] };
      r.started(process.pid);
      const { runChaos } = await import('../../chaos/run.js');
      const outDir = path.join(gate.opts.outDir, CHAOS_DIR);
      const res = await runChaos(gate.bound, {
        release: gate.opts.release,
        runId: gate.opts.runId,
        outDir,
        scenarios: gate.opts.scenarios ?? undefined,
        concurrency: gate.opts.serial ? 1 : undefined,
        progress: gate.progress.sub('T3'),
        cwd: gate.cwd,
        auditIgnore: auditIgnore(gate),
      });
      const checks = res.checks.map(chaosCheck);
      const classification: Classification[] = res.classification;
      await writeJsonAtomic(path.join(gate.opts.outDir, CHAOS_RESULT_FILE), { classification });
      return { checks, files: [CHAOS_RESULT_FILE] };
    },
  };
  return def;
}

/** The chaos classifications recorded by the T3 step ([] when it was skipped). */
export async function readChaosClassification(gate: GateContext): Promise<Classification[]> {
  try {
    const data = JSON.parse(await fsp.readFile(path.join(gate.opts.outDir, CHAOS_RESULT_FILE), 'utf8')) as { classification?: Classification[] };
    return data.classification ?? [];
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}
