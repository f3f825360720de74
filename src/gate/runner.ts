/**
 * The phase runner: executes the gate's steps as a small dependency graph (T3 chaos may overlap T1/T2,
 * tests share a concurrency pool) with the journal protocol around every step:
 * intent (fsynced BEFORE the step acts) -> started (pid) -> artifacts written atomically -> result (sha256).
 * Steps completed in an earlier run are loaded from their verified artifacts instead of running again.
 */
import path from 'node:path';
import { promises as fsp } from 'node:fs';
import type { Check, CheckStatus } from '../core/report-types.js';
import { errorMessage } from '../errors.js';
import { writeFileAtomic, writeJsonAtomic } from '../runtime/fs.js';
import type { JournalState } from './journal.js';
import { refsFor } from './journal-io.js';
import type { ResumePlan } from './resume.js';
import { reapInterrupted } from './reap.js';
import type { GateContext, StepDef, StepOutput } from './types.js';

const WORST: CheckStatus[] = ['fail', 'warn', 'pass', 'skip'];

/** The worst status of a list of checks (skip only when all skipped; pass for none). */
export function worstStatus(checks: Check[]): CheckStatus {
  for (const s of WORST) if (checks.some((c) => c.status === s)) return s;
  return 'pass';
}

class Pool {
  private waiting: Array<() => void> = [];
  private busy = 0;
  constructor(private readonly limit: number) {}
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.busy >= this.limit) await new Promise<void>((r) => this.waiting.push(r));
    this.busy++;
    try {
      return await fn();
    } finally {
      this.busy--;
      this.waiting.shift()?.();
    }
  }
}

async function loadChecks(outDir: string, files: string[]): Promise<Check[]> {
  const out: Check[] = [];
  for (const f of files) if (/^checks\/[^/]+\.json$/.test(f)) out.push(JSON.parse(await fsp.readFile(path.join(outDir, f), 'utf8')) as Check);
  return out;
}

function acceptedCheck(def: StepDef, now: string): Check {
  return {
    id: def.id,
    title: def.title,
    status: 'pass',
    summary: `accepted by the operator (--accept-step ${def.id}) after an interrupted run; not run again`,
    startedAt: now,
    endedAt: now,
    durationMs: 0,
    metadata: { acceptedByOperator: true },
  };
}

function internalErrorCheck(def: StepDef, err: unknown, startedAt: string, now: string, ms: number): Check {
  return {
    id: def.id,
    title: def.title,
    status: 'fail',
    summary: `internal error: ${errorMessage(err)}`,
    startedAt,
    endedAt: now,
    durationMs: ms,
    metadata: { internalError: true },
  };
}

