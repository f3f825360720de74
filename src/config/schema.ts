/**
 * hunt.config.json — the target profile. Everything product-specific lives here.
 * zod is the authority; schemas/hunt-config.schema.json is generated from it (`hunt schema config`).
 * Placeholders in commands, paths and URLs: {port} {home} {configDir} {packageDir} {node} {upstreamUrl}.
 * Objects are strict: an unknown key (usually a typo) is an error, never silently ignored.
 */
import * as z from 'zod';
import { PRESET_FORMATS } from '../scan/ts-presets.js';
import type { TimestampFormat } from '../scan/types.js';
import { LIMITS } from './limits.js';
import { customScenarioSchema, customScenarioRef } from './custom-schema.js';
import { commandLine, duration, regexSource } from './schema-parts.js';
import { scenarioNames } from './scenarios.js';

export { commandLine } from './schema-parts.js';

/** How hunt asks "is it healthy": an HTTP GET, a TCP exchange, or a command (exit 0 = healthy). */
export const healthSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('http'),
    url: z.string().min(1).describe('http(s) URL, e.g. http://127.0.0.1:{port}/healthz'),
    /** Status codes that count as healthy (default: any 2xx). */
    expectStatus: z.array(z.number().int().min(100).max(599)).min(1).optional(),
    bodyPattern: regexSource.optional().describe('The body must match this regex'),
  }),
  z.strictObject({
    kind: z.literal('tcp'),
    send: z.string().optional().describe('Bytes sent after connecting, e.g. "PING\\r\\n"'),
    expect: z.string().min(1).optional().describe('Text the reply must contain, e.g. "+PONG"'),
  }),
  z.strictObject({ kind: z.literal('command'), command: commandLine.describe('Exit 0 = healthy; placeholders allowed') }),
]);

export const targetSchema = z.strictObject({
  name: z.string().min(1).describe('Display name of the target daemon'),
  versionCommand: commandLine.describe('Prints the version (first x.y.z or x.y in its output, or target.versionPattern)'),
  /** Required unless manage is "hunt" (then derived from the pid file). */
  statusCommand: commandLine.optional().describe('Exit 0 when the target is running (derived when manage is "hunt")'),
  /** Foreground start command; chaos and the demo gate supervise it. */
  startCommand: commandLine.describe('Starts the target in the foreground (supports {port} and {home})'),
  stopCommand: commandLine.optional().describe('Stops the target (used by manage "hunt" and chaos.gracefulShutdown.via "stopCommand")'),
  restartCommand: commandLine.optional(),
  updateCommand: commandLine.optional(),
  verifyCommand: commandLine.optional(),
  port: z.number().int().min(LIMITS.port.min).max(LIMITS.port.max).describe('TCP port the target listens on'),
  host: z.string().default('127.0.0.1'),
  healthUrl: z.string().optional().describe('HTTP health endpoint, e.g. http://127.0.0.1:{port}/healthz (short form of health kind http)'),
  health: healthSchema.optional(),
  /** Added by issue 3: the health probe's own timeout (a hanging endpoint never hangs hunt). */
  healthTimeoutMs: duration.default(5_000),
  /** The production home directory (a sandbox refuses to use it). */
  home: z.string().min(1).describe('The target home directory; ~ and placeholders allowed, relative to the config file'),
  /** Env var through which the target learns its home, besides HOME (e.g. SAMPLE_GATEWAY_HOME). */
  homeEnv: z.string().optional(),
  /** Env var through which the target learns its port (optional; commands may use {port} instead). */
  portEnv: z.string().optional(),
  env: z
    .record(z.string(), z.string())
    .default({})
    .describe('Environment for target commands (overrides the inherited environment); ${VAR} and ${VAR:-default} expand from the inherited one'),
  requiredEnv: z.array(z.string()).default([]),
  /** Env vars whose values are secrets: their values are redacted from every excerpt. */
  secretEnv: z.array(z.string()).default([]).describe('Env vars whose values are redacted from every excerpt'),
  /** Path of the target's config file, relative to home (bad-config scenario corrupts a copy of it). */
  configFile: z.string().optional(),
  readyTimeoutMs: duration.default(15_000),
  /** The serving process's pid file (placeholders allowed): names the target instead of the listener owners. */
  pidFile: z.string().min(1).optional(),
  /** A regex whose first capture group (else whole match) is the version in the version command's output. */
  versionPattern: regexSource.optional(),
  /** "hunt": the start command runs only in the foreground; hunt daemonizes it and derives status/stop/restart. */
  manage: z.enum(['external', 'hunt']).default('external'),
  /** When hunt runs as root: every target command runs as this user (name or uid[:gid]). */
  user: z.string().min(1).optional(),
  commandTimeoutMs: z.number().int().min(LIMITS.commandTimeoutMs.min).max(LIMITS.commandTimeoutMs.max).default(10_000),
});

