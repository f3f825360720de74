/**
 * Harness of the chaos e2e tests: a private HOME and TMPDIR per suite (so sandboxes, reclaim and the
 * production-home audit are the suite's own), a demo-derived profile with short deadlines, and a runner
 * for the built bin that always ends (hard timeout) and records every port a run used.
 */
import type { ChildProcess } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HuntReportV1 } from '../../src/core/report-types.js';
import { spawnHunt } from '../helpers/spawn-hunt.js';

export const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const bin = path.join(repo, 'bin', 'hunt.js');

export interface Suite {
  dir: string;
  home: string;
  tmp: string;
  tag: string;
  /** Every port a hunt run reported using (asserted unbound at the end). */
  ports: Set<number>;
  /** Leak files the write-outside-home bug put in /tmp (removed at the end). */
  leaks: Set<string>;
}

export async function createSuite(tag: string): Promise<Suite> {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'hunt-chaos-e2e-'));
  const home = path.join(dir, 'home');
  const tmp = path.join(dir, 'tmp');
  await fsp.mkdir(home, { recursive: true });
  await fsp.mkdir(tmp, { recursive: true });
  // the "production" home of the profile: its config is what each sandbox gets a copy of
  await fsp.mkdir(path.join(home, '.hunt-sample-gateway'), { recursive: true });
  await fsp.writeFile(path.join(home, '.hunt-sample-gateway', 'config.json'), JSON.stringify({ upstreamIntervalMs: 1000 }));
  return { dir, home, tmp, tag, ports: new Set(), leaks: new Set() };
}

/**
 * The demo profile with deadlines short enough for a quick suite yet generous for a loaded CI machine (the
 * suite runs beside a CPU hog: .ci/run), optional bug switches, and chaos overrides. A deadline only costs
 * time in the scenarios that are meant to exceed it: a test whose target must miss its deadline (a hang bug) passes
 * a short `deadlineMs` for every scenario, since a slow machine can only make the target miss it more surely.
 */
export async function writeProfile(
  s: Suite,
  name: string,
  o: { bugs?: string[]; chaos?: Record<string, unknown>; deadlineMs?: number } = {},
): Promise<string> {
  const demo = JSON.parse(await fsp.readFile(path.join(repo, 'profiles', 'sample-gateway.json'), 'utf8'));
  delete demo.$schema;
  demo.target.readyTimeoutMs = 10_000;
  demo.target.env = { ...demo.target.env, ...(o.bugs?.length ? { SAMPLE_GATEWAY_BUGS: o.bugs.join(',') } : {}), SAMPLE_GATEWAY_LEAK_TTL_MS: '60000' };
  const d = o.deadlineMs ?? 12_000;
  demo.chaos = {
    ...demo.chaos,
    concurrency: 4,
    portCollision: { ...demo.chaos.portCollision, deadlineMs: d },
    alreadyRunning: { ...demo.chaos.alreadyRunning, deadlineMs: d },
    missingEnv: { ...demo.chaos.missingEnv, deadlineMs: d },
    badConfig: { ...demo.chaos.badConfig, deadlineMs: d },
    signalRestart: { deadlineMs: d, settleMs: 600 },
    transientNetwork: { faultMs: 2500, expectDegraded: true, recoveryDeadlineMs: d },
    crashRecovery: { deadlineMs: o.deadlineMs ?? 20_000 },
    gracefulShutdown: { deadlineMs: o.deadlineMs ?? 10_000 },
    // other suites create /tmp entries concurrently on this machine; leaks that name our pids still fail
    isolation: { unattributed: 'ignore' },
    ...o.chaos,
  };
  const file = path.join(s.dir, `${name}.json`);
  await fsp.writeFile(file, JSON.stringify(demo, null, 2));
  return file;
}

export interface HuntRun {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  child: ChildProcess;
}

/** Spawns the built bin in the suite's HOME/TMPDIR, tagged; `onStart` gets the child (for signals). */
export async function runHunt(
  s: Suite,
  args: string[],
  o: { timeoutMs?: number; onStart?: (c: ChildProcess) => void; env?: NodeJS.ProcessEnv } = {},
): Promise<HuntRun> {
  const env = { ...process.env, HOME: s.home, TMPDIR: s.tmp, NO_COLOR: '1', CI: '1', HUNT_TEST_TAG: s.tag, ...o.env };
  const { child, done } = spawnHunt(args, { cwd: s.dir, env, timeoutMs: o.timeoutMs ?? 90_000 });
  o.onStart?.(child);
  return { ...(await done), child };
}

/** Reads a run's report-input.json and records its ports and leak files for the final assertions. */
export async function readReport(s: Suite, outDir: string): Promise<HuntReportV1> {
  const report = JSON.parse(await fsp.readFile(path.join(outDir, 'report-input.json'), 'utf8')) as HuntReportV1;
  const chaos = report.metadata?.chaos as { ports: Record<string, number> };
  for (const p of Object.values(chaos.ports)) s.ports.add(p);
  // the write-outside-home bug writes /tmp/hunt-sample-gateway-leak-<pid>: whatever the report said, clean up after our pids
  for (const c of report.checks) for (const pid of (c.metadata?.targetPids as number[] | undefined) ?? []) s.leaks.add(`/tmp/hunt-sample-gateway-leak-${pid}`);
  return report;
}
