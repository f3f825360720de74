/**
 * runChaos: the staging-chaos matrix. Preflight (exit 2 on anything unsafe, production paths in what the lane
 * copies or runs included), the containment level, reclaim of what a killed earlier run left, the lane's
 * upstream stub, port reservations, then the scenarios through a bounded pool (each in its own sandbox,
 * enclosure and port); writes report-input.json (lane staging-chaos) and returns checks and classifications.
 * Called by `hunt staging-chaos` and by the release gate's T3 phase.
 */
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { canAnimate } from '../runtime/terminal.js';
import type { RunBinding } from '../config/bind.js';
import type { Check, Classification, HuntReportV1 } from '../core/report-types.js';
import { commandText } from '../runtime/exec.js';
import { ensureDir, writeJsonAtomic } from '../runtime/fs.js';
import { reservePorts, type PortReservation } from '../runtime/ports.js';
import type { Progress } from '../runtime/progress.js';
import { isTearingDown, onTeardown } from '../runtime/teardown.js';
import { basePorts, checkConcurrency, checkProfileForLane, selectScenarios } from './preflight.js';
import { reclaimForRun } from './reclaim.js';
import { runScenario, type RunShared, type ScenarioResult } from './runner.js';
import { assertSeparate, sandboxParent, sweepOwnSandboxes } from './sandbox.js';
import { calibrateStartup } from './calibrate.js';
import { describeContainment, detectContainment } from './containment.js';
import { scanLaneInputs } from './path-scan.js';
import { startupTimeoutMs } from './settings.js';
import { StartupClock } from './startup.js';
import { EnvironmentError, HuntError, errorMessage } from '../errors.js';
import { scenarioDef, scenarioNames } from './scenarios/index.js';
import { startUpstreamStub, type UpstreamStub } from './upstream-stub.js';
import { scenarioSlug } from './types.js';

export interface RunChaosOptions {
  release: string;
  runId: string;
  outDir: string;
  /** Scenario i (canonical order among the selected) gets basePort + i (--base-port); default: reserved ports outside the ephemeral range. */
  basePort?: number;
  /** Scenario names (validated: an unknown name is a usage error listing the valid ones). */
  scenarios?: readonly string[];
  concurrency?: number;
  progress?: Progress;
  nowMs?: () => number;
  /** hunt's working directory, audited for leaks (default process.cwd()). */
  cwd?: string;
  /** More paths the isolation audit must ignore (e.g. the caller's own out-dir). */
  auditIgnore?: string[];
}

export interface RunChaosResult {
  report: HuntReportV1;
  checks: Check[];
  classification: Classification[];
}

/** Whether the lane needs its upstream stub: an upstream env var, or {upstreamUrl} in the start command, env or a sandbox template. */
async function needsUpstream(bound: RunBinding): Promise<boolean> {
  const t = bound.templates.target;
  if (bound.chaos.upstreamEnv || JSON.stringify([t.startCommand, t.env]).includes('{upstreamUrl}')) return true;
  for (const f of bound.chaos.sandbox.files) {
    const text = await fsp.readFile(path.resolve(bound.profile.configDir, f.from), 'utf8').catch(() => '');
    if (text.includes('{upstreamUrl}')) return true; // a reverse proxy's config template (nginx proxy_pass)
  }
  return false;
}

/** Reserves the scenario ports (and one for a calibration start): held until each lane hands its port to its target. */
async function reserve(names: readonly string[], bound: RunBinding, fixed: number[] | undefined, exclude: number[]): Promise<PortReservation[]> {
  try {
    const scenarioPorts = await reservePorts(names.length, { fixed, exclude, host: bound.target.host });
    const spare = await reservePorts(1, { exclude: [...exclude, ...scenarioPorts.map((r) => r.port)], host: bound.target.host }).catch(async (err) => {
      for (const r of scenarioPorts) await r.release();
      throw err;
    });
    return [...scenarioPorts, ...spare];
  } catch (err) {
    if (err instanceof HuntError) throw err;
    throw new EnvironmentError(`cannot reserve ports for the lanes: ${errorMessage(err)}`, {
      hint: fixed ? 'pick another --base-port, or omit it' : 'free some ports, or retry',
    });
  }
}