export const timestampSchema = z.strictObject({
  format: z
    .enum(['auto', 'iso', 'json', 'epoch-ms', 'regex', 'pattern', ...PRESET_FORMATS] as [TimestampFormat, ...TimestampFormat[]])
    .default('auto')
    .describe(
      'auto, iso, json, epoch-ms, regex, pattern, or a preset: nginx-error, clf (nginx/Apache access), redis, postgres, syslog (RFC 3164), rfc5424, journald, go, python',
    ),
  /** For json: dotted field path (e.g. "_meta.date"). */
  field: z.string().optional(),
  /** For regex: first capture group is the timestamp (ISO or epoch ms, or read with `pattern`). */
  regex: regexSource.optional(),
  /** For pattern (and regex captures): strftime-style, e.g. "%d/%b/%Y:%H:%M:%S %z". */
  pattern: z.string().min(1).optional().describe('strftime-style: %Y %m %d %e %H %M %S %f %z %Z %b %a %p %s %T %F ...'),
  /** Zone of stamps that carry none (nginx, redis, syslog, Go, Python write local time). */
  timezone: z.string().min(1).optional().describe('IANA zone ("Europe/Berlin") or offset ("+02:00") of zone-less stamps; default UTC'),
});

export const logSourceSchema = z.strictObject({
  source: z.string().min(1).describe('Label that signatures refer to'),
  path: z
    .string()
    .min(1)
    .describe('Log file path; {home} and ~ allowed, relative to the config file; a glob (*.log) or date pattern (app-%Y-%m-%d.log) names several files'),
  rotated: z.boolean().default(false).describe('Also read path.1, path.2.gz, ...'),
  timestamp: timestampSchema.optional(),
});

export const signatureSchema = z.strictObject({
  name: z.string().min(1),
  source: z.string().min(1).describe('A logs[].source label'),
  pattern: z.string().min(1).describe('Literal text, or a JavaScript regex when regex is true'),
  regex: z.boolean().default(false),
  /** crash and config signatures default to p0 when new; others p1. */
  kind: z.enum(['crash', 'config', 'error', 'warning']).default('error'),
  severity: z.enum(['p0', 'p1', 'p2']).optional(),
  category: z.enum(['core', 'plugin-private', 'ops']).optional(),
  issueUrl: z.string().url().optional(),
  /** Lines that also match this (same kind as pattern: literal, or regex when regex is true) do not count. */
  exclude: z
    .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
    .optional()
    .describe('Lines that also match this (literal, or a regex when regex is true) do not count, e.g. a status CLI writing into the log'),
});

export const scenarioName = z.enum(scenarioNames);
export { allScenarios, type ScenarioName } from './scenarios.js';

/** What every scenario may add: its own environment, and whether it gets the lane's upstream. */
const scenarioSettings = {
  /** Variables set for this scenario's starts only (shown in its evidence and repro). */
  env: z.record(z.string(), z.string()).default({}),
  /** Whether chaos.upstreamEnv is set for this scenario (default: only transient-network, which needs it). */
  upstream: z.boolean().optional(),
};

/** A config template copied into every lane sandbox with lane placeholders filled in. */
const sandboxFile = z.strictObject({
  from: z.string().min(1).describe('Template file, relative to the config file (placeholders {home} {port} {sandbox} {tmp} {upstreamUrl} are filled in)'),
  to: z.string().min(1).describe('Destination inside the sandbox: relative to the lane home, or starting with {home} or {sandbox}'),
});

