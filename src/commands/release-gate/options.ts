/** From `hunt release-gate` flags to a gate request: defaults, cross-flag checks, what a --resume may be combined with. */
import path from 'node:path';
import { UsageError } from '../../errors.js';
import { allScenarios } from '../../config/scenarios.js';
import type { GateRequest } from '../../gate/types.js';
import type { ReleaseGateOptions } from './spec.js';

/** Flags that may accompany --resume (everything else comes from the journal). */
const RESUME_OK = new Set(['resume', 'acceptStep', 'json', 'args', 'updateCommand', 'restartCommand', 'verifyCommand']);

const kebab = (k: string) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/** The resume target and accepted steps, or null when this is not a resume. Rejects flags a resume cannot take. */
export function resumeFlags(
  opts: ReleaseGateOptions,
  cwd: string,
): { outDir: string; accept: string[]; commands: { updateCommand?: string; restartCommand?: string; verifyCommand?: string } } | null {
  const accept = opts.acceptStep ?? [];
  if (!opts.resume) {
    if (accept.length)
      throw new UsageError('--accept-step only makes sense with --resume <out-dir>', { hint: 'hunt release-gate --resume <out-dir> --accept-step <step>' });
    return null;
  }
  const given = opts as unknown as Record<string, unknown>;
  const extra = Object.keys(given).filter((k) => !RESUME_OK.has(k) && given[k] !== undefined);
  if (extra.length) {
    throw new UsageError(`--resume takes the interrupted run's options from its journal; drop ${extra.map(kebab).join(', ')}`, {
      hint: 'to change options, start a new gate with a fresh --out-dir',
    });
  }
  // Command flags on a resume re-supply lines the journal keeps redacted (they held a secret); checked by hash.
  const commands = { updateCommand: opts.updateCommand, restartCommand: opts.restartCommand, verifyCommand: opts.verifyCommand };
  return { outDir: path.resolve(cwd, opts.resume), accept, commands };
}

/** The default out-dir of a gate started at `stamp`. */
export function defaultOutDir(cwd: string, stamp: string): string {
  return path.resolve(cwd, path.join('artifacts', 'hunt', `release-gate-${stamp}`));
}

/** Builds the request of a new gate run from its flags. */
export function gateRequest(opts: ReleaseGateOptions, cwd: string, stamp: string): GateRequest {
  const demo = opts.demo === true;
  if (!opts.release && !demo) {
    throw new UsageError('--release <label> is required: the release you are gating (e.g. --release 2026.11.1)', {
      hint: 'or try the bundled sample gateway: hunt release-gate --demo',
    });
  }
  if (opts.runId !== undefined && !/^[A-Za-z0-9_.:-]+$/.test(opts.runId))
    throw new UsageError(`--run-id: "${opts.runId}" may only contain letters, digits and _ . : -`);
  // custom:<name> is checked against the profile's chaos.custom when the chaos phase binds it
  const unknown = (opts.scenarios ?? []).filter((s) => !(allScenarios as readonly string[]).includes(s) && !/^custom:[a-z0-9][a-z0-9-]*$/.test(s));
  if (unknown.length)
    throw new UsageError(`--scenarios: unknown scenario(s) ${unknown.join(', ')}`, {
      hint: `choose from ${allScenarios.join(', ')}, or custom:<name> of a chaos.custom entry`,
    });
  if (opts.expectVersion && opts.skipUpdate) {
    throw new UsageError('--expect-version checks that the T1 update changed the version; with --skip-update nothing changes it', {
      hint: 'drop one of the two',
    });
  }
  const outDir = opts.outDir ? path.resolve(cwd, opts.outDir) : defaultOutDir(cwd, stamp);
  return {
    release: opts.release ?? 'demo',
    lane: opts.lane ?? 'prod-observe',
    runId: opts.runId,
    outDir,
    stateDir: opts.stateDir ? path.resolve(cwd, opts.stateDir) : path.join(outDir, 'scan-state'),
    demo,
    skipUpdate: opts.skipUpdate === true,
    skipTests: opts.skipTests === true,
    skipChaos: opts.skipChaos === true,
    updateCommand: opts.updateCommand ?? null,
    restartCommand: opts.restartCommand ?? null,
    verifyCommand: opts.verifyCommand ?? null,
    expectVersion: opts.expectVersion ?? null,
    baseline: opts.baseline ? path.resolve(cwd, opts.baseline) : null,
    allowlist: opts.allowlist === false ? false : opts.allowlist !== undefined ? path.resolve(cwd, opts.allowlist) : undefined,
    failOn: opts.failOn ?? 'fail',
    observeSeconds: opts.observeSeconds ?? 0,
    scenarios: opts.scenarios ?? null,
    serial: opts.serial === true,
    history: opts.history ? path.resolve(cwd, opts.history) : null,
    absolutePaths: opts.absolutePaths === true,
    stamp,
  };
}
