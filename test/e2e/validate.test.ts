import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fixtures, hunt, repoRoot } from './render-report.helpers.js';

let tmp: string;
let home: string;
beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'hunt-e2e-validate-'));
  home = path.join(tmp, 'home');
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const fx = (rel: string) => path.join(fixtures, rel);

describe('hunt validate', () => {
  it('detects and accepts a report, a config and an allowlist (exit 0)', async () => {
    const rep = await hunt(['validate', fx('reports/fail.json')], { home });
    expect(rep.code).toBe(0);
    expect(rep.stdout).toBe(`valid report: ${fx('reports/fail.json')} (release 1.5.0-rc.1, lane staging-chaos, 5 check(s))\n`);
    const cfg = await hunt(['validate', path.join(repoRoot, 'profiles/sample-gateway.json')], { home });
    expect(cfg.code).toBe(0);
    expect(cfg.stdout).toContain('valid config: ');
    const al = await hunt(['validate', fx('allowlists/known-issues.json'), '--json'], { home });
    expect(al.code).toBe(0);
    expect(JSON.parse(al.stdout)).toEqual({ file: fx('allowlists/known-issues.json'), kind: 'allowlist', valid: true, errors: [] });
  });

  it('lists every violation and exits 2 for an invalid report, allowlist or config', async () => {
    const rep = await hunt(['validate', fx('reports/schema-invalid.json')], { home });
    expect(rep.code).toBe(2);
    expect(rep.stderr).toContain('is not a valid report (10 violation(s))');
    expect(rep.stderr).toContain('  /checks/3/status: must be one of pass, warn, fail, skip\n');
    const al = await hunt(['validate', fx('allowlists/invalid.json'), '--json'], { home });
    expect(al.code).toBe(2);
    expect(JSON.parse(al.stdout).errors).toHaveLength(6);
    const badConfig = path.join(tmp, 'hunt.config.json');
    writeFileSync(badConfig, JSON.stringify({ target: { name: 'x', port: 70000 } }));
    const cfg = await hunt(['validate', badConfig], { home });
    expect(cfg.code).toBe(2);
    expect(cfg.stderr).toContain('is not a valid config');
    expect(cfg.stderr).toMatch(/\/target\/port: .*65535/);
  });

  it('names file, line and column of malformed JSON; refuses content of unknown kind unless --kind is given', async () => {
    const m = await hunt(['validate', fx('reports/malformed.json')], { home });
    expect(m.code).toBe(2);
    expect(m.stderr).toContain(`${fx('reports/malformed.json')}:5:3: malformed JSON`);
    const odd = path.join(tmp, 'odd.json');
    writeFileSync(odd, '{"hello": 1}');
    const u = await hunt(['validate', odd], { home });
    expect(u.code).toBe(2);
    expect(u.stderr).toContain('cannot tell whether this is a report, a config or an allowlist');
    expect(u.stderr).toContain('--kind');
    const k = await hunt(['validate', odd, '--kind', 'allowlist'], { home });
    expect(k.code).toBe(2);
    expect(k.stderr).toContain('/entries: is required');
    expect((await hunt(['validate', path.join(tmp, 'missing.json')], { home })).code).toBe(2);
  });
});

describe('hunt schema', () => {
  it('prints each shipped schema verbatim', async () => {
    for (const [name, file] of [
      ['report', 'hunt-report-v1'],
      ['config', 'hunt-config'],
      ['allowlist', 'known-issues'],
    ]) {
      const r = await hunt(['schema', name], { home });
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(readFileSync(path.join(repoRoot, 'schemas', `${file}.schema.json`), 'utf8'));
    }
  });

  it('refuses an unknown schema name with exit 2', async () => {
    const r = await hunt(['schema', 'nope'], { home });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Allowed choices are report, config, allowlist');
  });
});
