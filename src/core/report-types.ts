/** HuntReportV1 as TypeScript types (the schema in schemas/hunt-report-v1.schema.json is the authority). */

export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skip';
export type Category = 'core' | 'plugin-private' | 'ops';
export type Severity = 'p0' | 'p1' | 'p2';
export type ClassificationStatus = 'new' | 'known' | 'regressed' | 'resolved';
export type Lane = 'prod-observe' | 'staging-chaos';
export type GateStatus = 'pass' | 'warn' | 'fail';

export interface Check {
  id: string;
  title: string;
  status: CheckStatus;
  summary: string;
  startedAt: string;
  endedAt: string;
  durationMs: number;
  command?: string;
  evidence?: string[];
  artifacts?: string[];
  metadata?: Record<string, unknown>;
}

export interface Signature {
  name: string;
  source: string;
  countWindow: number;
  countTotal: number;
  windowMinutes: number;
  baselineWindowCount?: number;
  delta?: number;
  issueUrl?: string;
}

export interface Classification {
  id: string;
  category: Category;
  severity: Severity;
  status: ClassificationStatus;
  summary: string;
  reproSteps?: string[];
  expected?: string;
  actual?: string;
  affectedVersions?: string[];
  suggestedFix?: string;
  issueUrl?: string;
  prUrl?: string;
}

export interface HuntReportV1 {
  version: '1';
  release: string;
  runId: string;
  lane: Lane;
  startedAt: string;
  endedAt: string;
  checks: Check[];
  signatures: Signature[];
  classification: Classification[];
  upstreamLinks: string[];
  metadata?: Record<string, unknown>;
}

/** One machine-readable cause of a verdict. */
export interface GateReason {
  id: string;
  rule: string;
  detail: string;
  /** The gate phase the cause belongs to (T0..T4), when the report says (metadata.phases). */
  phase?: string;
}

/** The verdict as written to metadata.gate. */
export interface GateVerdict {
  status: GateStatus;
  reasons: GateReason[];
  blockingSeverity: Severity;
}
