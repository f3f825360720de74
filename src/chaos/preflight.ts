/**
 * Checks before a lane starts anything (all exit 2): the profile must let the lane move the target to
 * a sandbox port and home, its health URL must follow the sandbox port on loopback, and the options
 * must never aim at the production port.
 */
import { ConfigError, UsageError } from '../errors.js';
import { allScenarios } from '../config/scenarios.js';
import type { HuntConfig } from '../config/schema.js';
import { expand } from '../config/placeholders.js';
import { isSignalName } from './scenarios/common.js';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/**
 * Pure: the scenario list from a filter; unknown names are a usage error that lists the valid ones. `available` is
 * every scenario of the profile in canonical order (the built-ins, then custom:<name>); default: the built-ins.
 */
export function selectScenarios(
  filter: readonly string[] | undefined,
  fromProfile: readonly string[] | undefined,
  available: readonly string[] = allScenarios,
): string[] {
  const wanted = filter ?? fromProfile ?? available;
  const unknown = wanted.filter((n) => !available.includes(n));
  if (unknown.length) {
    throw new UsageError(`--scenarios: unknown scenario${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}`, {
      hint: `valid scenarios: ${available.join(', ')}${unknown.some((n) => n.startsWith('custom:')) ? ' (custom:<name> names a chaos.custom entry of the profile)' : ''}`,
    });
  }
  if (!wanted.length) throw new UsageError('--scenarios: no scenario selected', { hint: `valid scenarios: ${available.join(', ')}` });
  // canonical order, no duplicates: the report is the same whatever order the filter used
  return available.filter((n) => wanted.includes(n));
}

/** Pure: validates concurrency (1..16). */
export function checkConcurrency(n: number): number {
  if (!Number.isInteger(n) || n < 1 || n > 16) throw new UsageError(`--concurrency: ${n} is not an integer from 1 to 16`, { hint: 'e.g. --concurrency 2' });
  return n;
}

/** Pure: the ports of a --base-port for `count` scenarios; refuses a range holding the production port. */
export function basePorts(base: number, count: number, prodPort: number): number[] {
  if (!Number.isInteger(base) || base < 1024 || base + count - 1 > 65535) {
    throw new UsageError(`--base-port: ${base} is not a usable base port for ${count} scenario(s) (1024..${65536 - count})`, {
      hint: 'omit --base-port to let the OS pick free ports',
    });
  }
  const ports = Array.from({ length: count }, (_, i) => base + i);
  if (ports.includes(prodPort)) {
    throw new UsageError(`--base-port: the scenario ports ${base}..${base + count - 1} include the production port ${prodPort}`, {
      hint: 'a chaos lane never touches the production port: pick another base, or omit --base-port',
    });
  }
  return ports;
}

/** Pure: problems that make a profile unsafe or impossible to run in a sandbox lane (throws ConfigError). */
export function checkProfileForLane(config: Pick<HuntConfig, 'target' | 'chaos'>, file: string): void {
  const t = config.target;
  const problems: string[] = [];
  const start = JSON.stringify(t.startCommand);
  // with chaos.sandbox.files the port may be in a config template: the lane's input scan checks that one
  if (!t.portEnv && !start.includes('{port}') && !config.chaos.sandbox.files.length)
    problems.push(
      'target.startCommand: must use {port} (or set target.portEnv, or a chaos.sandbox.files template) so the lane can move the target to a sandbox port',
    );
  const homeViaHome = t.home.trim() === '~' || t.home.trim().startsWith('~/');
  if (!homeViaHome && !t.homeEnv && !start.includes('{home}')) {
    problems.push('target.home: the lane cannot redirect it (use a ~/ path, set target.homeEnv, or pass {home} in target.startCommand)');
  }
  if (t.healthUrl) {
    const probe = expand(t.healthUrl, { port: 54321, home: '/sandbox', configDir: '/config' });
    let u: URL | null = null;
    try {
      u = new URL(probe);
    } catch {
      problems.push(`target.healthUrl: ${t.healthUrl} is not a URL`);
    }
    if (u && (!LOOPBACK.has(u.hostname) || u.port !== '54321'))
      problems.push('target.healthUrl: must be on loopback and use {port}, so the lane probes its own instance, never production');
  }
  const health = t.health;
  if (health?.kind === 'http') {
    const probe = expand(health.url, { port: 54321, home: '/sandbox', configDir: '/config' });
    let u: URL | null = null;
    try {
      u = new URL(probe);
    } catch {
      problems.push(`target.health.url: ${health.url} is not a URL`);
    }
    if (u && (!LOOPBACK.has(u.hostname) || u.port !== '54321'))
      problems.push('target.health.url: must be on loopback and use {port}, so the lane probes its own instance, never production');
  }
  if (health?.kind === 'command' && !JSON.stringify(health.command).includes('{port}') && !t.portEnv)
    problems.push('target.health.command: must use {port} (or set target.portEnv) so the lane probes its own instance, never production');
  if (!config.chaos.signalRestart.command && !isSignalName(config.chaos.signalRestart.signal))
    problems.push(`chaos.signalRestart.signal: ${config.chaos.signalRestart.signal} is not a signal on this platform`);
  if (config.chaos.gracefulShutdown.via === 'signal' && !isSignalName(config.chaos.gracefulShutdown.signal))
    problems.push(`chaos.gracefulShutdown.signal: ${config.chaos.gracefulShutdown.signal} is not a signal on this platform`);
  config.chaos.custom.forEach((c, i) => {
    if (c.action.signal !== undefined && !isSignalName(c.action.signal))
      problems.push(`chaos.custom[${i}].action.signal: ${c.action.signal} is not a signal on this platform`);
  });
  if (problems.length)
    throw new ConfigError(`${file}: the profile cannot run in a chaos lane`, {
      details: problems,
      hint: 'fix the fields above; docs/staging-chaos.md explains how a lane moves the target',
    });
}
