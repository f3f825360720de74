/**
 * Timestamp presets and patterns on real-format logs (test/fixtures/logs/real/: nginx error and access and
 * redis lines written by the real daemons, python's by the logging module, the others in their documented
 * formats) with lines planted inside and outside the window; auto-detection finds each preset and counts the
 * same; year inference across New Year; zones for zone-less stamps; unknown is null, never 0.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { noRedaction } from '../../src/runtime/redact.js';
import { scanSignatures } from '../../src/scan/index.js';
import { compilePattern, parsePattern } from '../../src/scan/ts-pattern.js';
import { zoneFn } from '../../src/scan/ts-zone.js';
import type { ScanSource, TimestampFormat } from '../../src/scan/types.js';

const real = (name: string): string => fileURLToPath(new URL(`../fixtures/logs/real/${name}`, import.meta.url));
const WIN: [string, string] = ['2026-11-30T11:00:00Z', '2026-11-30T12:00:00Z'];

async function scan(file: string, pattern: string, timestamp: ScanSource['timestamp'], win: [string, string] = WIN) {
  const r = await scanSignatures([{ source: 'app', path: real(file), rotated: false, timestamp }], [{ name: 'sig', source: 'app', pattern, regex: false }], {
    windowStartMs: Date.parse(win[0]),
    windowEndMs: Date.parse(win[1]),
    redact: noRedaction,
  });
  return { sig: r.signatures[0], info: r.sources[0] };
}

// file, signature, preset auto should find, totals, window, first seen in window
const CASES: Array<[string, string, TimestampFormat, number, number, string]> = [
  ['nginx-error.log', '[emerg]', 'nginx-error', 4, 2, '2026-11-30T11:40:01.000Z'],
  ['nginx-access.log', '" 502 ', 'clf', 4, 2, '2026-11-30T11:40:01.000Z'],
  ['redis.log', 'Failed opening the temp RDB file', 'redis', 3, 2, '2026-11-30T11:40:01.123Z'],
  ['postgres.log', 'FATAL:', 'postgres', 3, 2, '2026-11-30T11:40:01.000Z'], // 12:40:01 CET,
  ['go.log', 'http: panic serving', 'go', 4, 2, '2026-11-30T11:40:01.000Z'],
  ['python.log', 'database connection lost', 'python', 3, 1, '2026-11-30T11:40:01.123Z'],
  ['rfc5424.log', 'worker crashed', 'rfc5424', 3, 2, '2026-11-30T11:40:01.003Z'],
  ['journald.log', 'upstream unreachable', 'journald', 3, 2, '2026-11-30T11:40:01.000Z'],
];

describe('presets on real-format logs', () => {
  it.each(CASES)('%s: named preset and auto agree on totals and window', async (file, pattern, preset, total, win, first) => {
    const named = await scan(file, pattern, { format: preset });
    expect(named.sig).toMatchObject({ countTotal: total, countWindow: win, firstSeen: first });
    expect(named.info.windowKnown).toBe(true);
    const auto = await scan(file, pattern, { format: 'auto' });
    expect(auto.sig).toMatchObject({ countTotal: total, countWindow: win, firstSeen: first });
    // Auto names the preset, except where plain ISO reads the same stamps (journald, rfc5424 without PRI).
    if (preset !== 'journald' && preset !== 'rfc5424') expect(auto.info.timestampPreset).toBe(preset);
  });

  it('postgres: a continuation line (DETAIL) inherits its FATAL line; CET is read as +01:00', async () => {
    const r = await scan('postgres.log', 'pg_hba.conf', { format: 'postgres' });
    expect(r.sig).toMatchObject({ countTotal: 1, countWindow: 1, firstSeen: '2026-11-30T11:40:01.000Z' });
  });

  it('syslog RFC 3164 across New Year: December lines read in January are last year', async () => {
    const win: [string, string] = ['2026-12-31T23:58:00Z', '2027-01-01T00:05:00Z'];
    const r = await scan('syslog-newyear.log', 'worker crashed', { format: 'auto' }, win);
    expect(r.info.timestampPreset).toBe('syslog');
    expect(r.sig).toMatchObject({ countTotal: 4, countWindow: 2, firstSeen: '2026-12-31T23:59:58.000Z', lastSeen: '2027-01-01T00:00:02.000Z' });
  });

  it('a timezone moves zone-less stamps (nginx writes local time); stamps with a zone stay put', async () => {
    const plus1 = await scan('nginx-error.log', '[emerg]', { format: 'nginx-error', timezone: '+01:00' });
    expect(plus1.sig).toMatchObject({ countWindow: 1, firstSeen: '2026-11-30T11:00:01.000Z' });
    const berlin = await scan('nginx-error.log', '[emerg]', { format: 'nginx-error', timezone: 'Europe/Berlin' });
    expect(berlin.sig).toMatchObject({ countWindow: 1, firstSeen: '2026-11-30T11:00:01.000Z' });
    const access = await scan('nginx-access.log', '" 502 ', { format: 'clf', timezone: 'America/New_York' });
    expect(access.sig.countWindow).toBe(2);
  });

  it('a pattern, and a regex whose capture is read with a pattern', async () => {
    const p = await scan('nginx-access.log', '" 502 ', { format: 'regex', regex: '\\[([^\\]]+)\\]', pattern: '%d/%b/%Y:%H:%M:%S %z' });
    expect(p.sig).toMatchObject({ countTotal: 4, countWindow: 2 });
    const q = await scan('go.log', 'http: panic serving', { format: 'pattern', pattern: '%Y/%m/%d %H:%M:%S' });
    expect(q.sig).toMatchObject({ countTotal: 4, countWindow: 2 });
  });

  it('unknown is not zero: nginx lines read as ISO have no timestamp, so the window is null', async () => {
    const r = await scan('nginx-error.log', '[emerg]', { format: 'iso' });
    expect(r.sig).toMatchObject({ countTotal: 4, countWindow: null });
    expect(r.info.windowKnown).toBe(false);
  });
});

describe('patterns and zones', () => {
  const p = (pattern: string, text: string, zone?: string, ref = Date.parse('2026-06-01T00:00:00Z')) => {
    const b = Buffer.from(text);
    return parsePattern(b, 0, b.length, compilePattern(pattern), zoneFn(zone), ref, undefined, zone !== undefined);
  };
  it('reads every token', () => {
    expect(p('%Y-%m-%dT%H:%M:%S.%f%z', '2026-11-30T11:40:01.123456-05:30')).toBe(Date.parse('2026-11-30T17:10:01.123Z'));
    expect(p('%a %b %e %T %Y', 'Mon Nov  2 11:40:01 2026')).toBe(Date.parse('2026-11-02T11:40:01Z'));
    expect(p('%d/%B/%y %I:%M %p', '30/November/26 01:05 PM')).toBe(Date.parse('2026-11-30T13:05:00Z'));
    expect(p('%s', '1764502801.5')).toBe(1764502801500);
    expect(p('%F %T %Z', '2026-11-30 11:40:01 PDT')).toBe(Date.parse('2026-11-30T18:40:01Z'));
    expect(p('%F %T %Z', '2026-11-30 11:40:01 XYZ')).toBeNaN(); // unknown abbreviation, no zone configured
    expect(p('%F %T %Z', '2026-11-30 11:40:01 XYZ', '+02:00')).toBe(Date.parse('2026-11-30T09:40:01Z'));
    expect(p('%F %T', '2026-13-30 11:40:01')).toBeNaN();
    expect(() => compilePattern('%Q')).toThrow(/unknown token %Q/);
  });
  it('DST: Europe/Berlin wall time in summer and winter', () => {
    expect(p('%F %T', '2026-07-01 12:00:00', 'Europe/Berlin')).toBe(Date.parse('2026-07-01T10:00:00Z'));
    expect(p('%F %T', '2026-01-01 12:00:00', 'Europe/Berlin')).toBe(Date.parse('2026-01-01T11:00:00Z'));
  });
});

describe('bad timestamp settings', () => {
  it('an unknown zone or pattern token is reported on the source and leaves the window unknown', async () => {
    const z = await scan('nginx-error.log', '[emerg]', { format: 'nginx-error', timezone: 'Mars/Olympus' });
    expect(z.info.error).toMatch(/Mars\/Olympus/);
    expect(z.sig).toMatchObject({ countTotal: 4, countWindow: null });
    const p = await scan('nginx-error.log', '[emerg]', { format: 'pattern', pattern: '%Y %Q' });
    expect(p.info.error).toMatch(/%Q/);
    expect(p.sig.countWindow).toBeNull();
  });
});
