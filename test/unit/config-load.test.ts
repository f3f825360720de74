import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, mkdir, rm, writeFile, copyFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { loadConfig } from '../../src/config/load.js';
import { demoProfilePath } from '../../src/config/package.js';
import { expand, expandCommand } from '../../src/config/placeholders.js';
import { layerOverrides, runOverrides } from '../../src/config/overrides.js';
import { bindRun, secretValues } from '../../src/config/bind.js';
import { LIMITS } from '../../src/config/limits.js';
import { intOption } from '../../src/commands/flags.js';
import { ConfigError, InputError, UsageError } from '../../src/errors.js';

const root = path.resolve(import.meta.dirname, '..', '..');
const minimal = path.join(root, 'test/fixtures/configs/minimal.json');
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'hunt-config-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}

describe('config discovery', () => {
  it('finds hunt.config.json in a parent directory', async () => {
    await copyFile(minimal, path.join(dir, 'hunt.config.json'));
    const deep = path.join(dir, 'a', 'b', 'c');
    await mkdir(deep, { recursive: true });
    const loaded = await loadConfig({ cwd: deep, env: {} });
    expect(loaded.file).toBe(path.join(dir, 'hunt.config.json'));
    expect(loaded.configDir).toBe(dir);
    expect(loaded.demo).toBe(false);
    expect(bindRun(loaded, { env: {} }).target.home).toBe(path.join(dir, 'home'));
  });

  it('no config anywhere is a ConfigError pointing at hunt init and --demo', async () => {
    const err = await rejection(loadConfig({ cwd: dir, env: {} }));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toContain('no hunt.config.json found');
    expect((err as ConfigError).hint).toContain('hunt init');
    expect((err as ConfigError).hint).toContain('--demo');
  });

  it('--config wins, --demo selects the bundled profile, both together is a usage error', async () => {
    await copyFile(minimal, path.join(dir, 'other.json'));
    const viaFlag = await loadConfig({ cwd: dir, config: 'other.json', env: {} });
    expect(viaFlag.config.target.name).toBe('minimal-daemon');
    const demo = await loadConfig({ cwd: dir, demo: true, env: {} });
    expect(demo.file).toBe(demoProfilePath);
    expect(demo.demo).toBe(true);
    expect(await rejection(loadConfig({ cwd: dir, demo: true, config: 'other.json', env: {} }))).toBeInstanceOf(UsageError);
    const missing = await rejection(loadConfig({ cwd: dir, config: 'nope.json', env: {} }));
    expect(missing).toBeInstanceOf(ConfigError);
    expect(missing.message).toMatch(/^--config: .*nope\.json does not exist$/);
  });

  it('HUNT_CONFIG selects the file when no flag does; --demo beats it', async () => {
    await copyFile(minimal, path.join(dir, 'from-env.json'));
    const loaded = await loadConfig({ cwd: dir, env: { HUNT_CONFIG: 'from-env.json' } });
    expect(loaded.file).toBe(path.join(dir, 'from-env.json'));
    const demo = await loadConfig({ cwd: dir, demo: true, env: { HUNT_CONFIG: 'from-env.json' } });
    expect(demo.demo).toBe(true);
    const err = await rejection(loadConfig({ cwd: dir, env: { HUNT_CONFIG: 'gone.json' } }));
    expect(err.message).toMatch(/^HUNT_CONFIG: /);
  });

  it('malformed JSON names the file, line and column', async () => {
    await writeFile(path.join(dir, 'hunt.config.json'), '{\n  "target": {,\n}\n');
    const err = await rejection(loadConfig({ cwd: dir, env: {} }));
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toContain(`${path.join(dir, 'hunt.config.json')}:2:`);
  });
});

