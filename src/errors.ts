/**
 * Typed errors. Every user-facing failure is one of these; src/cli.ts is the only place that turns
 * them into exit codes, so a command never calls process.exit itself.
 */

/** Exit codes of the design's single table. */
export const EXIT = { pass: 0, fail: 1, usage: 2, interrupted: 130 } as const;

/** Base class: `hint` tells the user what to do next; it is printed on its own line. */
export class HuntError extends Error {
  readonly exitCode: number;
  readonly hint?: string;
  readonly details: string[];
  constructor(message: string, opts: { exitCode?: number; hint?: string; details?: string[] } = {}) {
    super(message);
    this.name = new.target.name;
    this.exitCode = opts.exitCode ?? EXIT.usage;
    this.hint = opts.hint;
    this.details = opts.details ?? [];
  }
}

/** A bad flag or flag combination. Exit 2. */
export class UsageError extends HuntError {}

/** A missing, unreadable, malformed or schema-invalid input file. Exit 2. */
export class InputError extends HuntError {}

/** A config/profile problem (no config found, invalid profile, production path used in a sandbox). Exit 2. */
export class ConfigError extends HuntError {}

/** Something required by the run is missing on this machine (a binary, a free port). Exit 2. */
export class EnvironmentError extends HuntError {}

/** hunt itself was interrupted (SIGINT/SIGTERM) after tearing down what it started. */
export class InterruptedError extends HuntError {
  constructor(signal: string) {
    super(`interrupted by ${signal}; every process this run started was stopped`, { exitCode: EXIT.interrupted });
  }
}

/** Formats an unknown thrown value for a log line without a stack trace. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
