/** Shared shapes of the chaos lane: findings, the per-scenario recorder, scenario definitions. */
import type { ChaosConfig } from '../config/schema.js';
import type { Severity } from '../core/report-types.js';
import type { Lane } from './lane.js';

/**
 * What went wrong. crash/hang/leak/orphan/sandbox-escape are p0 when they fail a check. `sandbox-escape`: the
 * target wrote (or tried to write) a production path; `leak`: it wrote outside its sandbox elsewhere (a file
 * outside TMPDIR, its working directory). `startup`: the target exited before it was ever ready (a start-up
 * failure, e.g. a config it rejects or a directory it may not write), not a crash.
 */
export type FindingKind = 'crash' | 'hang' | 'sandbox-escape' | 'leak' | 'orphan' | 'startup' | 'behaviour' | 'message' | 'setup';

export interface Finding {
  kind: FindingKind;
  level: 'fail' | 'warn';
  detail: string;
}

/** Collects what a scenario observed; the runner turns it into a check. */
export class Recorder {
  readonly findings: Finding[] = [];
  readonly evidence: string[] = [];
  /** Observations that are nobody's finding (changes no process of the lane explains): shown, never judged. */
  readonly info: string[] = [];
  readonly notes: string[] = [];
  readonly metadata: Record<string, unknown> = {};
  readonly timings: Record<string, number> = {};
  skipped: string | null = null;

  fail(kind: FindingKind, detail: string): void {
    this.findings.push({ kind, level: 'fail', detail });
  }
  warn(kind: FindingKind, detail: string): void {
    this.findings.push({ kind, level: 'warn', detail });
  }
  /** An evidence line (already redacted by whoever built it from target output). */
  add(line: string): void {
    this.evidence.push(line);
  }
  /** An observation that never affects the check. */
  addInfo(line: string): void {
    this.info.push(line);
  }
  /** A fact for the pass summary, e.g. "exited 98 after 180 ms". */
  note(text: string): void {
    this.notes.push(text);
  }
  timing(name: string, ms: number): void {
    this.timings[name] = Math.round(ms);
  }
  skip(reason: string): void {
    this.skipped = reason;
  }
}

export interface ScenarioContext {
  /** A built-in scenario's name, or custom:<name>. */
  name: string;
  cfg: ChaosConfig;
  lane: Lane;
  rec: Recorder;
}

export interface ScenarioDef {
  /** A built-in scenario's name, or custom:<name>. */
  name: string;
  title: string;
  /** What a healthy target does, for the classification's `expected` (profile values filled in). */
  expected(cfg: ChaosConfig): string;
  /** Where to look when it fails. */
  suggestedFix: string;
  run(ctx: ScenarioContext): Promise<void>;
  /** The classification's severity when it is not the kind-derived one (custom scenarios: the profile's), given the findings worst first. */
  severity?(ranked: Finding[]): Severity | null;
}

/** chaos_<id>: dashes (and the colon of custom:<name>) to underscores (check and classification id). */
export function checkId(name: string): string {
  return `chaos_${name.replace(/[-:]/g, '_')}`;
}

/** Pure: the scenario's name as a file name (artifacts folder, sandbox prefix): custom:<name> -> custom-<name>. */
export function scenarioSlug(name: string): string {
  return name.replace(/:/g, '-');
}
