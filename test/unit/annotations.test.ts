import { describe, expect, it } from 'vitest';
import type { GateReason, GateVerdict } from '../../src/core/report-types.js';
import { ANNOTATIONS_PER_KIND, escapeData, escapeProperty, githubAnnotations } from '../../src/report/annotations.js';

const report = { lane: 'prod-observe' as const, release: '1.2.3' };
const reason = (rule: string, id: string, detail = `detail of ${id}`): GateReason => ({ id, rule, detail });
const verdict = (status: GateVerdict['status'], reasons: GateReason[]): GateVerdict => ({ status, reasons, blockingSeverity: 'p0' });

describe('githubAnnotations', () => {
  it('one ::error per failing reason and one ::warning per warning reason', () => {
    const lines = githubAnnotations(
      report,
      verdict('fail', [reason('check-fail', 't1_restart'), reason('classification-blocking', 'sig:x'), reason('check-warn', 't2_smoke')]),
      'report.md',
    );
    expect(lines).toEqual([
      '::error title=hunt prod-observe 1.2.3%3A check-fail::t1_restart: detail of t1_restart',
      '::error title=hunt prod-observe 1.2.3%3A classification-blocking::sig:x: detail of sig:x',
      '::warning title=hunt prod-observe 1.2.3%3A check-warn::t2_smoke: detail of t2_smoke',
    ]);
  });

  it('a warn verdict surfaces as warnings, a pass as one notice', () => {
    expect(githubAnnotations(report, verdict('warn', [reason('classification-new', 'a')]), 'r.md')[0]).toMatch(/^::warning /);
    const pass = githubAnnotations(report, verdict('pass', [reason('all-clear', 'gate', '5 check(s) passed; no open finding')]), 'r.md');
    expect(pass).toEqual(['::notice title=hunt prod-observe 1.2.3%3A pass::5 check(s) passed; no open finding']);
  });

  it(`keeps within GitHub's ${ANNOTATIONS_PER_KIND} per kind and summarises the rest`, () => {
    const many = Array.from({ length: 25 }, (_, i) => reason('check-fail', `c${String(i).padStart(2, '0')}`));
    const warns = Array.from({ length: 10 }, (_, i) => reason('check-warn', `w${i}`));
    const lines = githubAnnotations(report, verdict('fail', [...many, ...warns]), 'the step summary');
    const errors = lines.filter((l) => l.startsWith('::error '));
    expect(errors).toHaveLength(ANNOTATIONS_PER_KIND);
    expect(errors.at(-1)).toBe('::error title=hunt%3A 16 more::16 more reason(s) (check-fail) are listed in the step summary');
    expect(lines.filter((l) => l.startsWith('::warning '))).toHaveLength(10);
    expect(lines.filter((l) => l.includes('more reason'))).toHaveLength(1);
  });

  it('report strings cannot inject a workflow command or break the line', () => {
    const evil = reason('check-fail', 'x', 'boom\n::add-mask::secret\r\n100% \u001b[31mred');
    const [line] = githubAnnotations(report, verdict('fail', [evil]), 'r.md');
    expect(line).not.toContain('\n');
    // The colour sequence is removed whole (sanitize), not left behind as `[31m`.
    expect(line).toBe('::error title=hunt prod-observe 1.2.3%3A check-fail::x: boom%0A::add-mask::secret%0A100%25 red');
  });

  it('escapes properties more strictly than data', () => {
    expect(escapeData('a:b,c%')).toBe('a:b,c%25');
    expect(escapeProperty('a:b,c%')).toBe('a%3Ab%2Cc%25');
  });
});
