/**
 * Output directories named by flags: an unusable one is exit 2 naming the flag (never an internal error, never a
 * hang), and `staging-chaos --demo` needs no other flag.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanEnv, runHunt } from '../helpers/spawn-hunt.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'hunt-outdir-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const env = cleanEnv(tmp);
const file = path.join(tmp, 'a-file');
writeFileSync(file, 'x');

const cases: Array<[string, (dir: string) => string[], string]> = [
  ['release-gate', (d) => ['release-gate', '--demo', '--out-dir', d], '--out-dir'],
  ['staging-chaos', (d) => ['staging-chaos', '--demo', '--out-dir', d], '--out-dir'],
  ['init', (d) => ['init', '--dir', d], '--dir'],
];
const bad = [path.join(file, 'sub'), ...(existsSync('/proc/self') ? ['/proc/hunt-no-such/dir'] : [])];

describe('unusable output directories', () => {
  it.each(cases.flatMap(([name, args, flag]) => bad.map((d) => [name, args(d), flag, d] as const)))(
    '%s %j: exit 2 naming the flag',
    async (_n, args, flag, dir) => {
      const res = await runHunt([...args, '--json'], { cwd: tmp, env, timeoutMs: 60_000 });
      expect(res.signal, 'a hang was killed').toBeNull();
      expect(res.code, res.stderr).toBe(2);
      expect(res.stderr).toContain(`hunt: error: ${flag}: cannot write to ${dir}`);
      expect(res.stderr).not.toContain('internal error');
      expect(JSON.parse(res.stdout)).toMatchObject({ exitCode: 2, error: { kind: 'usage' } });
    },
  );
});

describe('staging-chaos defaults', () => {
  it('--release is the only required flag, and --demo needs none', async () => {
    const missing = await runHunt(['staging-chaos'], { cwd: tmp, env });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('missing required option --release <label>');

    const cwd = mkdtempSync(path.join(tmp, 'demo-'));
    // one quick scenario: the subject is the defaults (release label, out-dir name), not the matrix (chaos.test.ts)
    const res = await runHunt(['staging-chaos', '--demo', '--json', '--scenarios', 'bad-config'], { cwd, env, timeoutMs: 240_000 });
    expect([0, 1], res.stderr).toContain(res.code);
    const out = JSON.parse(res.stdout) as { verdict: string; paths: { json: string } };
    const dirs = readdirSync(path.join(cwd, 'artifacts', 'hunt'));
    expect(dirs).toHaveLength(1);
    expect(dirs[0]).toMatch(/^staging-chaos-\d{8}T\d{6}Z$/);
    expect(out.paths.json).toBe(path.join(cwd, 'artifacts', 'hunt', dirs[0], 'hunt-report.json'));
  }, 300_000);
});
