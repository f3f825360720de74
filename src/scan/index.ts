/**
 * The log-signature scanner: counts each signature's matching lines in its source's files, over the whole
 * files (countTotal) and inside the window (countWindow), with first/last seen and redacted samples.
 *
 * Semantics (see chunk-scanner.ts and docs/scanner.md): a match on a line without a timestamp inherits the
 * previous timestamped line's; lines before any timestamp count in countTotal but not in countWindow; the
 * window is inclusive [windowStartMs, windowEndMs]. Each file starts without an inherited timestamp.
 *
 * Two passes, each reading only what it needs:
 * - totals (default): per file, the bytes after its checkpoint (all of it without one) go through the
 *   WebAssembly counter, big ranges split over worker threads; the new checkpoint is written when a state
 *   directory is given (checkpoint.ts). totals:false skips this pass (countTotal = countWindow, not exact).
 * - window: a seek to the window start in every time-ordered file, a full timestamp walk otherwise.
 * When no line read carries a recognisable timestamp, the window is unknown: countWindow is null.
 */
import { checkpointFile, loadCheckpoint, saveCheckpoint, sigKey } from './checkpoint.js';
import { readHead, resolveTsSpec } from './detect.js';
import { detectMemoFile, recallDetection, rememberDetection } from './detect-memo.js';
import { describeReadError, discoverFiles, type LogFile } from './files.js';
import type { FilePoint } from './identity.js';
import { addPartial, emptySig, mergeSig, toSignatureCount } from './merge.js';
import {
  DEFAULT_CHUNK,
  DEFAULT_COUNT_CHUNK,
  DEFAULT_SAMPLE_BYTES,
  DEFAULT_TS_CAP,
  WORD_FILTER_MIN,
  sigSpecs,
  type CountParams,
  type ScanParams,
  type SigPartial,
  type SigSpec,
} from './params.js';
import { defaultWorkers, ScanPool } from './pool.js';
import { resolvePoint, countFrom, type Splitter } from './totals.js';
import type { ScanOptions, ScanResult, ScanSignature, ScanSource, SourceScanInfo } from './types.js';
import { createTsReader } from './timestamps.js';
import { windowScan } from './window.js';

export type * from './types.js';
export { markLogs, scanAppended, type AppendedLine, type AppendedOptions, type AppendedResult, type LogMark } from './marks.js';

interface Ctx {
  opts: ScanOptions;
  totals: boolean;
  maxSamples: number;
  chunkSize: number;
  countChunk: number;
  tsCap: number;
  sampleBytes: number;
  wordFilterMin: number;
  wasm: boolean;
  split: Splitter;
}

