/**
 * One direction of a proxied connection. Chunks are released on a schedule that applies the faults
 * active when they arrive: latency (+ jitter) shifts them, a bandwidth limit spaces them by their size,
 * blackhole drops them. Release times never go backwards, so bytes keep their order; a full queue
 * pauses the source (bounded memory whatever the fault).
 */
import type { Socket } from 'node:net';
import type { FaultState } from './types.js';

const HIGH_WATER = 1 << 20;

export interface PipeCounters {
  bytes: number;
}

/** Pure: when a chunk of `size` bytes arriving at `now` leaves, given the previous release time. */
export function releaseAt(now: number, size: number, prev: number, f: FaultState, random: () => number): number {
  let at = now;
  if (f.latency) {
    const jitter = f.latency.jitterMs ? (random() * 2 - 1) * f.latency.jitterMs : 0;
    at += Math.max(0, f.latency.ms + jitter);
  }
  at = Math.max(at, prev);
  if (f.bandwidth) at = Math.max(at, prev) + (size * 1000) / f.bandwidth.bytesPerSec;
  return at;
}

/** Pure: slices a chunk so a bandwidth limit is smooth (about 20 slices per second of budget). */
export function sliceForBandwidth(chunk: Buffer, f: FaultState): Buffer[] {
  if (!f.bandwidth) return [chunk];
  const slice = Math.max(1, Math.floor(f.bandwidth.bytesPerSec / 20));
  const out: Buffer[] = [];
  for (let i = 0; i < chunk.length; i += slice) out.push(chunk.subarray(i, i + slice));
  return out;
}

/** Forwards `src` to `dst` under the faults `faults()` returns at each chunk. */
export function startPipe(src: Socket, dst: Socket, faults: () => FaultState, counters: PipeCounters, random: () => number): void {
  const queue: Array<{ chunk: Buffer; at: number }> = [];
  let queued = 0;
  let last = 0;
  let timer: NodeJS.Timeout | null = null;
  let srcEnded = false;

  const finishIfDrained = () => {
    if (srcEnded && !queue.length && !dst.destroyed) dst.end();
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
    if (queued < HIGH_WATER && src.isPaused() && dst.writableLength < HIGH_WATER) src.resume();
    if (queue.length) timer = setTimeout(flush, Math.max(0, queue[0].at - Date.now()));
    else finishIfDrained();
  };

  src.on('data', (data: Buffer) => {
    const f = faults();
    if (f.blackhole) return; // accepted, never delivered
    const now = Date.now();
    for (const chunk of sliceForBandwidth(data, f)) {
      const at = releaseAt(now, chunk.length, last, f, random);
      last = at;
      if (at <= now && !queue.length) write(chunk);
      else {
        queue.push({ chunk, at });
        queued += chunk.length;
      }
    }
    if (queued >= HIGH_WATER) src.pause();
    if (queue.length && !timer) timer = setTimeout(flush, Math.max(0, queue[0].at - Date.now()));
  });
  src.on('end', () => {
    srcEnded = true;
    if (!queue.length) finishIfDrained();
  });
  dst.on('close', () => {
    if (timer) clearTimeout(timer);
    timer = null;
    queue.length = 0;
  });
}
