/**
 * Sample lines for the snapshot: the line's first bytes when the match is near its start, otherwise the
 * line's head, an ellipsis and the bytes around the match, so the signature is visible in a capped excerpt.
 * A JSON line leads with its message field (`msg: <value> … <excerpt>`): a logger that writes the message after
 * long other fields would otherwise lose it to the cap. Redaction and the final character cap happen in the
 * orchestrator (the redactor is a function, workers cannot receive it); the cap then cuts after the message's
 * start, never before it.
 */
import { jsonMessageField } from './json-field.js';

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]/g;

/** Decodes bytes as UTF-8 (invalid bytes become U+FFFD), drops ANSI colour escapes and a trailing CR. */
export function cleanText(bytes: Uint8Array): string {
  let t = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8').replace(ANSI, '');
  if (t.endsWith('\r')) t = t.slice(0, -1);
  return t;
}

/**
 * `<key>: <value>` of the message field of the JSON line [s, e) (value as written, its first `capBytes` bytes),
 * or null when the line has none.
 */
export function messageLead(b: Uint8Array, s: number, e: number, capBytes: number): string | null {
  const f = jsonMessageField(b, s, e);
  return f ? `${f.key}: ${cleanText(b.subarray(f.start, Math.min(f.end, f.start + capBytes)))}` : null;
}

/** The excerpt led by the line's message when it is a JSON line with one (see the module doc). */
export function withMessageLead(lead: string | null, excerpt: string): string {
  return lead === null ? excerpt : `${lead} … ${excerpt}`;
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
    // A line longer than the buffer is known by its first sampleBytes only: its message is found there or not at all.
    const lead = long ? messageLead(long.prefix, 0, long.prefix.length, this.sampleBytes) : messageLead(buf, ls, le, this.sampleBytes);
    return withMessageLead(lead, this.excerpt(buf, ls, le, pos, m, base, long));
  }

  private excerpt(buf: Buffer, ls: number, le: number, pos: number, m: number, base: number, long: { lineAbs: number; prefix: Buffer } | null): string {
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
