/**
 * The command table and the ONE place that maps errors to exit codes.
 * Command modules are imported lazily so `hunt --help` stays fast and light.
 */
import { Command, CommanderError, type Option } from 'commander';
import { huntVersion } from './config/package.js';
import { EXIT, HuntError, UsageError, errorKind, errorMessage, jsonError, type JsonErrorOutput } from './errors.js';
import type { CommandSpec, RunContext } from './commands/types.js';
import { commandTable } from './commands/table.js';
import { installSignalTeardown } from './runtime/teardown.js';

function printError(err: HuntError): void {
  process.stderr.write(`hunt: error: ${err.message}\n`);
  for (const d of err.details) process.stderr.write(`  ${d}\n`);
  if (err.hint) process.stderr.write(`hint: ${err.hint}\n`);
}

function buildProgram(result: { code: number }, table: CommandSpec<never>[]): Command {
  const program = new Command('hunt')
    .description('Release hunting for self-hosted daemons: snapshot, chaos, gate and report.')
    .version(huntVersion(), '-V, --version', 'print the hunt version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  program.configureOutput({ writeErr: (s) => process.stderr.write(s) });
  for (const spec of table) addCommand(program, spec, result);
  return program;
}

/**
 * Takes over commander's required-option check: commander stops at the first missing option and checks before
 * unknown options, so a mistyped `--inptu` read as "--input not specified". Here unknown flags are reported first
 * (with commander's "did you mean"), then every missing required option at once.
 */
function takeOverRequired(cmd: Command): Option[] {
  const required = cmd.options.filter((o) => o.mandatory);
  for (const o of required) o.mandatory = false;
  return required;
}

function assertRequired(command: Command, required: Option[]): void {
  const missing = required.filter((o) => command.getOptionValue(o.attributeName()) === undefined).map((o) => o.flags);
  if (!missing.length) return;
  const what = missing.length === 1 ? `missing required option ${missing[0]}` : `missing required options: ${missing.join(', ')}`;
  throw new UsageError(what, { hint: `see \`hunt ${command.name()} --help\`` });
}

function addCommand(program: Command, spec: CommandSpec<never>, result: { code: number }): void {
  const cmd = program.command(spec.name).description(spec.summary).exitOverride();
  spec.configure(cmd);
  const required = takeOverRequired(cmd);
  cmd.action(async (...args: unknown[]) => {
    const command = args[args.length - 1] as Command;
    assertRequired(command, required);
    const opts: Record<string, unknown> = { ...command.opts(), args: command.args };
    const ctx: RunContext = { json: Boolean(opts.json), cwd: process.cwd(), env: { ...process.env } };
    const mod = await spec.load();
    // commander parsed and typed the options with the spec's own parsers (commands/flags.ts)
    result.code = await mod.run(opts as never, ctx);
  });
}

/** Whether `--json` was asked for (before a `--` terminator): a failure then also prints a JSON error object. */
function wantsJson(argv: string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).includes('--json');
}

/** Prints the error for people (stderr) and maps it to its exit code; the JSON form is returned for --json. */
function handleError(err: unknown): JsonErrorOutput | { exitCode: 0 } {
  if (err instanceof CommanderError) {
    // --help and --version end through here with exit code 0; commander has already printed its message.
    if (err.exitCode === 0) return { exitCode: 0 };
    const message = err.message.replace(/^error: /, '').replace(/\s*\n\s*/g, ' ');
    return jsonError('usage', message, EXIT.usage, { hint: 'run with --help for usage' });
  }
  if (err instanceof HuntError) {
    printError(err);
    return jsonError(errorKind(err), err.message, err.exitCode, { details: err.details, hint: err.hint });
  }
  // An internal error is never a pass, and never looks like a gate fail either: exit 70.
  process.stderr.write(`hunt: internal error: ${errorMessage(err)}\n`);
  if (process.env.HUNT_DEBUG) process.stderr.write(`${(err as Error)?.stack ?? ''}\n`);
  else process.stderr.write('hint: set HUNT_DEBUG=1 for a stack trace and report it as a bug\n');
  return jsonError('internal', errorMessage(err), EXIT.internal, { hint: 'set HUNT_DEBUG=1 for a stack trace and report it as a bug' });
}

/**
 * Notes whether anything reached stdout: a command that already printed its JSON result before failing (validate
 * prints `{valid: false, errors}` and exits 2) must not get a second object after it.
 */
function watchStdout(): { used: () => boolean; restore: () => void } {
  const original = process.stdout.write;
  let used = false;
  process.stdout.write = function (this: NodeJS.WriteStream, ...args: unknown[]) {
    used = true;
    return (original as (...a: unknown[]) => boolean).apply(this, args);
  } as typeof original;
  return { used: () => used, restore: () => void (process.stdout.write = original) };
}

/** Runs the CLI and resolves to the process exit code; never throws. `table` is replaceable for tests only. */
export async function main(argv: string[], table: CommandSpec<never>[] = commandTable): Promise<number> {
  installSignalTeardown();
  const result = { code: EXIT.pass as number };
  const stdout = watchStdout();
  try {
    await buildProgram(result, table).parseAsync(argv);
    return result.code;
  } catch (err) {
    const out = handleError(err);
    const printed = stdout.used();
    stdout.restore();
    if (out.exitCode !== 0 && wantsJson(argv) && !printed) process.stdout.write(`${JSON.stringify(out)}\n`);
    return out.exitCode;
  } finally {
    stdout.restore();
  }
}
