/**
 * The release gate's journal (journal.ndjson): one JSON record per line, appended and fsynced BEFORE the
 * step it announces acts. This module is pure: it parses the text and folds it into a state; the shell
 * (journal-io.ts) appends records and checks the artifacts the results name.
 *
 * Records: `run` (first line: what was asked, so --resume repeats the same gate), then per step
 * `intent` -> `started` (pid) -> `result` (status, artifacts with sha256); `accept` when an operator
 * vouches for an interrupted non-idempotent step; `resume` per resumed invocation; `done` at the end.
 */

export const JOURNAL_VERSION = 1;
export const JOURNAL_FILE = 'journal.ndjson';

/** Phases in order. */
export const PHASES = ['T0', 'T1', 'T2', 'T3', 'T4'] as const;
export type Phase = (typeof PHASES)[number];

export interface ArtifactRef {
  /** Path relative to the out-dir, forward slashes. */
  path: string;
  sha256: string;
}

/** What the reclaim at the start of an invocation ended (leftovers of killed chaos runs). */
export interface ReclaimNote {
  dir: string;
  reason: string;
  killed: number[];
}

export interface RunRecord {
  t: 'run';
  v: number;
  at: string;
  runId: string;
  release: string;
  /** Pid of the hunt process that started the run. */
  pid?: number;
  /** What the reclaim before the run ended. */
  reclaimed?: ReclaimNote[];
  /** The gate's resolved options (opaque here; the command validates them on resume). */
  options: Record<string, unknown>;
}
export interface IntentRecord {
  t: 'intent';
  at: string;
  step: string;
  phase: Phase;
}
export interface StartedRecord {
  t: 'started';
  at: string;
  step: string;
  pid: number;
}
export interface ResultRecord {
  t: 'result';
  at: string;
  step: string;
  status: 'pass' | 'warn' | 'fail' | 'skip';
  artifacts: ArtifactRef[];
}
export interface AcceptRecord {
  t: 'accept';
  at: string;
  step: string;
}
export interface ResumeRecord {
  t: 'resume';
  at: string;
  pid: number;
  /** What the reclaim before the resume ended. */
  reclaimed?: ReclaimNote[];
}
export interface DoneRecord {
  t: 'done';
  at: string;
  verdict: 'pass' | 'warn' | 'fail';
  exitCode: number;
}
export type JournalRecord = RunRecord | IntentRecord | StartedRecord | ResultRecord | AcceptRecord | ResumeRecord | DoneRecord;

/** A journal that cannot be trusted: resume must fail closed. */
export class JournalCorrupt extends Error {
  constructor(
    readonly line: number,
    readonly reason: string,
  ) {
    super(line > 0 ? `line ${line}: ${reason}` : reason);
  }
}

/** What the journal says about one step. */
export interface StepState {
  step: string;
  phase: Phase;
  /** Intent records seen (more than one: re-run after an interruption). */
  attempts: number;
  /** Pid of the latest started record after the latest intent. */
  pid?: number;
  result?: ResultRecord;
  accepted: boolean;
  /** Line of the latest intent. */
  intentLine: number;
}

export interface Invocation {
  kind: 'run' | 'resume';
  at: string;
  pid: number | null;
  reclaimed: ReclaimNote[];
}

export interface JournalState {
  run: RunRecord;
  steps: Map<string, StepState>;
  /** Step ids in the order of their first intent. */
  order: string[];
  /** The latest result record (the last durable artifact). */
  lastResult?: ResultRecord;
  done?: DoneRecord;
  resumes: number;
  /** Every invocation that worked on the gate (the run, then each resume), with what its reclaim ended. */
  invocations: Invocation[];
  /** Pid of the latest hunt invocation that worked on this journal (run or resume record). */
  lastPid?: number;
}

const STATUSES = new Set(['pass', 'warn', 'fail', 'skip']);
const SHA = /^[0-9a-f]{64}$/;
const isStr = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

