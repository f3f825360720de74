/** Helpers shared by the gate's steps: building checks, running target commands with their log. */
import type { Check, CheckStatus } from '../../core/report-types.js';
import { commandText, runCommand, type CommandLine, type ExecResult } from '../../runtime/exec.js';
import type { GateContext, StepDef, StepRun } from '../types.js';

/** A check for a step (id = step id unless given), timed from `startedMs` to now. */
export function makeCheck(
  gate: GateContext,
  def: Pick<StepDef, 'id' | 'title'>,
  startedMs: number,
  fields: {
    status: CheckStatus;
    summary: string;
    id?: string;
    title?: string;
    command?: string;
    evidence?: string[];
    artifacts?: string[];
    metadata?: Record<string, unknown>;
  },
): Check {
  const end = gate.clock.now();
  const c: Check = {
    id: fields.id ?? def.id,
    title: fields.title ?? def.title,
    status: fields.status,
    summary: fields.summary,
    startedAt: new Date(startedMs).toISOString(),
    endedAt: new Date(end).toISOString(),
    durationMs: Math.max(0, end - startedMs),
  };
  if (fields.command) c.command = fields.command;
  if (fields.evidence?.length) c.evidence = fields.evidence;
  if (fields.artifacts?.length) c.artifacts = fields.artifacts;
  if (fields.metadata && Object.keys(fields.metadata).length) c.metadata = fields.metadata;
  return c;
}

/** A skip check with its reason. */
export function skipCheck(gate: GateContext, def: Pick<StepDef, 'id' | 'title'>, reason: string, id?: string): Check {
  const now = gate.clock.now();
  return makeCheck(gate, def, now, { status: 'skip', summary: reason, id });
}

/** A command from a flag (shell string) or the profile, with placeholders expanded. */
export function targetCommand(gate: GateContext, fromFlag: string | null, fromProfile: CommandLine | undefined): CommandLine | undefined {
  if (fromFlag) return gate.bound.expandCommand(fromFlag);
  return fromProfile;
}

/** One line describing how a command ended. */
export function outcome(r: ExecResult, timeoutMs: number): string {
  if (r.spawnError) return `could not start: ${r.spawnError}`;
  if (r.timedOut) return `timed out after ${timeoutMs} ms`;
  if (r.signal) return `killed by ${r.signal}`;
  return `exit ${r.exitCode} in ${r.durationMs} ms`;
}

/** Whether a command succeeded (exit 0, in time). */
export function succeeded(r: ExecResult): boolean {
  return r.exitCode === 0 && !r.timedOut && !r.spawnError;
}

/** The log text of a command run (already redacted by exec). */
export function commandLog(r: ExecResult, timeoutMs: number): string {
  return [`$ ${r.command}`, `# ${outcome(r, timeoutMs)}`, '--- stdout ---', r.stdout || '(empty)', '--- stderr ---', r.stderr || '(empty)'].join('\n');
}

/** Short evidence lines for a check: the outcome and the last lines of output. */
export function commandEvidence(r: ExecResult, timeoutMs: number): string[] {
  const tail = (s: string) => s.split('\n').filter(Boolean).slice(-5).join('\n');
  const out = [outcome(r, timeoutMs)];
  if (r.stdout.trim()) out.push(`stdout: ${tail(r.stdout)}`);
  if (r.stderr.trim()) out.push(`stderr: ${tail(r.stderr)}`);
  return out;
}

/** Runs a target command with the gate's env/cwd/redaction; the pid is journaled as the step's `started`. */
export async function runForStep(r: StepRun, cmd: CommandLine, timeoutMs: number): Promise<ExecResult> {
  const { gate } = r;
  return runCommand(cmd, {
    cwd: gate.bound.profile.configDir,
    env: gate.bound.commandEnv,
    extendEnv: false,
    timeoutMs,
    redact: gate.bound.redact,
    maxOutputChars: 64_000,
    onSpawn: (pid) => r.started(pid),
  });
}

/** The redacted display text of a command. */
export function displayCommand(gate: GateContext, cmd: CommandLine): string {
  return gate.bound.redact(commandText(cmd));
}
