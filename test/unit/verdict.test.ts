import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { computeVerdict, ruleEffect, verdictExitCode, RULES } from '../../src/core/verdict.js';
import type { Check, Classification, ClassificationStatus, HuntReportV1, Severity } from '../../src/core/report-types.js';
import { reportArb } from './render.arbitraries.js';

const T = '2026-01-31T09:00:00Z';

function check(id: string, status: Check['status'], extra: Partial<Check> = {}): Check {
  return { id, title: `title ${id}`, status, summary: `summary ${id}`, startedAt: T, endedAt: T, durationMs: 1, ...extra };
}

function cls(id: string, severity: Severity, status: ClassificationStatus): Classification {
  return { id, category: 'core', severity, status, summary: `summary ${id}` };
}

function report(checks: Check[], classification: Classification[] = [], metadata?: Record<string, unknown>): HuntReportV1 {
  return {
    version: '1',
    release: '1.0.0',
    runId: 'r1',
    lane: 'prod-observe',
    startedAt: T,
    endedAt: T,
    checks,
    signatures: [],
    classification,
    upstreamLinks: [],
    ...(metadata ? { metadata } : {}),
  };
}

describe('computeVerdict: the design rules', () => {
  it('passes with a reason when nothing is open', () => {
    const v = computeVerdict(report([check('a', 'pass'), check('b', 'skip')], [cls('x', 'p0', 'resolved')]));
    expect(v.status).toBe('pass');
    expect(v.blockingSeverity).toBe('p0');
    expect(v.reasons).toEqual([{ id: 'gate', rule: 'all-clear', detail: '1 check(s) passed, 1 skipped, 1 classification(s) resolved; no open finding' }]);
  });

  it('fails on any failed check', () => {
    const v = computeVerdict(report([check('a', 'pass'), check('b', 'fail')]));
    expect(v.status).toBe('fail');
    expect(v.reasons).toEqual([{ id: 'b', rule: 'check-fail', detail: 'title b: summary b' }]);
  });

  it('warns on a warned check', () => {
    const v = computeVerdict(report([check('a', 'warn')]));
    expect(v.status).toBe('warn');
    expect(v.reasons[0]).toMatchObject({ id: 'a', rule: 'check-warn' });
  });

  it('fails closed on internal errors given or recorded in the report', () => {
    expect(computeVerdict(report([check('a', 'pass')]), { internalErrors: ['scanner crashed'] })).toMatchObject({
      status: 'fail',
      reasons: [{ id: 'internal', rule: 'internal-error', detail: 'scanner crashed' }],
    });
    const recorded = report([check('a', 'pass')], [], { internalErrors: ['journal corrupt'] });
    expect(computeVerdict(recorded).status).toBe('fail');
    const previousGate = report([check('a', 'pass')], [], { gate: { status: 'fail', reasons: [{ id: 'internal', rule: 'internal-error', detail: 'boom' }] } });
    expect(computeVerdict(previousGate).reasons[0]).toEqual({ id: 'internal', rule: 'internal-error', detail: 'boom' });
  });

  it('warns when nothing was verified (no checks, or all skipped) instead of passing green', () => {
    expect(computeVerdict(report([])).reasons).toEqual([{ id: 'checks', rule: 'nothing-verified', detail: 'the report has no checks: nothing was verified' }]);
    expect(computeVerdict(report([check('a', 'skip')])).status).toBe('warn');
  });

  const severities: Severity[] = ['p0', 'p1', 'p2'];
  const statuses: ClassificationStatus[] = ['new', 'known', 'regressed', 'resolved'];
  const rank = { p0: 0, p1: 1, p2: 2 };
  for (const blocking of severities) {
    for (const severity of severities) {
      for (const status of statuses) {
        const blocks = (status === 'new' || status === 'regressed') && rank[severity] <= rank[blocking];
        const expected = blocks ? 'fail' : status === 'resolved' ? 'pass' : 'warn';
        it(`classification ${severity} ${status} with blocking ${blocking} -> ${expected}`, () => {
          const v = computeVerdict(report([check('a', 'pass')], [cls('c', severity, status)]), { blockingSeverity: blocking });
          expect(v.status).toBe(expected);
          expect(v.blockingSeverity).toBe(blocking);
          const rule = blocks ? 'classification-blocking' : status === 'resolved' ? 'all-clear' : `classification-${status}`;
          expect(v.reasons.map((r) => r.rule)).toEqual([rule]);
        });
      }
    }
  }

  it('an allowlisted failed check warns, never passes', () => {
    const marked = check('a', 'fail', { metadata: { allowlisted: { entryId: 'KI-1', issueUrl: 'https://x/1', reason: 'r' } } });
    const v = computeVerdict(report([marked]));
    expect(v.status).toBe('warn');
    expect(v.reasons).toEqual([{ id: 'a', rule: 'check-fail-known', detail: 'title a: summary a (allowlisted by KI-1: https://x/1)' }]);
    // A malformed mark (no entryId) does not count.
    expect(computeVerdict(report([check('a', 'fail', { metadata: { allowlisted: { issueUrl: 'x' } } })])).status).toBe('fail');
  });

  it('lists fail causes first, then by rule order and id, whatever the input order', () => {
    const v = computeVerdict(report([check('z', 'warn'), check('b', 'fail'), check('a', 'fail')], [cls('k', 'p2', 'known'), cls('n', 'p0', 'new')]));
    expect(v.reasons.map((r) => `${r.rule}:${r.id}`)).toEqual([
      'check-fail:a',
      'check-fail:b',
      'classification-blocking:n',
      'check-warn:z',
      'classification-known:k',
    ]);
  });

  it('keeps every reason on one line', () => {
    const v = computeVerdict(report([check('a', 'fail', { title: 'multi\nline', summary: ' x \n\n y ' })]));
    expect(v.reasons[0].detail).toBe('multi line: x y');
  });
});

