/**
 * Typed errors. Every user-facing failure is one of these; src/cli.ts is the only place that turns
 * them into exit codes, so a command never calls process.exit itself.
 */

/**
 * Exit codes of the design's single table (README "Exit codes"). `internal` is EX_SOFTWARE of sysexits.h: a code
 * of its own, so CI tells "hunt broke" (70) from "the release is bad" (1) and from "the invocation is wrong" (2).
 */
export const EXIT = { pass: 0, fail: 1, usage: 2, internal: 70, interrupted: 130 } as const;

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

/** What kind of failure ended a run, as `--json` reports it. */
export type ErrorKind = 'usage' | 'input' | 'config' | 'environment' | 'interrupted' | 'internal';

/** The JSON object a `--json` run prints on stdout instead of its result when it fails. */
export interface JsonErrorOutput {
  error: { kind: ErrorKind; message: string; details: string[]; hint?: string };
  exitCode: number;
}

/** The kind of a thrown value (anything that is not a HuntError is internal). */
export function errorKind(err: unknown): ErrorKind {
  if (err instanceof InterruptedError) return 'interrupted';
  if (err instanceof InputError) return 'input';
  if (err instanceof ConfigError) return 'config';
  if (err instanceof EnvironmentError) return 'environment';
  if (err instanceof HuntError) return 'usage';
  return 'internal';
}

/** Builds the `--json` error object (pure). */
export function jsonError(kind: ErrorKind, message: string, exitCode: number, opts: { details?: string[]; hint?: string } = {}): JsonErrorOutput {
  const error: JsonErrorOutput['error'] = { kind, message, details: opts.details ?? [] };
  if (opts.hint) error.hint = opts.hint;
  return { error, exitCode };
}