function validRecord(r: Record<string, unknown>, line: number): JournalRecord {
  const bad = (why: string) => new JournalCorrupt(line, why);
  if (!isStr(r.at)) throw bad('record without a timestamp');
  switch (r.t) {
    case 'run':
      if (r.v !== JOURNAL_VERSION) throw bad(`unsupported journal version ${JSON.stringify(r.v)} (this hunt writes ${JOURNAL_VERSION})`);
      if (!isStr(r.runId) || !isStr(r.release) || !r.options || typeof r.options !== 'object') throw bad('run record without runId/release/options');
      return r as unknown as RunRecord;
    case 'intent':
      if (!isStr(r.step) || !PHASES.includes(r.phase as Phase)) throw bad('intent record without a step or phase');
      return r as unknown as IntentRecord;
    case 'started':
      if (!isStr(r.step) || !Number.isInteger(r.pid)) throw bad('started record without a step or pid');
      return r as unknown as StartedRecord;
    case 'result': {
      if (!isStr(r.step) || !STATUSES.has(r.status as string) || !Array.isArray(r.artifacts)) throw bad('result record without a step, status or artifacts');
      for (const a of r.artifacts as ArtifactRef[]) {
        if (!a || !isStr(a.path) || !SHA.test(String(a.sha256)) || a.path.startsWith('/') || a.path.split('/').includes('..')) {
          throw bad(`result of ${r.step} names an invalid artifact ${JSON.stringify(a)}`);
        }
      }
      return r as unknown as ResultRecord;
    }
    case 'accept':
      if (!isStr(r.step)) throw bad('accept record without a step');
      return r as unknown as AcceptRecord;
    case 'resume':
      return r as unknown as ResumeRecord;
    case 'done':
      if (!STATUSES.has(r.verdict as string) || !Number.isInteger(r.exitCode)) throw bad('done record without a verdict');
      return r as unknown as DoneRecord;
    default:
      throw bad(`unknown record type ${JSON.stringify(r.t)}`);
  }
}

/** Parses journal text into records; any malformed line is corruption (no silent skipping). */
export function parseJournal(text: string): JournalRecord[] {
  if (!text.trim()) throw new JournalCorrupt(0, 'the journal is empty');
  if (!text.endsWith('\n')) throw new JournalCorrupt(text.split('\n').length, 'the last line is incomplete (torn write)');
  const out: JournalRecord[] = [];
  const lines = text.slice(0, -1).split('\n');
  lines.forEach((raw, i) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw new JournalCorrupt(i + 1, 'not valid JSON');
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new JournalCorrupt(i + 1, 'not a JSON object');
    out.push(validRecord(parsed as Record<string, unknown>, i + 1));
  });
  return out;
}

/** Folds records into a state, enforcing the intent -> started -> result order per step. */
export function foldJournal(records: JournalRecord[]): JournalState {
  const first = records[0];
  if (!first || first.t !== 'run') throw new JournalCorrupt(1, 'the first record is not the run header');
  const state: JournalState = {
    run: first,
    steps: new Map(),
    order: [],
    resumes: 0,
    invocations: [{ kind: 'run', at: first.at, pid: first.pid ?? null, reclaimed: first.reclaimed ?? [] }],
    lastPid: first.pid,
  };
  records.slice(1).forEach((r, idx) => {
    const line = idx + 2;
    if (state.done) throw new JournalCorrupt(line, `record after the run was marked done`);
    if (r.t === 'run') throw new JournalCorrupt(line, 'a second run header');
    if (r.t === 'resume') {
      state.resumes++;
      state.lastPid = r.pid;
      state.invocations.push({ kind: 'resume', at: r.at, pid: r.pid, reclaimed: r.reclaimed ?? [] });
      return;
    }
    if (r.t === 'done') return void (state.done = r);
    const s = state.steps.get(r.step);
    if (r.t === 'intent') {
      if (s?.result) throw new JournalCorrupt(line, `step ${r.step} already has a result but is started again`);
      if (s && s.phase !== r.phase) throw new JournalCorrupt(line, `step ${r.step} changed phase from ${s.phase} to ${r.phase}`);
      if (s) {
        s.attempts++;
        s.pid = undefined;
        s.intentLine = line;
      } else {
        state.steps.set(r.step, { step: r.step, phase: r.phase, attempts: 1, accepted: false, intentLine: line });
        state.order.push(r.step);
      }
      return;
    }
    if (!s) throw new JournalCorrupt(line, `${r.t} record for step ${r.step} without an intent`);
    if (s.result) throw new JournalCorrupt(line, `${r.t} record for step ${r.step}, which already has a result`);
    if (r.t === 'started') s.pid = r.pid;
    else if (r.t === 'accept') s.accepted = true;
    else {
      s.result = r;
      state.lastResult = r;
    }
  });
  return state;
}

/** Parses and folds journal text. Throws JournalCorrupt. */
export function readJournalState(text: string): JournalState {
  return foldJournal(parseJournal(text));
}

/** Steps with an intent but no result (interrupted), in journal order. */
export function pendingSteps(state: JournalState): StepState[] {
  return state.order.map((id) => state.steps.get(id)!).filter((s) => !s.result);
}

/** One journal line (no trailing newline). */
export function journalLine(r: JournalRecord): string {
  return JSON.stringify(r);
}
