/**
 * RuntimeSnapshot v1: what `hunt collect` writes and the release gate takes before and after a change.
 * schemas/runtime-snapshot-v1.schema.json is the wire contract; keep both in step (a test checks that
 * every snapshot validates). Every excerpt of target output in here has passed the profile's redactor.
 */
import type { SourceScanInfo } from '../scan/types.js';
import type { HealthProbe } from './health.js';
import type { Listener } from './listeners.js';

export const SNAPSHOT_KIND = 'hunt-runtime-snapshot';
export const SNAPSHOT_SCHEMA_VERSION = 1;

/** One target command run (version or status). */
export interface CommandRecord {
  /** The command as run, redacted. */
  command: string;
  exitCode: number | null;
  signal: string | null;
  durationMs: number;
  timeoutMs: number;
  timedOut: boolean;
  /** Trimmed (tail) and redacted. */
  stdout: string;
  stderr: string;
  /** The command could not be started (e.g. binary not found). */
  spawnError: string | null;
}

export interface VersionRecord extends CommandRecord {
  /** First x.y.z[-pre][+build] in the output of a successful run; null otherwise. */
  parsed: string | null;
}

export interface StatusRecord extends CommandRecord {
  /** The status command exited 0 (the convention for "running"). */
  running: boolean;
}

/** A listener as the snapshot records it: the probe's own shape, with the owner's command line redacted. */
export type SnapshotListener = Listener;

export interface SnapshotProcess {
  pid: number;
  ppid: number;
  /** Resident set size, KiB. */
  rssKb: number;
  uptimeSec: number | null;
  name: string;
  /** Redacted command line. */
  command: string;
}

export interface SnapshotSignature {
  name: string;
  source: string;
  kind: 'crash' | 'config' | 'error' | 'warning';
  severity?: 'p0' | 'p1' | 'p2';
  category?: 'core' | 'plugin-private' | 'ops';
  issueUrl?: string;
  /** null when it could not be computed: no recognisable timestamp in the source, or nothing readable. */
  countWindow: number | null;
  countTotal: number;
  /** ISO timestamps of the first/last match inside the window. */
  firstSeen: string | null;
  lastSeen: string | null;
  /** Up to 3 redacted matching lines from the window. */
  samples: string[];
}

/** Per log source, as the scanner reported it (a missing or unreadable file is reported here, never fatal). */
export interface SnapshotLogSource {
  source: string;
  path: string;
  files: string[];
  missing: boolean;
  error: string | null;
  timestampFormat: SourceScanInfo['timestampFormat'];
  /** The preset in use (named or auto-detected). */
  timestampPreset?: string;
  linesTotal: number;
  /** Lines whose timestamp was examined (the window regions of seeked files). */
  linesTimestampChecked?: number;
  linesWithoutTimestamp: number;
  /** false: this source's window counts are unknown (null). */
  windowKnown?: boolean;
  seeked: boolean;
  bytesRead: number;
  /** Bytes counted from the scanner's checkpoint instead of read again. */
  bytesFromCheckpoint?: number;
  totalsExact: boolean;
}

export interface RuntimeSnapshot {
  kind: typeof SNAPSHOT_KIND;
  schemaVersion: typeof SNAPSHOT_SCHEMA_VERSION;
  label: string;
  /** When the snapshot was taken (= window end), ISO UTC. */
  takenAt: string;
  durationMs: number;
  hunt: { version: string };
  config: { file: string; demo: boolean; overrides: string[] };
  target: { name: string; host: string; port: number; home: string; healthUrl: string | null };
  window: { minutes: number; start: string; end: string };
  commands: { version: VersionRecord; status: StatusRecord };
  listeners: { source: 'procfs' | 'lsof' | 'unavailable'; error: string | null; entries: SnapshotListener[] };
  /** null when the profile has no healthUrl. */
  health: HealthProbe | null;
  process: {
    /** The target's pid, from the owner of a listener on the port; null when none was found. */
    pid: number | null;
    source: 'listener' | 'none';
    /** Why no pid (or which other pids also listen). */
    note: string | null;
    /** The process and its descendants, root first. */
    tree: SnapshotProcess[];
  };
  signatures: SnapshotSignature[];
  logs: SnapshotLogSource[];
  /** The headline figures, for people and for the gate's preflight. */
  summary: {
    running: boolean;
    listening: boolean;
    healthy: boolean | null;
    version: string | null;
    signaturesInWindow: number;
    signaturesMatchedInWindow: string[];
    /** Signatures whose window count is unknown (null): never reported as 0. */
    signaturesWindowUnknown?: string[];
    logSourcesMissing: string[];
    /** Sources with lines but no recognisable timestamp. */
    logSourcesWithoutTimestamps?: string[];
    commandsTimedOut: string[];
  };
}
