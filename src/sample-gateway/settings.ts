/**
 * Where the gateway's settings come from: home, version, config file, port, upstream, token.
 * The config is tiny, so it is validated by hand (no zod: startup must stay fast, the chaos
 * matrix starts this program dozens of times).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EXIT_CODES, GatewayExit } from './exits.js';
import type { LogLevelName } from './log.js';

export const NAME = 'hunt-sample-gateway';
export const BUILTIN_VERSION = '1.0.0';
export const DEFAULT_PORT = 47811;
export const DEFAULT_UPSTREAM_INTERVAL_MS = 1000;
export const TOKEN_ENV = 'SAMPLE_GATEWAY_TOKEN';

export interface GatewayConfig {
  port?: number;
  upstreamUrl?: string;
  upstreamIntervalMs: number;
  logLevel: LogLevelName;
}

/** Home: --home, else $SAMPLE_GATEWAY_HOME, else $HOME/.hunt-sample-gateway; absolute, created if missing (when `create`). */
export function resolveHome(flag: string | undefined, env: NodeJS.ProcessEnv = process.env, create = true): string {
  const raw = flag || env.SAMPLE_GATEWAY_HOME || path.join(env.HOME || os.homedir(), '.hunt-sample-gateway');
  const home = path.resolve(raw);
  if (!create) return home;
  try {
    fs.mkdirSync(home, { recursive: true });
  } catch (err) {
    throw new GatewayExit(EXIT_CODES.config, `cannot create home ${home}: ${(err as Error).message}`);
  }
  return home;
}

/** The version: <home>/VERSION when present (written by `update`), else the built-in one. */
export function readVersion(home: string): string {
  try {
    const v = fs.readFileSync(path.join(home, 'VERSION'), 'utf8').trim();
    if (v) return v;
  } catch {
    /* no VERSION file: built-in version */
  }
  return BUILTIN_VERSION;
}

/** Path of the optional config file. */
export function configPath(home: string): string {
  return path.join(home, 'config.json');
}

const LOG_LEVELS: LogLevelName[] = ['debug', 'info', 'warn', 'error'];
const KEYS = ['port', 'upstreamUrl', 'upstreamIntervalMs', 'logLevel'];

/** Validates an http(s) URL; returns the reason it is invalid, or null. */
export function urlProblem(value: string): string | null {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    return 'not a valid URL';
  }
  return u.protocol === 'http:' || u.protocol === 'https:' ? null : `unsupported protocol ${u.protocol} (use http: or https:)`;
}

/** Validates parsed JSON against the config shape; returns the first problem, or null. */
export function configProblem(data: unknown): string | null {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return 'expected a JSON object';
  const obj = data as Record<string, unknown>;
  for (const key of Object.keys(obj).sort()) {
    if (!KEYS.includes(key)) return `unknown key "${key}" (allowed: ${KEYS.join(', ')})`;
  }
  const { port, upstreamUrl, upstreamIntervalMs, logLevel } = obj;
  if (port !== undefined && !(Number.isInteger(port) && (port as number) >= 1 && (port as number) <= 65535)) {
    return '"port" must be an integer between 1 and 65535';
  }
  if (upstreamUrl !== undefined) {
    if (typeof upstreamUrl !== 'string') return '"upstreamUrl" must be a string';
    const p = urlProblem(upstreamUrl);
    if (p) return `"upstreamUrl" ${p}`;
  }
  if (
    upstreamIntervalMs !== undefined &&
    !(Number.isInteger(upstreamIntervalMs) && (upstreamIntervalMs as number) >= 50 && (upstreamIntervalMs as number) <= 600_000)
  ) {
    return '"upstreamIntervalMs" must be an integer between 50 and 600000';
  }
  if (logLevel !== undefined && !LOG_LEVELS.includes(logLevel as LogLevelName)) {
    return `"logLevel" must be one of ${LOG_LEVELS.join(', ')}`;
  }
  return null;
}

/** Loads <home>/config.json (optional). Throws GatewayExit(78, "invalid config <path>: <reason>"). */
export function loadConfig(home: string): GatewayConfig {
  const file = configPath(home);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      return { upstreamIntervalMs: DEFAULT_UPSTREAM_INTERVAL_MS, logLevel: 'info' };
    }
    throw new GatewayExit(EXIT_CODES.config, `invalid config ${file}: cannot read (${(err as NodeJS.ErrnoException).code})`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new GatewayExit(EXIT_CODES.config, `invalid config ${file}: not valid JSON (${(err as Error).message})`);
  }
  const problem = configProblem(data);
  if (problem) throw new GatewayExit(EXIT_CODES.config, `invalid config ${file}: ${problem}`);
  const obj = data as Partial<GatewayConfig>;
  return {
    port: obj.port,
    upstreamUrl: obj.upstreamUrl,
    upstreamIntervalMs: obj.upstreamIntervalMs ?? DEFAULT_UPSTREAM_INTERVAL_MS,
    logLevel: obj.logLevel ?? 'info',
  };
}

/** Parses a port from a flag or env value; null when it is not an integer in 0..65535 (0 = OS-chosen). */
export function parsePort(value: string): number | null {
  if (!/^\d{1,5}$/.test(value.trim())) return null;
  const n = Number(value);
  return n <= 65535 ? n : null;
}

/** Port: --port, else $SAMPLE_GATEWAY_PORT, else config port, else the default. */
export function resolvePort(flag: number | undefined, config: GatewayConfig | null, env = process.env): number {
  if (flag !== undefined) return flag;
  const raw = env.SAMPLE_GATEWAY_PORT;
  if (raw !== undefined && raw !== '') {
    const p = parsePort(raw);
    if (p === null) throw new GatewayExit(EXIT_CODES.config, `invalid config SAMPLE_GATEWAY_PORT: "${raw}" is not a port (0-65535)`);
    return p;
  }
  return config?.port ?? DEFAULT_PORT;
}

/** Upstream: $SAMPLE_GATEWAY_UPSTREAM, else config upstreamUrl; undefined = no upstream check. */
export function resolveUpstream(config: GatewayConfig, env = process.env): string | undefined {
  const raw = env.SAMPLE_GATEWAY_UPSTREAM;
  if (raw !== undefined && raw !== '') {
    const p = urlProblem(raw);
    if (p) throw new GatewayExit(EXIT_CODES.config, `invalid config SAMPLE_GATEWAY_UPSTREAM: ${p}`);
    return raw;
  }
  return config.upstreamUrl;
}

/** Whether the required secret is present (its value is never printed or logged). */
export function hasToken(env = process.env): boolean {
  return (env[TOKEN_ENV] ?? '').trim() !== '';
}

/** A URL fit for logs: user info (credentials) and query string removed. */
export function safeUrl(value: string): string {
  try {
    const u = new URL(value);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '<invalid url>';
  }
}
