/**
 * Driver of the WebAssembly literal kernel: compiles the kernel for a plan's shape (once per shape and
 * thread), loads the literals and tables into its memory, and exposes data regions inside that memory, so
 * file reads land where the kernel scans them (no copy).
 */
import * as L from './layout.js';
import { kernelBytes, type KernelShape } from './teddy-kernel.js';
import { planPair } from './pair-plan.js';
import { planTeddy } from './teddy-plan.js';

interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (mod: object, imports: object) => { exports: Record<string, unknown> };
  validate(bytes: Uint8Array): boolean;
}
const WA = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

const modules = new Map<string, object>();

function compile(shape: KernelShape): object {
  const key = `${shape.m}/${shape.sets}/${shape.pages}/${shape.relaxed === true}/${shape.pair ?? '-'}`;
  let mod = modules.get(key);
  if (!mod) {
    mod = new (WA as WasmApi).Module(kernelBytes(shape));
    modules.set(key, mod);
  }
  return mod;
}

let supported: boolean | null = null;
let relaxed: boolean | null = null;

/** Whether relaxed SIMD is on (Node 22+ by default; Node 20 only with --experimental-wasm-relaxed-simd). */
function relaxedSupported(): boolean {
  if (relaxed === null) {
    try {
      relaxed = WA !== undefined && WA.validate(kernelBytes({ m: 1, sets: 1, pages: L.DATA / 65536 + 1, relaxed: true }));
    } catch {
      relaxed = false;
    }
  }
  return relaxed;
}

/** Whether this runtime runs WebAssembly SIMD (Node 20+ does; a runtime without it uses the JS matcher). */
export function wasmSimdSupported(): boolean {
  if (supported === null) {
    try {
      supported = WA !== undefined && WA.validate(kernelBytes({ m: 1, sets: 1, pages: L.DATA / 65536 + 1 }));
    } catch {
      supported = false;
    }
  }
  return supported;
}

export interface TeddyOptions {
  /** Bytes of each data region (chunk plus carry room); `regions` of them follow the tables. */
  regionBytes: number;
  regions: number;
  m?: number;
  sets?: number;
  /** Force the relaxed-SIMD kernel on or off (default: on where supported). */
  relaxed?: boolean;
  /** false: never the pair kernel (default: one literal of 2+ bytes uses it when its pair is rare in the sample). */
  pair?: boolean;
}

/** One kernel instance with its literals loaded; not shareable between threads. */
export class Teddy {
  readonly mem: Buffer;
  /** Which prefilter the plan chose: the pair kernel (one literal) or Teddy fingerprints. */
  readonly kind: 'pair' | 'teddy';
  private readonly scanFn: (from: number, lo: number, end: number) => number;
  private readonly view: DataView;
  private readonly n: number;
  private readonly regionBytes: number;

  /** null when WebAssembly SIMD is unavailable or the literals do not fit (the caller uses the JS matcher). */
  static create(literals: Uint8Array[], record: boolean[], sample: Uint8Array, opts: TeddyOptions): Teddy | null {
    const bytes = literals.reduce((n, p) => n + ((p.length + 15) & ~7), 0);
    if (literals.length === 0 || literals.length > L.MAX_PATTERNS || bytes > L.PDATA_BYTES || !wasmSimdSupported()) return null;
    return new Teddy(literals, record, sample, opts);
  }

