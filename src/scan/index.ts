/**
 * The log-signature scanner: counts each signature's matching lines in its source's files, over the whole
 * files (countTotal) and inside the window (countWindow), with first/last seen and redacted samples.
 *
 * Semantics (see chunk-scanner.ts and docs/scanner.md): a match on a line without a timestamp inherits the
 * previous timestamped line's; lines before any timestamp count in countTotal but not in countWindow; the
 * window is inclusive [windowStartMs, windowEndMs]. Each file starts without an inherited timestamp.
 *
 * Modes: default (totals) = a full scan of every file, big files split into line-aligned byte ranges scanned
 * by worker threads; totals:false = window-only: a binary-search seek per time-ordered file, reading only the
 * window's bytes, falling back to a full scan of a file that turns out not to be ordered.
 */
import { open } from 'node:fs/promises';
import { readHead, resolveTsSpec } from './detect.js';
import { alignToLineStart, runTask, scanGzip, scanRange, type ScanTask } from './file-scan.js';
import { describeReadError, discoverFiles, type LogFile } from './files.js';
import { ORDER_SLACK_MS } from './line-walk.js';
import { addPartial, emptySig, mergeSig, toSignatureCount } from './merge.js';
import { DEFAULT_CHUNK, DEFAULT_SAMPLE_BYTES, DEFAULT_TS_CAP, WORD_FILTER_MIN, type PartialResult, type ScanParams, type SigPartial } from './params.js';
import { defaultWorkers, ScanPool } from './pool.js';
import { planWindowSeek } from './seek.js';
import type { ScanOptions, ScanResult, ScanSignature, ScanSource, SourceScanInfo } from './types.js';

export type * from './types.js';

const PARALLEL_MIN = 32 << 20; // below this a file is scanned in one piece: worker start-up would cost more
const MIN_RANGE = 8 << 20;
const RANGES_PER_THREAD = 4; // small ranges balance the threads (the last range of one thread ends with the others)

interface Ctx {
  opts: ScanOptions;
  totals: boolean;
  maxSamples: number;
  chunkSize: number;
  tsCap: number;
  sampleBytes: number;
  rangeBytes?: number;
  wordFilterMin: number;
  workers: number;
  pool: ScanPool;
}

/** Scans every source for its signatures; results follow the order of `signatures` and `sources`. */
export async function scanSignatures(sources: ScanSource[], signatures: ScanSignature[], opts: ScanOptions): Promise<ScanResult> {
  const t = opts.tuning ?? {};
  const workers = t.workers ?? defaultWorkers();
  const ctx: Ctx = {
    opts,
    totals: opts.totals !== false,
    maxSamples: opts.maxSamples ?? 3,
    chunkSize: t.chunkBytes ?? DEFAULT_CHUNK,
    tsCap: t.tsCapBytes ?? DEFAULT_TS_CAP,
    sampleBytes: t.sampleBytes ?? DEFAULT_SAMPLE_BYTES,
    rangeBytes: t.rangeBytes,
    wordFilterMin: t.wordFilterMinBytes ?? WORD_FILTER_MIN,
    workers,
    pool: new ScanPool(workers),
  };
  try {
    const outcomes = await Promise.all(
      sources.map((src) => {
        const sigIdx = signatures.flatMap((s, i) => (s.source === src.source ? [i] : []));
        return scanSource(
          src,
          sigIdx.map((i) => signatures[i]),
          ctx,
        ).then((r) => ({ sigIdx, ...r }));
      }),
    );
    const acc: SigPartial[] = signatures.map(() => emptySig());
    for (const o of outcomes) o.sigIdx.forEach((sigI, k) => mergeSig(acc[sigI], o.acc[k], ctx.maxSamples));
    return {
      signatures: signatures.map((s, i) => toSignatureCount(s.name, s.source, acc[i], ctx.totals, opts.redact)),
      sources: outcomes.map((o) => o.info),
    };
  } finally {
    await ctx.pool.close();
  }
}

function newInfo(src: ScanSource, totals: boolean): SourceScanInfo {
  return {
    source: src.source,
    path: src.path,
    files: [],
    missing: false,
    timestampFormat: 'none',
    linesTotal: 0,
    linesWithoutTimestamp: 0,
    seeked: false,
    bytesRead: 0,
    totalsExact: totals,
  };
}

function addError(info: SourceScanInfo, msg: string): void {
  info.error = info.error ? `${info.error}; ${msg}` : msg;
}