describe('verdict properties', () => {
  it('status is the worst effect among its reasons, reasons are never empty, and order does not matter', () => {
    fc.assert(
      fc.property(reportArb, fc.constantFrom<Severity>('p0', 'p1', 'p2'), (r, blockingSeverity) => {
        const v = computeVerdict(r, { blockingSeverity });
        expect(v.reasons.length).toBeGreaterThan(0);
        const effects = v.reasons.map((x) => ruleEffect(x.rule));
        const worst = effects.includes('fail') ? 'fail' : effects.includes('warn') ? 'warn' : 'pass';
        expect(v.status).toBe(worst);
        for (const x of v.reasons) expect(RULES).toContain(x.rule);
        const shuffled = { ...r, checks: [...r.checks].reverse(), classification: [...r.classification].reverse() };
        expect(computeVerdict(shuffled, { blockingSeverity })).toEqual(v);
        // Any failed check without an allowlist mark fails the gate.
        if (r.checks.some((c) => c.status === 'fail' && !c.metadata?.allowlisted)) expect(v.status).toBe('fail');
      }),
      { numRuns: 300 },
    );
  });

  it('a stricter blocking severity never yields a better verdict', () => {
    const order = { pass: 0, warn: 1, fail: 2 };
    fc.assert(
      fc.property(reportArb, (r) => {
        const p0 = computeVerdict(r, { blockingSeverity: 'p0' }).status;
        const p2 = computeVerdict(r, { blockingSeverity: 'p2' }).status;
        expect(order[p2]).toBeGreaterThanOrEqual(order[p0]);
      }),
      { numRuns: 200 },
    );
  });
});

describe('verdictExitCode', () => {
  it('maps verdicts to the exit-code table', () => {
    expect(verdictExitCode('pass')).toBe(0);
    expect(verdictExitCode('warn')).toBe(0);
    expect(verdictExitCode('fail')).toBe(1);
    expect(verdictExitCode('warn', 'warn')).toBe(1);
    expect(verdictExitCode('pass', 'warn')).toBe(0);
  });

  it('treats an unknown rule as failing (fail closed)', () => {
    expect(ruleEffect('something-new')).toBe('fail');
  });
});

describe('Why FAIL in phase order', () => {
  const phases = {
    phases: [
      { phase: 'T0', checks: ['t0_preflight'] },
      { phase: 'T1', checks: ['t1_update', 't1_restart', 't1_ready'] },
      { phase: 'T3', checks: ['chaos_graceful_shutdown', 'chaos_crash_recovery'] },
      { phase: 'T4', checks: ['t4_observe'] },
    ],
  };

  it('the first broken phase leads (steps in their order): a T1 update failure comes before the chaos consequences it caused', () => {
    const v = computeVerdict(
      report(
        [
          check('t0_preflight', 'pass'),
          check('t1_ready', 'fail'),
          check('t1_update', 'fail'),
          check('t1_restart', 'skip'),
          check('chaos_crash_recovery', 'fail'),
          check('chaos_graceful_shutdown', 'fail'),
          check('t4_observe', 'warn'),
        ],
        [cls('chaos_crash_recovery', 'p0', 'new'), cls('ops_failed_checks', 'p0', 'new'), cls('nginx_emerg', 'p0', 'new')],
        phases,
      ),
    );
    expect(v.status).toBe('fail');
    expect(v.reasons.map((r) => `${r.phase ?? '-'} ${r.rule} ${r.id}`)).toEqual([
      'T1 check-fail t1_update',
      'T1 check-fail t1_ready',
      'T1 classification-blocking ops_failed_checks',
      'T3 check-fail chaos_graceful_shutdown',
      'T3 check-fail chaos_crash_recovery',
      'T3 classification-blocking chaos_crash_recovery',
      'T4 classification-blocking nginx_emerg',
      'T4 check-warn t4_observe',
    ]);
  });

  it('reports without metadata.phases carry no phase and keep the rule order', () => {
    const v = computeVerdict(report([check('b', 'warn'), check('a', 'fail')]));
    expect(v.reasons.map((r) => [r.rule, r.id, r.phase])).toEqual([
      ['check-fail', 'a', undefined],
      ['check-warn', 'b', undefined],
    ]);
  });
});

describe('a reason says what to do', () => {
  it("a failed check's metadata.fix ends its reason", () => {
    const v = computeVerdict(report([check('t1_update', 'fail', { metadata: { policy: 'strict', fix: 'make the release pass its own update check' } })]));
    expect(v.reasons[0].detail).toBe('title t1_update: summary t1_update (fix: make the release pass its own update check)');
  });
});

describe('a cause found later is listed where it happened', () => {
  it('metadata.causePhase puts a T4 check about a line logged in T1 under T1', () => {
    const v = computeVerdict(
      report(
        [check('t1_restart', 'pass'), check('chaos_signal_restart', 'fail'), check('t4_appended_errors', 'fail', { metadata: { causePhase: 'T1' } })],
        [],
        {
          phases: [
            { phase: 'T1', checks: ['t1_restart'] },
            { phase: 'T3', checks: ['chaos_signal_restart'] },
            { phase: 'T4', checks: ['t4_appended_errors'] },
          ],
        },
      ),
    );
    expect(v.reasons.map((r) => `${r.phase} ${r.id}`)).toEqual(['T1 t4_appended_errors', 'T3 chaos_signal_restart']);
  });
});
