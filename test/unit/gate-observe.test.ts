import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { evaluateObservation } from '../../src/gate/observe.js';

const T = { consecutiveFailures: 3, failureRatio: 0.2 };
const seq = (s: string) => [...s].map((c) => c === '.');

describe('evaluateObservation', () => {
  it('all healthy passes', () => {
    expect(evaluateObservation(seq('..........'), T)).toMatchObject({ status: 'pass', failures: 0, maxConsecutive: 0 });
  });
  it('N consecutive failures is an outage: fail', () => {
    const v = evaluateObservation(seq('....xxx...'), T);
    expect(v).toMatchObject({ status: 'fail', failures: 3, maxConsecutive: 3 });
    expect(v.summary).toMatch(/outage: 3 consecutive/);
  });
  it('scattered failures above the ratio: warn (flapping)', () => {
    const v = evaluateObservation(seq('.x.x.x....'), T);
    expect(v).toMatchObject({ status: 'warn', failures: 3, maxConsecutive: 1, ratio: 0.3 });
  });
  it('a single blip within the ratio passes', () => {
    expect(evaluateObservation(seq('....x.....'), T).status).toBe('pass');
  });
  it('no probe at all fails closed', () => {
    expect(evaluateObservation([], T).status).toBe('fail');
  });
  it('never passes when a streak reaches the threshold (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { minLength: 1, maxLength: 60 }), (ok) => {
        const v = evaluateObservation(ok, T);
        const streak = ok
          .map((o) => (o ? '.' : 'x'))
          .join('')
          .includes('xxx');
        return streak ? v.status === 'fail' : v.status !== 'fail';
      }),
    );
  });
});