/** Scans every source for its signatures; results follow the order of `signatures` and `sources`. */
export async function scanSignatures(sources: ScanSource[], signatures: ScanSignature[], opts: ScanOptions): Promise<ScanResult> {
  const t = opts.tuning ?? {};
  const workers = t.workers ?? defaultWorkers();
  const pool = new ScanPool(workers);
  const ctx: Ctx = {
    opts,
    totals: opts.totals !== false,
    maxSamples: opts.maxSamples ?? 3,
    chunkSize: t.chunkBytes ?? DEFAULT_CHUNK,
    countChunk: t.countChunkBytes ?? t.chunkBytes ?? DEFAULT_COUNT_CHUNK,
    tsCap: t.tsCapBytes ?? DEFAULT_TS_CAP,
    sampleBytes: t.sampleBytes ?? DEFAULT_SAMPLE_BYTES,
    wordFilterMin: t.wordFilterMinBytes ?? WORD_FILTER_MIN,
    wasm: t.wasm !== false,
    split: { pool, workers, rangeBytes: t.rangeBytes },
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
    const known = signatures.map(() => true);
    for (const o of outcomes) {
      o.sigIdx.forEach((sigI, k) => {
        mergeSig(acc[sigI], o.acc[k], ctx.maxSamples);
        if (!o.info.windowKnown) known[sigI] = false;
      });
    }
    return {
      signatures: signatures.map((s, i) => toSignatureCount(s.name, s.source, acc[i], ctx.totals, known[i], opts.redact)),
      sources: outcomes.map((o) => o.info),
    };
  } finally {
    await pool.close();
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
    linesTimestampChecked: 0,
    linesWithoutTimestamp: 0,
    windowKnown: true,
    seeked: false,
    bytesRead: 0,
    bytesFromCheckpoint: 0,
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
  // A file of the source that could not be read (a FIFO, permission denied, ...) may hold the window's lines:
  // the window counts are then unknown (null), never the counts of the files that happened to be readable.
  let unreadable = found.errors.length > 0;
  if (found.files.length === 0) {
    info.windowKnown = false; // nothing could be read: a count of 0 would claim what was not seen
    return { info, acc };
  }
  // Detect on the newest file that has something recognisable: a just-rotated live file may be empty.
  const refMs = ctx.opts.windowEndMs; // year-less stamps (syslog) are read relative to the window end
  let ts = resolveTsSpec(src.timestamp, Buffer.alloc(0), ctx.tsCap, refMs);
  const detect = !src.timestamp || src.timestamp.format === 'auto' || (src.timestamp.format === 'json' && !src.timestamp.field);
  for (let i = found.files.length - 1; detect && i >= 0; i--) {
    const f = found.files[i];
    try {
      const head = await readHead(f.path, f.gzip);
      info.bytesRead += f.gzip ? 0 : head.length;
      const memo = ctx.opts.stateDir && head.length > 0 ? detectMemoFile(ctx.opts.stateDir, src.timestamp, ctx.tsCap, head) : null;
      const recalled = memo ? await recallDetection(memo, src.timestamp, refMs) : null;
      ts = recalled ?? resolveTsSpec(src.timestamp, head, ctx.tsCap, refMs);
      if (memo && !recalled) await rememberDetection(memo, ts);
      if (ts.format !== 'none') break;
    } catch (err) {
      addError(info, describeReadError(err, f.path)); // the window pass reads the file again and fails there too
    }
  }
  try {
    createTsReader(ts, ctx.tsCap); // an unknown zone or pattern token: the window cannot be read, totals still can
  } catch (err) {
    addError(info, `source ${src.source}: ${(err as Error).message}`);
    ts = { format: 'none' };
  }
  info.timestampFormat = ts.format;
  if (ts.preset) info.timestampPreset = ts.preset;
  if (ts.format === 'json') info.timestampField = ts.field;
  if (ts.format === 'regex' && !ts.regex) addError(info, `source ${src.source}: timestamp format "regex" needs timestamp.regex`);
  if (unreadable) info.windowKnown = false;
  if (sigs.length === 0) return { info, acc };
  const specs = sigSpecs(sigs);
  const params: ScanParams = {
    sigs: specs,
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
  const [totals, win] = await Promise.all([
    ctx.totals ? countTotals(src, found.files, specs, ctx, info) : null,
    windowScan(found.files, params, ctx.wordFilterMin),
  ]);
  win.errors.forEach((e) => addError(info, e));
  unreadable ||= win.errors.length > 0;
  for (const part of win.parts) addPartial(acc, info, part, ctx.maxSamples);
  info.seeked = win.seeked;
  info.files = totals ? totals.files : win.files;
  if (totals) {
    totals.counts.forEach((n, i) => (acc[i].total = n));
    if (totals.failed) info.totalsExact = false; // the files that could not be counted are reported in info.error
    info.linesTotal = totals.lines;
  } else info.linesTotal = info.linesTimestampChecked;
  // Lines were read but none had a timestamp (or the format is unknown): window counts cannot be computed. When
  // the window pass read no file at all, every file was an archive too old to hold window lines: a known 0.
  if (unreadable || (info.linesTotal > 0 && (ts.format === 'none' || (win.files.length > 0 && !win.timestampsSeen)))) info.windowKnown = false;
  return { info, acc };
}

/** Exact totals of every file: checkpointed counts plus the bytes after each checkpoint. */
async function countTotals(src: ScanSource, files: LogFile[], specs: SigSpec[], ctx: Ctx, info: SourceScanInfo) {
  const stateDir = ctx.opts.stateDir;
  const key = sigKey(specs);
  const cpFile = stateDir ? checkpointFile(stateDir, src.path, key) : null;
  const prior = cpFile ? ((await loadCheckpoint(cpFile, src.path, key, specs.length))?.files ?? []) : [];
  const p: CountParams = { sigs: specs, chunkSize: ctx.countChunk, keepLines: 0, lineBytes: 0, wasm: ctx.wasm };
  // Points are matched newest file first (the live file claims its own inode), then files are counted together.
  const used = new Set<FilePoint>();
  const from = new Map<LogFile, FilePoint | null>();
  for (const f of [...files].reverse()) {
    try {
      from.set(f, await resolvePoint(f, prior, used));
    } catch {
      from.set(f, null);
    }
  }
  const counted = await Promise.all(
    files.map((f) =>
      countFrom(f, from.get(f) ?? null, p, ctx.split).catch((err: unknown) => {
        addError(info, describeReadError(err, f.path));
        return null;
      }),
    ),
  );
  const ok = counted.filter((c) => c !== null);
  const out = { files: ok.map((c) => c.file.path), counts: specs.map(() => 0), lines: 0, failed: ok.length < counted.length };
  for (const c of ok) {
    c.counts.forEach((n, i) => (out.counts[i] += n));
    out.lines += c.lines;
    info.bytesRead += c.read.bytesRead;
    info.bytesFromCheckpoint += c.from ? c.from.offset : 0;
  }
  if (cpFile) {
    try {
      await saveCheckpoint(
        cpFile,
        src.path,
        key,
        ok.map((c) => c.point),
      );
    } catch (err) {
      addError(info, `checkpoint not saved: ${describeReadError(err, cpFile)}`);
    }
  }
  return out;
}
