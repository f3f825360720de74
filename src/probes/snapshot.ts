/**
 * takeSnapshot: the runtime snapshot of a target, used by `hunt collect` and by the release gate's
 * preflight and post-change phases. Probes run concurrently, each with its own deadline, so a hanging
 * target costs at most the slowest timeout. A target that is down is a valid snapshot, not an error.
 */
import { windowBounds, type RunBinding } from '../config/bind.js';
import { huntVersion } from '../config/package.js';
import { commandOutcome, parseVersion, runRecord } from './command-record.js';
import type { Progress } from '../runtime/progress.js';
import { scanSignatures } from '../scan/index.js';
import type { ScanResult, ScanSignature } from '../scan/types.js';
import { excludeList } from '../config/scenarios.js';
import { describeHealth } from '../config/health.js';
import { probeTarget, type HealthProbe } from './health-probe.js';
import { scanListeners, type ListenerScan } from './listeners.js';
import { SNAPSHOT_KIND, SNAPSHOT_SCHEMA_VERSION, type RuntimeSnapshot, type SnapshotLogSource, type SnapshotSignature } from './snapshot-types.js';
import { targetProcess } from './target-process.js';

export interface SnapshotOptions {
  label: string;
  /** The window's end (default now); injectable so tests control time. */
  nowMs?: number;
  progress?: Progress;
  /** Count countTotal over whole files (default true); false reads only the window's bytes. */
  totals?: boolean;
}

const quiet: Progress = { step: () => ({ done() {}, update() {} }), info() {} };

/** What to tell the user about a source whose lines carry no recognisable timestamp (collect and the gate). */
export function windowUnknownHint(source: string): string {
  return `log source "${source}": no line carries a recognisable timestamp, so its window counts are unknown (null, not 0); set logs[].timestamp in the profile (a preset such as nginx-error, clf, redis, syslog, or format "pattern" with a strftime pattern; see docs/config.md)`;
}

/** The profile's signatures as the scanner takes them (exclusions as the signature's own kind of pattern). */
export function scanSignatureSpecs(bound: Pick<RunBinding, 'signatures'>): ScanSignature[] {
  return bound.signatures.map((s) => ({
    name: s.name,
    source: s.source,
    pattern: s.pattern,
    regex: s.regex,
    ...(s.exclude ? { exclude: excludeList(s.exclude).map((pattern) => ({ pattern, regex: s.regex })) } : {}),
  }));
}

function snapshotSignatures(bound: RunBinding, scan: ScanResult): SnapshotSignature[] {
  const byName = new Map(scan.signatures.map((s) => [s.name, s]));
  return bound.signatures.map((cfg) => {
    const s = byName.get(cfg.name);
    return {
      name: cfg.name,
      source: cfg.source,
      kind: cfg.kind,
      ...(cfg.severity ? { severity: cfg.severity } : {}),
      ...(cfg.category ? { category: cfg.category } : {}),
      ...(cfg.issueUrl ? { issueUrl: cfg.issueUrl } : {}),
      // A signature the scanner did not report stays unknown too: never a silent 0.
      countWindow: s ? s.countWindow : null,
      countTotal: s?.countTotal ?? 0,
      firstSeen: s?.firstSeen ?? null,
      lastSeen: s?.lastSeen ?? null,
      samples: (s?.samples ?? []).slice(0, 3),
    };
  });
}

/** How production target commands run (health command probes use it too). */
export function healthProbeOptions(bound: Pick<RunBinding, 'target' | 'redact' | 'commandEnv' | 'profile'>) {
  return {
    timeoutMs: bound.target.healthTimeoutMs,
    redact: bound.redact,
    exec: { cwd: bound.profile.configDir, env: bound.commandEnv, user: bound.target.user },
  };
}

