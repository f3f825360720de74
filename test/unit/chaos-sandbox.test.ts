import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox, ensureParent, isInside, LOCK_FILE, LOCK_TOOL, SANDBOX_ENV, assertSeparate } from '../../src/chaos/sandbox.js';
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
      expect(JSON.parse(await fsp.readFile(path.join(sb.root, LOCK_FILE), 'utf8'))).toMatchObject({ tool: LOCK_TOOL, id: sb.id, pid: process.pid });
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

  it("reclaims the sandbox of a dead hunt (ending the processes its registry proves are the lane's) and spares live ones", async () => {
    const live = await createSandbox({ bound: bound(), runId: 'live', scenario: 'x', port: 1, parent });
    const dead = await createSandbox({ bound: bound(), runId: 'dead', scenario: 'x', port: 1, parent });
    const spawnIn = (sb: typeof dead, registry: boolean, extra: NodeJS.ProcessEnv = {}) =>
      supervise({
        command: [process.execPath, '-e', 'setInterval(()=>{},1000)'],
        cwd: sb.work,
        env: { ...sb.binding.env(), HUNT_TEST_TAG: tag, ...extra },
        stdoutFile: path.join(dir, 'o'),
        stderrFile: path.join(dir, 'e'),
        ...(registry ? { registry: sb.registry } : {}),
      });
    const p = spawnIn(dead, true);
    // an operator's shell that cd'd into the dead sandbox: its environment names the sandbox, the registry does not
    const operator = spawnIn(dead, false, { PWD: dead.work });
    await eventually(async () => (await tagged(tag)).length === 2);
    // its owner "dies": a pid that is not alive (the lock keeps hunt's marker for this very directory)
    const lock = JSON.parse(await fsp.readFile(path.join(dead.root, LOCK_FILE), 'utf8'));
    await fsp.writeFile(path.join(dead.root, LOCK_FILE), JSON.stringify({ ...lock, pid: 2 ** 22 + 1 }));
    const res = await reclaimStaleSandboxes(parent);
    expect(res.map((r) => [r.dir, r.action])).toEqual([[dead.root, 'removed']]);
    expect(res[0].killed).toEqual([p.pid]);
    expect((await tagged(tag)).map((x) => x.pid)).toEqual([operator.pid]); // never killed: not provably the lane's
    expect((await fsp.readdir(parent)).map((n) => path.join(parent, n))).toEqual([live.root]);
    await operator.stop(500);
    p.dispose();
    operator.dispose();
    await live.dispose();
    await dead.dispose();
  });

  it('deletes only what it can prove it created, and never follows a symlink', async () => {
    const other = path.join(dir, 'unrelated');
    await fsp.mkdir(path.join(other, 'data'), { recursive: true });
    await fsp.writeFile(path.join(other, 'data', 'keep.txt'), 'precious');
    const p2 = path.join(dir, 'p2');
    await fsp.mkdir(p2);
    const old = new Date(Date.now() - 3600_000);
    // a symlink to an unrelated directory, a directory with a foreign lock, one with a copied lock, an empty one
    await fsp.symlink(other, path.join(p2, 'link'));
    await fsp.mkdir(path.join(p2, 'foreign'));
    await fsp.writeFile(path.join(p2, 'foreign', LOCK_FILE), JSON.stringify({ pid: 2 ** 22 + 1 }));
    await fsp.mkdir(path.join(p2, 'copied'));
    await fsp.writeFile(path.join(p2, 'copied', LOCK_FILE), JSON.stringify({ tool: LOCK_TOOL, id: 'elsewhere', pid: 2 ** 22 + 1, start: '1' }));
    await fsp.mkdir(path.join(p2, 'empty'));
    for (const n of ['foreign', 'copied', 'empty']) await fsp.utimes(path.join(p2, n), old, old);
    const res = await reclaimStaleSandboxes(p2);
    expect(res.map((r) => `${path.basename(r.dir)} ${r.action}`).sort()).toEqual(['copied left', 'empty removed', 'foreign left']);
    expect(await fsp.readFile(path.join(other, 'data', 'keep.txt'), 'utf8')).toBe('precious');
    expect((await fsp.readdir(p2)).sort()).toEqual(['copied', 'foreign', 'link']);
    // a symlinked sandbox parent is refused outright (exit 2), never used
    const linked = path.join(dir, 'linked-parent');
    await fsp.symlink(other, linked);
    await expect(ensureParent(linked)).rejects.toThrow(/is a symlink/);
    await expect(createSandbox({ bound: bound(), runId: 'r', scenario: 'x', port: 1, parent: linked })).rejects.toThrow(/is a symlink/);
    expect(await fsp.readdir(other)).toEqual(['data']);
  });
});
