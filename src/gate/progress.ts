/**
 * Progress of the gate's steps on stderr. Off a TTY (CI, pipes) every finished step is one plain line
 * (runtime/progress.ts). On a TTY, steps can run concurrently (T3 chaos beside T1/T2), and one ora spinner
 * per step would fight over the cursor line; so ONE spinner lists the running steps and every finished
 * step is persisted as its own line above it.
 */
import type { Ora } from 'ora';
import { createProgress, type Progress, type Step, type StepOutcome } from '../runtime/progress.js';
import { canAnimate, outcomeSymbol, paintFor, spinnerOptions } from '../runtime/terminal.js';
import { safeProgress } from '../runtime/safe-text.js';

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
  if (opts.quiet || !canAnimate(stream)) {
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
  const paint = paintFor(stream);
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
    } else if (!spinner) spinner = ora(spinnerOptions(stream, paint, text())).start();
    else spinner.text = text();
  };
  const persist = (outcome: StepOutcome, line: string) => {
    const s = spinner ?? ora(spinnerOptions(stream, paint));
    s.stopAndPersist({ symbol: outcomeSymbol(outcome, paint), text: outcome === 'skip' ? `${line} (skipped)` : line });
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