describe('overrides: defaults < file < env < flags', () => {
  it('applies HUNT_* env values, then flags, and records where each came from', async () => {
    const env = { HUNT_CONFIG: minimal, HUNT_PORT: '19001', HUNT_WINDOW_MINUTES: '15', HUNT_TARGET_HOME: 'h2', HUNT_COMMAND_TIMEOUT_MS: '750' };
    const loaded = await loadConfig({ cwd: dir, env });
    const fromEnv = bindRun(loaded, { env, overrides: runOverrides(env, {}, dir) });
    expect(fromEnv.target.port).toBe(19001);
    expect(fromEnv.windowMinutes).toBe(15);
    expect(fromEnv.target.commandTimeoutMs).toBe(750);
    expect(fromEnv.target.home).toBe(path.join(dir, 'h2'));
    expect(fromEnv.overrides).toEqual([
      'target.port=19001 (HUNT_PORT)',
      `target.home=${path.join(dir, 'h2')} (HUNT_TARGET_HOME)`,
      'target.commandTimeoutMs=750 (HUNT_COMMAND_TIMEOUT_MS)',
      'windowMinutes=15 (HUNT_WINDOW_MINUTES)',
    ]);
    const flagged = bindRun(loaded, { env, overrides: runOverrides(env, { port: 19002, windowMinutes: 30 }, dir) });
    expect(flagged.target.port).toBe(19002);
    expect(flagged.windowMinutes).toBe(30);
    expect(flagged.overrides.slice(-2)).toEqual(['target.port=19002 (--port)', 'windowMinutes=30 (--window-minutes)']);
    expect(loaded.config.target.port).toBe(18080); // the profile is not mutated
    expect(Object.isFrozen(flagged) && Object.isFrozen(flagged.target)).toBe(true);
  });

  it('bad env values are a ConfigError naming the variable; empty values are ignored', async () => {
    const bad = { HUNT_CONFIG: minimal, HUNT_PORT: '80a' };
    expect(() => runOverrides(bad, {}, dir)).toThrow(ConfigError);
    expect(() => runOverrides(bad, {}, dir)).toThrow('HUNT_PORT: expected an integer from 1 to 65535, got "80a"');
    const env = { HUNT_CONFIG: minimal, HUNT_PORT: '', HUNT_WINDOW_MINUTES: ' ' };
    const bound = bindRun(await loadConfig({ cwd: dir, env }), { env, overrides: runOverrides(env, {}, dir) });
    expect(bound.target.port).toBe(18080);
    expect(bound.overrides).toEqual([]);
  });

  it('later layers win; notes keep a fixed order', () => {
    const a = layerOverrides({ values: {}, notes: [] }, { windowMinutes: 5, port: 1 }, () => 'A');
    const b = layerOverrides(a, { port: 2 }, () => 'B');
    expect(b.values).toEqual({ windowMinutes: 5, port: 2 });
    expect(b.notes).toEqual(['target.port=1 (A)', 'windowMinutes=5 (A)', 'target.port=2 (B)']);
  });

  it('integer flags are parsed once, with the ranges the profile uses', () => {
    const parse = (argv: string[]) =>
      new Command()
        .exitOverride()
        .addOption(intOption('--port <n>', 'p', LIMITS.port))
        .parse(argv, { from: 'user' })
        .opts();
    expect(parse([])).toEqual({});
    expect(parse(['--port', '8080'])).toEqual({ port: 8080 });
    expect(() => parse(['--port', '0'])).toThrow(UsageError);
    expect(() => parse(['--port', '1.5'])).toThrow('--port: expected an integer from 1 to 65535, got "1.5"');
  });
});

describe('placeholder expansion', () => {
  const v = { port: 4242, home: '/srv/h', configDir: '/etc/hunt', upstreamUrl: 'http://127.0.0.1:9/' };

  it('expands every placeholder and a leading ~', () => {
    expect(expand('{home}/logs/{port}.log', v)).toBe('/srv/h/logs/4242.log');
    expect(expand('{configDir}|{upstreamUrl}', v)).toBe('/etc/hunt|http://127.0.0.1:9/');
    expect(expand('{node}', v)).toBe(process.execPath);
    expect(expand('{packageDir}/bin', v)).toBe(path.join(root, 'bin'));
    expect(expand('~/x', v)).toBe(path.join(os.homedir(), 'x'));
    expect(expand('a~/x {unknown}', v)).toBe('a~/x {unknown}');
    expect(expandCommand(['run', '--port', '{port}'], v)).toEqual(['run', '--port', '4242']);
    expect(expandCommand('run --port {port}', v)).toBe('run --port 4242');
  });

  it('binds the demo target: commands, health URL, env, log paths, secrets', async () => {
    const env = { SAMPLE_GATEWAY_TOKEN: 'from-the-env-123' };
    const bound = bindRun(await loadConfig({ cwd: dir, demo: true, env: {} }), { env, overrides: runOverrides({}, { port: 5555, home: 'gw' }, dir) });
    const t = bound.target;
    expect(t.port).toBe(5555);
    expect(t.home).toBe(path.join(dir, 'gw'));
    expect(t.healthUrl).toBe('http://127.0.0.1:5555/healthz');
    expect(t.commands.version).toEqual([process.execPath, path.join(root, 'bin/hunt-sample-gateway.js'), '--version']);
    expect(t.commands.start).toContain('5555');
    expect(t.env.SAMPLE_GATEWAY_HOME).toBe(path.join(dir, 'gw'));
    expect(t.env.SAMPLE_GATEWAY_PORT).toBe('5555');
    expect(bound.logs.map((s) => s.path)).toEqual([path.join(dir, 'gw/logs/gateway.log'), path.join(dir, 'gw/logs/gateway.err.log')]);
    expect(secretValues(bound.templates.target, t.env, env)).toEqual(['demo-token-0123456789abcdef', 'from-the-env-123']);
    expect(bound.redact('a from-the-env-123 b demo-token-0123456789abcdef')).not.toMatch(/from-the-env|demo-token/);
  });
});