  private constructor(literals: Uint8Array[], record: boolean[], sample: Uint8Array, opts: TeddyOptions) {
    const pairPlan = literals.length === 1 && opts.pair !== false && opts.m === undefined ? planPair(literals[0], sample) : null;
    const plan = pairPlan ?? planTeddy(literals, sample, { m: opts.m, sets: opts.sets });
    this.kind = pairPlan ? 'pair' : 'teddy';
    this.regionBytes = (opts.regionBytes + 63) & ~63;
    const pages = Math.ceil((L.DATA + opts.regions * (this.regionBytes + L.PAD)) / 65536);
    const inst = new (WA as WasmApi).Instance(compile({ m: plan.m, sets: plan.sets, pages, relaxed: opts.relaxed ?? relaxedSupported(), pair: plan.pair }), {});
    const memory = inst.exports.memory as { buffer: ArrayBuffer };
    this.mem = Buffer.from(memory.buffer);
    this.view = new DataView(memory.buffer);
    this.scanFn = inst.exports.scan as (from: number, lo: number, end: number) => number;
    this.n = literals.length;
    this.mem.set(plan.tables, L.TABLES);
    // Buckets: literal ids grouped by bucket.
    const byBucket: number[][] = Array.from({ length: plan.sets * 8 }, () => []);
    plan.bucket.forEach((b, i) => byBucket[b].push(i));
    let q = 0;
    byBucket.forEach((ids, b) => {
      this.view.setInt32(L.BUCKETS + b * 8, q, true);
      this.view.setInt32(L.BUCKETS + b * 8 + 4, ids.length, true);
      for (const id of ids) this.view.setUint16(L.LIST + 2 * q++, id, true);
    });
    let data = L.PDATA;
    let recording = 0;
    literals.forEach((p, i) => {
      const at = L.PATTERNS + i * L.PATTERN_STRIDE;
      this.view.setInt32(at, plan.offset[i] + plan.m - 1, true); // from the fingerprint's last byte back to the start
      this.view.setInt32(at + 4, p.length, true);
      this.view.setInt32(at + 8, data, true);
      this.view.setInt32(at + 12, record[i] ? L.FLAG_RECORD : 0, true);
      const head = new Uint8Array(8);
      head.set(p.subarray(0, 8));
      this.mem.set(head, at + 16);
      const mask = new Uint8Array(8).fill(0xff, 0, Math.min(8, p.length));
      this.mem.set(mask, at + 24);
      this.mem.set(p, data);
      data += (p.length + 15) & ~7;
      if (record[i]) recording++;
    });
    this.view.setInt32(L.REC_LIMIT, L.REC_MAX - 16 * recording - 16, true);
    this.reset();
  }

  /** Memory address of data region k; the kernel may read PAD bytes past a region's end. */
  regionAt(k: number): number {
    return L.DATA + k * (this.regionBytes + L.PAD);
  }

  /** Starts a new input: line numbers from 0, no line counted yet. */
  reset(): void {
    this.view.setBigInt64(L.LINES, 0n, true);
    this.view.setInt32(L.NREC, 0, true);
    this.mem.fill(0, L.COUNTS, L.COUNTS + this.n * 4);
    this.mem.fill(0xff, L.LAST, L.LAST + this.n * 8);
  }

  /**
   * Scans memory [from, end) for matches starting at or after `lo`; adds line-deduplicated counts into
   * `counts` and hands each recorded match (memory address, literal) to `onRecord`.
   */
  scan(from: number, lo: number, end: number, counts: Float64Array, onRecord?: (addr: number, lit: number) => void): void {
    for (let at = from; ;) {
      at = this.scanFn(at, lo, end);
      const nrec = this.view.getInt32(L.NREC, true);
      for (let r = 0; r < nrec; r++) onRecord?.(this.view.getInt32(L.REC + r * 8, true), this.view.getInt32(L.REC + r * 8 + 4, true));
      this.view.setInt32(L.NREC, 0, true);
      if (at >= end) break;
    }
    for (let i = 0; i < this.n; i++) {
      const c = this.view.getInt32(L.COUNTS + i * 4, true);
      if (c !== 0) {
        counts[i] += c;
        this.view.setInt32(L.COUNTS + i * 4, 0, true);
      }
    }
  }

  /** Newlines scanned since the last reset. */
  get lines(): number {
    return Number(this.view.getBigInt64(L.LINES, true));
  }
}
