/**
 * The Markdown for a PR comment (`gh pr comment --body-file`): GitHub refuses a comment body over 65,536 characters,
 * so the full report is used when it fits, else the compact summary, else the compact summary cut at a line with
 * its open code fences and <details> closed and a note where the rest is.
 */

/** GitHub's limit on a comment body, in characters. */
export const COMMENT_MAX_CHARS = 65_536;
/** What hunt aims for: below the limit with room for a line a workflow may add. */
export const COMMENT_BUDGET = 64_000;

const CUT_NOTE = '\n\n_… cut to fit a GitHub comment; the full report is in the run artifacts (hunt-report.md)._\n';

/** Closes what a cut left open: a code fence (``` or longer) and <details> blocks. */
function closeOpen(text: string): string {
  let fence: string | null = null;
  let details = 0;
  for (const line of text.split('\n')) {
    const m = /^\s{0,3}(`{3,}|~{3,})/.exec(line);
    if (m) {
      if (fence === null) fence = m[1];
      else if (m[1][0] === fence[0] && m[1].length >= fence.length && line.trim() === m[1]) fence = null;
      continue;
    }
    if (fence !== null) continue;
    details += (line.match(/<details\b/gi) ?? []).length - (line.match(/<\/details>/gi) ?? []).length;
  }
  let out = text;
  if (fence !== null) out += `\n${fence}`;
  for (let i = 0; i < details; i++) out += '\n</details>';
  return out;
}

/** The comment body for a report whose full Markdown is `full`; `compact()` renders the short form on demand. */
export function fitComment(full: string, compact: () => string, budget = COMMENT_BUDGET): string {
  if (full.length <= budget) return full;
  const short = compact();
  if (short.length <= budget) return short;
  const room = budget - CUT_NOTE.length - 200;
  let cut = short.slice(0, room);
  const nl = cut.lastIndexOf('\n');
  if (nl > 0) cut = cut.slice(0, nl);
  // Never end on half a surrogate pair.
  if (/[\ud800-\udbff]$/.test(cut)) cut = cut.slice(0, -1);
  return `${closeOpen(cut)}${CUT_NOTE}`;
}
