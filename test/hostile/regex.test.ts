/** Hostile profile regexes: a backtracking signature or redaction pattern never hangs hunt. */
import { describe, expect, it } from 'vitest';
import { compileRegexSig, findRegexLines } from '../../src/scan/regex.js';
import { nestedQuantifier, regexHazard } from '../../src/runtime/regex-guard.js';
import { createRedactor } from '../../src/runtime/redact.js';
import { ConfigError } from '../../src/errors.js';

describe('regex guard', () => {
  it('a catastrophic signature regex finishes on a hostile line (linear-time fallback)', () => {
    const sig = compileRegexSig(0, '^(a+)+$x');
    const line = Buffer.from(`${'a'.repeat(50_000)}!\n`);
    const hits: number[] = [];
    findRegexLines(line, line.length, [sig], (pos) => hits.push(pos));
    expect(hits).toEqual([]);
    const sig2 = compileRegexSig(1, '(x+x+)+y');
    const buf = Buffer.from(`${'x'.repeat(20_000)}\nxxy\n`);
    findRegexLines(buf, buf.length, [sig2], (pos) => hits.push(pos));
    expect(hits).toEqual([20_001]);
  });

  it('refuses nested quantifiers that the linear engine cannot run (lookaround, backreferences)', () => {
    expect(nestedQuantifier('(a+)+')).toBe('(a+)+');
    expect(nestedQuantifier('(?:\\w*x)*y')).toBe('(?:\\w*x)*');
    expect(nestedQuantifier('(ab)+c*')).toBeNull();
    expect(nestedQuantifier('[(a+)]+')).toBeNull();
    expect(regexHazard('(?=a)(a+)+b')).toMatch(/nested unbounded quantifiers/);
    expect(regexHazard('(a+)+b')).toBeNull(); // the fallback runs it in linear time
    expect(regexHazard('(?<=x)ab+')).toBeNull();
    expect(() => compileRegexSig(0, '(\\w)(\\1+)+z')).toThrow(ConfigError);
  });

  it('a backtracking redaction pattern cannot hang redaction of hostile output', () => {
    const redact = createRedactor({ patterns: ['(a+)+b'] });
    expect(redact(`${'a'.repeat(30_000)}!`)).toBe(`${'a'.repeat(30_000)}!`);
    expect(() => createRedactor({ patterns: ['(?=a)(a*)*b'] })).toThrow(ConfigError);
  });
});

describe('terminal-safe progress', () => {
  it('labels and texts with escapes and workflow commands reach the stream defused', async () => {
    const { safeProgress, terminalLine } = await import('../../src/runtime/safe-text.js');
    const lines: string[] = [];
    const p = safeProgress({
      step: (l: string) => ({ update: () => {}, done: (_o: string, t?: string) => lines.push(`${l} ${t ?? ''}`) }),
      info: (l: string) => lines.push(l),
    });
    p.info('argv: \u001b[2J\u001b]0;title\u0007run\n::error::pwned\n##[group]x');
    p.step('::add-mask::x').done('fail', 'exit 1\n::warning::y');
    for (const l of lines) {
      expect(l).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
      expect(l.split('\n').every((x) => !/^\s*::/.test(x))).toBe(true);
    }
    // One line: the command marks no longer start a line, and the escapes (screen clear, OSC title) are gone whole.
    expect(lines[0]).toBe('argv: run ::error::pwned ##[group]x');
    expect(terminalLine('::x::y')).toBe(':\u200b:x::y');
  });
});
