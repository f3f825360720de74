/**
 * The WebAssembly literal kernel against a naive per-line count on random data with planted literals (short,
 * shared prefixes, at block and buffer edges), for every kernel shape, and the relaxed-SIMD variant where the
 * runtime has it (Node 22+; Node 20 only behind a flag).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Teddy } from '../../src/scan/wasm/teddy.js';
import { kernelBytes } from '../../src/scan/wasm/teddy-kernel.js';

const wasm = (globalThis as unknown as { WebAssembly: { validate(b: Uint8Array): boolean } }).WebAssembly;
const relaxedOk = wasm.validate(kernelBytes({ m: 3, sets: 1, pages: 64, relaxed: true }));

function naive(data: Buffer, lits: Buffer[]): number[] {
  const lines: Buffer[] = [];
  for (let s = 0; s < data.length;) {
    let e = data.indexOf(10, s);
    if (e < 0) e = data.length;
    lines.push(data.subarray(s, e));
    s = e + 1;
  }
  return lits.map((l) => lines.filter((line) => line.indexOf(l) >= 0).length);
}

const LITS = ['ab', 'abc', 'abd', 'x', 'EADDRINUSE', 'connection refused', 'connection reset', '[auth] q', 'zzzzzzzzzzzzzzzzzzzz'];

describe('literal kernel', () => {
  it('counts lines like a naive search, for every shape', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constantFrom(...LITS, '\n', '\n', ' ', 'a', 'c', 'conn'), fc.string({ maxLength: 6 })), { maxLength: 300 }),
        fc.subarray(LITS, { minLength: 1 }),
        fc.constantFrom([3, 1], [3, 2], [2, 1], [4, 2], [1, 1]),
        fc.boolean(),
        (parts, pick, [m, sets], relaxed) => {
          const data = Buffer.from(parts.join(''), 'utf8');
          const lits = pick.map((p) => Buffer.from(p));
          const t = Teddy.create(
            lits,
            lits.map(() => false),
            data,
            { regionBytes: data.length + 64, regions: 1, m, sets, relaxed: relaxed && relaxedOk },
          );
          expect(t).not.toBeNull();
          const base = t!.regionAt(0);
          t!.mem.set(data, base);
          const counts = new Float64Array(lits.length);
          t!.scan(base, base, base + data.length, counts);
          expect([...counts]).toEqual(naive(data, lits));
          expect(t!.lines).toBe(data.filter((b) => b === 10).length);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('the pair kernel (one literal) counts like a naive search, wherever its bytes fall in the blocks', () => {
    const PAIR_LITS = LITS.filter((l) => l.length >= 2).concat(['aXa', 'a\tb', 'ab'.repeat(20)]);
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constantFrom(...PAIR_LITS, '\n', '\n', ' ', 'a', 'b', 'X', 'conn'), fc.string({ maxLength: 6 })), { maxLength: 300 }),
        fc.constantFrom(...PAIR_LITS),
        fc.boolean(),
        (parts, lit, sampled) => {
          const data = Buffer.from(parts.join(''), 'utf8');
          const lits = [Buffer.from(lit)];
          // An empty sample always plans the pair; the data as sample may fall back to Teddy (pair too common).
          const t = Teddy.create(lits, [true], sampled ? data : Buffer.alloc(0), { regionBytes: data.length + 64, regions: 1 });
          expect(t).not.toBeNull();
          if (!sampled) expect(t!.kind).toBe('pair');
          const base = t!.regionAt(0);
          t!.mem.set(data, base);
          const counts = new Float64Array(1);
          const starts: number[] = [];
          t!.scan(base, base, base + data.length, counts, (addr) => starts.push(addr - base));
          expect([...counts]).toEqual(naive(data, lits));
          expect(t!.lines).toBe(data.filter((b) => b === 10).length);
          for (const s of starts) expect(data.subarray(s, s + lit.length).toString()).toBe(lit); // records point at the literal
        },
      ),
      { numRuns: 400 },
    );
  });

  it('chooses the pair kernel for one rare literal and Teddy when its pair is common in the data', () => {
    const log = Buffer.from('2024-06-01T00:00:00Z INFO request ok\n'.repeat(2000));
    const rare = Teddy.create([Buffer.from('EADDRINUSE')], [false], log, { regionBytes: 1 << 16, regions: 1 });
    expect(rare!.kind).toBe('pair');
    const common = Teddy.create([Buffer.from('INFO request ok')], [false], log, { regionBytes: 1 << 16, regions: 1 });
    expect(common!.kind).toBe('teddy');
    const two = Teddy.create([Buffer.from('EADDRINUSE'), Buffer.from('ECONNRESET')], [false, false], log, { regionBytes: 1 << 16, regions: 1 });
    expect(two!.kind).toBe('teddy');
  });
});