/** Runs the chaos matrix and writes `<outDir>/report-input.json`. Throws HuntError (exit 2) on unsafe input. */
export async function runChaos(bound: RunBinding, opts: RunChaosOptions): Promise<RunChaosResult> {
  const now = opts.nowMs ?? Date.now;
  const startedAt = now();
  const names = selectScenarios(opts.scenarios, bound.chaos.scenarios, scenarioNames(bound.chaos));
  const concurrency = checkConcurrency(opts.concurrency ?? bound.chaos.concurrency);
  checkProfileForLane({ target: bound.templates.target, chaos: bound.chaos }, bound.profile.file);
  const fixed = opts.basePort !== undefined ? basePorts(opts.basePort, names.length, bound.target.port) : undefined;
  const containment = await detectContainment(bound.baseEnv);
  const parent = sandboxParent();
  assertSeparate(parent, bound.target.home);
  await scanLaneInputs(bound, parent);
  const outDir = path.resolve(opts.outDir);
  await ensureDir(outDir);

  // registered first, so a signal teardown runs it last: catches a sandbox created while the others were torn down
  const unregisterSweep = onTeardown(() => sweepOwnSandboxes(parent));
  const reclaimed = await reclaimForRun(parent);
  for (const r of reclaimed)
    opts.progress?.info(
      r.action === 'removed' ? `chaos: reclaimed ${r.dir} (${r.reason}; ended ${r.killed.length} process(es))` : `chaos: left ${r.dir} alone (${r.reason})`,
    );
  opts.progress?.info(`chaos: containment ${containment.level} (${containment.why}); processes ended by ${containment.processNet} (${containment.cgroupWhy})`);
  let stub: UpstreamStub | null = null;
  let unregisterStub = () => {};
  // the stub listens before any lane port is reserved (and on an ephemeral port, a range lanes never use)
  if (await needsUpstream(bound)) {
    stub = await startUpstreamStub();
    unregisterStub = onTeardown(() => stub?.close());
  }
  let reservations: PortReservation[];
  try {
    reservations = await reserve(names, bound, fixed, [bound.target.port, ...(stub ? [stub.port] : [])]);
  } catch (err) {
    await stub?.close(); // a listening stub would keep hunt alive after the error
    unregisterStub();
    unregisterSweep();
    throw err;
  }
  const unregisterPorts = onTeardown(async () => void (await Promise.all(reservations.map((r) => r.release()))));
  const ports = reservations.slice(0, names.length).map((r) => r.port);
  const configArg = bound.profile.demo ? '--demo' : `--config ${bound.profile.file}`;
  const shared: RunShared = {
    bound,
    runId: opts.runId,
    outDir,
    cwd: path.resolve(opts.cwd ?? process.cwd()),
    upstreamUrl: stub ? `http://127.0.0.1:${stub.port}/` : undefined,
    sandboxParent: parent,
    containment,
    startup: new StartupClock(startupTimeoutMs(bound.chaos, bound.target), () => calibrateStartup(shared, reservations[names.length])),
    ignore: [parent, outDir, ...(opts.auditIgnore ?? []).map((p) => path.resolve(p))],
    lanes: new Map(),
    reproCommand: (n) =>
      `hunt staging-chaos ${configArg} --scenarios ${n} --concurrency 1 --release ${opts.release} --run-id repro-${scenarioSlug(n)} --out-dir <dir>`,
    nowMs: now,
  };

  const results = new Map<string, ScenarioResult>();
  let next = 0;
  // concurrent spinners on one terminal overwrite each other: on a TTY, report each scenario once, when it ends
  const live = concurrency === 1 || !canAnimate(process.stderr);
  const worker = async () => {
    while (next < names.length && !isTearingDown()) {
      const i = next++;
      const label = `chaos ${names[i]} (port ${ports[i]})`;
      const step = live ? opts.progress?.step(label) : undefined;
      const res = await runScenario(scenarioDef(names[i], bound.chaos), reservations[i], shared);
      results.set(names[i], res);
      const text = res.check.status === 'pass' ? undefined : res.check.summary.slice(0, 160);
      (step ?? opts.progress?.step(`${label} ${(res.check.durationMs / 1000).toFixed(1)} s`))?.done(res.check.status, text);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, names.length) }, worker));
  } finally {
    await stub?.close();
    await Promise.all(reservations.map((r) => r.release()));
    unregisterPorts();
    unregisterStub();
    unregisterSweep();
  }

  const checks = names.map((n) => results.get(n)!.check);
  const classification = names.map((n) => results.get(n)!.classification).filter((c): c is Classification => c !== null);
  const report: HuntReportV1 = {
    version: '1',
    release: opts.release,
    runId: opts.runId,
    lane: 'staging-chaos',
    startedAt: new Date(startedAt).toISOString(),
    endedAt: new Date(Math.max(now(), startedAt)).toISOString(),
    checks,
    signatures: [],
    classification,
    upstreamLinks: [],
    metadata: {
      hostname: os.hostname(),
      chaos: {
        target: bound.target.name,
        profile: bound.profile.file,
        scenarios: names,
        concurrency,
        ports: Object.fromEntries(names.map((n, i) => [n, ports[i]])),
        sandboxParent: parent,
        startCommand: commandText(bound.templates.target.startCommand),
        containment: describeContainment(containment),
        startup: shared.startup.describe(),
        reclaimed,
      },
    },
  };
  await writeJsonAtomic(path.join(outDir, 'report-input.json'), report);
  return { report, checks, classification };
}
