/**
 * The profile knobs real daemons need: health kinds, ${VAR} in target.env, manage "hunt" (derived
 * commands), lifecycle defaults, and the lane's view of them. Pure: parse + bind, no process runs.
 */
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import type { LoadedConfig } from '../../src/config/load.js';
import { parseConfig } from '../../src/config/parse.js';
import { bindRun } from '../../src/config/bind.js';
import { bindLane } from '../../src/config/lane.js';
import { describeHealth } from '../../src/config/health.js';
import { envRefProblem, expandEnvValue } from '../../src/config/env-refs.js';
import { ConfigError } from '../../src/errors.js';

const base = {
  target: { name: 'd', versionCommand: 'd --version', statusCommand: ['true'], startCommand: ['d', '--port', '{port}'], port: 6390, home: '/srv/d' },
};

function loaded(patch: (c: typeof base & Record<string, any>) => void = () => {}): LoadedConfig {
  const raw = structuredClone(base) as typeof base & Record<string, any>;
  patch(raw);
  return { config: parseConfig(raw, 'p.json'), file: '/cfg/p.json', configDir: '/cfg', demo: false };
}

function issues(patch: (c: typeof base & Record<string, any>) => void): string[] {
  try {
    loaded(patch);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).details;
  }
  throw new Error('expected the profile to be rejected');
}

describe('target.health', () => {
  it('healthUrl is the short form of an http probe', () => {
    const b = bindRun(
      loaded((c) => Object.assign(c.target, { healthUrl: 'http://127.0.0.1:{port}/healthz' })),
      { env: {} },
    );
    expect(b.target.health).toEqual({ kind: 'http', url: 'http://127.0.0.1:6390/healthz', expectStatus: null, bodyPattern: null });
    expect(b.target.healthUrl).toBe('http://127.0.0.1:6390/healthz');
  });

  it('tcp probes the target host and port; command expands placeholders; no probe says port open only', () => {
    const tcp = bindRun(
      loaded((c) => Object.assign(c.target, { health: { kind: 'tcp', send: 'PING\r\n', expect: '+PONG' } })),
      { env: {} },
    );
    expect(tcp.target.health).toEqual({ kind: 'tcp', host: '127.0.0.1', port: 6390, send: 'PING\r\n', expect: '+PONG' });
    expect(tcp.target.healthUrl).toBeNull();
    expect(describeHealth(tcp.target.health)).toBe('tcp 127.0.0.1:6390 send "PING\\r\\n" expect "+PONG"');
    const cmd = bindRun(
      loaded((c) => Object.assign(c.target, { health: { kind: 'command', command: ['redis-cli', '-p', '{port}', 'ping'] } })),
      { env: {} },
    );
    expect(cmd.target.health).toEqual({ kind: 'command', command: ['redis-cli', '-p', '6390', 'ping'] });
    expect(describeHealth(bindRun(loaded(), { env: {} }).target.health)).toBe('no health probe (port open only)');
  });

  it('refuses both forms at once, unknown kinds and keys, and a bad bodyPattern', () => {
    expect(issues((c) => Object.assign(c.target, { healthUrl: 'http://127.0.0.1:{port}/', health: { kind: 'tcp' } }))).toContain(
      '/target/health: give either target.health or its short form target.healthUrl, not both',
    );
    expect(issues((c) => Object.assign(c.target, { health: { kind: 'udp' } })).join('\n')).toMatch(/\/target\/health/);
    expect(issues((c) => Object.assign(c.target, { health: { kind: 'tcp', sned: 'x' } })).join('\n')).toMatch(/sned/);
    expect(issues((c) => Object.assign(c.target, { health: { kind: 'http', url: 'http://x/', bodyPattern: '(' } })).join('\n')).toMatch(/regular expression/);
    expect(issues((c) => Object.assign(c.target, { health: { kind: 'http', url: 'ftp://x/' } }))).toContain(
      '/target/health/url: must be an http:// or https:// URL (got ftp:)',
    );
  });
});

