/** The snapshot steps: T0 preflight, T1 post-restart, T4 final (signatures for the verdict). */
import path from 'node:path';
import { takeSnapshot, windowUnknownHint } from '../../probes/snapshot.js';
import type { RuntimeSnapshot } from '../../probes/snapshot-types.js';
import type { CheckStatus } from '../../core/report-types.js';
import { writeJsonAtomic } from '../../runtime/fs.js';
import type { GateContext, StepDef, StepOutput, StepRun } from '../types.js';
import { markPhase } from './appended.js';
import { makeCheck } from './common.js';

export const SNAPSHOT_FILES = { preflight: 'preflight-runtime.json', post: 'post-runtime.json', final: 'final-runtime.json' } as const;

async function snap(r: StepRun, label: string, file: string): Promise<RuntimeSnapshot> {
  const { gate } = r;
  r.started(process.pid);
  r.update('probing the target');
  const s = await takeSnapshot(gate.bound, { label, nowMs: gate.clock.now() });
  await writeJsonAtomic(path.join(gate.opts.outDir, file), s);
  return s;
}

function facts(s: RuntimeSnapshot): string[] {
  const v = s.commands.version;
  const st = s.commands.status;
  const h = s.health;
  return [
    `version: ${s.summary.version ?? 'unknown'} (${v.timedOut ? 'timed out' : `exit ${v.exitCode}`})`,
    `status: ${st.running ? 'running' : 'not running'} (${st.stdout.split('\n')[0] || st.stderr.split('\n')[0] || `exit ${st.exitCode}`})`,
    `listening on ${s.target.port}: ${s.summary.listening ? `yes (pid ${s.process.pid ?? '?'})` : 'no'}`,
    `health: ${h ? `${h.ok ? 'ok' : 'NOT ok'} (${h.detail})` : 'no health probe in the profile (port open only)'}`,
    ...(s.process.note ? [`process: ${s.process.note}`] : []),
  ];
}

function snapshotMeta(s: RuntimeSnapshot): Record<string, unknown> {
  return { version: s.summary.version, running: s.summary.running, listening: s.summary.listening, healthy: s.summary.healthy, pid: s.process.pid };
}

/** T0: the target answers its version/status commands; preflight-runtime.json. */
export function preflightStep(): StepDef {
  const def: StepDef = {
    id: 't0_preflight',
    phase: 'T0',
    title: 'preflight: target answers, preflight snapshot',
    idempotent: true,
    deps: [],
    async run(r): Promise<StepOutput> {
      const t = r.gate.clock.now();
      const s = await snap(r, 'preflight', SNAPSHOT_FILES.preflight);
      await markPhase(r.gate, 'T1').catch(() => {}); // where the logs end before the change (t4_appended_errors warns without it)
      const versionOk = s.commands.version.exitCode === 0 && !s.commands.version.timedOut;
      let status: CheckStatus = 'pass';
      // without a probe hunt knows the port is open, nothing more: it never says "healthy" then
      const state = s.summary.healthy === null ? (s.summary.listening ? 'port open only (no health probe in the profile)' : 'not listening') : 'healthy';
      let summary = `${s.target.name} ${s.summary.version ?? '(version unknown)'} is running, ${state}`;
      if (!s.summary.running || !versionOk) {
        status = 'fail';
        summary = `target not reachable: ${!versionOk ? 'the version command failed' : 'the status command says it is not running'}`;
      } else if (!s.summary.listening || s.summary.healthy === false) {
        status = 'warn';
        summary = `target runs but is ${!s.summary.listening ? `not listening on port ${s.target.port}` : `unhealthy (${s.health?.detail ?? 'no answer'})`} before the change`;
      }
      return {
        checks: [makeCheck(r.gate, def, t, { status, summary, evidence: facts(s), artifacts: [SNAPSHOT_FILES.preflight], metadata: snapshotMeta(s) })],
        files: [SNAPSHOT_FILES.preflight],
      };
    },
  };
  return def;
}

