import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mergeReports, type MergeInput } from '../../src/core/merge.js';
import { normalizeReport, serializeReport } from '../../src/core/normalize.js';
import type { Check, Classification, GateStatus, HuntReportV1, Signature } from '../../src/core/report-types.js';
import { computeVerdict } from '../../src/core/verdict.js';
import { validateReport } from '../../src/report/validate.js';

const RANK: Record<GateStatus, number> = { pass: 0, warn: 1, fail: 2 };
const at = (s: number) => new Date(Date.UTC(2026, 2, 1, 10, 0, s)).toISOString();

// Few distinct ids, so lanes collide often.
const checkArb: fc.Arbitrary<Check> = fc.record({
  id: fc.constantFrom('t0_preflight', 'smoke', 'chaos_crash', 'health'),
  title: fc.constantFrom('a check', 'another'),
  status: fc.constantFrom('pass', 'warn', 'fail', 'skip'),
  summary: fc.constantFrom('ok', 'broke'),
  startedAt: fc.nat({ max: 50 }).map(at),
  endedAt: fc.nat({ max: 50 }).map((s) => at(s + 50)),
  durationMs: fc.nat({ max: 5000 }),
});
// A valid report never counts more in the window than in total (src/report/semantic.ts).
const signatureArb: fc.Arbitrary<Signature> = fc
  .record({
    name: fc.constantFrom('fatal_crash', 'timeouts'),
    source: fc.constantFrom('app', 'app-err'),
    countWindow: fc.nat({ max: 9 }),
    countTotal: fc.nat({ max: 9 }),
    windowMinutes: fc.constantFrom(60, 120),
  })
  .map((s) => ({ ...s, countTotal: Math.max(s.countTotal, s.countWindow) }));
const classArb: fc.Arbitrary<Classification> = fc.record({
  id: fc.constantFrom('signature:fatal_crash', 'check:smoke', 'ops_failed_checks'),
  category: fc.constantFrom('core', 'plugin-private', 'ops'),
  severity: fc.constantFrom('p0', 'p1', 'p2'),
  status: fc.constantFrom('new', 'known', 'regressed', 'resolved'),
  summary: fc.constantFrom('x', 'y'),
});
const laneArb = (runId: string): fc.Arbitrary<MergeInput> =>
  fc
    .record({
      lane: fc.constantFrom('prod-observe', 'staging-chaos'),
      checks: fc.uniqueArray(checkArb, { maxLength: 4, selector: (c) => c.id }),
      signatures: fc.uniqueArray(signatureArb, { maxLength: 3, selector: (s) => `${s.name}/${s.source}` }),
      classification: fc.uniqueArray(classArb, { maxLength: 3, selector: (c) => c.id }),
      severity: fc.constantFrom('p0', 'p1', 'p2'),
      internal: fc.boolean().map((b) => (b ? ['scanner crashed'] : [])),
    })
    .map(({ lane, checks, signatures, classification, severity, internal }) => {
      const report: HuntReportV1 = {
        version: '1',
        release: '1.5.0',
        runId,
        lane: lane as HuntReportV1['lane'],
        startedAt: at(0),
        endedAt: at(100),
        checks,
        signatures,
        classification,
        upstreamLinks: [],
        metadata: { gate: { status: 'pass', reasons: [], blockingSeverity: severity }, ...(internal.length ? { internalErrors: internal } : {}) },
      };
      return { file: `${runId}/hunt-report.json`, report };
    });
const lanesArb = fc.integer({ min: 1, max: 4 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => laneArb(`run-${i}`))));

function merged(inputs: MergeInput[]) {
  const res = mergeReports(inputs);
  if (!res.ok) throw new Error(res.message);
  return res;
}

