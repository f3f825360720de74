/**
 * The command table and the ONE place that maps errors to exit codes.
 * Command modules are imported lazily so `hunt --help` stays fast and light.
 */
import { Command, CommanderError } from 'commander';
import { huntVersion } from './config/package.js';
import { EXIT, HuntError, errorMessage } from './errors.js';
import type { CommandSpec, RunContext } from './commands/types.js';
import { commandTable } from './commands/table.js';
import { installSignalTeardown } from './runtime/teardown.js';

function printError(err: HuntError): void {
  process.stderr.write(`hunt: error: ${err.message}\n`);
  for (const d of err.details) process.stderr.write(`  ${d}\n`);
  if (err.hint) process.stderr.write(`hint: ${err.hint}\n`);
}

function buildProgram(result: { code: number }): Command {
  const program = new Command('hunt')
    .description('Release hunting for self-hosted daemons: snapshot, chaos, gate and report.')
    .version(huntVersion(), '-V, --version', 'print the hunt version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  program.configureOutput({ writeErr: (s) => process.stderr.write(s) });
  for (const spec of commandTable) addCommand(program, spec, result);
  return program;
}

function addCommand(program: Command, spec: CommandSpec<never>, result: { code: number }): void {
  const cmd = program.command(spec.name).description(spec.summary).exitOverride();
  spec.configure(cmd).action(async (...args: unknown[]) => {
    const command = args[args.length - 1] as Command;
    const opts: Record<string, unknown> = { ...command.opts(), args: command.args };
    const ctx: RunContext = { json: Boolean(opts.json), cwd: process.cwd(), env: { ...process.env } };
    const mod = await spec.load();
    // commander parsed and typed the options with the spec's own parsers (commands/flags.ts)
    result.code = await mod.run(opts as never, ctx);
  });
}

/** Runs the CLI and resolves to the process exit code; never throws. */
export async function main(argv: string[]): Promise<number> {
  installSignalTeardown();
  const result = { code: EXIT.pass as number };
  try {
    await buildProgram(result).parseAsync(argv);
    return result.code;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end through here with exit code 0.
      return err.exitCode === 0 ? 0 : EXIT.usage;
    }
    if (err instanceof HuntError) {
      printError(err);
      return err.exitCode;
    }
    // An internal error is never a pass: fail closed with exit 1.
    process.stderr.write(`hunt: internal error: ${errorMessage(err)}\n`);
    if (process.env.HUNT_DEBUG) process.stderr.write(`${(err as Error)?.stack ?? ''}\n`);
    else process.stderr.write('hint: set HUNT_DEBUG=1 for a stack trace and report it as a bug\n');
    return EXIT.fail;
  }
}
