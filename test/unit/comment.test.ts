import { describe, expect, it } from 'vitest';
import { COMMENT_BUDGET, COMMENT_MAX_CHARS, fitComment } from '../../src/report/comment.js';

describe('fitComment', () => {
  it('keeps the full report when it fits, else the compact one', () => {
    expect(fitComment('full', () => 'short')).toBe('full');
    const big = 'x'.repeat(COMMENT_BUDGET + 1);
    expect(fitComment(big, () => 'short')).toBe('short');
  });

  it('cuts an oversized compact report at a line, closes open fences and <details>, and says so', () => {
    const row = '| reason | detail that is long enough to matter |\n';
    const compact = `## Verdict\n\n<details><summary>reasons</summary>\n\n\`\`\`\n${row.repeat(5000)}`;
    const out = fitComment(compact + compact, () => compact);
    expect(out.length).toBeLessThanOrEqual(COMMENT_MAX_CHARS);
    expect(out.length).toBeLessThanOrEqual(COMMENT_BUDGET);
    expect(out).toMatch(/\n```\n<\/details>\n\n_… cut to fit a GitHub comment/);
    expect(out.split('\n').filter((l) => l === '```')).toHaveLength(2);
  });

  it('never splits a surrogate pair', () => {
    const compact = '😀'.repeat(COMMENT_BUDGET);
    const out = fitComment(compact + 'x', () => compact);
    expect(out).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
  });
});
