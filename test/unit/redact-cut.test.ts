/**
 * A sample is an excerpt: the scanner cuts a long line (its head, an ellipsis, the bytes around the match) before
 * the orchestrator redacts it, and an output tail starts mid-line. A secret cut in two must not survive as a piece
 * the literal match no longer recognises.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createRedactor } from '../../src/runtime/redact.js';
import { scanSignatures } from '../../src/scan/index.js';

const SECRET = 'Zq9Kw7SECRETvv77XjQ';
const redact = createRedactor({ secretValues: [SECRET] });
/** Every piece of the secret of 4 or more characters. */
const pieces = (v: string) => Array.from({ length: v.length - 3 }, (_, i) => Array.from({ length: v.length - i - 3 }, (_, j) => v.slice(i, i + 4 + j))).flat();
const leaks = (text: string) => pieces(SECRET).filter((p) => text.includes(p));

let dir = '';
afterAll(async () => dir && (await rm(dir, { recursive: true, force: true })));

describe('secrets cut at an excerpt edge', () => {
  it('masks the head piece at the end, the tail piece at the start and both sides of an ellipsis', () => {
    expect(redact(`abc ${SECRET.slice(0, 9)}`)).toBe('abc [REDACTED]');
    expect(redact(`${SECRET.slice(6)} rest`)).toBe('[REDACTED] rest');
    expect(redact(`  ${SECRET.slice(10)}\n`)).toBe('  [REDACTED]\n');
    const joined = redact(`head ${SECRET.slice(0, 5)} \u2026 ${SECRET.slice(12)} FATAL boom`);
    expect(joined).toBe('head [REDACTED] \u2026 [REDACTED] FATAL boom');
    expect(redact(`the whole ${SECRET} value`)).toBe('the whole [REDACTED] value');
  });

  it('leaves ordinary text alone: pieces under 4 characters, and a secret piece away from every edge', () => {
    expect(redact('Zq9 ok')).toBe('Zq9 ok');
    expect(redact(`a ${SECRET.slice(0, 6)} b`)).toBe(`a ${SECRET.slice(0, 6)} b`);
    expect(redact('plain log line')).toBe('plain log line');
  });

  it("a scanned line whose secret straddles the sample's head cut leaves no piece of it in the sample", async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'hunt-redact-cut-'));
    const file = path.join(dir, 'app.log');
    const ts = new Date().toISOString();
    // sampleBytes 2000 -> the head is the line's first 125 bytes: put the secret across byte 125.
    const lead = `${ts} ERROR token `;
    const line = `${lead}${'x'.repeat(125 - lead.length - 8)}${SECRET} ${'y'.repeat(900)} FATAL boom\n`;
    await writeFile(file, line);
    const r = await scanSignatures([{ source: 'app', path: file, rotated: false }], [{ name: 'fatal', source: 'app', pattern: 'FATAL', regex: false }], {
      windowStartMs: Date.now() - 3600_000,
      windowEndMs: Date.now() + 60_000,
      redact,
    });
    const sample = r.signatures[0].samples[0];
    expect(sample).toContain('FATAL boom');
    expect(sample).toContain('\u2026');
    expect(leaks(sample)).toEqual([]);
  });
});
