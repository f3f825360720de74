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
export type RunFn = (opts: Record<string, unknown>, ctx: RunContext) => Promise<number>;

/**
 * A row of the command table. `configure` only declares flags (cheap, no heavy imports);
 * `load` lazily imports the module that does the work, so `hunt --help` loads no ajv/handlebars/execa.
 */
export interface CommandSpec {
  name: string;
  summary: string;
  configure(cmd: Command): Command;
  load(): Promise<{ run: RunFn }>;
}
