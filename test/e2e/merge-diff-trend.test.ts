/** `hunt merge`, `hunt diff`, `hunt trend` end to end on the built CLI with the fixture reports. */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { HuntReportV1 } from '../../src/core/report-types.js';
import { cleanEnv, repoRoot, runHunt } from '../helpers/spawn-hunt.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'hunt-merge-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const env = cleanEnv(tmp);
const fixture = (name: string) => JSON.parse(readFileSync(path.join(repoRoot, 'test', 'fixtures', 'reports', `${name}.json`), 'utf8')) as HuntReportV1;
const hunt = (args: string[]) => runHunt(args, { cwd: tmp, env });

function write(rel: string, report: HuntReportV1): string {
  const file = path.join(tmp, rel);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(report));
  return file;
}

// Two lanes of release 1.5.0 on two machines; both have a check called t0_version.
const prod = write('lanes/prod/hunt-report.json', { ...fixture('pass'), release: '1.5.0', metadata: { hostname: 'prod-host-1' } });
const chaosReport = fixture('fail');
chaosReport.release = '1.5.0';
chaosReport.checks.push({ ...fixture('pass').checks.find((c) => c.id === 't0_version')!, status: 'warn', artifacts: ['scenario/out.log'] });
chaosReport.metadata = { ...chaosReport.metadata, hostname: 'ci-runner-7' };
const chaos = write('lanes/chaos/hunt-report.json', chaosReport);

describe('hunt merge', () => {
  it('one report for the release: namespaced collisions, worst lane, a testsuite per lane, same bytes in any order', async () => {
    const a = await hunt(['merge', prod, chaos, '--out-dir', 'merged-a', '--json']);
    expect(a.code, a.stderr).toBe(1);
    const out = JSON.parse(a.stdout) as { verdict: string; lanes: Array<{ namespace: string; verdict: string; hostname: string }> };
    expect(out.verdict).toBe('fail');
    expect(out.lanes.map((l) => [l.namespace, l.verdict, l.hostname])).toEqual([
      ['prod-observe', 'pass', 'prod-host-1'],
      ['staging-chaos', 'fail', 'ci-runner-7'],
    ]);
    const merged = JSON.parse(readFileSync(path.join(tmp, 'merged-a', 'hunt-report.json'), 'utf8')) as HuntReportV1;
    const ids = merged.checks.map((c) => c.id);
    expect(ids).toContain('prod-observe/t0_version');
    expect(ids).toContain('staging-chaos/t0_version');
    expect(ids).toContain('chaos_bad_config');
    expect(merged.checks.find((c) => c.id === 'staging-chaos/t0_version')?.artifacts).toEqual(['../lanes/chaos/scenario/out.log']);
    const junit = readFileSync(path.join(tmp, 'merged-a', 'junit.xml'), 'utf8');
    expect(junit.match(/<testsuite /g)).toHaveLength(2);
    expect(junit).toContain('hostname="prod-host-1"');
    expect(junit).toContain('hostname="ci-runner-7"');

    const b = await hunt(['merge', chaos, prod, '--out-dir', 'merged-b']);
    expect(b.code).toBe(1);
    for (const f of ['hunt-report.json', 'hunt-report.md', 'junit.xml']) {
      expect(readFileSync(path.join(tmp, 'merged-b', f), 'utf8')).toBe(readFileSync(path.join(tmp, 'merged-a', f), 'utf8'));
    }
  });

  it('refuses mixed releases unless --allow-mixed-releases, and the same run twice', async () => {
    const other = write('lanes/old/hunt-report.json', fixture('warn'));
    const mixed = await hunt(['merge', prod, other, '--out-dir', 'mixed']);
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toContain('different releases');
    expect(mixed.stderr).toContain('--allow-mixed-releases');
    const allowed = await hunt(['merge', prod, other, '--out-dir', 'mixed', '--allow-mixed-releases', '--json']);
    expect(allowed.code).toBe(0);
    expect(JSON.parse(allowed.stdout).release).toBe('1.4.1 + 1.5.0');
    const copy = path.join(tmp, 'lanes', 'copy.json');
    cpSync(prod, copy);
    const twice = await hunt(['merge', prod, copy, '--out-dir', 'twice']);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain('the same run is given twice');
  });

  it('an out-dir holding a lane report is refused before that report is overwritten', async () => {
    const before = readFileSync(prod, 'utf8');
    const res = await hunt(['merge', prod, chaos, '--out-dir', 'lanes/prod']);
    expect(res.code, res.stderr).toBe(2);
    expect(res.stderr).toContain('--json-out names the file a lane report reads');
    expect(readFileSync(prod, 'utf8')).toBe(before);
  });

  it('every missing piece is named at once', async () => {
    const res = await hunt(['merge']);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/missing required argument|missing required option --out-dir/);
  });
});

