/**
 * Progress on stderr: an ora spinner per step on a TTY, one plain line per step otherwise (CI, pipes).
 * Results never go here; they go to stdout. Honours NO_COLOR / FORCE_COLOR through chalk.
 */
import type { Ora } from 'ora';

export type StepOutcome = 'pass' | 'warn' | 'fail' | 'skip';

export interface Step {
  done(outcome: StepOutcome, text?: string): void;
  update(text: string): void;
}

export interface Progress {
  step(label: string): Step;
  info(line: string): void;
}

const MARK: Record<StepOutcome, string> = { pass: 'ok  ', warn: 'WARN', fail: 'FAIL', skip: 'skip' };

/** Builds the progress reporter; `quiet` silences it (e.g. --json consumers that also read stderr). */
export async function createProgress(opts: { stream?: NodeJS.WriteStream; quiet?: boolean } = {}): Promise<Progress> {
  const stream = opts.stream ?? process.stderr;
  if (opts.quiet) return { step: () => ({ done() {}, update() {} }), info() {} };
  // A terminal reporting zero columns (e.g. `script` without a size) makes spinners redraw forever: plain lines then.
  const tty = Boolean(stream.isTTY) && !process.env.CI && (stream.columns ?? 0) > 0;
  if (!tty) {
    return {
      step(label) {
        const started = Date.now();
        return {
          update() {},
          done(outcome, text) {
            stream.write(`[${MARK[outcome]}] ${label}${text ? ` - ${text}` : ''} (${Date.now() - started} ms)\n`);
          },
        };
      },
      info: (line) => stream.write(`${line}\n`),
    };
  }
  const { default: ora } = await import('ora');
  return {
    step(label) {
      const spinner: Ora = ora({ text: label, stream }).start();
      return {
        update: (text) => void (spinner.text = `${label} - ${text}`),
        done(outcome, text) {
          const t = text ? `${label} - ${text}` : label;
          if (outcome === 'pass') spinner.succeed(t);
          else if (outcome === 'warn') spinner.warn(t);
          else if (outcome === 'fail') spinner.fail(t);
          else spinner.info(`${t} (skipped)`);
        },
      };
    },
    info: (line) => stream.write(`${line}\n`),
  };
}
