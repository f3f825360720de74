/**
 * Regex signatures. Semantics: the regex (JS syntax, flag `m`) is tested against each line without its
 * terminator (a trailing CR is dropped). The chunk is decoded once; a "line-safe" regex (no `$`, no lookaround)
 * is searched across the whole decoded chunk and only the lines it lands on are tested exactly, so a rare regex
 * costs one engine pass per chunk instead of one call per line. Other regexes are tested line by line.
 */
import { isAscii } from 'node:buffer';
import { compileGuardedRegex } from '../runtime/regex-guard.js';

export interface RegexSig {
  sig: number;
  search: RegExp; // global, for the chunk-wide pass
  test: RegExp; // non-global, for one line
  lineSafe: boolean;
}

/** Compiles a regex signature; invalid sources were rejected by config validation, this throws otherwise. */
export function compileRegexSig(sig: number, source: string): RegexSig {
  // A match in the chunk string can only be missed for a line that matches on its own when the regex looks
  // beyond the line: `$` (CRLF, end of chunk) or lookaround. Those take the line-by-line path.
  const lineSafe = !/\$|\(\?<?[=!]/.test(source);
  // Guarded: a backtracking pattern falls back to V8's linear-time engine instead of hanging on a hostile line.
  return { sig, search: compileGuardedRegex(source, 'gm'), test: compileGuardedRegex(source, 'm'), lineSafe };
}

function lineText(str: string, a: number, b: number): string {
  return b > a && str.charCodeAt(b - 1) === 13 ? str.slice(a, b - 1) : str.slice(a, b);
}

/**
 * Reports, for every regex, the byte start of each line of buf[0, end) it matches (one report per line).
 * Lines are split on LF; the decoded string keeps a 1:1 line correspondence with the bytes (UTF-8 decoding
 * never swallows an ASCII byte), so line k of the string is line k of the buffer.
 */
export function findRegexLines(buf: Buffer, end: number, sigs: RegexSig[], onLine: (pos: number, sig: number) => void): void {
  if (sigs.length === 0 || end === 0) return;
  const view = buf.subarray(0, end);
  const ascii = isAscii(view);
  const str = view.toString(ascii ? 'latin1' : 'utf8');
  for (const r of sigs) {
    let strCur = 0;
    let byteCur = 0;
    const byteStart = (a: number): number => {
      if (ascii) return a;
      while (strCur < a) {
        strCur = str.indexOf('\n', strCur) + 1;
        byteCur = view.indexOf(10, byteCur) + 1;
      }
      return byteCur;
    };
    if (r.lineSafe) {
      r.search.lastIndex = 0;
      for (;;) {
        const m = r.search.exec(str);
        if (!m) break;
        const a = m.index === 0 ? 0 : str.lastIndexOf('\n', m.index - 1) + 1;
        if (a >= str.length) break; // an empty match after the final newline is not a line
        let b = str.indexOf('\n', a);
        if (b < 0) b = str.length;
        if (r.test.test(lineText(str, a, b))) onLine(byteStart(a), r.sig);
        if (b >= str.length) break;
        r.search.lastIndex = b + 1;
      }
    } else {
      for (let a = 0; a < str.length;) {
        let b = str.indexOf('\n', a);
        if (b < 0) b = str.length;
        if (r.test.test(lineText(str, a, b))) onLine(byteStart(a), r.sig);
        a = b + 1;
      }
    }
  }
}