/** Takes a runtime snapshot of the profile's target. Never throws for the target's own state. */
export async function takeSnapshot(bound: RunBinding, opts: SnapshotOptions): Promise<RuntimeSnapshot> {
  const started = Date.now();
  const nowMs = opts.nowMs ?? started;
  const progress = opts.progress ?? quiet;
  const { target, redact } = bound;
  const window = windowBounds(bound, nowMs);

  // Everything starts at once; progress is reported in a fixed order so the log reads the same every run.
  const versionP = runRecord(target.commands.version, bound);
  const statusP = runRecord(target.commands.status, bound);
  const listenersP: Promise<ListenerScan> = scanListeners(target.port);
  const processP = listenersP.then((l) => targetProcess(target.port, l.listeners, redact, target.pidFile));
  const healthP: Promise<HealthProbe | null> = target.health ? probeTarget(target.health, healthProbeOptions(bound)) : Promise.resolve(null);
  const scanP = scanSignatures([...bound.logs], scanSignatureSpecs(bound), {
    windowStartMs: window.startMs,
    windowEndMs: window.endMs,
    redact,
    maxSamples: 3,
    totals: opts.totals ?? true,
    stateDir: bound.scanStateDir ?? undefined,
  });
  // Attach handlers now: a rejection must not go unhandled while an earlier step is still awaited.
  for (const p of [versionP, statusP, processP, healthP, scanP]) p.catch(() => {});

  let step = progress.step('version command');
  const version = await versionP;
  step.done(version.exitCode === 0 && !version.timedOut ? 'pass' : 'warn', commandOutcome(version));
  step = progress.step('status command');
  const status = await statusP;
  step.done(status.exitCode === 0 && !status.timedOut ? 'pass' : 'warn', commandOutcome(status));
  step = progress.step(`listeners on port ${target.port}`);
  const listeners = await listenersP;
  step.done(listeners.listeners.length ? 'pass' : 'warn', listeners.error ?? `${listeners.listeners.length} via ${listeners.source}`);
  step = progress.step('target process');
  const proc = await processP;
  step.done(proc.pid !== null ? 'pass' : 'warn', proc.pid !== null ? `pid ${proc.pid}, ${proc.tree.length} process(es)` : (proc.note ?? 'not found'));
  step = progress.step('health probe');
  const health = await healthP;
  if (!health) step.done('skip', 'no health probe in the profile (port open only)');
  else step.done(health.ok ? 'pass' : 'warn', health.detail);
  step = progress.step(`log signatures (${window.minutes} min window)`);
  const scan = await scanP;
  const signatures = snapshotSignatures(bound, scan);
  const inWindow = signatures.reduce((n, s) => n + (s.countWindow ?? 0), 0);
  const missing = scan.sources.filter((s) => s.missing || s.error).map((s) => s.source);
  // An unreadable file also makes the window unknown; that source is named as unreadable, not as lacking timestamps.
  const noTs = scan.sources.filter((s) => !s.windowKnown && !s.missing && !s.error && s.linesTotal > 0).map((s) => s.source);
  const unknown = signatures.filter((s) => s.countWindow === null).map((s) => s.name);
  const notes = [
    missing.length ? `missing/unreadable: ${missing.join(', ')}` : '',
    noTs.length ? `window unknown (no recognisable timestamp): ${noTs.join(', ')}` : '',
  ].filter(Boolean);
  step.done(missing.length || unknown.length ? 'warn' : 'pass', `${inWindow} match(es) in window${notes.length ? `; ${notes.join('; ')}` : ''}`);
  for (const src of noTs) progress.info(`warning: ${windowUnknownHint(src)}`);

  const parsedVersion = version.exitCode === 0 && !version.timedOut ? parseVersion(`${version.stdout}\n${version.stderr}`, target.versionPattern) : null;
  const running = status.exitCode === 0 && !status.timedOut;
  const sourceOrder = new Map(bound.logs.map((l, i) => [l.source, i]));
  const logs = [...scan.sources]
    .sort((a, b) => (sourceOrder.get(a.source) ?? 0) - (sourceOrder.get(b.source) ?? 0))
    .map((s): SnapshotLogSource => ({
      source: s.source,
      path: s.path,
      files: s.files,
      missing: s.missing,
      error: s.error ? redact(s.error) : null,
      timestampFormat: s.timestampFormat,
      ...(s.timestampPreset ? { timestampPreset: s.timestampPreset } : {}),
      linesTotal: s.linesTotal,
      linesTimestampChecked: s.linesTimestampChecked,
      linesWithoutTimestamp: s.linesWithoutTimestamp,
      windowKnown: s.windowKnown,
      seeked: s.seeked,
      bytesRead: s.bytesRead,
      bytesFromCheckpoint: s.bytesFromCheckpoint,
      totalsExact: s.totalsExact,
    }));
  return {
    kind: SNAPSHOT_KIND,
    schemaVersion: SNAPSHOT_SCHEMA_VERSION,
    label: opts.label,
    takenAt: new Date(nowMs).toISOString(),
    durationMs: Date.now() - started,
    hunt: { version: huntVersion() },
    config: { file: bound.profile.file, demo: bound.profile.demo, overrides: [...bound.overrides] },
    target: {
      name: target.name,
      host: target.host,
      port: target.port,
      home: target.home,
      healthUrl: target.healthUrl,
      healthProbe: redact(describeHealth(target.health)),
      pidFile: target.pidFile,
    },
    window: { minutes: window.minutes, start: new Date(window.startMs).toISOString(), end: new Date(window.endMs).toISOString() },
    commands: { version: { ...version, parsed: parsedVersion }, status: { ...status, running } },
    listeners: {
      source: listeners.source,
      error: listeners.error ?? null,
      entries: listeners.listeners.map((l) => ({ ...l, command: l.command === null ? null : redact(l.command) })),
    },
    health,
    process: proc,
    signatures,
    logs,
    summary: {
      running,
      listening: listeners.listeners.length > 0,
      healthy: health ? health.ok : null,
      version: parsedVersion,
      signaturesInWindow: inWindow,
      signaturesMatchedInWindow: signatures.filter((s) => (s.countWindow ?? 0) > 0).map((s) => s.name),
      signaturesWindowUnknown: unknown,
      logSourcesMissing: missing,
      logSourcesWithoutTimestamps: noTs,
      commandsTimedOut: [version.timedOut ? 'version' : '', status.timedOut ? 'status' : ''].filter(Boolean),
    },
  };
}
