/**
 * What a gate persists in its out-dir must not carry secrets (the out-dir is uploaded as a CI artifact):
 * command lines from flags are journaled redacted, with a hash of the real line so a resume can check the
 * operator gave the same one again; the profile copy in inputs/ has secret values replaced.
 */
import type { Redactor } from '../runtime/redact.js';
import { UsageError } from '../errors.js';
import { sha256Of } from './journal-io.js';

export const COMMAND_FLAGS = ['updateCommand', 'restartCommand', 'verifyCommand'] as const;
export type CommandFlag = (typeof COMMAND_FLAGS)[number];
export type CommandFlags = Partial<Record<CommandFlag, string | null>>;

const kebab = (k: string) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/** The journaled form of the command flags: redacted text, plus the sha256 of each line that redaction changed. */
export function journaledCommands(cmds: CommandFlags, redact: Redactor): { shown: CommandFlags; secretSha: Partial<Record<CommandFlag, string>> } {
  const shown: CommandFlags = {};
  const secretSha: Partial<Record<CommandFlag, string>> = {};
  for (const k of COMMAND_FLAGS) {
    const v = cmds[k];
    if (v === undefined) continue;
    if (v === null) {
      shown[k] = null;
      continue;
    }
    const red = redact(v);
    shown[k] = red;
    if (red !== v) secretSha[k] = sha256Of(v);
  }
  return { shown, secretSha };
}

/**
 * The real command lines of a resumed gate: a line the journal holds redacted must be given again on --resume
 * (its hash must match); a line given again that the journal holds in full must equal it.
 */
export function restoreCommands(journaled: CommandFlags, secretSha: Partial<Record<CommandFlag, string>> | undefined, given: CommandFlags): CommandFlags {
  const out: CommandFlags = {};
  for (const k of COMMAND_FLAGS) {
    const sha = secretSha?.[k];
    const g = given[k] ?? undefined;
    if (sha) {
      if (g === undefined) {
        throw new UsageError(`--resume: this gate's ${kebab(k)} held a secret, which the journal does not keep; give ${kebab(k)} again`, {
          hint: `hunt release-gate --resume <out-dir> ${kebab(k)} "<the same command line>"`,
        });
      }
      if (sha256Of(g) !== sha) throw new UsageError(`--resume: ${kebab(k)} differs from the one the gate started with (sha256 mismatch)`);
      out[k] = g;
    } else {
      if (g !== undefined && g !== journaled[k]) throw new UsageError(`--resume: ${kebab(k)} differs from the one the gate started with`);
      out[k] = journaled[k] ?? null;
    }
  }
  return out;
}

const SECRET_KEY = /password|passwd|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|credential/i;

/** A JSON value with every string redacted, and string values under secret-ish keys replaced outright. */
export function redactJson(value: unknown, redact: Redactor, key = ''): unknown {
  if (typeof value === 'string') return SECRET_KEY.test(key) && value !== '' ? '[REDACTED]' : redact(value);
  if (Array.isArray(value)) return value.map((v) => redactJson(v, redact));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, redactJson(v, redact, k)]));
  }
  return value;
}
