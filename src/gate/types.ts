/** Shared types of the release gate: its options (persisted in the journal), context, and steps. */
import type { AllowlistFile } from '../core/allowlist.js';
import type { Check, HuntReportV1, Lane } from '../core/report-types.js';
import type { RunBinding } from '../config/bind.js';
import type { Overrides } from '../config/overrides.js';
import type { Clock } from '../runtime/clock.js';
import type { Invocation, Phase } from './journal.js';
import type { JournalWriter } from './journal-io.js';
import type { GateProgress } from './progress.js';

/** Everything the gate was asked to do. Persisted in the journal's run record so --resume repeats it. */
export interface GateOptions {
  release: string;
  lane: Lane;
  runId: string;
  /** Absolute out-dir. */
  outDir: string;
  /** The log scanner's checkpoint directory (absolute; default <outDir>/scan-state, which a resume reuses). */
  stateDir: string;
  demo: boolean;
  /** Absolute path of the profile as given (the journal keeps a copy under inputs/). */
  configFile: string;
  /** Absolute baseline report path (copied to inputs/baseline.json), or null. */
  baselineFile: string | null;
  /** Absolute allowlist path (copied to inputs/known-issues.json), or null. */
  allowlistFile: string | null;
  skipUpdate: boolean;
  skipTests: boolean;
  skipChaos: boolean;
  updateCommand: string | null;
  restartCommand: string | null;
  verifyCommand: string | null;
  failOn: 'fail' | 'warn';
  observeSeconds: number;
  expectVersion: string | null;
  /** Chaos scenarios to run (null: the profile's / all). */
  scenarios: string[] | null;
  /** Run every phase strictly one after another (no overlap of T3/T4-observe with T1/T2). */
  serial: boolean;
  /** Absolute directory of earlier reports: the Markdown report embeds the release trend (--history). */
  history?: string | null;
  /** Keep absolute paths in the report (--absolute-paths); default relative to the out-dir / working directory. */
  absolutePaths?: boolean;
  /**
   * HUNT_* and flag overrides (port, home, window, command timeout) with their origins; for --demo also the
   * free port and the home under the out-dir. A resume binds the journal's copy of the profile with these.
   */
  overrides: Overrides;
  /** ISO time the gate started (the report's startedAt). */
  startedAt: string;
}

/** What a command asks a new gate to do (flags already parsed); newSession turns it into GateOptions. */
export interface GateRequest extends Omit<GateOptions, 'runId' | 'configFile' | 'baselineFile' | 'allowlistFile' | 'overrides' | 'startedAt'> {
  /** Run id; default `<release>-<stamp>`. */
  runId?: string;
  /** Absolute baseline report, or null. */
  baseline: string | null;
  /** Explicit allowlist path; false for --no-allowlist; undefined: the default known-issues.json if present. */
  allowlist: string | false | undefined;
  /** UTC stamp of the invocation (default run id and out-dir). */
  stamp: string;
}

/** What a run of the gate works with. Built once per invocation (first run or resume). */
export interface GateContext {
  opts: GateOptions;
  /**
   * The run's bound value: target, window, redactor; its baseEnv is the inherited environment plus the gate
   * marker (what chaos lanes start from), its commandEnv adds the target's env (what target commands get).
   */
  bound: RunBinding;
  allowlist: AllowlistFile | null;
  baseline: HuntReportV1 | null;
  journal: JournalWriter;
  progress: GateProgress;
  clock: Clock;
  cwd: string;
  /** Unexpected errors of steps (bugs, I/O): any makes the verdict fail. */
  internalErrors: string[];
  /** Every invocation that worked on this gate (the run, each resume) and what its reclaim ended (the report states them). */
  invocations: Invocation[];
}

/** What one step produces: its checks (each written to checks/<id>.json) and any other files. */
export interface StepOutput {
  checks: Check[];
  /** Extra text per check id, written to checks/<id>.log. */
  logs?: Record<string, string>;
  /** Other artifacts already written by the step (paths relative to the out-dir). */
  files?: string[];
}

export interface StepRun {
  gate: GateContext;
  /** Records the pid of the process that acts for the step (journal `started`). */
  started(pid: number): void;
  /** Checks of steps that completed earlier (this run or a previous one), by check id. */
  checkOf(id: string): Check | undefined;
  /** Updates the progress line of the step. */
  update(text: string): void;
}

export interface StepDef {
  id: string;
  phase: Phase;
  title: string;
  /** Safe to run again when an earlier attempt was interrupted. */
  idempotent: boolean;
  /** Steps that must be complete before this one starts. */
  deps: string[];
  /** Steps in the same pool share its concurrency limit. */
  pool?: 'tests';
  run(r: StepRun): Promise<StepOutput>;
}
