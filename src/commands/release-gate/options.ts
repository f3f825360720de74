/** Flag parsing for `hunt release-gate`: defaults, validation, and what a --resume may be combined with. */
import path from 'node:path';
import { UsageError } from '../../errors.js';
import { parseIntFlag } from '../../config/overrides.js';
import { allScenarios } from '../../config/schema.js';
import { utcStamp } from '../../runtime/clock.js';

/** Flags as the user gave them (before the profile is loaded). */
export interface GateFlags {
  release?: string;
  lane: 'prod-observe' | 'staging-chaos';
  runId?: string;
  outDir: string;
  windowMinutes?: number;
  skipUpdate: boolean;
  skipTests: boolean;
  skipChaos: boolean;
  updateCommand: string | null;
  restartCommand: string | null;
  verifyCommand: string | null;
  expectVersion: string | null;
  config?: string;
  demo: boolean;
  baseline: string | null;
  /** Explicit --allowlist path; false for --no-allowlist; undefined: the default known-issues.json if present. */
  allowlist: string | false | undefined;
  failOn: 'fail' | 'warn';
  observeSeconds: number;
  scenarios: string[] | null;
  serial: boolean;
  stamp: string;
}

/** Flags that may accompany --resume (everything else comes from the journal). */
const RESUME_OK = new Set(['resume', 'acceptStep', 'json', 'args']);

function str(opts: Record<string, unknown>, key: string, flag: string): string | undefined {
  const v = opts[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v.trim() === '') throw new UsageError(`${flag} needs a non-empty value`);
  return v;
}

const kebab = (k: string) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/** The resume target and accepted steps, or null when this is not a resume. Rejects flags a resume cannot take. */
export function resumeFlags(opts: Record<string, unknown>, cwd: string): { outDir: string; accept: string[] } | null {
  const accept = (opts.acceptStep as string[] | undefined) ?? [];
  const resume = str(opts, 'resume', '--resume');
  if (!resume) {
    if (accept.length)
      throw new UsageError('--accept-step only makes sense with --resume <out-dir>', { hint: 'hunt release-gate --resume <out-dir> --accept-step <step>' });
    return null;
  }
  const extra = Object.keys(opts).filter((k) => !RESUME_OK.has(k) && opts[k] !== undefined);
  if (extra.length) {
    throw new UsageError(`--resume takes the interrupted run's options from its journal; drop ${extra.map(kebab).join(', ')}`, {
      hint: 'to change options, start a new gate with a fresh --out-dir',
    });
  }
  return { outDir: path.resolve(cwd, resume), accept };
}

/** Parses the flags of a new gate run. */
export function parseGateFlags(opts: Record<string, unknown>, cwd: string, nowMs: number): GateFlags {
  const stamp = utcStamp(nowMs);
  const demo = opts.demo === true;
  const release = str(opts, 'release', '--release');
  if (!release && !demo) {
    throw new UsageError('--release <label> is required: the release you are gating (e.g. --release 2026.11.1)', {
      hint: 'or try the bundled sample gateway: hunt release-gate --demo',
    });
  }
  const runId = str(opts, 'runId', '--run-id');
  if (runId !== undefined && !/^[A-Za-z0-9_.:-]+$/.test(runId)) throw new UsageError(`--run-id: "${runId}" may only contain letters, digits and _ . : -`);
  const observe = parseIntFlag(opts.observeSeconds, '--observe-seconds', 0, 86_400) ?? 0;
  const scenariosRaw = str(opts, 'scenarios', '--scenarios');
  let scenarios: string[] | null = null;
  if (scenariosRaw !== undefined) {
    scenarios = [
      ...new Set(
        scenariosRaw
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      ),
    ];
    const unknown = scenarios.filter((s) => !(allScenarios as readonly string[]).includes(s));
    if (unknown.length || !scenarios.length)
      throw new UsageError(`--scenarios: unknown scenario(s) ${unknown.join(', ') || '(none given)'}`, { hint: `choose from ${allScenarios.join(', ')}` });
  }
  const expectVersion = str(opts, 'expectVersion', '--expect-version') ?? null;
  const allowlistOpt = opts.allowlist;
  const allowlist = allowlistOpt === false ? false : typeof allowlistOpt === 'string' ? path.resolve(cwd, str(opts, 'allowlist', '--allowlist')!) : undefined;
  const baseline = str(opts, 'baseline', '--baseline');
  return {
    release: release ?? (demo ? 'demo' : undefined),
    lane: (opts.lane as GateFlags['lane'] | undefined) ?? 'prod-observe',
    runId,
    outDir: path.resolve(cwd, str(opts, 'outDir', '--out-dir') ?? path.join('artifacts', 'hunt', `release-gate-${stamp}`)),
    windowMinutes: parseIntFlag(opts.windowMinutes, '--window-minutes', 1, 525_600),
    skipUpdate: opts.skipUpdate === true,
    skipTests: opts.skipTests === true,
    skipChaos: opts.skipChaos === true,
    updateCommand: str(opts, 'updateCommand', '--update-command') ?? null,
    restartCommand: str(opts, 'restartCommand', '--restart-command') ?? null,
    verifyCommand: str(opts, 'verifyCommand', '--verify-command') ?? null,
    expectVersion,
    config: str(opts, 'config', '--config'),
    demo,
    baseline: baseline ? path.resolve(cwd, baseline) : null,
    allowlist,
    failOn: (opts.failOn as 'fail' | 'warn' | undefined) ?? 'fail',
    observeSeconds: observe,
    scenarios,
    serial: opts.serial === true,
    stamp,
  };
}