describe('${VAR} in target.env', () => {
  it('expands from the inherited environment, with defaults, and leaves placeholders in literal parts only', () => {
    const b = bindRun(
      loaded((c) => Object.assign(c.target, { env: { PATH: '/opt/node24/bin:${PATH}', MODE: '${MODE:-prod}', DATA: '{home}/data' } })),
      { env: { PATH: '/usr/bin:/bin' } },
    );
    expect(b.target.env).toEqual({ PATH: '/opt/node24/bin:/usr/bin:/bin', MODE: 'prod', DATA: '/srv/d/data' });
    expect(b.commandEnv.PATH).toBe('/opt/node24/bin:/usr/bin:/bin');
    // a value taken from the environment is never expanded again
    expect(expandEnvValue('${X}', { port: 1, home: '/h', configDir: '/c' }, { X: '{home}' }, 'f')).toBe('{home}');
  });

  it('an unset variable without a default is a config error naming the field and the fix', () => {
    const l = loaded((c) => Object.assign(c.target, { env: { PATH: '/opt/bin:${NODE_HOME_X}' } }));
    expect(() => bindRun(l, { env: {} })).toThrow(/target\.env\.PATH: \$\{NODE_HOME_X\} is not set/);
  });

  it('a malformed reference is a validation error', () => {
    expect(envRefProblem('${PATH')).toMatch(/malformed/);
    expect(envRefProblem('${1X}')).toMatch(/malformed/);
    expect(envRefProblem('/bin:${PATH}:${A:-b}')).toBeNull();
    expect(issues((c) => Object.assign(c.target, { env: { PATH: '/bin:${PATH' } })).join('\n')).toMatch(/\/target\/env\/PATH: malformed/);
  });

  it('in a lane, ${HOME} is the sandbox HOME, never production', () => {
    const b = bindRun(
      loaded((c) => Object.assign(c.target, { env: { CACHE: '${HOME}/.cache' } })),
      { env: { HOME: '/root' } },
    );
    expect(b.target.env.CACHE).toBe('/root/.cache');
    const lane = bindLane(b, { root: '/sb', home: '/sb/home', tmp: '/sb/tmp', xdg: {}, port: 7000, marker: {} });
    expect(lane.env().CACHE).toBe('/sb/home/.cache');
  });
});

describe('target.manage "hunt"', () => {
  it('derives status, stop and restart from hunt daemon with a pid file and log under the home', () => {
    const b = bindRun(
      loaded((c) => {
        delete (c.target as Record<string, unknown>).statusCommand;
        Object.assign(c.target, { manage: 'hunt', startCommand: ['node', 'server.js', '--port', '{port}'] });
        c.chaos = { gracefulShutdown: { signal: 'SIGINT', deadlineMs: 4000 } };
      }),
      { env: {} },
    );
    expect(b.target.managed).toEqual({ pidFile: '/srv/d/.hunt/daemon.pid', logFile: '/srv/d/.hunt/daemon.log' });
    expect(b.target.pidFile).toBe('/srv/d/.hunt/daemon.pid');
    const status = b.target.commands.status as string[];
    expect(status.slice(2)).toEqual(['daemon', 'status', '--pid-file', '/srv/d/.hunt/daemon.pid']);
    const restart = (b.target.commands.restart as string[]).slice(2);
    expect(restart.slice(0, 2)).toEqual(['daemon', 'restart']);
    expect(restart).toEqual(expect.arrayContaining(['--signal', 'SIGINT', '--timeout-ms', '4000', '--port', '6390', '--log-file', '/srv/d/.hunt/daemon.log']));
    expect(restart.slice(restart.indexOf('--'))).toEqual(['--', 'node', 'server.js', '--port', '6390']);
    expect((b.target.commands.stop as string[]).slice(2, 4)).toEqual(['daemon', 'stop']);
  });

  it('a given stopCommand and restartCommand win; a shell start string runs with --shell', () => {
    const b = bindRun(
      loaded((c) => Object.assign(c.target, { manage: 'hunt', startCommand: 'exec d --port {port}', stopCommand: ['d', 'stop'] })),
      { env: {} },
    );
    expect(b.target.commands.stop).toEqual(['d', 'stop']);
    const restart = b.target.commands.restart as string[];
    expect(restart).toEqual(expect.arrayContaining(['--stop-command', '["d","stop"]', '--shell']));
    expect(restart[restart.length - 1]).toBe('exec d --port 6390');
    expect(b.target.commands.status).toEqual(['true']);
  });

  it('statusCommand is required unless hunt manages the daemon', () => {
    expect(issues((c) => delete (c.target as Record<string, unknown>).statusCommand)).toContain(
      '/target/statusCommand: required (or set target.manage to "hunt" so hunt derives it from its pid file)',
    );
  });
});

