import { describe, expect, it } from 'vitest';
import { baselineIndex, signatureDeltas } from '../../src/core/baseline.js';
import { classify, opsClassification, signatureSeverity, type SignatureProfile } from '../../src/core/classify.js';
import type { Check, Classification } from '../../src/core/report-types.js';

const T = { absolute: 3, relative: 0.5 };
const sig = (name: string, countWindow: number, windowMinutes = 120) => ({ name, source: 'err', countWindow, countTotal: countWindow, windowMinutes });
const profile: SignatureProfile[] = [
  { name: 'fatal_crash', kind: 'crash', category: 'core' },
  { name: 'bad_cfg', kind: 'config' },
  { name: 'lock_conflict', kind: 'error', category: 'ops' },
  { name: 'slow', kind: 'warning', severity: 'p2' },
  { name: 'linked', kind: 'error', issueUrl: 'https://issues/9' },
];
const check = (id: string, status: Check['status'], command?: string): Check => ({
  id,
  title: id,
  status,
  summary: `${id} ${status}`,
  startedAt: '2026-01-01T00:00:00.000Z',
  endedAt: '2026-01-01T00:00:01.000Z',
  durationMs: 1000,
  ...(command ? { command } : {}),
});

function run(
  current: ReturnType<typeof sig>[],
  baseline: ReturnType<typeof sig>[] | null,
  allow: string[] = [],
  checks: Check[] = [],
  chaos: Classification[] = [],
) {
  return classify({
    deltas: signatureDeltas(current, baseline ? baselineIndex({ signatures: baseline }) : null, T),
    profile,
    allowlisted: (n) => (allow.includes(n) ? { entryId: `KI-${n}`, issueUrl: `https://issues/${n}` } : undefined),
    threshold: T,
    checks,
    chaos,
    affectedVersion: '2.0.0',
  });
}

describe('signatureSeverity', () => {
  it('profile severity wins, else p0 for crash/config, else p1', () => {
    expect(signatureSeverity({ kind: 'crash' })).toBe('p0');
    expect(signatureSeverity({ kind: 'config' })).toBe('p0');
    expect(signatureSeverity({ kind: 'error' })).toBe('p1');
    expect(signatureSeverity({ kind: 'warning' })).toBe('p1');
    expect(signatureSeverity({ kind: 'crash', severity: 'p2' })).toBe('p2');
    expect(signatureSeverity(undefined)).toBe('p1');
  });
});

describe('classify signatures', () => {
  it('seen, untracked -> new with the profile severity/category', () => {
    const out = run([sig('fatal_crash', 4), sig('bad_cfg', 1), sig('slow', 2), sig('lock_conflict', 0)], null);
    expect(out.map((c) => [c.id, c.status, c.severity, c.category])).toEqual([
      ['bad_cfg', 'new', 'p0', 'core'],
      ['fatal_crash', 'new', 'p0', 'core'],
      ['slow', 'new', 'p2', 'core'],
    ]);
    expect(out[1].summary).toContain('4 in the last 120 min');
    expect(out[1].affectedVersions).toEqual(['2.0.0']);
  });
  it('allowlisted or issue-linked and seen -> known with the link', () => {
    const out = run([sig('lock_conflict', 2), sig('linked', 1)], null, ['lock_conflict']);
    expect(out.map((c) => [c.id, c.status, c.issueUrl])).toEqual([
      ['linked', 'known', 'https://issues/9'],
      ['lock_conflict', 'known', 'https://issues/lock_conflict'],
    ]);
  });
  it('allowlisted, rose beyond the threshold -> regressed; within it -> known', () => {
    const out = run([sig('lock_conflict', 12), sig('slow', 3)], [sig('lock_conflict', 2), sig('slow', 2)], ['lock_conflict', 'slow']);
    expect(out.map((c) => [c.id, c.status])).toEqual([
      ['lock_conflict', 'regressed'],
      ['slow', 'known'],
    ]);
    expect(out[0].summary).toMatch(/\+10 \(\+500%\)/);
  });
  it('normalizes per window minute: twice the window, twice the count is still known', () => {
    const out = run([sig('lock_conflict', 20, 120)], [sig('lock_conflict', 10, 60)], ['lock_conflict']);
    expect(out[0].status).toBe('known');
  });
  it('zero now, non-zero baseline -> resolved; zero and zero -> nothing', () => {
    const out = run([sig('lock_conflict', 0), sig('slow', 0), sig('fatal_crash', 0)], [sig('lock_conflict', 5), sig('slow', 0)], ['lock_conflict', 'slow']);
    expect(out.map((c) => [c.id, c.status])).toEqual([['lock_conflict', 'resolved']]);
    expect(out[0].suggestedFix).toContain('KI-lock_conflict');
  });
  it('an untracked signature that rose is still new (nobody acknowledged it)', () => {
    const out = run([sig('fatal_crash', 50)], [sig('fatal_crash', 1)]);
    expect(out[0].status).toBe('new');
  });
});

describe('checks and chaos', () => {
  it('failed non-chaos checks become ONE ops classification listing them', () => {
    const checks = [
      check('t1_restart', 'fail', 'gw restart'),
      check('t2_smoke', 'fail'),
      check('t1_update', 'warn'),
      check('chaos_port-collision', 'fail'),
      check('t0_target', 'pass'),
    ];
    const ops = opsClassification(checks)!;
    expect(ops).toMatchObject({ id: 'ops_failed_checks', category: 'ops', severity: 'p0', status: 'new' });
    expect(ops.summary).toBe('2 strict check(s) failed: t1_restart, t2_smoke');
    expect(ops.reproSteps).toEqual(['t1_restart: gw restart', 't2_smoke: see checks/t2_smoke.json and .log']);
    expect(opsClassification([check('a', 'pass'), check('b', 'warn')])).toBeUndefined();
  });
  it('chaos classifications carry through unchanged', () => {
    const chaos: Classification = { id: 'chaos_graceful-shutdown', category: 'core', severity: 'p0', status: 'new', summary: 'hangs on SIGTERM' };
    const out = run([], null, [], [], [chaos]);
    expect(out).toEqual([chaos]);
  });
  it('output is sorted by id (deterministic)', () => {
    const out = run([sig('slow', 1), sig('bad_cfg', 1)], null, [], [check('x', 'fail')]);
    expect(out.map((c) => c.id)).toEqual(['bad_cfg', 'ops_failed_checks', 'slow']);
  });
});