/** Writes a step's checks and logs; returns the artifact paths (relative to the out-dir), check files first. */
async function writeOutput(outDir: string, out: StepOutput): Promise<string[]> {
  const files: string[] = [];
  for (const c of out.checks) {
    const rel = `checks/${c.id}.json`;
    await writeJsonAtomic(path.join(outDir, rel), c);
    files.push(rel);
  }
  for (const [id, text] of Object.entries(out.logs ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const rel = `checks/${id}.log`;
    await writeFileAtomic(path.join(outDir, rel), text.endsWith('\n') ? text : `${text}\n`);
    files.push(rel);
  }
  return [...files, ...(out.files ?? [])];
}

export interface RunStepsInput {
  gate: GateContext;
  steps: StepDef[];
  /** Journal state and resume plan of an earlier run (null on a first run). */
  previous: { state: JournalState; plan: ResumePlan } | null;
  testConcurrency: number;
  /** Filled with each step's checks as it completes (the report step reads it). */
  stepChecks: Map<string, Check[]>;
}

/** Runs (or loads) every step; resolves to the checks of each step by step id. Never rejects for a step's failure. */
export async function runSteps(input: RunStepsInput): Promise<Map<string, Check[]>> {
  const { gate, steps, previous } = input;
  const { outDir } = gate.opts;
  const pools = { tests: new Pool(input.testConcurrency) };
  const done = input.stepChecks;
  const checkIndex = new Map<string, Check>();
  const promises = new Map<string, Promise<void>>();
  const byId = new Map(steps.map((s) => [s.id, s]));
  const rerunPid = new Map((previous?.plan.rerun ?? []).map((r) => [r.step, r.pid]));
  const now = () => new Date(gate.clock.now()).toISOString();
  const record = (id: string, checks: Check[]) => {
    done.set(id, checks);
    for (const c of checks) checkIndex.set(c.id, c);
  };

  // On SIGINT/SIGTERM hunt tears down every lane and process it started, then exits. A step that "finishes"
  // during that teardown (a scenario whose target was just killed) must not be recorded as a result: it stays
  // pending, so a resume runs it again (or refuses, for a non-idempotent step) instead of trusting it.
  let interrupted = false;
  const onSignal = () => void (interrupted = true);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const halt = () => new Promise<never>(() => {}); // the teardown handler exits the process

  const execute = async (def: StepDef): Promise<void> => {
    await Promise.all(def.deps.map((d) => promises.get(d)));
    const prior = previous?.state.steps.get(def.id);
    if (prior?.result) {
      record(
        def.id,
        await loadChecks(
          outDir,
          prior.result.artifacts.map((a) => a.path),
        ),
      );
      return;
    }
    if (previous?.plan.accepted.includes(def.id)) {
      if (!prior?.accepted) await gate.journal.append({ t: 'accept', at: now(), step: def.id });
      const check = acceptedCheck(def, now());
      const refs = await refsFor(outDir, await writeOutput(outDir, { checks: [check] }));
      await gate.journal.append({ t: 'result', at: now(), step: def.id, status: 'pass', artifacts: refs });
      gate.progress.step(`${def.phase} ${def.title}`).done('pass', 'accepted by the operator');
      record(def.id, [check]);
      return;
    }
    const body = async () => {
      if (interrupted) return halt();
      const pid = rerunPid.get(def.id);
      if (pid !== undefined) await reapInterrupted(pid, outDir);
      const progress = gate.progress.step(`${def.phase} ${def.title}`);
      await gate.journal.append({ t: 'intent', at: now(), step: def.id, phase: def.phase });
      const startedAt = now();
      const t0 = gate.clock.now();
      let out: StepOutput;
      try {
        out = await def.run({
          gate,
          started: (p) => void gate.journal.append({ t: 'started', at: now(), step: def.id, pid: p }).catch(() => {}),
          checkOf: (id) => checkIndex.get(id),
          update: (t) => progress.update(t),
        });
      } catch (err) {
        gate.internalErrors.push(`step ${def.id}: ${errorMessage(err)}`);
        out = { checks: [internalErrorCheck(def, err, startedAt, now(), gate.clock.now() - t0)] };
      }
      if (interrupted) return halt();
      const refs = await refsFor(outDir, await writeOutput(outDir, out));
      if (interrupted) return halt();
      const status = worstStatus(out.checks);
      await gate.journal.append({ t: 'result', at: now(), step: def.id, status, artifacts: refs });
      const headline = out.checks.length === 1 ? out.checks[0].summary : out.checks.length ? `${out.checks.length} checks` : '';
      progress.done(status, headline.split('\n')[0].slice(0, 160));
      record(def.id, out.checks);
    };
    await (def.pool ? pools[def.pool].run(body) : body());
  };

  for (const def of steps) {
    for (const d of def.deps) if (!byId.has(d)) throw new Error(`step ${def.id} depends on unknown step ${d}`);
  }
  // Steps are listed in dependency order, so every dep's promise exists before its dependants start.
  try {
    for (const def of steps) promises.set(def.id, execute(def));
    await Promise.all(promises.values());
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  return done;
}