describe('lifecycle defaults and knobs', () => {
  it('defaults: SIGTERM graceful stop by signal, crash kills the process, update policy warn', () => {
    const c = loaded().config;
    expect(c.chaos.gracefulShutdown).toMatchObject({ signal: 'SIGTERM', via: 'signal' });
    expect(c.chaos.crashRecovery.killMode).toBe('process');
    expect(c.chaos.signalRestart.command).toBeUndefined();
    expect(c.gate.update.policy).toBe('warn');
    expect(c.target.manage).toBe('external');
  });

  it('via stopCommand needs a stopCommand', () => {
    expect(issues((c) => ((c as Record<string, unknown>).chaos = { gracefulShutdown: { via: 'stopCommand' } }))).toContain(
      '/chaos/gracefulShutdown/via: "stopCommand" needs target.stopCommand',
    );
  });

  it('a lane expands pidFile, reload, stop and prepare commands for its sandbox; a pid file outside the sandbox is ignored', () => {
    const b = bindRun(
      loaded((c) => {
        Object.assign(c.target, { home: '~/.d', pidFile: '{home}/d.pid', stopCommand: ['d', '-p', '{home}', '-s', 'quit'] });
        c.chaos = { signalRestart: { command: ['d', '-p', '{home}', '-s', 'reload'] }, prepare: { command: 'mkdir -p {home}/data' } };
      }),
      { env: {} },
    );
    const lane = bindLane(b, { root: '/sb', home: '/sb/home', tmp: '/sb/tmp', xdg: {}, port: 7000, marker: {} });
    expect(lane.pidFile).toBe(path.join('/sb/home/.d', 'd.pid'));
    expect(lane.reloadCommand).toEqual(['d', '-p', '/sb/home/.d', '-s', 'reload']);
    expect(lane.stopCommand).toEqual(['d', '-p', '/sb/home/.d', '-s', 'quit']);
    expect(lane.prepareCommand).toBe('mkdir -p /sb/home/.d/data');
    const prod = bindRun(
      loaded((c) => Object.assign(c.target, { pidFile: '/run/d.pid' })),
      { env: {} },
    );
    expect(bindLane(prod, { root: '/sb', home: '/sb/home', tmp: '/sb/tmp', xdg: {}, port: 7000, marker: {} }).pidFile).toBeNull();
  });
});

describe('target.user', () => {
  it('an unknown user is a config error when the run is bound, naming the fix', () => {
    const l = loaded((c) => Object.assign(c.target, { user: 'no-such-user-hunt-e2e' }));
    expect(() => bindRun(l, { env: {} })).toThrow(/target\.user: no user "no-such-user-hunt-e2e" on this machine/);
    expect(
      bindRun(
        loaded((c) => Object.assign(c.target, { user: '0' })),
        { env: {} },
      ).target.user,
    ).toBe('0');
  });
});
