/** Picking the one line of a failed command's or daemon's output that says why (pure). */

const ALARM = /\b(emerg|fatal|panic|crit(?:ical)?|alert|error|failed|failure|refused|denied)\b/i;
const TRIM_MARK = /^\.\.\.\[\d+ (?:chars|bytes) trimmed\]$/;

function lines(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !TRIM_MARK.test(l));
}

/**
 * Pure: the line that best says why something failed, for a summary (and so the verdict's reason): the first
 * line of any text that names an error ("[emerg] unknown directive ...", "*** FATAL CONFIG FILE ERROR"), else
 * the last line of the first non-empty text; capped at `max` characters. Texts are tried in the order given
 * (stderr before stdout); they must already be redacted.
 */
export function keyLine(texts: string[], max = 300): string | null {
  const all = texts.map(lines);
  const line = all.flat().find((l) => ALARM.test(l)) ?? all.find((l) => l.length)?.at(-1);
  if (!line) return null;
  return line.length > max ? `${line.slice(0, max)}...` : line;
}
