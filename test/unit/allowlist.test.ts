import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { applyAllowlist, expiryMs, isExpired, matchesGlob, type AllowlistEntry, type AllowlistFile } from '../../src/core/allowlist.js';
import { computeVerdict } from '../../src/core/verdict.js';
import type { HuntReportV1 } from '../../src/core/report-types.js';
import { allowlistViolations } from '../../src/report/allowlist-file.js';
import { reportArb } from './render.arbitraries.js';

const NOW = Date.UTC(2026, 1, 14, 12, 0, 0);
const failFixture = JSON.parse(readFileSync(new URL('../fixtures/reports/fail.json', import.meta.url), 'utf8')) as HuntReportV1;
const knownIssues = JSON.parse(readFileSync(new URL('../fixtures/allowlists/known-issues.json', import.meta.url), 'utf8')) as AllowlistFile;

function entry(id: string, match: AllowlistEntry['match'], extra: Partial<AllowlistEntry> = {}): AllowlistEntry {
  return { id, match, issueUrl: `https://github.com/o/r/issues/${id}`, reason: `reason ${id}`, ...extra };
}

describe('matchesGlob', () => {
  it.each([
    ['fatal_crash', 'fatal_crash', true],
    ['fatal_*', 'fatal_crash', true],
    ['*', '', true],
    ['*crash', 'fatal_crash', true],
    ['f?tal_crash', 'fatal_crash', true],
    ['f?tal', 'fatal_crash', false],
    ['Fatal_*', 'fatal_crash', false],
    ['chaos_*_recovery', 'chaos_crash_recovery', true],
    ['a*b*c', 'aXbYc', true],
    ['a*b*c', 'aXbY', false],
    ['', '', true],
    ['', 'x', false],
    ['x.y', 'xzy', false],
    ['[ab]', 'a', false],
    ['?', '🚀', true],
  ])('%s vs %s -> %s', (p, v, want) => {
    expect(matchesGlob(p, v)).toBe(want);
  });

  it('is linear on hostile patterns (no regex backtracking blow-up)', () => {
    expect(matchesGlob(`${'*a'.repeat(50)}b`, 'a'.repeat(5000))).toBe(false);
  });

  it('property: agrees with an equivalent anchored regex', () => {
    const chars = fc.constantFrom('a', 'b', '*', '?', '.', '+');
    fc.assert(
      fc.property(fc.string({ unit: chars, maxLength: 8 }), fc.string({ unit: fc.constantFrom('a', 'b', '.', '+'), maxLength: 10 }), (p, v) => {
        const re = new RegExp(`^${p.replace(/[.+]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 's');
        expect(matchesGlob(p, v)).toBe(re.test(v));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('expiry', () => {
  it('a date stops matching at 00:00 UTC that day; a date-time at that instant', () => {
    expect(expiryMs('2026-02-14')).toBe(Date.UTC(2026, 1, 14));
    const e = entry('a', { check: 'x' }, { expires: '2026-02-15' });
    expect(isExpired(e, Date.UTC(2026, 1, 14, 23, 59, 59))).toBe(false);
    expect(isExpired(e, Date.UTC(2026, 1, 15))).toBe(true);
    expect(isExpired(entry('b', { check: 'x' }, { expires: '2026-02-14T12:00:00Z' }), NOW)).toBe(true);
    expect(isExpired(entry('c', { check: 'x' }, { expires: 'not a date' }), 0)).toBe(true);
    expect(isExpired(entry('d', { check: 'x' }), Number.MAX_SAFE_INTEGER)).toBe(false);
  });
});

describe('applyAllowlist on the failing fixture', () => {
  const { report, status } = applyAllowlist(failFixture, knownIssues, NOW);

  it('reports matched, expired and stale entries with their findings', () => {
    expect(status.entries).toBe(4);
    expect(status.matched.map((m) => [m.id, m.findings])).toEqual([
      [
        'KI-207',
        [
          { kind: 'signature', id: 'upstream_unreachable', effect: 'issue-linked' },
          { kind: 'classification', id: 'signature:upstream_unreachable', effect: 'still-regressed' },
        ],
      ],
      [
        'KI-311',
        [
          { kind: 'check', id: 'chaos_bad_config', effect: 'check-allowlisted' },
          { kind: 'classification', id: 'check:chaos_bad_config', effect: 'now-known' },
        ],
      ],
    ]);
    expect(status.expired).toEqual([
      {
        id: 'KI-99',
        issueUrl: 'https://github.com/example/gateway/issues/99',
        reason: 'crash recovery flaky on staging hosts',
        expires: '2025-06-30',
        findings: [{ kind: 'check', id: 'chaos_crash_recovery', effect: 'expired' }],
      },
    ]);
    // reload_failed has a zero window count and its classification is resolved: nothing open to match.
    expect(status.stale.map((s) => s.id)).toEqual(['KI-150']);
    expect(report.metadata?.allowlist).toEqual(status);
  });

  it('links, marks and downgrades exactly the matched findings', () => {
    const sig = report.signatures.find((s) => s.name === 'upstream_unreachable');
    expect(sig?.issueUrl).toBe('https://github.com/example/gateway/issues/207');
    expect(report.signatures.find((s) => s.name === 'fatal_crash')?.issueUrl).toBeUndefined();
    const bad = report.checks.find((c) => c.id === 'chaos_bad_config');
    expect(bad?.status).toBe('fail');
    expect(bad?.metadata).toEqual({
      scenario: 'bad-config',
      exitCode: 0,
      allowlisted: {
        entryId: 'KI-311',
        issueUrl: 'https://github.com/example/gateway/issues/311',
        reason: 'config validation lands in 1.5.0; accepted for rc builds',
      },
    });
    expect(report.checks.find((c) => c.id === 'chaos_crash_recovery')?.metadata).toBeUndefined();
    const byId = Object.fromEntries(report.classification.map((c) => [c.id, c]));
    expect(byId['check:chaos_bad_config']).toMatchObject({ status: 'known', issueUrl: 'https://github.com/example/gateway/issues/311' });
    expect(byId['signature:upstream_unreachable'].status).toBe('regressed');
    expect(byId['signature:fatal_crash'].status).toBe('new');
    expect(byId['signature:reload_failed'].status).toBe('resolved');
  });

  it('does not mutate its input', () => {
    expect(failFixture.metadata?.allowlist).toBeUndefined();
    expect(failFixture.classification.find((c) => c.id === 'check:chaos_bad_config')?.status).toBe('new');
  });

  it('still fails the gate: the unmatched crash failure and the new p0 block', () => {
    const v = computeVerdict(report);
    expect(v.status).toBe('fail');
    expect(v.reasons.filter((r) => r.rule === 'check-fail').map((r) => r.id)).toEqual(['chaos_crash_recovery']);
    expect(v.reasons.find((r) => r.id === 'chaos_bad_config')?.rule).toBe('check-fail-known');
  });
});

describe('applyAllowlist rules', () => {
  const base = (): HuntReportV1 => structuredClone(failFixture);

  it('a classification id entry makes a new classification known with the link', () => {
    const { report, status } = applyAllowlist(base(), { entries: [entry('K', { classification: 'signature:fatal_*' })] }, NOW);
    expect(report.classification.find((c) => c.id === 'signature:fatal_crash')).toMatchObject({ status: 'known', issueUrl: 'https://github.com/o/r/issues/K' });
    expect(status.matched[0].findings).toEqual([{ kind: 'classification', id: 'signature:fatal_crash', effect: 'now-known' }]);
    // The remaining causes still fail: two failed checks.
    expect(computeVerdict(report).status).toBe('fail');
  });

  it('a signature entry also covers the classification derived from it, by prefix or by bare name', () => {
    const r = base();
    r.classification.push({ id: 'fatal_crash', category: 'core', severity: 'p1', status: 'new', summary: 'bare' });
    const { report } = applyAllowlist(r, { entries: [entry('K', { signature: 'fatal_crash' })] }, NOW);
    expect(
      report.classification
        .filter((c) => c.status === 'known')
        .map((c) => c.id)
        .sort(),
    ).toEqual(['fatal_crash', 'signature:fatal_crash']);
  });

  it('the first unexpired entry applies; later matches are recorded as shadowed', () => {
    const entries = [entry('A', { check: 'chaos_*' }, { expires: '2000-01-01' }), entry('B', { check: 'chaos_crash_*' }), entry('C', { check: '*recovery' })];
    const { report, status } = applyAllowlist(base(), { entries }, NOW);
    expect(status.expired.map((e) => e.id)).toEqual(['A']);
    expect(status.matched.map((m) => [m.id, m.findings[0].effect, m.findings[0].by])).toEqual([
      ['B', 'check-allowlisted', undefined],
      ['C', 'shadowed', 'B'],
    ]);
    expect((report.checks.find((c) => c.id === 'chaos_crash_recovery')?.metadata?.allowlisted as { entryId: string }).entryId).toBe('B');
  });

  it('passing and skipped checks and zero-count signatures are not findings', () => {
    const { status } = applyAllowlist(
      base(),
      { entries: [entry('P', { check: 'chaos_signal_restart' }), entry('S', { check: 'chaos_port_collision' }), entry('Z', { signature: 'reload_failed' })] },
      NOW,
    );
    expect(status.stale.map((s) => s.id)).toEqual(['P', 'S', 'Z']);
  });

  it('replaces marks left by an earlier allowlist, so an expired entry stops suppressing', () => {
    const first = applyAllowlist(base(), { entries: [entry('K', { check: 'chaos_crash_recovery' }, { expires: '2026-03-01' })] }, NOW).report;
    expect(computeVerdict(first).reasons.find((r) => r.id === 'chaos_crash_recovery')?.rule).toBe('check-fail-known');
    const later = applyAllowlist(first, { entries: [entry('K', { check: 'chaos_crash_recovery' }, { expires: '2026-03-01' })] }, Date.UTC(2026, 2, 2)).report;
    expect(later.checks.find((c) => c.id === 'chaos_crash_recovery')?.metadata).toBeUndefined();
    expect(computeVerdict(later).reasons.find((r) => r.id === 'chaos_crash_recovery')?.rule).toBe('check-fail');
  });

  it('an empty allowlist records an empty status and changes nothing else', () => {
    const { report, status } = applyAllowlist(base(), { entries: [] }, NOW);
    expect(status).toEqual({ entries: 0, matched: [], expired: [], stale: [] });
    const { metadata: _m, ...rest } = report;
    const { metadata: _n, ...orig } = failFixture;
    expect(rest).toEqual(orig);
  });

  it('property: never a false green — an allowlist never turns a non-pass verdict into pass', () => {
    const entries = fc.array(
      fc.record({
        id: fc.string({ minLength: 1, maxLength: 4 }),
        match: fc.constantFrom({ check: '*' }, { signature: '*' }, { classification: '*' }, { check: '*', classification: '*', signature: '*' }),
        issueUrl: fc.constant('https://github.com/o/r/issues/1'),
        reason: fc.constant('r'),
      }),
      { maxLength: 3 },
    );
    fc.assert(
      fc.property(reportArb, entries, (r, es) => {
        const before = computeVerdict(r).status;
        const after = computeVerdict(applyAllowlist(r, { entries: es }, NOW).report).status;
        if (before !== 'pass') expect(after).not.toBe('pass');
      }),
      { numRuns: 300 },
    );
  });
});

describe('known-issues.json schema', () => {
  it('accepts the fixture and rejects every problem of the invalid one', () => {
    expect(allowlistViolations(knownIssues)).toEqual([]);
    const invalid = JSON.parse(readFileSync(new URL('../fixtures/allowlists/invalid.json', import.meta.url), 'utf8'));
    expect(allowlistViolations(invalid)).toEqual([
      '/entries/0/issueUrl: must be an absolute URI (e.g. https://github.com/org/repo/issues/1)',
      '/entries/0/match: must have at least 1 property',
      '/entries/0/reason: must not be empty',
      '/entries/1/expires: must be a date YYYY-MM-DD or must be an RFC 3339 date-time (e.g. 2026-01-31T12:00:00Z)',
      '/entries/1/match/label: is not allowed (unknown property)',
      '/entries/1/id: duplicate id "KI-1" (also /entries/0/id)',
    ]);
    expect(allowlistViolations([])).toEqual(['/: must be object']);
    expect(allowlistViolations({ entries: [{ id: 'a', match: { check: 'x' }, issueUrl: 'https://x/1', reason: 'r', expires: '2026-02-30' }] })).toHaveLength(1);
  });
});
