import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { baselineIndex, isRegression, scaleToWindow, signatureDeltas, toReportSignature } from '../../src/core/baseline.js';

const T = { absolute: 3, relative: 0.5 };
const sig = (name: string, countWindow: number, windowMinutes = 120) => ({ name, source: 'err', countWindow, countTotal: countWindow, windowMinutes });

describe('isRegression', () => {
  it('needs BOTH the absolute and the relative rise', () => {
    expect(isRegression(10, 2, T)).toBe(true); // +8, +400%
    expect(isRegression(5, 2, T)).toBe(false); // +3 is not MORE than 3
    expect(isRegression(6, 2, T)).toBe(true); // +4, +200%
    expect(isRegression(110, 100, T)).toBe(false); // +10 but only +10%
    expect(isRegression(151, 100, T)).toBe(true); // +51, +51%
    expect(isRegression(150, 100, T)).toBe(false); // exactly +50% is not more
  });
  it('a zero baseline only needs the absolute rise', () => {
    expect(isRegression(3, 0, T)).toBe(false);
    expect(isRegression(4, 0, T)).toBe(true);
  });
  it('a fall is never a regression', () => {
    fc.assert(fc.property(fc.nat(1000), fc.nat(1000), (cur, base) => (cur <= base ? !isRegression(cur, base, T) : true)));
  });
});

describe('scaleToWindow', () => {
  it('normalizes per window minute when the windows differ', () => {
    expect(scaleToWindow({ name: 'a', countWindow: 10, windowMinutes: 60 }, 120)).toBe(20);
    expect(scaleToWindow({ name: 'a', countWindow: 10, windowMinutes: 120 }, 60)).toBe(5);
    expect(scaleToWindow({ name: 'a', countWindow: 7, windowMinutes: 120 }, 120)).toBe(7);
  });
});

describe('signatureDeltas', () => {
  it('compares by name, scales, and flags regressions', () => {
    const base = baselineIndex({ signatures: [sig('a', 5, 60), sig('b', 10), sig('gone', 4)] });
    const out = signatureDeltas([sig('a', 10), sig('b', 30), sig('c', 2), sig('gone', 0)], base, T);
    expect(out.map((d) => [d.name, d.baselineScaled, d.delta, d.regressed])).toEqual([
      ['a', 10, 0, false], // 5 per 60 min = 10 per 120 min: no change
      ['b', 10, 20, true],
      ['c', undefined, undefined, false],
      ['gone', 4, -4, false],
    ]);
    expect(out[2].inBaseline).toBe(false);
  });
  it('the same counts over a longer window are not a regression', () => {
    const base = baselineIndex({ signatures: [sig('a', 10, 60)] });
    expect(signatureDeltas([sig('a', 20, 120)], base, T)[0].regressed).toBe(false);
    expect(signatureDeltas([sig('a', 20, 60)], base, T)[0].regressed).toBe(true);
  });
  it('without a baseline nothing regresses', () => {
    const out = signatureDeltas([sig('a', 1000)], null, T);
    expect(out[0]).toMatchObject({ inBaseline: false, regressed: false });
  });
  it('toReportSignature carries the scaled baseline and delta only when in the baseline', () => {
    const [a, c] = signatureDeltas([sig('a', 9), sig('c', 1)], baselineIndex({ signatures: [sig('a', 3)] }), T);
    expect(toReportSignature(a, 'https://x/1')).toEqual({
      name: 'a',
      source: 'err',
      countWindow: 9,
      countTotal: 9,
      windowMinutes: 120,
      baselineWindowCount: 3,
      delta: 6,
      issueUrl: 'https://x/1',
    });
    expect(toReportSignature(c)).toEqual({ name: 'c', source: 'err', countWindow: 1, countTotal: 1, windowMinutes: 120 });
  });
});
