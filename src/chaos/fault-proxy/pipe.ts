/**
 * One direction of a proxied connection. Chunks are released on a schedule that applies the toxics this
 * direction of this connection drew when they arrive: latency (+ jitter) shifts them, a bandwidth limit spaces
 * them by their size, the slicer cuts them into small slices spaced by its delay, timeout and blackhole drop
 * them, limit_data lets its budget through and then ends the connection, slow_close holds the end back.
 * Release times never go backwards, so bytes keep their order; a full queue pauses the source (bounded memory
 * whatever the fault).
 */
import type { Socket } from 'node:net';
import type { DirectionFaults } from './types.js';

const HIGH_WATER = 1 << 20;

export interface PipeCounters {
  bytes: number;
}

/** What a pipe tells its proxy. */
export interface PipeHooks {
  /** limit_data's budget went through (and was flushed): the connection ends. */
  limitReached(): void;
  /** slow_close held an end back. */
  closeDelayed(): void;
}

/** Pure: when a chunk of `size` bytes arriving at `now` leaves, given the previous release time. */
export function releaseAt(now: number, size: number, prev: number, f: DirectionFaults, random: () => number): number {
  let at = now;
  if (f.latency) {
    const jitter = f.latency.jitterMs ? (random() * 2 - 1) * f.latency.jitterMs : 0;
    at += Math.max(0, f.latency.ms + jitter);
  }
  at = Math.max(at, prev);
  if (f.slicer?.delayMs) at = Math.max(at, prev + f.slicer.delayMs);
  if (f.bandwidth) at = Math.max(at, prev) + (size * 1000) / f.bandwidth.bytesPerSec;
  return at;
}

/** Pure: slices a chunk so a bandwidth limit is smooth (about 20 slices per second of budget). */
export function sliceForBandwidth(chunk: Buffer, f: DirectionFaults): Buffer[] {
  if (!f.bandwidth) return [chunk];
  const slice = Math.max(1, Math.floor(f.bandwidth.bytesPerSec / 20));
  const out: Buffer[] = [];
  for (let i = 0; i < chunk.length; i += slice) out.push(chunk.subarray(i, i + slice));
  return out;
}

/** Pure: the slicer's cut of a chunk: slices of averageSize +/- sizeVariation bytes (uniform, from `random`), at least 1. */
export function sliceForSlicer(chunk: Buffer, f: DirectionFaults, random: () => number): Buffer[] {
  if (!f.slicer) return [chunk];
  const { averageSize, sizeVariation = 0 } = f.slicer;
  const out: Buffer[] = [];
  for (let i = 0; i < chunk.length;) {
    const size = Math.max(1, averageSize + Math.round((random() * 2 - 1) * sizeVariation));
    out.push(chunk.subarray(i, i + size));
    i += size;
  }
  return out;
}

/** Forwards `src` to `dst` under the toxics `faults()` returns at each chunk. */
export function startPipe(src: Socket, dst: Socket, faults: () => DirectionFaults, counters: PipeCounters, random: () => number, hooks: PipeHooks): void {
  const queue: Array<{ chunk: Buffer; at: number }> = [];
  let queued = 0;
  let last = 0;
  let timer: NodeJS.Timeout | null = null;
  let closeTimer: NodeJS.Timeout | null = null;
  let srcEnded = false;
  let ended = false;
  // limit_data: bytes let through since this toxic (this very object) applied; `limited` once its budget is spent
  let limitOf: object | undefined;
  let limitSeen = 0;
  let limited = false;

  const finishIfDrained = () => {
    if (queue.length || dst.destroyed || ended) return;
    if (limited) {
      ended = true;
      dst.end(() => hooks.limitReached());
      return;
    }
    if (!srcEnded) return;
    ended = true;
    const slow = faults().slowClose;
    if (slow && slow.ms > 0) {
      hooks.closeDelayed();
      closeTimer = setTimeout(() => !dst.destroyed && dst.end(), slow.ms);
    } else dst.end();
  };
  const write = (chunk: Buffer) => {
    if (dst.destroyed) return;
    counters.bytes += chunk.length;
    if (!dst.write(chunk)) {
      src.pause();
      dst.once('drain', () => src.resume());
    }
  };
  const flush = () => {
    timer = null;
    const now = Date.now();
    while (queue.length && queue[0].at <= now) {
      const { chunk } = queue.shift()!;
      queued -= chunk.length;
      write(chunk);
    }
    if (queued < HIGH_WATER && src.isPaused() && dst.writableLength < HIGH_WATER && !limited) src.resume();
    if (queue.length) timer = setTimeout(flush, Math.max(0, queue[0].at - Date.now()));
    else finishIfDrained();
  };

  src.on('data', (data: Buffer) => {
    const f = faults();
    if (f.blackhole || f.timeout || limited) return; // accepted, never delivered
    let chunk = data;
    if (f.limitData) {
      if (limitOf !== f.limitData) [limitOf, limitSeen] = [f.limitData, 0];
      const left = f.limitData.bytes - limitSeen;
      if (chunk.length >= left) {
        chunk = chunk.subarray(0, left);
        limited = true;
        src.pause();
      }
      limitSeen += chunk.length;
    }
    const now = Date.now();
    for (const slice of sliceForSlicer(chunk, f, random)) {
      for (const part of sliceForBandwidth(slice, f)) {
        const at = releaseAt(now, part.length, last, f, random);
        last = at;
        if (at <= now && !queue.length) write(part);
        else {
          queue.push({ chunk: part, at });
          queued += part.length;
        }
      }
    }
    if (queued >= HIGH_WATER) src.pause();
    if (queue.length && !timer) timer = setTimeout(flush, Math.max(0, queue[0].at - Date.now()));
    if (limited) finishIfDrained();
  });
  src.on('end', () => {
    srcEnded = true;
    finishIfDrained();
  });
  dst.on('close', () => {
    for (const t of [timer, closeTimer]) if (t) clearTimeout(t);
    timer = closeTimer = null;
    queue.length = 0;
  });
}
