import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseConfig } from '../../src/config/parse.js';
import { cleanEnv, hunt, tempDir } from './collect-helpers.js';

let dir: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir('hunt-init-'));
});
afterEach(async () => {
  await cleanup();
});

const readJson = async (f: string) => JSON.parse(await readFile(f, 'utf8')) as Record<string, unknown>;

describe('hunt init', () => {
  it('writes a valid starter profile and an empty allowlist, and prints the scripts to add', async () => {
    const res = await hunt(['init', '--name', 'acme-gw', '--port', '9123'], { cwd: dir, env: cleanEnv(dir) });
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    const config = parseConfig(await readJson(path.join(dir, 'hunt.config.json')), 'hunt.config.json');
    expect(config.target.name).toBe('acme-gw');
    expect(config.target.port).toBe(9123);
    expect(config.signatures.length).toBeGreaterThan(0);
    const known = await readJson(path.join(dir, 'known-issues.json'));
    expect(known.entries).toEqual([]);
    expect(Object.keys(known).sort()).toEqual(['$schema', 'entries']);
    for (const s of ['hunt:collect', 'hunt:release-gate', 'hunt:staging-chaos', 'hunt:render-report']) expect(res.stdout).toContain(`"${s}"`);
    expect(res.stdout).toContain(`wrote ${path.join(dir, 'hunt.config.json')}`);
  });

  it('the starter profile is what hunt collect then finds (target down is still exit 0)', async () => {
    expect((await hunt(['init', '--port', '1'], { cwd: dir, env: cleanEnv(dir) })).code).toBe(0);
    const out = path.join(dir, 'snap.json');
    const res = await hunt(['collect', '--output', out, '--json'], { cwd: dir, env: cleanEnv(dir) });
    expect(res.code).toBe(0);
    const printed = JSON.parse(res.stdout) as { output: string; summary: { running: boolean } };
    expect(printed.output).toBe(out);
    expect(printed.summary.running).toBe(false);
  });

  it('refuses to overwrite (exit 2 naming the file, nothing written), --force overwrites', async () => {
    await writeFile(path.join(dir, 'known-issues.json'), '{"entries":[{"keep":"me"}]}\n');
    const res = await hunt(['init'], { cwd: dir, env: cleanEnv(dir) });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(path.join(dir, 'known-issues.json'));
    expect(res.stderr).toContain('--force');
    await expect(readFile(path.join(dir, 'hunt.config.json'))).rejects.toThrow(/ENOENT/);
    const forced = await hunt(['init', '--force', '--json'], { cwd: dir, env: cleanEnv(dir) });
    expect(forced.code).toBe(0);
    const printed = JSON.parse(forced.stdout) as { written: string[]; overwritten: string[]; scripts: Record<string, string> };
    expect(printed.overwritten).toEqual([path.join(dir, 'known-issues.json')]);
    expect(printed.scripts['hunt:collect']).toBe('hunt collect');
    expect((await readJson(path.join(dir, 'known-issues.json'))).entries).toEqual([]);
  });

  it('--dir writes elsewhere; bad --name / --port are exit 2', async () => {
    const res = await hunt(['init', '--dir', 'sub/dir'], { cwd: dir, env: cleanEnv(dir) });
    expect(res.code).toBe(0);
    await readJson(path.join(dir, 'sub/dir/hunt.config.json'));
    const badName = await hunt(['init', '--name', 'a b;rm'], { cwd: dir, env: cleanEnv(dir) });
    expect(badName.code).toBe(2);
    expect(badName.stderr).toContain('--name');
    const badPort = await hunt(['init', '--port', '99999'], { cwd: dir, env: cleanEnv(dir) });
    expect(badPort.code).toBe(2);
    expect(badPort.stderr).toContain('--port');
  });
});
