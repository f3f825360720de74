/**
 * The validated-profile cache (src/config/profile-cache.ts) through the bundled CLI, the only build that uses it,
 * in `hunt collect`'s state directory:
 * an accepted profile is stored and its exact bytes are not validated again; an entry hunt cannot trust (writable
 * by others, naming another key) is ignored, an edited profile is validated afresh, and HUNT_PROFILE_CACHE=off
 * stores nothing.
 */
import { chmod, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/runtime/ports.js';
import { cleanEnv, hunt, tempDir } from './collect-helpers.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('hunt-profile-cache-'));
});
afterAll(async () => {
  await cleanup();
});

/** A project with `hunt init`'s starter profile (a daemon that does not exist: collect still exits 0). */
async function project(name: string): Promise<{ cwd: string; env: NodeJS.ProcessEnv; profile: string; cache: string }> {
  const cwd = path.join(dir, name);
  await mkdir(cwd, { recursive: true });
  const env = cleanEnv(path.join(cwd, 'home'), { XDG_CACHE_HOME: path.join(cwd, 'xdg-cache') });
  const init = await hunt(['init', '--dir', cwd, '--name', `cache-${name}`, '--port', String(await freePort())], { cwd, env });
  expect(init.code, init.stderr).toBe(0);
  return { cwd, env, profile: path.join(cwd, 'hunt.config.json'), cache: path.join(cwd, 'state') }; // collect's --state-dir
}

async function collectName(p: { cwd: string; env: NodeJS.ProcessEnv }, env: NodeJS.ProcessEnv = {}): Promise<string> {
  const res = await hunt(['collect', '--output', 'snap.json', '--state-dir', 'state'], { cwd: p.cwd, env: { ...p.env, ...env } });
  expect(res.code, res.stderr).toBe(0);
  return (JSON.parse(await readFile(path.join(p.cwd, 'snap.json'), 'utf8')) as { target: { name: string } }).target.name;
}

async function entries(cache: string): Promise<string[]> {
  return existsSync(cache) ? (await readdir(cache)).filter((n) => n.startsWith('profile-')) : [];
}

describe('validated-profile cache', () => {
  it('stores an accepted profile once, by its content, readable only as written', async () => {
    const p = await project('store');
    expect(await collectName(p)).toBe('cache-store');
    const [entry, ...more] = await entries(p.cache);
    expect(more).toEqual([]);
    const stored = JSON.parse(await readFile(path.join(p.cache, entry), 'utf8')) as { id: string; config: { target: { name: string } } };
    expect(`profile-${stored.id}.json`).toBe(entry);
    expect(stored.config.target.name).toBe('cache-store');
    expect(await collectName(p)).toBe('cache-store');
    expect(await entries(p.cache)).toEqual([entry]);
  });

  it('uses an entry only this user could have written for this key; others are ignored and validation runs', async () => {
    const p = await project('distrust');
    await collectName(p);
    const [entry] = await entries(p.cache);
    const file = path.join(p.cache, entry);
    const stored = JSON.parse(await readFile(file, 'utf8')) as { id: string; config: { target: { name: string } } };
    stored.config.target.name = 'planted';
    await writeFile(file, JSON.stringify(stored));
    await chmod(file, 0o644);
    // the entry is what a hit returns (the user's own cache is as trusted as the user's own files): proof it is read
    expect(await collectName(p)).toBe('planted');
    await chmod(file, 0o666);
    expect(await collectName(p)).toBe('cache-distrust'); // group/world-writable: not trusted
    await writeFile(file, JSON.stringify({ ...stored, id: 'f'.repeat(64) }));
    await chmod(file, 0o644);
    expect(await collectName(p)).toBe('cache-distrust'); // an entry for another key
  });

  it('an edited profile is validated afresh: an invalid edit is exit 2 although the old text was accepted', async () => {
    const p = await project('edited');
    await collectName(p);
    const profile = JSON.parse(await readFile(p.profile, 'utf8')) as Record<string, unknown>;
    await writeFile(p.profile, JSON.stringify({ ...profile, notAField: true }, null, 2));
    const res = await hunt(['collect', '--output', 'snap.json', '--state-dir', 'state'], { cwd: p.cwd, env: p.env });
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/invalid config .*hunt\.config\.json/);
    expect(await entries(p.cache)).toHaveLength(1); // the rejected text is never stored
  });

  it('HUNT_PROFILE_CACHE=off stores nothing; other commands never store one (the gate writes only its out-dir)', async () => {
    const p = await project('off');
    expect(await collectName(p, { HUNT_PROFILE_CACHE: 'off' })).toBe('cache-off');
    expect(await entries(p.cache)).toEqual([]);
    const chaos = await hunt(['staging-chaos', '--scenarios', 'no-such-scenario'], { cwd: p.cwd, env: p.env });
    expect(chaos.code).toBe(2); // it loaded the profile first, then refused the scenario
    // collect's default state dir (its runs here used --state-dir): a profile stored by chaos would be there
    expect(existsSync(path.join(p.cwd, 'xdg-cache', 'hunt', 'scan'))).toBe(false);
  });
});
