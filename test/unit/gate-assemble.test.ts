import { describe, expect, it } from 'vitest';
import { allowlistMatcher, assembleReport, type AssembleInput } from '../../src/gate/assemble.js';
import type { Check, HuntReportV1 } from '../../src/core/report-types.js';
import type { RuntimeSnapshot } from '../../src/probes/snapshot-types.js';
import type { GateOptions } from '../../src/gate/types.js';
import { validateReport } from '../../src/report/validate.js';
import { computeVerdict } from '../../src/core/verdict.js';
import { applyAllowlist, type AllowlistFile } from '../../src/core/allowlist.js';

const NOW = Date.parse('2026-06-01T00:00:00Z');
const at = '2026-06-01T00:00:00.000Z';
const check = (id: string, status: Check['status'], metadata?: Record<string, unknown>): Check => ({
  id,
  title: id,
  status,
  summary: `${id} ${status}`,
  startedAt: at,
  endedAt: at,
  durationMs: 1,
  ...(metadata ? { metadata } : {}),
});
const allowlist: AllowlistFile = {
  entries: [
    { id: 'KI-1', match: { signature: 'lock_*' }, issueUrl: 'https://issues/1', reason: 'known flake' },
    { id: 'KI-old', match: { signature: 'fatal_crash' }, issueUrl: 'https://issues/2', reason: 'expired', expires: '2026-01-01' },
  ],
};

function snapshot(counts: Record<string, number | null>): RuntimeSnapshot {
  return {
    window: { minutes: 60, start: at, end: at },
    signatures: Object.entries(counts).map(([name, n]) => ({
      name,
      source: 'err',
      kind: name === 'fatal_crash' ? 'crash' : 'error',
      countWindow: n,
      countTotal: n ?? 0,
      firstSeen: n ? at : null,
      lastSeen: n ? at : null,
      samples: n ? [`${at} ERROR ${name}`] : [],
    })),
  } as unknown as RuntimeSnapshot;
}

function input(
  counts: Record<string, number | null>,
  baseline: HuntReportV1 | null,
  checks: Check[] = [check('t0_preflight', 'pass', { version: '1.0.0' })],
): AssembleInput {
  return {
    opts: {
      release: '2.0.0',
      runId: 'r1',
      lane: 'prod-observe',
      startedAt: at,
      outDir: '/o',
      demo: true,
      skipUpdate: false,
      skipTests: false,
      skipChaos: true,
      observeSeconds: 0,
      expectVersion: null,
      baselineFile: baseline ? '/b.json' : null,
    } as GateOptions,
    steps: [
      { id: 't0_preflight', phase: 'T0' },
      { id: 't2_x', phase: 'T2' },
    ],
    stepChecks: new Map([
      ['t0_preflight', checks.slice(0, 1)],
      ['t2_x', checks.slice(1)],
    ]),
    final: snapshot(counts),
    chaosClassification: [],
    profile: [
      { name: 'fatal_crash', kind: 'crash' },
      { name: 'lock_conflict', kind: 'error', category: 'ops' },
    ],
    threshold: { absolute: 3, relative: 0.5 },
    windowMinutes: 60,
    allowlist,
    baseline,
    nowMs: NOW,
    internalErrors: [],
    target: { name: 'gw', port: 1, home: '/h' },
  };
}

const baseReport = (counts: Record<string, number>, minutes = 60): HuntReportV1 => ({
  version: '1',
  release: '1.9.0',
  runId: 'old',
  lane: 'prod-observe',
  startedAt: at,
  endedAt: at,
  checks: [],
  classification: [],
  upstreamLinks: [],
  signatures: Object.entries(counts).map(([name, n]) => ({ name, source: 'err', countWindow: n, countTotal: n, windowMinutes: minutes })),
});

function verdictOf(i: AssembleInput) {
  const report = assembleReport(i);
  expect(validateReport(report).ok).toBe(true);
  const applied = applyAllowlist(report, allowlist, NOW).report;
  return { report: applied, verdict: computeVerdict(applied) };
}