/** T1: post-restart snapshot; with --expect-version the version must have changed to the expected one. */
export function postStep(deps: string[]): StepDef {
  const def: StepDef = {
    id: 't1_post',
    phase: 'T1',
    title: 'post-restart snapshot and version',
    idempotent: true,
    deps,
    async run(r): Promise<StepOutput> {
      const t = r.gate.clock.now();
      const s = await snap(r, 'post-restart', SNAPSHOT_FILES.post);
      await markPhase(r.gate, 'T2').catch(() => {}); // lines after this were logged during the tests or later
      const before = (r.checkOf('t0_preflight')?.metadata?.version as string | null | undefined) ?? null;
      const after = s.summary.version;
      const expect = r.gate.opts.expectVersion;
      let status: CheckStatus = s.summary.healthy === false || !s.summary.running ? 'warn' : 'pass';
      let summary = `version ${before ?? 'unknown'} -> ${after ?? 'unknown'}${before === after ? ' (unchanged)' : ''}; ${s.summary.running ? 'running' : 'NOT running'}`;
      if (expect) {
        if (after !== expect) {
          status = 'fail';
          summary = `expected version ${expect} after the change, the target reports ${after ?? 'no version'} (before: ${before ?? 'unknown'})`;
        } else if (before === after) {
          status = 'fail';
          summary = `the version did not change: still ${after} (--expect-version ${expect} needs the update to take effect)`;
        } else summary = `version ${before ?? 'unknown'} -> ${after} as expected`;
      }
      return {
        checks: [
          makeCheck(r.gate, def, t, {
            status,
            summary,
            evidence: facts(s),
            artifacts: [SNAPSHOT_FILES.post],
            metadata: { ...snapshotMeta(s), versionBefore: before, expectVersion: expect },
          }),
        ],
        files: [SNAPSHOT_FILES.post],
      };
    },
  };
  return def;
}

/** T4: the final snapshot whose signature counts feed the classification and verdict. */
export function finalStep(deps: string[]): StepDef {
  const def: StepDef = {
    id: 't4_signatures',
    phase: 'T4',
    title: 'final snapshot: signature counts in the window',
    idempotent: true,
    deps,
    async run(r): Promise<StepOutput> {
      const t = r.gate.clock.now();
      const s = await snap(r, 'final', SNAPSHOT_FILES.final);
      const seen = s.signatures.filter((x) => (x.countWindow ?? 0) > 0).map((x) => `${x.name}=${x.countWindow}`);
      const missing = s.summary.logSourcesMissing;
      // Unknown is not zero: signatures whose window could not be computed make the check warn, naming the source.
      const unknown = s.signatures.filter((x) => x.countWindow === null);
      const unverifiable = [...new Set(unknown.map((x) => x.source))];
      const parts = [
        `${s.signatures.length} signature(s) over the last ${s.window.minutes} min: ${seen.length ? seen.join(', ') : 'none seen'}`,
        missing.length ? `missing or unreadable log source(s): ${missing.join(', ')}` : '',
        unverifiable.length
          ? `window-unverifiable: ${unverifiable
              .map(
                (src) =>
                  `source ${src} (${unknown
                    .filter((x) => x.source === src)
                    .map((x) => x.name)
                    .join(', ')})`,
              )
              .join('; ')}`
          : '',
      ];
      const summary = parts.filter(Boolean).join('; ');
      const evidence = [
        ...s.logs.map(
          (l) =>
            `${l.source}: ${l.missing ? 'MISSING' : `${l.files.length} file(s), ${l.linesTotal} line(s)`} (${l.path})${l.error ? `; UNREADABLE: ${l.error}` : ''}`,
        ),
        ...(s.summary.logSourcesWithoutTimestamps ?? []).map((src) => windowUnknownHint(src)),
      ];
      const metadata = unverifiable.length ? { rule: 'window-unverifiable', sources: unverifiable, signatures: unknown.map((x) => x.name) } : undefined;
      return {
        checks: [
          makeCheck(r.gate, def, t, {
            status: missing.length || unverifiable.length ? 'warn' : 'pass',
            summary,
            evidence,
            artifacts: [SNAPSHOT_FILES.final],
            metadata,
          }),
        ],
        files: [SNAPSHOT_FILES.final],
      };
    },
  };
  return def;
}

/** Reads a snapshot artifact back (for the report). */
export async function readSnapshot(gate: GateContext, file: string): Promise<RuntimeSnapshot> {
  const { promises: fsp } = await import('node:fs');
  return JSON.parse(await fsp.readFile(path.join(gate.opts.outDir, file), 'utf8')) as RuntimeSnapshot;
}
