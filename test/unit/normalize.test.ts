import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { CHECK_KEYS, ROOT_KEYS, normalizeReport, serializeReport, sortKeysDeep } from '../../src/core/normalize.js';
import type { HuntReportV1 } from '../../src/core/report-types.js';
import { validateReport } from '../../src/report/validate.js';
import { reportArb, strictContractErrors } from './render.arbitraries.js';

const failFixture = JSON.parse(readFileSync(new URL('../fixtures/reports/fail.json', import.meta.url), 'utf8')) as HuntReportV1;

/** Reverses every array and object key order, to prove normalization does not depend on input order. */
function scramble(r: HuntReportV1): HuntReportV1 {
  const reverseKeys = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).reverse()) as T;
  return reverseKeys({
    ...r,
    checks: [...r.checks].reverse().map(reverseKeys),
    signatures: [...r.signatures].reverse().map(reverseKeys),
    classification: [...r.classification].reverse().map(reverseKeys),
    ...(r.metadata ? { metadata: reverseKeys(r.metadata) } : {}),
  });
}

describe('normalizeReport', () => {
  const n = normalizeReport(failFixture);

  it('sorts checks fail > warn > pass > skip, then id', () => {
    expect(n.checks.map((c) => `${c.status}:${c.id}`)).toEqual([
      'fail:chaos_bad_config',
      'fail:chaos_crash_recovery',
      'warn:chaos_transient_network',
      'pass:chaos_signal_restart',
      'skip:chaos_port_collision',
    ]);
  });

  it('sorts signatures by name and classifications by severity, status, id', () => {
    expect(n.signatures.map((s) => s.name)).toEqual(['fatal_crash', 'reload_failed', 'stale_lock_reclaimed', 'upstream_unreachable']);
    expect(n.classification.map((c) => `${c.severity}:${c.status}:${c.id}`)).toEqual([
      'p0:new:signature:fatal_crash',
      'p1:regressed:signature:upstream_unreachable',
      'p1:new:check:chaos_bad_config',
      'p2:resolved:signature:reload_failed',
    ]);
  });

  it('orders keys as the contract lists them and sorts metadata keys deeply', () => {
    expect(Object.keys(n)).toEqual([...ROOT_KEYS]);
    const crash = n.checks.find((c) => c.id === 'chaos_crash_recovery')!;
    expect(Object.keys(crash)).toEqual(CHECK_KEYS.filter((k) => k in crash));
    expect(Object.keys(n.metadata!)).toEqual(['baseline', 'host', 'phases']);
    expect(Object.keys((n.metadata!.phases as Record<string, Record<string, unknown>>).T3)).toEqual(['durationMs', 'status']);
  });

  it('keeps the order of evidence, repro steps and links', () => {
    const crash = n.checks.find((c) => c.id === 'chaos_crash_recovery')!;
    expect(crash.evidence).toEqual(failFixture.checks.find((c) => c.id === 'chaos_crash_recovery')!.evidence);
    expect(n.upstreamLinks).toEqual(failFixture.upstreamLinks);
  });

  it('keeps a "__proto__" metadata key as data', () => {
    const r = JSON.parse('{"a":1,"__proto__":{"x":1}}') as Record<string, unknown>;
    const sorted = sortKeysDeep(r) as Record<string, unknown>;
    expect(Object.keys(sorted)).toEqual(['__proto__', 'a']);
    expect(JSON.stringify(sorted)).toBe('{"__proto__":{"x":1},"a":1}');
  });

  it('property: idempotent, independent of input order, valid against both schemas', () => {
    fc.assert(
      fc.property(reportArb, (r) => {
        const once = serializeReport(r);
        expect(serializeReport(JSON.parse(once))).toBe(once);
        expect(serializeReport(scramble(r))).toBe(once);
        const parsed = JSON.parse(once);
        expect(validateReport(parsed)).toMatchObject({ ok: true });
        expect(strictContractErrors(parsed)).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('does not mutate its input', () => {
    const copy = structuredClone(failFixture);
    normalizeReport(copy);
    expect(copy).toEqual(failFixture);
  });
});