export const chaosSchema = z
  .strictObject({
    /** Which scenarios run (default: all, the profile's custom ones included): built-in names and custom:<name>. */
    scenarios: z.array(z.union([scenarioName, customScenarioRef])).optional(),
    /** Scenarios of the profile's own: an action and the expectations checked after it (docs/config.md). */
    custom: z.array(customScenarioSchema).default([]),
    concurrency: z.number().int().min(LIMITS.concurrency.min).max(LIMITS.concurrency.max).default(2),
    /** Upstream the target calls: the env var that carries its URL. The lane runs its own upstream behind the fault proxy. */
    upstreamEnv: z.string().optional(),
    /** How long a start may take before the target can be judged (default: target.readyTimeoutMs). Scenario deadlines count after it. */
    startupTimeoutMs: duration.optional(),
    /** More production paths (besides the home, the log files and the pid file) a lane must never write: covered read-only in the lane. */
    protect: z
      .array(z.string().min(1))
      .default([])
      .describe('Production paths a lane must never write; ~ and placeholders allowed, relative to the config file'),
    sandbox: z.strictObject({ files: z.array(sandboxFile).default([]) }).prefault({}),
    portCollision: z
      .strictObject({ deadlineMs: duration.default(10_000), messagePattern: regexSource.default('in use|EADDRINUSE'), ...scenarioSettings })
      .prefault({}),
    alreadyRunning: z.strictObject({ deadlineMs: duration.default(10_000), messagePattern: regexSource.optional(), ...scenarioSettings }).prefault({}),
    signalRestart: z
      .strictObject({
        signal: z.string().default('SIGUSR1'),
        deadlineMs: duration.default(10_000),
        samePid: z.boolean().default(true),
        /** Added by issue 4: how long listeners are watched after the reload (a debug port may open late). */ settleMs: duration.default(1_000),
        /** A reload command instead of the signal (e.g. `nginx -s reload`); placeholders expand for the lane. */
        command: commandLine.optional(),
        ...scenarioSettings,
      })
      .prefault({}),
    missingEnv: z.strictObject({ deadlineMs: duration.default(10_000), messagePattern: regexSource.optional(), ...scenarioSettings }).prefault({}),
    transientNetwork: z
      .strictObject({
        faultMs: duration.default(3_000),
        expectDegraded: z.boolean().default(true),
        recoveryDeadlineMs: duration.default(10_000),
        /** Added by issue 4: the fault proxy's fault during the outage. */ fault: z.enum(['reset', 'refuse', 'blackhole']).default('reset'),
        ...scenarioSettings,
      })
      .prefault({}),
    /** Audit-only lanes: a change outside the sandbox no process of the lane explains is information, never a finding (kept for old profiles). */
    isolation: z.strictObject({ unattributed: z.enum(['fail', 'warn', 'ignore']).default('warn') }).prefault({}),
    /** killMode "group": the crash takes the whole process tree (systemd KillMode=control-group); "process": the serving process only. */
    crashRecovery: z
      .strictObject({ deadlineMs: duration.default(15_000), killMode: z.enum(['process', 'group']).default('process'), ...scenarioSettings })
      .prefault({}),
    gracefulShutdown: z
      .strictObject({
        deadlineMs: duration.default(10_000),
        exitCodes: z.array(z.number().int()).default([0]),
        /** The daemon's graceful stop signal (nginx: SIGQUIT; its SIGTERM is a fast stop). */
        signal: z.string().default('SIGTERM'),
        /** "stopCommand": run target.stopCommand (lane-expanded) instead of sending the signal. */
        via: z.enum(['signal', 'stopCommand']).default('signal'),
        ...scenarioSettings,
      })
      .prefault({}),
    /** Runs once in each lane before its first start (e.g. initialise a data dir), outside the readiness deadlines. */
    prepare: z.strictObject({ command: commandLine, timeoutMs: duration.default(120_000) }).optional(),
    badConfig: z
      .strictObject({
        deadlineMs: duration.default(10_000),
        content: z.string().default('{ this is not valid'),
        messagePattern: regexSource.optional(),
        ...scenarioSettings,
      })
      .prefault({}),
  })
  .prefault({});

export const testBundleSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . - only (it names files)'),
  title: z.string().optional(),
  command: commandLine,
  policy: z.enum(['strict', 'warn']).default('strict'),
  timeoutMs: duration.default(300_000),
});

export const gateSchema = z
  .strictObject({
    tests: z.array(testBundleSchema).default([]),
    testConcurrency: z.number().int().min(1).max(16).default(2),
    blockingSeverity: z.enum(['p0', 'p1', 'p2']).default('p0'),
    /** T1 update: "strict" fails the gate (and skips the restart) when the update command fails; "warn" only warns. */
    update: z.strictObject({ policy: z.enum(['strict', 'warn']).default('warn') }).prefault({}),
    /** Regression: window count rose by more than `absolute` AND by more than `relative` (0.5 = +50%), per window minute. */
    regression: z.strictObject({ absolute: z.number().min(0).default(3), relative: z.number().min(0).default(0.5) }).prefault({}),
    observe: z
      .strictObject({
        intervalMs: duration.default(2_000),
        consecutiveFailures: z.number().int().min(1).default(3),
        failureRatio: z.number().min(0).max(1).default(0.2),
      })
      .prefault({}),
  })
  .prefault({});

export const configSchema = z.strictObject({
  $schema: z.string().optional(),
  target: targetSchema,
  logs: z.array(logSourceSchema).default([]),
  signatures: z.array(signatureSchema).default([]),
  redact: z.strictObject({ patterns: z.array(regexSource).default([]) }).prefault({}),
  windowMinutes: z
    .number()
    .int()
    .min(LIMITS.windowMinutes.min)
    .max(LIMITS.windowMinutes.max)
    .default(120)
    .describe('Lookback window of signature counts, minutes'),
  chaos: chaosSchema,
  gate: gateSchema,
});

export type HuntConfigInput = z.input<typeof configSchema>;
export type HuntConfig = z.output<typeof configSchema>;
export type TargetConfig = HuntConfig['target'];
export type SignatureConfig = HuntConfig['signatures'][number];
export type LogSourceConfig = HuntConfig['logs'][number];
export type ChaosConfig = HuntConfig['chaos'];
export type GateConfig = HuntConfig['gate'];
export type HealthConfig = z.output<typeof healthSchema>;
