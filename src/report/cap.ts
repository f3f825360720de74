/**
 * A hard size cap for Markdown documents (the report, the step summary). Per-field caps keep a normal report
 * small; this is the backstop for reports with very many checks or huge fields. The cut lands at a line end,
 * closes a fenced block or <details> left open there, and says how much was cut and where the rest is.
 */

/** Largest Markdown report written (bytes). GitHub renders files up to a few MiB; beyond that nobody reads it. */
export const MARKDOWN_MAX_BYTES = 2 * 1024 * 1024;

interface Cut {
  end: number; // byte offset just after a line
  closers: string;
}

function closersOf(fence: string | null, details: number): string {
  return `${fence ? `${fence}\n` : ''}${'\n</details>\n'.repeat(details)}`;
}

/** Cuts `md` to at most `maxBytes` bytes (UTF-8) at a line end, with a note saying what was cut; unchanged when it fits. */
export function capMarkdown(md: string, maxBytes: number): string {
  const total = Buffer.byteLength(md);
  if (total <= maxBytes) return md;
  const note = (cut: number) =>
    `\n\n> **Cut:** ${cut} of ${total} bytes of this document were left out to keep it under ${maxBytes} bytes; the JSON report has everything.\n`;
  const noteMax = Buffer.byteLength(note(total));
  let best: Cut = { end: 0, closers: '' };
  let fence: string | null = null;
  let details = 0;
  let bytes = 0;
  let start = 0;
  while (start < md.length) {
    let nl = md.indexOf('\n', start);
    if (nl < 0) nl = md.length;
    const line = md.slice(start, nl);
    bytes += Buffer.byteLength(line) + 1;
    if (fence) {
      const close = /^ {0,3}(`{3,}|~{3,})\s*$/.exec(line);
      if (close && close[1][0] === fence[0] && close[1].length >= fence.length) fence = null;
    } else {
      const open = /^ {0,3}(`{3,}|~{3,})/.exec(line);
      if (open) fence = open[1];
      else if (/^<details>/i.test(line)) details++;
      else if (/^<\/details>/i.test(line)) details = Math.max(0, details - 1);
    }
    const closers = closersOf(fence, details);
    if (bytes + Buffer.byteLength(closers) + noteMax > maxBytes) break;
    best = { end: bytes, closers };
    start = nl + 1;
  }
  let head = Buffer.from(md).subarray(0, best.end).toString('utf8');
  if (best.end === 0) {
    // Not even the first line fits: keep what bytes do (a split character decodes as U+FFFD).
    head = Buffer.from(md)
      .subarray(0, Math.max(0, maxBytes - noteMax))
      .toString('utf8');
  }
  return `${head.replace(/\s+$/, '')}\n${best.closers}${note(total - Buffer.byteLength(head))}`;
}
