/**
 * Building a gate's context: a new run (flags -> profile, allowlist, baseline, copied into inputs/ so a
 * resume reads exactly what the run started with) or a resumed one (everything from the journal's run
 * record and those copies, hash-checked).
 */
import path from 'node:path';
import { promises as fsp } from 'node:fs';
import type { AllowlistFile } from '../core/allowlist.js';
import type { HuntReportV1 } from '../core/report-types.js';
import { InputError, UsageError } from '../errors.js';
import { loadConfig, parseConfig, resolveHome, type LoadedConfig } from '../config/load.js';
import { applyOverrides } from '../config/overrides.js';
import { commandEnv, profileRedactor, resolveTarget } from '../config/resolve.js';
import { assertValidAllowlist, loadAllowlist } from '../report/allowlist-file.js';
import { assertValidReport } from '../report/validate.js';
import { realClock } from '../runtime/clock.js';
import { parseJsonText, pathExists, readJsonFile, readTextFile, writeFileAtomic } from '../runtime/fs.js';
import type { GateFlags } from '../commands/release-gate/options.js';
import { demoBinding } from './demo.js';
import { JOURNAL_FILE, type RunRecord } from './journal.js';
import { JournalWriter, sha256Of } from './journal-io.js';
import type { GateProgress } from './progress.js';
import { GATE_MARKER_ENV, markerValue } from './reap.js';
import type { GateContext, GateOptions } from './types.js';

export const DEFAULT_ALLOWLIST = 'known-issues.json';
const INPUTS = { config: 'inputs/hunt.config.json', allowlist: 'inputs/known-issues.json', baseline: 'inputs/baseline.json' } as const;

/** What the journal's run record carries besides GateOptions. */
export interface PersistedRun {
  options: GateOptions;
  configDir: string;
  inputs: { config: string; allowlist: string | null; baseline: string | null };
}

function withBinding(loaded: LoadedConfig, opts: GateOptions): LoadedConfig {
  const t = loaded.config.target;
  const same = t.port === opts.binding.port && resolveHome(loaded) === opts.binding.home;
  const bound = same ? loaded : applyOverrides(loaded, { port: opts.binding.port, home: opts.binding.home }, () => (opts.demo ? '--demo' : 'release-gate'));
  return { ...bound, config: { ...bound.config, windowMinutes: opts.windowMinutes } };
}

