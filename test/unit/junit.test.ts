import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Check, HuntReportV1 } from '../../src/core/report-types.js';
import { computeVerdict } from '../../src/core/verdict.js';
import { junitTimestamp, renderJunit, wallClockMs } from '../../src/report/junit.js';

const base = JSON.parse(readFileSync(new URL('../fixtures/reports/pass.json', import.meta.url), 'utf8')) as HuntReportV1;

function check(id: string, start: string, end: string): Check {
  const durationMs = Date.parse(end) - Date.parse(start);
  return { id, title: id, status: 'pass', summary: 'ok', startedAt: start, endedAt: end, durationMs };
}

/** Two checks of 20 s and 13.2 s that overlap inside a 23.8 s run. */
const concurrent: HuntReportV1 = {
  ...base,
  startedAt: '2026-03-01T10:00:00.000Z',
  endedAt: '2026-03-01T10:00:23.800Z',
  checks: [check('a', '2026-03-01T10:00:00.500Z', '2026-03-01T10:00:20.500Z'), check('b', '2026-03-01T10:00:10.000Z', '2026-03-01T10:00:23.200Z')],
  metadata: { hostname: 'runner-7' },
};

describe('JUnit suite attributes', () => {
  it('time is the wall clock of the run, not the sum of concurrent checks', () => {
    expect(wallClockMs(concurrent)).toBe(23_800);
    const xml = renderJunit(concurrent, computeVerdict(concurrent));
    expect(xml).toContain('<testsuites name="hunt" tests="2" failures="0" errors="0" skipped="0" time="23.800">');
    expect(xml).not.toContain('time="33.200"');
  });

  it('falls back to the span of the checks when the run times are unusable', () => {
    expect(wallClockMs({ ...concurrent, endedAt: 'garbage' })).toBe(22_700);
    expect(wallClockMs({ ...concurrent, endedAt: '2026-03-01T09:00:00.000Z' })).toBe(22_700);
  });

  it('carries the hostname the run recorded (localhost when unknown) and a zone-less UTC timestamp', () => {
    const xml = renderJunit(concurrent, computeVerdict(concurrent));
    expect(xml).toMatch(/<testsuite [^>]* hostname="runner-7" timestamp="2026-03-01T10:00:00">/);
    const { metadata: _dropped, ...anonymous } = concurrent;
    expect(renderJunit(anonymous, computeVerdict(anonymous))).toContain('hostname="localhost"');
    expect(junitTimestamp('2026-03-01T11:00:00+01:00')).toBe('2026-03-01T10:00:00');
  });
});