describe('hunt diff and hunt trend', () => {
  it('diff prints Markdown (and JSON) of what changed between releases', async () => {
    const old = write('history/1.4.0/hunt-report.json', fixture('pass'));
    const md = await hunt(['diff', old, chaos, '--md-out', 'diff.md']);
    expect(md.code, md.stderr).toBe(0);
    expect(md.stdout).toContain('## hunt diff: 1.4.0 → 1.5.0');
    expect(md.stdout).toContain('### New findings');
    expect(readFileSync(path.join(tmp, 'diff.md'), 'utf8')).toBe(md.stdout);
    const json = await hunt(['diff', old, chaos, '--json']);
    const d = JSON.parse(json.stdout) as { verdictChange: string; findings: Array<{ change: string; id: string }> };
    expect(d.verdictChange).toBe('worse');
    expect(d.findings.filter((f) => f.change === 'new').map((f) => f.id)).toContain('chaos_bad_config');
    const missing = await hunt(['diff', old, path.join(tmp, 'nope.json'), '--json']);
    expect(missing.code).toBe(2);
    expect(JSON.parse(missing.stdout).error.kind).toBe('input');
  });

  it('trend reads a history directory (skipping what is not a report) and draws a Mermaid chart', async () => {
    write('history/1.4.1/hunt-report.json', fixture('warn'));
    write('history/1.5.0/hunt-report.json', chaosReport);
    mkdirSync(path.join(tmp, 'history', 'junk'), { recursive: true });
    writeFileSync(path.join(tmp, 'history', 'junk', 'hunt-report.json'), '{"not":"a report"}');
    const res = await hunt(['trend', 'history']);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).toContain('skipped (not a valid HuntReportV1');
    expect(res.stdout).toContain('```mermaid\nxychart-beta');
    expect(res.stdout).toContain('x-axis ["1.4.0", "1.4.1", "1.5.0"]');
    const json = JSON.parse((await hunt(['trend', 'history', '--json'])).stdout) as { points: Array<{ verdict: string }> };
    expect(json.points.map((p) => p.verdict)).toEqual(['pass', 'warn', 'fail']);
  });
});

describe('release-gate --history', () => {
  it('embeds the release trend, ending with this run, in the Markdown report', async () => {
    const missing = await hunt(['release-gate', '--demo', '--history', 'no-such-dir', '--out-dir', 'gate-missing']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--history');
    const res = await runHunt(['release-gate', '--demo', '--skip-chaos', '--history', 'history', '--out-dir', 'gate-history', '--json'], {
      cwd: tmp,
      env,
      timeoutMs: 240_000,
    });
    expect([0, 1], res.stderr).toContain(res.code);
    const md = readFileSync(path.join(tmp, 'gate-history', 'hunt-report.md'), 'utf8');
    expect(md).toContain('Release trend');
    expect(md).toMatch(/x-axis \["1\.4\.0", "1\.4\.1", "1\.5\.0", "demo"\]/);
  }, 300_000);
});