function context(
  loaded: LoadedConfig,
  opts: GateOptions,
  env: NodeJS.ProcessEnv,
  cwd: string,
  progress: GateProgress,
  allowlist: AllowlistFile | null,
  baseline: HuntReportV1 | null,
): GateContext {
  const eff = withBinding(loaded, opts);
  const target = resolveTarget(eff);
  const baseEnv = { ...env, [GATE_MARKER_ENV]: markerValue(opts.outDir) };
  return {
    opts,
    loaded: eff,
    target,
    env: commandEnv(target, baseEnv),
    baseEnv,
    redact: profileRedactor(eff, env),
    allowlist,
    baseline,
    journal: new JournalWriter(path.join(opts.outDir, JOURNAL_FILE)),
    progress,
    clock: realClock,
    cwd,
    internalErrors: [],
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
  if (entries.length) throw new UsageError(`--out-dir ${outDir} is not empty`, { hint: 'a gate writes into an empty or new directory; pick a new --out-dir' });
}

/** A new gate: loads and validates every input before anything is written, then copies them into inputs/. */
export async function newSession(
  flags: GateFlags,
  env: NodeJS.ProcessEnv,
  cwd: string,
  progress: GateProgress,
): Promise<{ gate: GateContext; header: RunRecord }> {
  if (flags.expectVersion && flags.skipUpdate) {
    throw new UsageError('--expect-version checks that the T1 update changed the version; with --skip-update nothing changes it', {
      hint: 'drop one of the two',
    });
  }
  const loaded = await loadConfig({ config: flags.config, demo: flags.demo, cwd, env });
  const allowlistPath =
    flags.allowlist === false ? null : (flags.allowlist ?? ((await pathExists(path.join(cwd, DEFAULT_ALLOWLIST))) ? path.join(cwd, DEFAULT_ALLOWLIST) : null));
  const allowlist = allowlistPath ? await loadAllowlist(allowlistPath, flags.allowlist ? '--allowlist' : `${DEFAULT_ALLOWLIST} (default allowlist)`) : null;
  const baseline = flags.baseline ? assertValidReport(await readJsonFile(flags.baseline, '--baseline'), flags.baseline) : null;
  await refuseUsedOutDir(flags.outDir);
  const binding = flags.demo ? await demoBinding(flags.outDir) : { port: loaded.config.target.port, home: resolveHome(loaded) };
  const startedAt = new Date().toISOString();
  const release = flags.release!;
  const opts: GateOptions = {
    release,
    lane: flags.lane,
    runId: flags.runId ?? `${release.replace(/[^A-Za-z0-9_.:-]/g, '_')}-${flags.stamp}`,
    outDir: flags.outDir,
    demo: flags.demo,
    configFile: loaded.file,
    baselineFile: flags.baseline,
    allowlistFile: allowlistPath,
    windowMinutes: flags.windowMinutes ?? loaded.config.windowMinutes,
    skipUpdate: flags.skipUpdate,
    skipTests: flags.skipTests,
    skipChaos: flags.skipChaos,
    updateCommand: flags.updateCommand,
    restartCommand: flags.restartCommand,
    verifyCommand: flags.verifyCommand,
    failOn: flags.failOn,
    observeSeconds: flags.observeSeconds,
    expectVersion: flags.expectVersion,
    scenarios: flags.scenarios,
    serial: flags.serial,
    binding,
    startedAt,
  };
  const copy = async (from: string | null, rel: string): Promise<string | null> => {
    if (!from) return null;
    const text = await readTextFile(from, rel);
    await writeFileAtomic(path.join(flags.outDir, rel), text);
    return sha256Of(text);
  };
  const persisted: PersistedRun = {
    options: opts,
    configDir: loaded.configDir,
    inputs: {
      config: (await copy(loaded.file, INPUTS.config))!,
      allowlist: await copy(allowlistPath, INPUTS.allowlist),
      baseline: await copy(flags.baseline, INPUTS.baseline),
    },
  };
  const header: RunRecord = {
    t: 'run',
    v: 1,
    at: startedAt,
    runId: opts.runId,
    release,
    pid: process.pid,
    options: persisted as unknown as Record<string, unknown>,
  };
  return { gate: context(loaded, opts, env, cwd, progress, allowlist, baseline), header };
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

/** A resumed gate: options from the journal's run record, inputs from the hash-checked copies. */
export async function resumedSession(header: RunRecord, env: NodeJS.ProcessEnv, cwd: string, progress: GateProgress): Promise<GateContext> {
  const p = header.options as unknown as PersistedRun;
  if (!p?.options?.outDir || !p.inputs?.config || typeof p.configDir !== 'string') {
    throw new InputError('--resume: the journal run record lacks the gate options', { hint: 'start a new gate with a fresh --out-dir' });
  }
  const opts = p.options;
  const outDir = opts.outDir;
  const configText = (await inputCopy(outDir, INPUTS.config, p.inputs.config))!;
  const config = parseConfig(parseJsonText(configText, path.join(outDir, INPUTS.config), '--resume'), opts.configFile);
  const loaded: LoadedConfig = { config, file: opts.configFile, configDir: p.configDir, demo: opts.demo, overrides: [] };
  const allowText = await inputCopy(outDir, INPUTS.allowlist, p.inputs.allowlist);
  const allowlist =
    allowText === null
      ? null
      : { ...assertValidAllowlist(parseJsonText(allowText, opts.allowlistFile!, '--resume'), opts.allowlistFile!, 'allowlist'), file: opts.allowlistFile! };
  const baseText = await inputCopy(outDir, INPUTS.baseline, p.inputs.baseline);
  const baseline = baseText === null ? null : assertValidReport(parseJsonText(baseText, opts.baselineFile!, '--resume'), opts.baselineFile!);
  return context(loaded, opts, env, cwd, progress, allowlist, baseline);
}