describe('mergeReports (property-based)', () => {
  it('same inputs in any order give the same bytes', () => {
    fc.assert(
      fc.property(
        lanesArb.chain((lanes) => fc.tuple(fc.constant(lanes), fc.shuffledSubarray(lanes, { minLength: lanes.length, maxLength: lanes.length }))),
        ([lanes, shuffled]) => {
          const a = serializeReport(normalizeReport(merged(lanes).report));
          const b = serializeReport(normalizeReport(merged(shuffled).report));
          expect(b).toBe(a);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('the merged verdict is never better than the worst lane and keeps every reason of every lane', () => {
    fc.assert(
      fc.property(lanesArb, (lanes) => {
        const res = merged(lanes);
        expect(validateReport(res.report).ok).toBe(true);
        const verdict = computeVerdict(res.report, { blockingSeverity: res.blockingSeverity });
        for (const lane of res.lanes) {
          expect(RANK[verdict.status]).toBeGreaterThanOrEqual(RANK[lane.verdict]);
          const input = lanes.find((l) => l.report.runId === lane.runId)!.report;
          const own = computeVerdict(input, { blockingSeverity: lane.blockingSeverity });
          for (const r of own.reasons) {
            if (r.rule === 'all-clear' || r.rule === 'nothing-verified') continue;
            const ids = r.rule === 'internal-error' ? ['internal'] : [r.id, `${lane.namespace}/${r.id}`];
            const stricter = r.rule.startsWith('classification-') ? ['classification-blocking', r.rule] : [r.rule];
            expect(verdict.reasons.some((m) => ids.includes(m.id) && stricter.includes(m.rule))).toBe(true);
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it('namespaces only what collides, and every check id stays unique across lanes', () => {
    fc.assert(
      fc.property(lanesArb, (lanes) => {
        const res = merged(lanes);
        const ids = res.report.checks.map((c) => c.id);
        expect(new Set(ids).size).toBe(ids.length);
        for (const c of res.report.checks) {
          const slash = c.id.indexOf('/');
          if (slash === -1) expect(lanes.filter((l) => l.report.checks.some((x) => x.id === c.id))).toHaveLength(1);
          else if (!c.id.endsWith('/nothing-verified'))
            expect(lanes.filter((l) => l.report.checks.some((x) => x.id === c.id.slice(slash + 1))).length).toBeGreaterThan(1);
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe('mergeReports', () => {
  const lane = (lane: HuntReportV1['lane'], runId: string, release = '2.0.0', checks: Check[] = []): MergeInput => ({
    file: `${runId}.json`,
    report: { version: '1', release, runId, lane, startedAt: at(0), endedAt: at(10), checks, signatures: [], classification: [], upstreamLinks: [] },
  });
  const check = (id: string, status: Check['status']): Check => ({
    id,
    title: id,
    status,
    summary: status,
    startedAt: at(1),
    endedAt: at(2),
    durationMs: 1000,
  });

  it('refuses reports of different releases unless allowed', () => {
    const inputs = [lane('prod-observe', 'a', '2.0.0', [check('x', 'pass')]), lane('staging-chaos', 'b', '2.0.1', [check('y', 'pass')])];
    const res = mergeReports(inputs);
    expect(res).toMatchObject({ ok: false, problem: 'mixed-releases' });
    if (!res.ok) expect(res.details).toEqual(['a.json: release 2.0.0 (prod-observe)', 'b.json: release 2.0.1 (staging-chaos)']);
    const allowed = mergeReports(inputs, { allowMixedReleases: true });
    expect(allowed.ok && allowed.report.release).toBe('2.0.0 + 2.0.1');
  });

  it('refuses the same run twice', () => {
    expect(mergeReports([lane('prod-observe', 'a'), lane('prod-observe', 'a')])).toMatchObject({ ok: false, problem: 'duplicate-run' });
  });

  it('namespaces colliding ids by lane, and by lane@run when a lane has several shards', () => {
    const res = merged([
      lane('prod-observe', 'p', '2.0.0', [check('health', 'pass'), check('t0', 'pass')]),
      lane('staging-chaos', 's1', '2.0.0', [check('health', 'fail')]),
      lane('staging-chaos', 's2', '2.0.0', [check('health', 'warn'), check('chaos_crash', 'pass')]),
    ]);
    expect(res.report.checks.map((c) => c.id).sort()).toEqual([
      'chaos_crash',
      'prod-observe/health',
      'staging-chaos@s1/health',
      'staging-chaos@s2/health',
      't0',
    ]);
    expect(computeVerdict(res.report).status).toBe('fail');
    expect(res.report.runId).toBe('2.0.0-merged');
  });

  it('a lane that verified nothing keeps the merged report from passing', () => {
    const res = merged([lane('prod-observe', 'p', '2.0.0', [check('t0', 'pass')]), lane('staging-chaos', 's', '2.0.0', [check('chaos_x', 'skip')])]);
    const verdict = computeVerdict(res.report);
    expect(verdict.status).toBe('warn');
    expect(verdict.reasons).toContainEqual(expect.objectContaining({ id: 'staging-chaos/nothing-verified', rule: 'check-warn' }));
  });
});
