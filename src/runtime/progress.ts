/**
 * Progress on stderr: an ora spinner per step on a TTY, one plain line per step otherwise (CI, pipes).
 * Results never go here; they go to stdout. Colour only through runtime/terminal.ts (NO_COLOR / FORCE_COLOR).
 */
import type { Ora } from 'ora';
import { canAnimate, outcomeMark, outcomeSymbol, paintFor, spinnerOptions, type Outcome } from './terminal.js';

export type StepOutcome = Outcome;

export interface Step {
  done(outcome: StepOutcome, text?: string): void;
  update(text: string): void;
}

export interface Progress {
  step(label: string): Step;
  info(line: string): void;
}

/** Builds the progress reporter; `quiet` silences it (e.g. --json consumers that also read stderr). */
export async function createProgress(opts: { stream?: NodeJS.WriteStream; quiet?: boolean; env?: NodeJS.ProcessEnv } = {}): Promise<Progress> {
  const stream = opts.stream ?? process.stderr;
  const env = opts.env ?? process.env;
  if (opts.quiet) return { step: () => ({ done() {}, update() {} }), info() {} };
  const paint = paintFor(stream, env);
  if (!canAnimate(stream, env)) {
    return {
      step(label) {
        const started = Date.now();
        return {
          update() {},
          done(outcome, text) {
            stream.write(`[${outcomeMark(outcome, paint)}] ${label}${text ? ` - ${text}` : ''} (${Date.now() - started} ms)\n`);
          },
        };
      },
      info: (line) => stream.write(`${line}\n`),
    };
  }
  const { default: ora } = await import('ora');
  return {
    step(label) {
      const spinner: Ora = ora(spinnerOptions(stream, paint, label)).start();
      return {
        update: (text) => void (spinner.text = `${label} - ${text}`),
        done(outcome, text) {
          const t = text ? `${label} - ${text}` : label;
          spinner.stopAndPersist({ symbol: outcomeSymbol(outcome, paint), text: outcome === 'skip' ? `${t} (skipped)` : t });
        },
      };
    },
    info: (line) => stream.write(`${line}\n`),
  };
}
