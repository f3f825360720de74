import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  backtickFence,
  clipMiddle,
  defuseReferences,
  htmlText,
  isSafeUrl,
  mdCell,
  mdCellCode,
  mdCode,
  mdFence,
  mdLink,
  mdText,
  sanitize,
  truncate,
} from '../../src/report/escape.js';
import { xmlAttr, xmlText } from '../../src/report/junit.js';
import { gfmCells, hostileString, markdownProblems, NASTY } from './render.arbitraries.js';

/** Reads inline Markdown text back: `\x` -> x, `<br>` -> newline (what a GFM renderer shows). */
function unescapeInline(md: string): string {
  let out = '';
  for (let i = 0; i < md.length; i++) {
    if (md[i] === '\\' && i + 1 < md.length) out += md[++i];
    else if (md.startsWith('<br>', i)) {
      out += '\n';
      i += 3;
    } else out += md[i];
  }
  return out;
}

/** What a cell is expected to show for `s`: sanitized, tabs as spaces, trimmed. */
function shown(s: string): string {
  return sanitize(s).trim().replace(/\t/g, ' ').replace(/^\s+/, '');
}

describe('mdText / mdCell', () => {
  it('escapes pipes, backticks, HTML, emphasis and math so they render literally', () => {
    expect(mdCell('a | b')).toBe('a \\| b');
    expect(mdCell('`x`')).toBe('\\`x\\`');
    expect(mdCell('<script>')).toBe('\\<script\\>');
    expect(mdCell('*a* _b_ ~c~ $d$')).toBe('\\*a\\* \\_b\\_ \\~c\\~ \\$d\\$');
    expect(mdCell('[x](javascript:alert(1))')).toBe('\\[x\\](javascript:alert(1))');
    expect(mdCell('&amp;')).toBe('\\&amp;');
    expect(mdCell('a\\|b')).toBe('a\\\\\\|b');
  });

  it('turns newlines into <br> and never leaves a line break in a cell', () => {
    expect(mdCell('one\ntwo\r\nthree\rfour')).toBe('one<br>two<br>three<br>four');
    expect(mdText('one\ntwo', { newline: 'space' })).toBe('one two');
    expect(mdCell('a\u2028b')).toBe('a<br>b');
  });

  it('defuses line-start constructs but leaves ordinary numbers and signs alone', () => {
    expect(mdText('- item')).toBe('\\- item');
    expect(mdText('+ item')).toBe('\\+ item');
    expect(mdText('1. one')).toBe('1\\. one');
    expect(mdText('2) two')).toBe('2\\) two');
    expect(mdText('---')).toBe('\\---');
    expect(mdText('===')).toBe('\\===');
    expect(mdText('# h')).toBe('\\# h');
    expect(mdText('    code?')).toBe('code?');
    expect(mdText('1.5.0')).toBe('1.5.0');
    expect(mdText('+1')).toBe('+1');
    expect(mdText('-2')).toBe('-2');
    expect(mdText('--scenarios x')).toBe('--scenarios x');
  });

  it('drops controls, bidi overrides and lone surrogates', () => {
    expect(sanitize('a\u0000b\u001b[31mc\u202ed\u0085e')).toBe('abcd\ne');
    expect(sanitize('x\ud800y')).toBe('x\ufffdy');
    expect(sanitize('🚀')).toBe('🚀');
  });

  it('caps long cells with an ellipsis, counting code points', () => {
    expect(mdCell('x'.repeat(1000))).toBe(`${'x'.repeat(299)}…`);
    expect(truncate('🚀🚀🚀', 2)).toBe('🚀…');
    expect(mdCell('ab', 5)).toBe('ab');
  });

  it('property: a cell is one table cell and reads back as the sanitized text', () => {
    fc.assert(
      fc.property(hostileString, (s) => {
        const cell = mdCell(s, 10_000);
        expect(cell).not.toMatch(/[\n\r]/);
        expect(gfmCells(`| ${cell} | x |`)).toBe(2);
        expect(unescapeInline(cell)).toBe(defuseReferences(shown(s)));
      }),
      { numRuns: 500 },
    );
  });
});

