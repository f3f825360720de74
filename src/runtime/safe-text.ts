/**
 * Target-controlled text made safe for a terminal or a CI log. ANSI sequences are removed whole (dropping
 * only ESC would leave `[31m` behind); other control characters are shown as \uXXXX; a line that would start a
 * GitHub Actions workflow command (`::error::`, `::add-mask::`, the old `##[group]`) is defused with an invisible
 * character so the runner prints it instead of obeying it.
 */

import type { Progress, Step } from './progress.js';

// CSI (ESC [ or the C1 byte 0x9b) with parameters; OSC (ESC ]) up to BEL or ST; DCS/SOS/PM/APC up to ST;
// then any other two-character escape.
const ANSI =
  /(?:\u001b\[|\u009b)[0-?]*[ -/]*[@-~]|(?:\u001b\]|\u009d)[^\u0007\u001b\u009c]*(?:\u0007|\u001b\\|\u009c)?|(?:\u001b[PX^_]|[\u0090\u0098\u009e\u009f])[^\u001b\u009c]*(?:\u001b\\|\u009c)?|\u001b[ -~]?/g;

/** Removes ANSI escape sequences whole (colours, cursor moves, OSC titles and hyperlinks). */
export function stripAnsi(s: string): string {
  return s.replace(ANSI, '');
}

/** Defuses GitHub Actions workflow commands at line starts (a zero-width space between the two marks). */
export function defuseWorkflowCommands(s: string): string {
  return s.replace(/^([ \t]*):(?=:)/gm, '$1:\u200b').replace(/^([ \t]*)#(?=#\[)/gm, '$1#\u200b');
}

/** Text from a target (argv, output, a file's content) made safe for one terminal or CI log line. */
export function terminalLine(s: string): string {
  const flat = stripAnsi(s).replace(/\r\n?|\n|[\u2028\u2029\u0085]/g, ' ');
  return defuseWorkflowCommands(flat.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}

/** Multi-line text from a target made safe for a terminal or CI log: lines kept, controls and commands defused. */
export function terminalText(s: string): string {
  const clean = stripAnsi(s)
    .replace(/\r\n?/g, '\n')
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return defuseWorkflowCommands(clean);
}

/** A progress reporter whose every label, update and info line is made terminal-safe (target text reaches it). */
export function safeProgress<P extends Progress>(p: P): P {
  const wrapStep = (s: Step): Step => ({
    update: (t) => s.update(terminalLine(t)),
    done: (o, t) => s.done(o, t === undefined ? undefined : terminalLine(t)),
  });
  return { ...p, step: (label: string) => wrapStep(p.step(terminalLine(label))), info: (line: string) => p.info(terminalLine(line)) };
}