async function scanSource(src: ScanSource, sigs: ScanSignature[], ctx: Ctx): Promise<{ info: SourceScanInfo; acc: SigPartial[] }> {
  const info = newInfo(src, ctx.totals);
  const acc = sigs.map(() => emptySig());
  const found = await discoverFiles(src.path, src.rotated);
  info.missing = found.liveMissing;
  found.errors.forEach((e) => addError(info, e));
  if (found.files.length === 0) return { info, acc };
  // Detect on the newest file that has something recognisable: a just-rotated live file may be empty.
  let ts = resolveTsSpec(src.timestamp, Buffer.alloc(0), ctx.tsCap);
  const detect = !src.timestamp || src.timestamp.format === 'auto' || (src.timestamp.format === 'json' && !src.timestamp.field);
  for (let i = found.files.length - 1; detect && i >= 0; i--) {
    const f = found.files[i];
    try {
      const head = await readHead(f.path, f.gzip);
      info.bytesRead += f.gzip ? 0 : head.length;
      ts = resolveTsSpec(src.timestamp, head, ctx.tsCap);
      if (ts.format !== 'none') break;
    } catch (err) {
      addError(info, describeReadError(err, f.path));
    }
  }
  info.timestampFormat = ts.format;
  if (ts.format === 'json') info.timestampField = ts.field;
  if (ts.format === 'regex' && !ts.regex) addError(info, `source ${src.source}: timestamp format "regex" needs timestamp.regex`);
  if (sigs.length === 0) return { info, acc };
  const params: ScanParams = {
    sigs: sigs.map((s) => ({ pattern: s.pattern, regex: s.regex })),
    ts,
    windowStartMs: ctx.opts.windowStartMs,
    windowEndMs: ctx.opts.windowEndMs,
    maxSamples: ctx.maxSamples,
    windowOnly: false,
    wordFilter: ctx.wordFilterMin === 0,
    chunkSize: ctx.chunkSize,
    tsCapBytes: ctx.tsCap,
    sampleBytes: ctx.sampleBytes,
  };
  const parts = ctx.totals ? await fullScan(found.files, params, ctx, info) : await windowScan(found.files, params, ctx, info);
  for (const part of parts) addPartial(acc, info, part, ctx.maxSamples);
  return { info, acc };
}

/** Every file in full, big plain files split into ranges for the pool; results in file order. */
async function fullScan(files: LogFile[], params: ScanParams, ctx: Ctx, info: SourceScanInfo): Promise<PartialResult[]> {
  const perFile = await Promise.all(
    files.map(async (f) => {
      try {
        const tasks = await planTasks(f, params, ctx, info);
        // allSettled: a failed range must not leave its siblings running after the scan has returned.
        const settled = await Promise.allSettled(tasks.map((task) => (tasks.length > 1 ? ctx.pool.run(task) : runTask(task))));
        const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
        if (failed) throw failed.reason;
        return { f, parts: settled.map((r) => (r as PromiseFulfilledResult<PartialResult>).value) };
      } catch (err) {
        addError(info, describeReadError(err, f.path));
        return { f, parts: [] as PartialResult[] };
      }
    }),
  );
  for (const { f, parts } of perFile) if (parts.length > 0) info.files.push(f.path);
  return perFile.flatMap((p) => p.parts);
}

async function planTasks(f: LogFile, params: ScanParams, ctx: Ctx, info: SourceScanInfo): Promise<ScanTask[]> {
  if (f.gzip) return [{ kind: 'gzip', path: f.path, params: { ...params, wordFilter: f.size * 4 >= ctx.wordFilterMin } }];
  const target =
    ctx.rangeBytes ?? (f.size < PARALLEL_MIN || ctx.workers <= 1 ? f.size : Math.max(MIN_RANGE, Math.ceil(f.size / (RANGES_PER_THREAD * ctx.workers))));
  const n = target > 0 ? Math.max(1, Math.ceil(f.size / target)) : 1;
  const cuts = [0];
  if (n > 1) {
    const fh = await open(f.path, 'r');
    try {
      for (let k = 1; k < n; k++) {
        const a = await alignToLineStart(fh, Math.floor((f.size * k) / n), f.size);
        info.bytesRead += a.bytes;
        if (a.pos > cuts[cuts.length - 1] && a.pos < f.size) cuts.push(a.pos);
      }
    } finally {
      await fh.close();
    }
  }
  return cuts.map((start, i) => {
    const end = cuts[i + 1] ?? f.size;
    return { kind: 'range', path: f.path, start, end, params: { ...params, wordFilter: end - start >= ctx.wordFilterMin } };
  });
}

/**
 * Window-only: newest file first; a time-ordered plain file is seeked, anything else read in full. Once an
 * ordered file starts before the window, older rotated files cannot hold window lines and are skipped.
 */
async function windowScan(files: LogFile[], params: ScanParams, ctx: Ctx, info: SourceScanInfo): Promise<PartialResult[]> {
  const win: ScanParams = { ...params, windowOnly: true }; // word filter off (unless forced): a window is small
  const parts: PartialResult[] = [];
  const read: string[] = [];
  for (let i = files.length - 1; i >= 0; i--) {
    const f = files[i];
    let ordered = false;
    let firstTs: number | null = null;
    try {
      let part: PartialResult;
      if (f.gzip) {
        part = await scanGzip(f.path, win);
        if (part.disorder) part = await scanGzip(f.path, params);
        else ordered = true;
        firstTs = part.firstTs;
      } else {
        const fh = await open(f.path, 'r');
        try {
          const plan = await planWindowSeek(fh, f.size, win);
          firstTs = plan.firstTs;
          const fullParams = { ...params, wordFilter: f.size >= ctx.wordFilterMin };
          part = await scanRange(fh, plan.ordered ? plan.start : 0, f.size, plan.ordered ? win : fullParams);
          part.bytesRead += plan.bytesRead;
          if (plan.ordered && part.disorder) {
            const full = await scanRange(fh, 0, f.size, fullParams);
            full.bytesRead += part.bytesRead;
            part = full;
          } else if (plan.ordered) {
            ordered = true;
            if (plan.searched) info.seeked = true;
          }
        } finally {
          await fh.close();
        }
      }
      parts.unshift(part);
      read.unshift(f.path);
    } catch (err) {
      addError(info, describeReadError(err, f.path));
    }
    if (ordered && firstTs !== null && firstTs < params.windowStartMs - ORDER_SLACK_MS) break;
  }
  info.files.push(...read);
  return parts;
}
