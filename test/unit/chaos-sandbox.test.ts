import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox, isInside, LOCK_FILE, SANDBOX_ENV, assertSeparate } from '../../src/chaos/sandbox.js';
import { reclaimStaleSandboxes } from '../../src/chaos/reclaim.js';
import { configSchema } from '../../src/config/schema.js';
import type { LoadedConfig } from '../../src/config/load.js';
import { bindRun } from '../../src/config/bind.js';
import { supervise } from '../../src/runtime/supervisor.js';
import { eventually, killTagged, newTag, tagged } from '../e2e/chaos-helpers.js';

// Real directories and a real process: the sandbox env points everywhere but production, and reclaim
// kills what a dead hunt left running in a sandbox.
const tag = newTag();
let dir: string;
let parent: string;
const prodHome = () => path.join(dir, 'realhome', '.d');

function loaded(): LoadedConfig {
  const config = configSchema.parse({
    target: {
      name: 'd',
      versionCommand: 'v',
      statusCommand: 's',
      startCommand: ['gw', '{port}'],
      port: 47811,
      home: '~/.d',
      homeEnv: 'D_HOME',
      portEnv: 'D_PORT',
      env: { D_CACHE: '~/.cache/d', D_URL: '{upstreamUrl}', D_SECRET: 'abc' },
      configFile: 'config.json',
    },
    chaos: { upstreamEnv: 'D_UPSTREAM' },
  });
  return { config, file: path.join(dir, 'p.json'), configDir: dir, demo: false };
}

/** The run's bound value with the test's production home and inherited environment. */
function bound(env: NodeJS.ProcessEnv = {}) {
  return bindRun(loaded(), { env, overrides: { values: { home: prodHome() }, notes: [] } });
}

beforeAll(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'hunt-sandbox-test-'));
  parent = path.join(dir, 'hunt-chaos');
  await fsp.mkdir(prodHome(), { recursive: true });
  await fsp.writeFile(path.join(prodHome(), 'config.json'), '{"port":1}');
});
afterAll(async () => {
  const left = await tagged(tag);
  await killTagged(tag);
  await fsp.rm(dir, { recursive: true, force: true });
  expect(left).toEqual([]);
});

describe('lane sandbox', () => {
  it('points HOME, TMPDIR, XDG, the home and port vars and ~ inside the sandbox; copies the config; locks with our pid', async () => {
    const sb = await createSandbox({
      bound: bound({ PATH: '/bin', HOME: '/real', D_UPSTREAM: 'http://prod' }),
      runId: 'run/1',
      scenario: 'bad-config',
      port: 41234,
      parent,
    });
    try {
      expect(isInside(sb.root, parent)).toBe(true);
      expect(path.basename(sb.root)).toMatch(/^run_1-bad-config-/);
      const env = sb.binding.env('http://127.0.0.1:9/');
      expect(env.HOME).toBe(sb.home);
      expect(env.D_HOME).toBe(path.join(sb.home, '.d'));
      expect(env.D_PORT).toBe('41234');
      expect(env.D_CACHE).toBe(path.join(sb.home, '.cache/d'));
      expect(env.D_URL).toBe('http://127.0.0.1:9/');
      expect(env.D_UPSTREAM).toBe('http://127.0.0.1:9/'); // never the production upstream inherited from hunt
      expect(env[SANDBOX_ENV]).toBe(sb.root);
      expect(env.PATH).toBe('/bin');
      for (const k of ['TMPDIR', 'XDG_CONFIG_HOME', 'XDG_DATA_HOME', 'XDG_STATE_HOME', 'XDG_CACHE_HOME', 'XDG_RUNTIME_DIR'])
        expect(isInside(env[k], sb.root)).toBe(true);
      expect(Object.values(env).some((v) => v.includes(prodHome()))).toBe(false);
      expect(await fsp.readFile(sb.configFile!, 'utf8')).toBe('{"port":1}');
      expect(JSON.parse(await fsp.readFile(path.join(sb.root, LOCK_FILE), 'utf8')).pid).toBe(process.pid);
    } finally {
      await sb.dispose();
    }
    expect(await fsp.readdir(parent)).toEqual([]);
  });

  it('refuses a sandbox parent that overlaps the production home (exit 2)', () => {
    expect(() => assertSeparate(path.join(prodHome(), 'x'), prodHome())).toThrow(/overlaps the production home/);
    expect(() => assertSeparate(dir, prodHome())).toThrow(/overlaps/);
    expect(() => assertSeparate(parent, prodHome())).not.toThrow();
  });

  it('reclaims the sandbox of a dead hunt (killing what still runs in it) and spares live ones', async () => {
    const live = await createSandbox({ bound: bound(), runId: 'live', scenario: 'x', port: 1, parent });
    const dead = await createSandbox({ bound: bound(), runId: 'dead', scenario: 'x', port: 1, parent });
    // a process left in the dead sandbox: it carries the sandbox in its environment, as targets do
    const p = supervise({
      command: [process.execPath, '-e', 'setInterval(()=>{},1000)'],
      cwd: dead.work,
      env: { ...dead.binding.env(), HUNT_TEST_TAG: tag },
      stdoutFile: path.join(dir, 'o'),
      stderrFile: path.join(dir, 'e'),
    });
    await eventually(async () => (await tagged(tag)).length === 1);
    // its owner "dies": a pid that is not alive
    await fsp.writeFile(path.join(dead.root, LOCK_FILE), JSON.stringify({ pid: 2 ** 22 + 1, startedAtSec: 1, runId: 'dead', scenario: 'x', createdAt: '' }));
    const res = await reclaimStaleSandboxes(parent);
    expect(res.map((r) => r.dir)).toEqual([dead.root]);
    expect(res[0].killed).toEqual([p.pid]);
    expect(await tagged(tag)).toEqual([]);
    expect((await fsp.readdir(parent)).map((n) => path.join(parent, n))).toEqual([live.root]);
    p.dispose();
    await live.dispose();
    await dead.dispose();
  });
});
