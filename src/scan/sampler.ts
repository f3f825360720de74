/**
 * Sample lines for the snapshot: the line's first bytes when the match is near its start, otherwise the
 * line's head, an ellipsis and the bytes around the match, so the signature is visible in a capped excerpt.
 * Redaction and the final character cap happen in the orchestrator (the redactor is a function, workers
 * cannot receive it).
 */

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]/g;

/** Decodes bytes as UTF-8 (invalid bytes become U+FFFD), drops ANSI colour escapes and a trailing CR. */
export function cleanText(bytes: Uint8Array): string {
  let t = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8').replace(ANSI, '');
  if (t.endsWith('\r')) t = t.slice(0, -1);
  return t;
}

export class Sampler {
  readonly contextBytes: number;
  private readonly nearStart: number;

  constructor(private readonly sampleBytes: number) {
    this.contextBytes = Math.max(8, Math.floor(sampleBytes / 16));
    this.nearStart = Math.floor(sampleBytes / 5);
  }

  /**
   * Excerpt for a match at `pos` (literal of length `m`; m = 0 for a regex: the line head is shown) on the
   * line [ls, le) of buf. `long` is set when the line began in an earlier chunk (ls = 0 is then its middle).
   */
  take(buf: Buffer, ls: number, le: number, pos: number, m: number, base: number, long: { lineAbs: number; prefix: Buffer } | null): string {
    const offset = long ? base + pos - long.lineAbs : pos - ls;
    if (m === 0 || offset + m <= this.nearStart) {
      return long ? cleanText(long.prefix) : cleanText(buf.subarray(ls, Math.min(le, ls + this.sampleBytes)));
    }
    const c = this.contextBytes;
    const head = long ? long.prefix.subarray(0, c) : buf.subarray(ls, Math.min(le, ls + c));
    const ctx = buf.subarray(Math.max(ls, pos - c), Math.min(le, pos + m + c));
    return `${cleanText(head)} … ${cleanText(ctx)}`;
  }
}
