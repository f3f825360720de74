/**
 * Building a gate's context: a new run (the command's request and bound profile, plus allowlist and
 * baseline, copied into inputs/ so a resume reads exactly what the run started with) or a resumed one
 * (everything from the journal's run record and those copies, hash-checked, bound with the same overrides).
 */
import path from 'node:path';
import { promises as fsp } from 'node:fs';
import type { AllowlistFile } from '../core/allowlist.js';
import type { HuntReportV1 } from '../core/report-types.js';
import { InputError, UsageError } from '../errors.js';
import { bindRun, type RunBinding } from '../config/bind.js';
import type { LoadedConfig } from '../config/load.js';
import { parseConfig } from '../config/parse.js';
import type { Overrides } from '../config/overrides.js';
import { assertValidAllowlist, loadAllowlist } from '../report/allowlist-file.js';
import { assertValidReport } from '../report/validate.js';
import { realClock } from '../runtime/clock.js';
import { isLockEntry } from '../runtime/lock.js';
import { parseJsonText, pathExists, readJsonFile, readTextFile, writeFileAtomic } from '../runtime/fs.js';
import { JOURNAL_FILE, type RunRecord } from './journal.js';
import { JournalWriter, sha256Of } from './journal-io.js';
import type { GateProgress } from './progress.js';
import { GATE_MARKER_ENV, markerValue } from './reap.js';
import type { GateContext, GateOptions, GateRequest } from './types.js';
import { journaledCommands, redactJson, restoreCommands, type CommandFlag, type CommandFlags } from './secrets.js';

export const DEFAULT_ALLOWLIST = 'known-issues.json';
const INPUTS = { config: 'inputs/hunt.config.json', allowlist: 'inputs/known-issues.json', baseline: 'inputs/baseline.json' } as const;

/** What the journal's run record carries besides GateOptions. */
export interface PersistedRun {
  options: GateOptions;
  configDir: string;
  inputs: { config: string; allowlist: string | null; baseline: string | null };
  /** The copy of the profile in inputs/ has secret values redacted: a resume re-reads the profile file itself. */
  configRedacted?: boolean;
  /** sha256 of the command flags the journal holds redacted (they held a secret): given again on --resume. */
  secretCommands?: Partial<Record<CommandFlag, string>>;
}

/** The environment a gate's commands inherit: the caller's plus the marker that proves a process is this gate's. */
export function gateEnv(env: NodeJS.ProcessEnv, outDir: string): NodeJS.ProcessEnv {
  return { ...env, [GATE_MARKER_ENV]: markerValue(outDir) };
}

function context(
  bound: RunBinding,
  opts: GateOptions,
  cwd: string,
  progress: GateProgress,
  allowlist: AllowlistFile | null,
  baseline: HuntReportV1 | null,
): GateContext {
  return {
    opts,
    bound,
    allowlist,
    baseline,
    journal: new JournalWriter(path.join(opts.outDir, JOURNAL_FILE)),
    progress,
    clock: realClock,
    cwd,
    internalErrors: [],
    invocations: [],
  };
}

