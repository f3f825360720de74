/**
 * A tiny WebAssembly assembler: just the instructions the scan kernels use, written as method calls that
 * append bytes. The kernels are generated at run time from TypeScript (no toolchain, no binary in the repo):
 * the generator in teddy-kernel.ts is the source, and every run rebuilds the same bytes from it.
 */

/** Unsigned LEB128. */
export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 (32- and 64-bit constants; BigInt keeps 64-bit values exact). */
export function sleb(v: number | bigint): number[] {
  let n = BigInt(v);
  const out: number[] = [];
  for (;;) {
    const b = Number(n & 0x7fn);
    n >>= 7n;
    if ((n === 0n && (b & 0x40) === 0) || (n === -1n && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

export const I32 = 0x7f;
export const I64 = 0x7e;
export const V128 = 0x7b;
const VOID = 0x40;

/** Appends instructions to a function body. Loads and stores take a static offset (alignment hint 0). */
export class Code {
  readonly bytes: number[] = [];
  private op(...b: number[]): this {
    this.bytes.push(...b);
    return this;
  }
  private simd(code: number, ...imm: number[]): this {
    return this.op(0xfd, ...uleb(code), ...imm);
  }
  get = (l: number) => this.op(0x20, ...uleb(l));
  set = (l: number) => this.op(0x21, ...uleb(l));
  tee = (l: number) => this.op(0x22, ...uleb(l));
  i32 = (v: number) => this.op(0x41, ...sleb(v | 0));
  i64 = (v: number | bigint) => this.op(0x42, ...sleb(v));
  block = () => this.op(0x02, VOID);
  loop = () => this.op(0x03, VOID);
  if = () => this.op(0x04, VOID);
  else = () => this.op(0x05);
  end = () => this.op(0x0b);
  br = (depth: number) => this.op(0x0c, ...uleb(depth));
  brIf = (depth: number) => this.op(0x0d, ...uleb(depth));
  ret = () => this.op(0x0f);
  drop = () => this.op(0x1a);
  // Memory (memarg: align exponent, offset).
  i32Load = (off = 0) => this.op(0x28, 0, ...uleb(off));
  i64Load = (off = 0) => this.op(0x29, 0, ...uleb(off));
  i32Load8u = (off = 0) => this.op(0x2d, 0, ...uleb(off));
  i32Load16u = (off = 0) => this.op(0x2f, 0, ...uleb(off));
  i32Store = (off = 0) => this.op(0x36, 0, ...uleb(off));
  i64Store = (off = 0) => this.op(0x37, 0, ...uleb(off));
  // i32 arithmetic and comparisons.
  i32Eqz = () => this.op(0x45);
  i32Eq = () => this.op(0x46);
  i32Ne = () => this.op(0x47);
  i32LtS = () => this.op(0x48);
  i32LtU = () => this.op(0x49);
  i32GtS = () => this.op(0x4a);
  i32GtU = () => this.op(0x4b);
  i32LeU = () => this.op(0x4d);
  i32GeS = () => this.op(0x4e);
  i32GeU = () => this.op(0x4f);
  i32Ctz = () => this.op(0x68);
  i32Popcnt = () => this.op(0x69);
  i32Add = () => this.op(0x6a);
  i32Sub = () => this.op(0x6b);
  i32Mul = () => this.op(0x6c);
  i32And = () => this.op(0x71);
  i32Or = () => this.op(0x72);
  i32Shl = () => this.op(0x74);
  i32ShrU = () => this.op(0x76);
  // i64.
  i64Eq = () => this.op(0x51);
  i64Ne = () => this.op(0x52);
  i64Add = () => this.op(0x7c);
  i64Sub = () => this.op(0x7d);
  i64And = () => this.op(0x83);
  i64ExtendI32u = () => this.op(0xad);
  // SIMD.
  v128Load = (off = 0) => this.simd(0x00, 0, ...uleb(off));
  v128Store = (off = 0) => this.simd(0x0b, 0, ...uleb(off));
  /** Lanes 0..15 pick from a, 16..31 from b (an alignr when the lanes are consecutive). */
  i8x16Shuffle = (lanes: number[]) => this.simd(0x0d, ...lanes);
  i8x16Swizzle = () => this.simd(0x0e);
  /** Relaxed SIMD: pshufb without the out-of-range fix-up; indices here are nibbles, always in range. */
  i8x16RelaxedSwizzle = () => this.simd(0x100);
  i8x16Splat = () => this.simd(0x0f);
  i8x16Eq = () => this.simd(0x23);
  i8x16Ne = () => this.simd(0x24);
  v128And = () => this.simd(0x4e);
  v128Or = () => this.simd(0x50);
  v128AnyTrue = () => this.simd(0x53);
  i8x16Sub = () => this.simd(0x71);
  i16x8ExtaddPairwiseI8x16u = () => this.simd(0x7d);
  i32x4ExtaddPairwiseI16x8u = () => this.simd(0x7f);
  i32x4ExtractLane = (lane: number) => this.simd(0x1b, lane);
  i8x16Bitmask = () => this.simd(0x64);
  i16x8ShrU = () => this.simd(0x8d);
}

function section(id: number, payload: number[]): number[] {
  return [id, ...uleb(payload.length), ...payload];
}

const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const name = (s: string): number[] => [...uleb(s.length), ...Buffer.from(s, 'utf8')];

export interface FuncDef {
  name: string;
  params: number[];
  results: number[];
  /** Extra locals, by type, in order after the params. */
  locals: number[];
  body: Code;
}

/** A module with one exported memory of `pages` 64 KiB pages (fixed size) and exported functions. */
export function moduleBytes(pages: number, funcs: FuncDef[]): Uint8Array {
  const types = section(1, vec(funcs.map((f) => [0x60, ...vec(f.params.map((t) => [t])), ...vec(f.results.map((t) => [t]))])));
  const fnSec = section(3, vec(funcs.map((_, i) => uleb(i))));
  const mem = section(5, vec([[0x01, ...uleb(pages), ...uleb(pages)]]));
  const exp = section(7, vec([[...name('memory'), 0x02, 0], ...funcs.map((f, i) => [...name(f.name), 0x00, ...uleb(i)])]));
  const code = section(
    10,
    vec(
      funcs.map((f) => {
        const locals = vec(f.locals.map((t) => [1, t]));
        const body = [...locals, ...f.body.bytes, 0x0b];
        return [...uleb(body.length), ...body];
      }),
    ),
  );
  return Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...types, ...fnSec, ...mem, ...exp, ...code]);
}
