/**
 * Every timestamp format the scanner reads, on small fixture logs (test/fixtures/logs/): ISO with Z, offsets,
 * fractions, space separator and ANSI prefixes; JSON top-level and nested fields; epoch ms; a regex override;
 * auto-detection (and what it reports); CRLF and invalid UTF-8.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createRedactor } from '../../src/runtime/redact.js';
import { isoValue, parseTsText, skipPrefix } from '../../src/scan/iso.js';
import { scanSignatures } from '../../src/scan/index.js';
import type { ScanSource } from '../../src/scan/types.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/logs/${name}`, import.meta.url));
const at = (hms: string): number => Date.parse(`2024-03-10T${hms}Z`);

async function scan1(src: Partial<ScanSource> & { path: string }, pattern: string, win: [string, string], regex = false) {
  const r = await scanSignatures([{ source: 'app', rotated: false, ...src }], [{ name: 'sig', source: 'app', pattern, regex }], {
    windowStartMs: at(win[0]),
    windowEndMs: at(win[1]),
    redact: createRedactor(),
  });
  return { sig: r.signatures[0], info: r.sources[0] };
}

describe('ISO-8601 at line start', () => {
  it('reads Z, ±hh:mm, ±hhmm, fractions (truncated to ms) and a space separator', () => {
    const v = (s: string) => isoValue(Buffer.from(s), 0, s.length);
    expect(v('2024-03-10T12:00:00Z x')).toBe(at('12:00:00'));
    expect(v('2024-03-10T14:00:02.123+02:00')).toBe(at('12:00:02.123'));
    expect(v('2024-03-10T10:30:00-0130')).toBe(at('12:00:00'));
    expect(v('2024-03-10 12:00:03,250+01')).toBe(at('11:00:03.250'));
    expect(v('2024-03-10T12:00:04.999999999Z')).toBe(at('12:00:04.999'));
    expect(v('2024-03-10T12:00:00 no zone: read as UTC')).toBe(at('12:00:00'));
    expect(v('2024-13-10T12:00:00Z')).toBeNaN();
    expect(v('2024-03-10T24:00:00Z')).toBeNaN();
    expect(v('2024-03-10T12:00Z')).toBeNaN();
  });

  it('skips ANSI colour escapes and one bracket before the timestamp', () => {
    const b = Buffer.from('\x1b[2m\x1b[1;31m[2024-03-10T12:00:00Z]');
    expect(isoValue(b, skipPrefix(b, 0, b.length), b.length)).toBe(at('12:00:00'));
  });

  it('scans a log: inclusive window, stack-trace lines inherit, lines without timestamp are reported', async () => {
    const { sig, info } = await scan1({ path: fixture('iso.log'), timestamp: { format: 'iso' } }, 'upstream unreachable', ['12:00:00', '12:00:04.999']);
    expect(sig).toMatchObject({ countTotal: 4, countWindow: 4, firstSeen: '2024-03-10T12:00:01.500Z', lastSeen: '2024-03-10T12:00:04.999Z' });
    expect(info).toMatchObject({ timestampFormat: 'iso', linesTotal: 8, linesWithoutTimestamp: 3, missing: false });
    expect(sig.samples).toHaveLength(3);
    expect(sig.samples[2]).toBe('2024-03-10T12:00:04.999999999Z ERROR upstream unreachable token=[REDACTED]');
    // One millisecond earlier: the 12:00:04.999 line and the line that inherits from it fall out.
    const before = await scan1({ path: fixture('iso.log') }, 'upstream unreachable', ['12:00:00', '12:00:04.998']);
    expect(before.sig.countWindow).toBe(2);
    expect(before.sig.lastSeen).toBe('2024-03-10T12:00:02.123Z');
  });

  it('auto-detects ISO behind ANSI escapes; a match on an escaped line without timestamp inherits', async () => {
    const { sig, info } = await scan1({ path: fixture('ansi.log') }, 'FATAL', ['12:00:01', '12:00:01']);
    expect(info.timestampFormat).toBe('iso');
    expect(info.linesWithoutTimestamp).toBe(1);
    expect(sig).toMatchObject({ countTotal: 2, countWindow: 2 });
    expect(sig.samples[0]).toBe('[2024-03-10T12:00:01.000Z] ERROR FATAL: boom');
  });
});

describe('JSON lines', () => {
  it('auto-detects the top-level time field (epoch ms or ISO), not a nested one', async () => {
    const { sig, info } = await scan1({ path: fixture('json.log') }, 'reload failed', ['12:00:01.5', '12:00:02']);
    expect(info).toMatchObject({ timestampFormat: 'json', timestampField: 'time', linesWithoutTimestamp: 2 });
    expect(sig).toMatchObject({ countTotal: 4, countWindow: 3, firstSeen: '2024-03-10T12:00:02.000Z' });
  });

  it('reads a nested field at the path the source names, wherever it sits in the object', async () => {
    const { sig } = await scan1({ path: fixture('json-nested.log'), timestamp: { format: 'json', field: '_meta.date' } }, 'EADDRINUSE', [
      '12:00:05.250',
      '13:00:00',
    ]);
    expect(sig).toMatchObject({ countTotal: 3, countWindow: 2, firstSeen: '2024-03-10T12:00:05.250Z' });
  });

  it('reads numeric seconds (with fraction) as well as ms', () => {
    expect(parseTsText('1710072003.5')).toBe(at('12:00:03.5'));
    expect(parseTsText('1710072003500')).toBe(at('12:00:03.5'));
  });
});

describe('epoch milliseconds and overrides', () => {
  it('reads 13-digit epoch ms at line start (explicit and auto-detected)', async () => {
    for (const timestamp of [{ format: 'epoch-ms' as const }, undefined]) {
      const { sig, info } = await scan1({ path: fixture('epoch.log'), timestamp }, 'circuit breaker open', ['12:00:00', '12:00:02']);
      expect(info.timestampFormat).toBe('epoch-ms');
      expect(sig).toMatchObject({ countTotal: 3, countWindow: 2 });
    }
  });

  it('uses the first capture group of a per-source regex', async () => {
    const { sig, info } = await scan1({ path: fixture('custom.log'), timestamp: { format: 'regex', regex: 't=(\\S+)' } }, 'rate limit exceeded', [
      '12:00:02',
      '12:00:02',
    ]);
    expect(info).toMatchObject({ timestampFormat: 'regex', linesWithoutTimestamp: 1 });
    expect(sig).toMatchObject({ countTotal: 2, countWindow: 2 });
  });

  it('without override, a log with no recognisable timestamp reports format none: totals only', async () => {
    const { sig, info } = await scan1({ path: fixture('custom.log') }, 'rate limit exceeded', ['00:00:00', '23:59:59']);
    expect(info).toMatchObject({ timestampFormat: 'none', linesTotal: 3, linesWithoutTimestamp: 3 });
    expect(sig).toMatchObject({ countTotal: 2, countWindow: null, firstSeen: null, samples: [] });
  });
});

describe('CRLF and invalid UTF-8', () => {
  it('counts literals and regexes (CR dropped for `$`), keeps a last line without LF, decodes samples safely', async () => {
    const lit = await scan1({ path: fixture('crlf.log') }, 'reload failed', ['12:00:00', '12:00:02']);
    expect(lit.sig).toMatchObject({ countTotal: 2, countWindow: 2 });
    expect(lit.info).toMatchObject({ linesTotal: 4, linesWithoutTimestamp: 1 });
    expect(lit.sig.samples[1]).toBe('  \ufffd\ufffd invalid utf8 reload failed');
    const re = await scan1({ path: fixture('crlf.log') }, 'failed$', ['12:00:00', '12:00:02'], true);
    expect(re.sig).toMatchObject({ countTotal: 2, countWindow: 2 });
    const last = await scan1({ path: fixture('crlf.log') }, 'done', ['12:00:02', '12:00:02']);
    expect(last.sig.countWindow).toBe(1);
  });
});