describe('allowlistMatcher', () => {
  it('first unexpired entry by signature glob; expired entries never match', () => {
    const m = allowlistMatcher(allowlist, NOW);
    expect(m('lock_conflict')).toEqual({ entryId: 'KI-1', issueUrl: 'https://issues/1' });
    expect(m('fatal_crash')).toBeUndefined();
    expect(allowlistMatcher(null, NOW)('x')).toBeUndefined();
  });
});

describe('assembleReport + allowlist + verdict', () => {
  it('a clean run passes with a valid report', () => {
    const { verdict, report } = verdictOf(input({ fatal_crash: 0, lock_conflict: 0 }, null));
    expect(verdict.status).toBe('pass');
    expect(report.metadata?.phases).toBeDefined();
  });
  it('a window that could not be computed is no 0: kept out of signatures[] (no resolved against the baseline), listed in metadata', () => {
    const { verdict, report } = verdictOf(input({ fatal_crash: null, lock_conflict: 0 }, baseReport({ fatal_crash: 5 })));
    expect(report.signatures.map((s) => s.name)).toEqual(['lock_conflict']);
    expect(report.classification.find((c) => c.id === 'fatal_crash')).toBeUndefined();
    expect(report.metadata?.signaturesWindowUnknown).toEqual([{ name: 'fatal_crash', source: 'err' }]);
    expect(verdict.status).toBe('pass'); // the warn comes from the T4 check (window-unverifiable), which this input omits
  });
  it('a new p0 crash signature fails', () => {
    const { verdict } = verdictOf(input({ fatal_crash: 4, lock_conflict: 0 }, null));
    expect(verdict.status).toBe('fail');
    expect(verdict.reasons[0]).toMatchObject({ id: 'fatal_crash', rule: 'classification-blocking' });
  });
  it('an allowlisted signature within the threshold is known: warn', () => {
    const { verdict, report } = verdictOf(input({ fatal_crash: 0, lock_conflict: 3 }, baseReport({ lock_conflict: 2 })));
    expect(report.classification.map((c) => [c.id, c.status])).toEqual([['lock_conflict', 'known']]);
    expect(verdict.status).toBe('warn');
  });
  it('an allowlisted signature that rose beyond the threshold is regressed (p1: warn, not blocking at p0)', () => {
    const { verdict, report } = verdictOf(input({ fatal_crash: 0, lock_conflict: 20 }, baseReport({ lock_conflict: 2 })));
    expect(report.classification[0]).toMatchObject({ id: 'lock_conflict', status: 'regressed', issueUrl: 'https://issues/1' });
    expect(report.signatures.find((s) => s.name === 'lock_conflict')).toMatchObject({ baselineWindowCount: 2, delta: 18 });
    expect(verdict.status).toBe('warn');
    expect(verdict.reasons.map((r) => r.rule)).toContain('classification-regressed');
  });
  it('a resolved signature never warns', () => {
    const { verdict, report } = verdictOf(input({ fatal_crash: 0, lock_conflict: 0 }, baseReport({ lock_conflict: 9 })));
    expect(report.classification.map((c) => c.status)).toEqual(['resolved']);
    expect(verdict.status).toBe('pass');
  });
  it('a failed strict check gives one ops classification and fails', () => {
    const { verdict, report } = verdictOf(input({ fatal_crash: 0 }, null, [check('t0_preflight', 'pass'), check('t2_x', 'fail')]));
    expect(report.classification.map((c) => c.id)).toEqual(['ops_failed_checks']);
    expect(verdict.status).toBe('fail');
  });
  it('internal errors are carried into the report and fail the verdict', () => {
    const i = input({}, null);
    i.internalErrors = ['step t4_signatures: boom'];
    const { verdict } = verdictOf(i);
    expect(verdict.reasons[0]).toMatchObject({ rule: 'internal-error' });
  });
});
