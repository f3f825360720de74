import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fixtures, hunt } from './render-report.helpers.js';
import { markdownProblems, strictContractErrors } from '../unit/render.arbitraries.js';

let tmp: string;
let home: string;
beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'hunt-e2e-render-'));
  home = path.join(tmp, 'home');
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const report = (name: string) => path.join(fixtures, 'reports', `${name}.json`);
const allowlist = (name: string) => path.join(fixtures, 'allowlists', `${name}.json`);
const outs = (stem: string) => ['--json-out', path.join(tmp, `${stem}.json`), '--md-out', path.join(tmp, `${stem}.md`)];
const noStack = (s: string) => expect(s).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);

describe('hunt render-report on the fixtures', () => {
  it('a passing report: exit 0, verdict and paths on stdout, outputs valid against the original contract', async () => {
    const r = await hunt(['render-report', '--input', report('pass'), ...outs('pass'), '--junit-out', path.join(tmp, 'pass.xml')], { home });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('verdict: pass (exit 0)');
    expect(r.stdout).toContain(`json: ${path.join(tmp, 'pass.json')}`);
    expect(r.stdout).toContain(`markdown: ${path.join(tmp, 'pass.md')}`);
    expect(r.stdout).toContain(`junit: ${path.join(tmp, 'pass.xml')}`);
    const written = JSON.parse(readFileSync(path.join(tmp, 'pass.json'), 'utf8'));
    expect(strictContractErrors(written)).toEqual([]);
    expect(written.metadata.gate.status).toBe('pass');
    expect(markdownProblems(readFileSync(path.join(tmp, 'pass.md'), 'utf8'))).toEqual([]);
    expect(readFileSync(path.join(tmp, 'pass.xml'), 'utf8')).toContain('<testsuites name="hunt" tests="4" failures="0" errors="0" skipped="1"');
  });

  it('a warn report exits 0, or 1 with --fail-on warn', async () => {
    const r = await hunt(['render-report', '--input', report('warn'), ...outs('warn')], { home });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('verdict: warn (exit 0)');
    const strict = await hunt(['render-report', '--input', report('warn'), ...outs('warn2'), '--fail-on', 'warn'], { home });
    expect(strict.code).toBe(1);
    expect(strict.stdout).toContain('verdict: warn (exit 1)');
  });

  it('a failing report with an allowlist: exit 1, --json prints one object with reasons, allowlist status and paths', async () => {
    const r = await hunt(
      [
        'render-report',
        '--input',
        report('fail'),
        ...outs('fail'),
        '--allowlist',
        allowlist('known-issues'),
        '--junit-out',
        path.join(tmp, 'fail.xml'),
        '--json',
      ],
      { home },
    );
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    expect(out).toMatchObject({
      verdict: 'fail',
      exitCode: 1,
      blockingSeverity: 'p0',
      paths: { json: path.join(tmp, 'fail.json'), junit: path.join(tmp, 'fail.xml') },
    });
    expect(out.reasons.map((x: { rule: string; id: string }) => `${x.rule}:${x.id}`).slice(0, 3)).toEqual([
      'check-fail:chaos_crash_recovery',
      'classification-blocking:signature:fatal_crash',
      'check-fail-known:chaos_bad_config',
    ]);
    expect(out.allowlist.stale.map((s: { id: string }) => s.id)).toEqual(['KI-150']);
    expect(out.allowlist.expired.map((s: { id: string }) => s.id)).toEqual(['KI-99']);
    const written = JSON.parse(readFileSync(path.join(tmp, 'fail.json'), 'utf8'));
    expect(strictContractErrors(written)).toEqual([]);
    expect(written.checks.map((c: { status: string }) => c.status)).toEqual(['fail', 'fail', 'warn', 'pass', 'skip']);
    const md = readFileSync(path.join(tmp, 'fail.md'), 'utf8');
    expect(markdownProblems(md)).toEqual([]);
    expect(md).toContain('**Stale** (matched nothing in this report');
  });

  it('--blocking-severity p1 makes p1 findings block', async () => {
    const r = await hunt(['render-report', '--input', report('warn'), ...outs('sev'), '--blocking-severity', 'p2', '--json'], { home });
    // warn.json has only a known p2 classification: known never blocks, whatever the threshold.
    expect(JSON.parse(r.stdout).verdict).toBe('warn');
    const f = await hunt(['render-report', '--input', report('fail'), ...outs('sev1'), '--blocking-severity', 'p1', '--json'], { home });
    const blocking = JSON.parse(f.stdout)
      .reasons.filter((x: { rule: string }) => x.rule === 'classification-blocking')
      .map((x: { id: string }) => x.id);
    expect(blocking).toEqual(['check:chaos_bad_config', 'signature:fatal_crash', 'signature:upstream_unreachable']);
  });

  it('appends the Markdown to GITHUB_STEP_SUMMARY', async () => {
    const summary = path.join(tmp, 'summary.md');
    writeFileSync(summary, '## earlier step\n');
    const r = await hunt(['render-report', '--input', report('pass'), ...outs('gh')], { home, env: { GITHUB_STEP_SUMMARY: summary } });
    expect(r.code).toBe(0);
    const text = readFileSync(summary, 'utf8');
    expect(text.startsWith('## earlier step\n# ✅ Hunt report: PASS — release 1.4.0\n')).toBe(true);
    expect(text).toContain(readFileSync(path.join(tmp, 'gh.md'), 'utf8'));
  });

  it('writes next to the input when --json-out and --md-out are omitted', async () => {
    const input = path.join(tmp, 'nightly.json');
    copyFileSync(report('warn'), input);
    const r = await hunt(['render-report', '--input', 'nightly.json'], { home, cwd: tmp });
    expect(r.code).toBe(0);
    expect(existsSync(path.join(tmp, 'nightly.normalized.json'))).toBe(true);
    expect(existsSync(path.join(tmp, 'nightly.md'))).toBe(true);
  });
});