describe('code spans and fences', () => {
  it('uses a fence longer than any backtick run and pads when needed', () => {
    expect(mdCode('abc')).toBe('`abc`');
    expect(mdCode('a`b')).toBe('``a`b``');
    expect(mdCode('`x`')).toBe('`` `x` ``');
    expect(mdCode('a```b')).toBe('````a```b````');
    expect(mdCode('')).toBe('(empty)');
    expect(backtickFence('no ticks', 3)).toBe('```');
  });

  it('escapes pipes in table code spans and falls back to text when a backslash precedes a pipe', () => {
    expect(mdCellCode('a|b')).toBe('`a\\|b`');
    expect(gfmCells(`| ${mdCellCode('a\\|b')} |`)).toBe(1);
    expect(mdCellCode('a\\|b')).toBe('a\\\\\\|b');
  });

  it('property: a fenced block holds the text verbatim and is closed only by its own fence', () => {
    fc.assert(
      fc.property(hostileString, (s) => {
        const block = mdFence(s, 'text');
        const lines = block.split('\n');
        const fence = lines[0].replace(/text$/, '');
        expect(lines[lines.length - 1]).toBe(fence);
        const body = lines.slice(1, -1).join('\n');
        expect(body).toBe(sanitize(s).replace(/\n$/, ''));
        for (const l of lines.slice(1, -1)) expect(l.trim().startsWith(fence) && /^`+$/.test(l.trim())).toBe(false);
        expect(markdownProblems(block)).toEqual([]);
      }),
      { numRuns: 500 },
    );
  });

  it('property: table code spans never add or lose a cell', () => {
    fc.assert(
      fc.property(hostileString, (s) => {
        expect(gfmCells(`| ${mdCellCode(s)} | x |`)).toBe(2);
      }),
      { numRuns: 500 },
    );
  });

  it('refuses an unsafe fence info string', () => {
    expect(mdFence('x', 'js onload=1').split('\n')[0]).toBe('```');
  });
});

describe('html, links, clipping', () => {
  it('escapes HTML entities for <summary> on one line', () => {
    expect(htmlText('<a href="x">\'&\'</a>\n\nnext')).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt; next');
  });

  it('links only safe http(s) URLs, with an angle-bracket destination', () => {
    expect(mdLink('issue', 'https://github.com/o/r/issues/1')).toBe('[issue](<https://github.com/o/r/issues/1>)');
    expect(mdLink('x', 'https://example.com/a_(b)')).toBe('[x](<https://example.com/a_(b)>)');
    expect(mdLink('x', 'javascript:alert(1)')).toBe('javascript:alert(1)');
    expect(mdLink('x', 'https://e.com/a|b')).toBe('https://e.com/a\\|b');
    expect(mdLink('x', 'https://e.com/<b>')).toBe('https://e.com/\\<b\\>');
    expect(isSafeUrl('http://127.0.0.1:8080/healthz')).toBe(true);
    expect(isSafeUrl('data:text/html,hi')).toBe(false);
  });

  it('keeps head and tail of a long block', () => {
    const s = `${'a'.repeat(50)}${'b'.repeat(50)}`;
    const c = clipMiddle(s, 20);
    expect(c.startsWith('a'.repeat(10))).toBe(true);
    expect(c.endsWith('b'.repeat(10))).toBe(true);
    expect(c).toContain('80 characters omitted');
    expect(clipMiddle('short', 20)).toBe('short');
  });

  it('every nasty string survives every helper without breaking a table row', () => {
    for (const s of NASTY) {
      const row = `| ${mdCell(s)} | ${mdCellCode(s)} | ${mdLink(s, s)} |`;
      expect(gfmCells(row)).toBe(3);
      expect(markdownProblems(`| a | b | c |\n| --- | --- | --- |\n${row}\n`)).toEqual([]);
    }
  });
});

describe('XML escaping (JUnit)', () => {
  it('escapes text and attributes and drops characters XML cannot hold', () => {
    expect(xmlText('a < b && c > d')).toBe('a &lt; b &amp;&amp; c &gt; d');
    expect(xmlAttr('say "hi"\n\'x\'\t')).toBe('say &quot;hi&quot;&#10;&apos;x&apos;&#9;');
    expect(xmlText('\u0000\u001b\uffff\ud800')).toBe('\ufffd\ufffd');
  });
});
