/**
 * Progress of the gate's steps on stderr. Off a TTY (CI, pipes) every finished step is one plain line
 * (runtime/progress.ts). On a TTY, steps can run concurrently (T3 chaos beside T1/T2), and one ora spinner
 * per step would fight over the cursor line; so ONE spinner lists the running steps and every finished
 * step is persisted as its own line above it.
 */
import type { Ora } from 'ora';
import { createProgress, type Progress, type Step, type StepOutcome } from '../runtime/progress.js';
import { safeProgress } from '../runtime/terminal.js';

export interface GateProgress {
  step(label: string): Step;
  info(line: string): void;
  /** A Progress for a sub-task (chaos scenarios, snapshot probes) whose labels get `prefix`. */
  sub(prefix: string): Progress;
  /** Stops any spinner (call before printing the result). */
  close(): void;
}

function subOf(step: (label: string) => Step, info: (l: string) => void, prefix: string): Progress {
  return safeProgress({ step: (label) => step(`${prefix}: ${label}`), info });
}

/** Builds the gate's progress reporter on `stream` (default stderr). */
export async function createGateProgress(opts: { stream?: NodeJS.WriteStream; quiet?: boolean } = {}): Promise<GateProgress> {
  const stream = opts.stream ?? process.stderr;
  // A pty without a size (columns 0, e.g. under `script` with no terminal) sends ora's line arithmetic into an
  // endless clear loop: such a stream gets plain lines.
  const tty = Boolean(stream.isTTY) && (stream.columns ?? 0) > 0 && !process.env.CI && !opts.quiet;
  if (!tty) {
    // Labels and lines carry target text (argv, output, summaries): terminal-safe before they reach a CI log.
    const p = safeProgress(await createProgress({ stream, quiet: opts.quiet }));
    return {
      step: (l) => p.step(l),
      info: (l) => p.info(l),
      sub: (prefix) =>
        subOf(
          (l) => p.step(l),
          (l) => p.info(l),
          prefix,
        ),
      close() {},
    };
  }
  const { default: ora } = await import('ora');
  const active = new Map<number, string>();
  let seq = 0;
  let spinner: Ora | null = null;
  const text = () => {
    const labels = [...active.values()];
    return labels.length > 2 ? `${labels.slice(0, 2).join(' | ')} | +${labels.length - 2} more` : labels.join(' | ');
  };
  const refresh = () => {
    if (!active.size) {
      spinner?.stop();
      spinner = null;
    } else if (!spinner) spinner = ora({ text: text(), stream }).start();
    else spinner.text = text();
  };
  const persist = (outcome: StepOutcome, line: string) => {
    const s = spinner ?? ora({ stream });
    if (outcome === 'pass') s.succeed(line);
    else if (outcome === 'warn') s.warn(line);
    else if (outcome === 'fail') s.fail(line);
    else s.info(`${line} (skipped)`);
    spinner = null;
    refresh();
  };
  const step = (label: string): Step => {
    const id = ++seq;
    const started = Date.now();
    active.set(id, label);
    refresh();
    return {
      update(t) {
        active.set(id, `${label} - ${t}`);
        refresh();
      },
      done(outcome, t) {
        active.delete(id);
        persist(outcome, `${label}${t ? ` - ${t}` : ''} (${Date.now() - started} ms)`);
      },
    };
  };
  const info = (line: string) => {
    spinner?.clear();
    stream.write(`${line}\n`);
    spinner?.render();
  };
  const safe = safeProgress({ step, info });
  return { ...safe, sub: (prefix) => subOf(safe.step, safe.info, prefix), close: () => spinner?.stop() };
}