describe('hunt render-report on bad input: exit 2 and a clear message, never a stack trace', () => {
  it('malformed JSON names the file, line and column', async () => {
    const r = await hunt(['render-report', '--input', report('malformed'), ...outs('m')], { home });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${report('malformed')}:5:3: malformed JSON`);
    noStack(r.stderr);
    expect(existsSync(path.join(tmp, 'm.json'))).toBe(false);
  });

  it('a schema-invalid report lists every violation as path: message', async () => {
    const r = await hunt(['render-report', '--input', report('schema-invalid'), ...outs('si')], { home });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('is not a valid HuntReportV1 report (10 violation(s))');
    expect(r.stderr).toContain('  /checks/3/status: must be one of pass, warn, fail, skip\n');
    expect(r.stderr).toContain('  /lane: must be one of prod-observe, staging-chaos\n');
    expect(r.stderr).toContain('  /extra: is not allowed (unknown property)\n');
    expect(r.stdout).toBe('');
    noStack(r.stderr);
    expect(existsSync(path.join(tmp, 'si.md'))).toBe(false);
  });

  it('a missing input is named', async () => {
    const r = await hunt(['render-report', '--input', path.join(tmp, 'nope.json'), ...outs('n')], { home });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--input: cannot read ${path.join(tmp, 'nope.json')}: no such file`);
  });

  it('an invalid or malformed allowlist is refused with its violations', async () => {
    const bad = await hunt(['render-report', '--input', report('fail'), ...outs('al'), '--allowlist', allowlist('invalid')], { home });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('is not a valid known-issues allowlist (6 violation(s))');
    expect(bad.stderr).toContain('/entries/1/id: duplicate id "KI-1" (also /entries/0/id)');
    const malformed = await hunt(['render-report', '--input', report('fail'), ...outs('al'), '--allowlist', allowlist('malformed')], { home });
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain(`--allowlist: ${allowlist('malformed')}:1:32: malformed JSON`);
    expect(existsSync(path.join(tmp, 'al.json'))).toBe(false);
  });

  it('bad flags and a missing template directory are usage errors', async () => {
    expect((await hunt(['render-report', ...outs('u')], { home })).code).toBe(2);
    const failOn = await hunt(['render-report', '--input', report('pass'), '--fail-on', 'maybe'], { home });
    expect(failOn.code).toBe(2);
    expect(failOn.stderr).toContain('Allowed choices are fail, warn');
    const tpl = await hunt(['render-report', '--input', report('pass'), ...outs('t'), '--template', path.join(tmp, 'no-such-dir')], { home });
    expect(tpl.code).toBe(2);
    expect(tpl.stderr).toContain(`--template: ${path.join(tmp, 'no-such-dir')} is not a directory`);
    writeFileSync(path.join(tmp, 'a-file'), 'x');
    const unwritable = await hunt(
      ['render-report', '--input', report('pass'), '--json-out', path.join(tmp, 'a-file', 'r.json'), '--md-out', path.join(tmp, 'r.md')],
      { home },
    );
    expect(unwritable.code).toBe(2);
    expect(unwritable.stderr).toContain(`--json-out: cannot write ${path.join(tmp, 'a-file', 'r.json')}: a parent is not a directory`);
    const same = await hunt(['render-report', '--input', report('pass'), '--json-out', path.join(tmp, 'x'), '--md-out', path.join(tmp, 'x')], { home });
    expect(same.code).toBe(2);
    expect(same.stderr).toContain('name the same file');
  });
});