async function refuseUsedOutDir(outDir: string): Promise<void> {
  if (await pathExists(path.join(outDir, JOURNAL_FILE))) {
    throw new UsageError(`--out-dir ${outDir} already holds a release gate (journal.ndjson)`, {
      hint: `continue it with \`hunt release-gate --resume ${outDir}\`, or pick a new --out-dir`,
    });
  }
  let entries: string[] = [];
  try {
    entries = await fsp.readdir(outDir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOTDIR') throw new UsageError(`--out-dir ${outDir} is a file`);
    return; // does not exist yet: fine
  }
  if (entries.some((e) => !isLockEntry(e)))
    throw new UsageError(`--out-dir ${outDir} is not empty`, { hint: 'a gate writes into an empty or new directory; pick a new --out-dir' });
}

/**
 * A new gate: `bound` is the profile the command bound (with the gate marker in its environment and, for
 * --demo, the demo's port and home as overrides); allowlist and baseline are loaded and validated before
 * anything is written, then every input is copied into inputs/.
 */
export async function newSession(req: GateRequest, bound: RunBinding, cwd: string, progress: GateProgress): Promise<{ gate: GateContext; header: RunRecord }> {
  const allowlistPath =
    req.allowlist === false ? null : (req.allowlist ?? ((await pathExists(path.join(cwd, DEFAULT_ALLOWLIST))) ? path.join(cwd, DEFAULT_ALLOWLIST) : null));
  const allowlist = allowlistPath ? await loadAllowlist(allowlistPath, req.allowlist ? '--allowlist' : `${DEFAULT_ALLOWLIST} (default allowlist)`) : null;
  const baseline = req.baseline ? assertValidReport(await readJsonFile(req.baseline, '--baseline'), req.baseline) : null;
  await refuseUsedOutDir(req.outDir);
  const startedAt = new Date().toISOString();
  const { allowlist: _a, baseline: _b, stamp, runId, ...rest } = req;
  const opts: GateOptions = {
    ...rest,
    runId: runId ?? `${req.release.replace(/[^A-Za-z0-9_.:-]/g, '_')}-${stamp}`,
    configFile: bound.profile.file,
    baselineFile: req.baseline,
    allowlistFile: allowlistPath,
    overrides: { values: { ...bound.overrideValues }, notes: [...bound.overrides] },
    startedAt,
  };
  const copy = async (from: string | null, rel: string): Promise<string | null> => {
    if (!from) return null;
    const text = await readTextFile(from, rel);
    await writeFileAtomic(path.join(req.outDir, rel), text);
    return sha256Of(text);
  };
  // The profile copy keeps no secret: secret env values and secret-ish keys redacted (a resume re-reads the file).
  const profileText = await readTextFile(bound.profile.file, INPUTS.config);
  const redactedProfile = redactedProfileText(profileText, bound.profile.file, bound);
  await writeFileAtomic(path.join(req.outDir, INPUTS.config), redactedProfile.text);
  const commands = journaledCommands(opts, bound.redact);
  const persisted: PersistedRun = {
    options: { ...opts, ...commands.shown },
    configDir: bound.profile.configDir,
    inputs: {
      config: sha256Of(redactedProfile.text),
      allowlist: await copy(allowlistPath, INPUTS.allowlist),
      baseline: await copy(req.baseline, INPUTS.baseline),
    },
    ...(redactedProfile.redacted ? { configRedacted: true } : {}),
    ...(Object.keys(commands.secretSha).length ? { secretCommands: commands.secretSha } : {}),
  };
  const header: RunRecord = {
    t: 'run',
    v: 1,
    at: startedAt,
    runId: opts.runId,
    release: opts.release,
    pid: process.pid,
    options: persisted as unknown as Record<string, unknown>,
  };
  return { gate: context(bound, opts, cwd, progress, allowlist, baseline), header };
}

async function inputCopy(outDir: string, rel: string, sha: string | null): Promise<string | null> {
  if (sha === null) return null;
  const file = path.join(outDir, rel);
  const text = await readTextFile(file, `--resume (${rel})`);
  if (sha256Of(text) !== sha) {
    throw new InputError(`--resume: ${file} was changed after the gate started (sha256 differs from the journal)`, {
      hint: 'the out-dir cannot be trusted for a resume; start a new gate with a fresh --out-dir',
    });
  }
  return text;
}

/** The profile as copied into inputs/: every secret redacted (structurally, so the copy stays valid JSON). */
function redactedProfileText(text: string, file: string, bound: Pick<RunBinding, 'redact'>): { text: string; redacted: boolean } {
  const data = parseJsonText(text, file, 'config');
  const plain = `${JSON.stringify(data, null, 2)}\n`;
  const red = `${JSON.stringify(redactJson(data, bound.redact), null, 2)}\n`;
  return { text: red, redacted: red !== plain };
}

/** The profile of a resumed gate: the inputs/ copy, or (when that copy is redacted) the original file, checked against it. */
async function resumedConfigText(p: PersistedRun, env: NodeJS.ProcessEnv): Promise<string> {
  const opts = p.options;
  const copyText = (await inputCopy(opts.outDir, INPUTS.config, p.inputs.config))!;
  if (!p.configRedacted) return copyText;
  let text: string;
  try {
    text = await readTextFile(opts.configFile, '--resume (profile)');
  } catch (err) {
    throw new InputError(`--resume: the profile copy in inputs/ has its secrets redacted and the profile ${opts.configFile} cannot be read`, {
      hint: 'restore the profile file the gate started with, or start a new gate',
      details: [(err as Error).message],
    });
  }
  const loaded: LoadedConfig = {
    config: parseConfig(parseJsonText(text, opts.configFile, '--resume'), opts.configFile),
    file: opts.configFile,
    configDir: p.configDir,
    demo: opts.demo,
  };
  const bound = bindRun(loaded, { env, overrides: persistedOverrides(opts) });
  if (sha256Of(redactedProfileText(text, opts.configFile, bound).text) !== p.inputs.config) {
    throw new InputError(`--resume: the profile ${opts.configFile} was changed after the gate started`, {
      hint: 'restore the profile the gate started with, or start a new gate with a fresh --out-dir',
    });
  }
  return text;
}

/** A resumed gate: options from the journal's run record, inputs from the hash-checked copies. */
export async function resumedSession(
  header: RunRecord,
  env: NodeJS.ProcessEnv,
  cwd: string,
  progress: GateProgress,
  given: CommandFlags = {},
): Promise<GateContext> {
  const p = header.options as unknown as PersistedRun;
  if (!p?.options?.outDir || !p.inputs?.config || typeof p.configDir !== 'string') {
    throw new InputError('--resume: the journal run record lacks the gate options', { hint: 'start a new gate with a fresh --out-dir' });
  }
  const opts: GateOptions = { ...p.options, ...restoreCommands(p.options, p.secretCommands, given) };
  const outDir = opts.outDir;
  const configText = await resumedConfigText(p, gateEnv(env, outDir));
  const config = parseConfig(parseJsonText(configText, path.join(outDir, INPUTS.config), '--resume'), opts.configFile);
  const loaded: LoadedConfig = { config, file: opts.configFile, configDir: p.configDir, demo: opts.demo };
  const allowText = await inputCopy(outDir, INPUTS.allowlist, p.inputs.allowlist);
  const allowlist =
    allowText === null
      ? null
      : { ...assertValidAllowlist(parseJsonText(allowText, opts.allowlistFile!, '--resume'), opts.allowlistFile!, 'allowlist'), file: opts.allowlistFile! };
  const baseText = await inputCopy(outDir, INPUTS.baseline, p.inputs.baseline);
  const baseline = baseText === null ? null : assertValidReport(parseJsonText(baseText, opts.baselineFile!, '--resume'), opts.baselineFile!);
  // Journals written before --state-dir existed: the gate's own checkpoint directory.
  const stateDir = p.options.stateDir ?? path.join(outDir, 'scan-state');
  const bound = bindRun(loaded, { env: gateEnv(env, outDir), overrides: persistedOverrides(p.options), stateDir });
  return context(bound, opts, cwd, progress, allowlist, baseline);
}

/** The overrides a run record persisted (journals of hunt 0.1.0 kept only the port/home binding and the window). */
function persistedOverrides(o: GateOptions): Overrides {
  if (o.overrides) return o.overrides;
  const old = o as unknown as { binding?: { port: number; home: string }; windowMinutes?: number };
  const values = { port: old.binding?.port, home: old.binding?.home, windowMinutes: old.windowMinutes };
  return { values, notes: [] };
}
