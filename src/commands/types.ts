import type { Command } from 'commander';

/** What every command's run() receives besides its parsed options. */
export interface RunContext {
  /** Whether --json was given: results go to stdout as one JSON object. */
  json: boolean;
  /** Absolute working directory the command was started in. */
  cwd: string;
  /** Environment (a copy; commands never mutate process.env). */
  env: NodeJS.ProcessEnv;
}

/** A command's run(): returns the exit code (0 pass/warn, 1 gate fail); throws HuntError for exit 2. */
export type RunFn<O> = (opts: O, ctx: RunContext) => Promise<number>;

/**
 * A row of the command table. `configure` only declares flags (cheap, no heavy imports) with the parsers of
 * ./flags.ts, so `O` (declared next to the flags in spec.ts) is what commander hands over: typed, ranged,
 * defaulted. `load` lazily imports the module that does the work, so `hunt --help` loads no ajv/handlebars/zod.
 */
export interface CommandSpec<O = unknown> {
  name: string;
  summary: string;
  configure(cmd: Command): Command;
  load(): Promise<{ run: RunFn<O> }>;
}

/** Declares a command row with its options type (keeps the table's element type uniform). */
export function defineCommand<O>(spec: CommandSpec<O>): CommandSpec<O> {
  return spec;
}
