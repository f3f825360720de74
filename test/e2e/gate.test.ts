/**
 * `hunt release-gate --demo` end to end: the built bin gates the real sample gateway (started in a
 * throwaway home under the out-dir), writes every artifact, and leaves nothing running.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { HuntReportV1 } from '../../src/core/report-types.js';
import { markdownProblems, strictContractErrors } from '../unit/render.arbitraries.js';
import { EMIT, GATEWAY, journal, jsonOf, readJson, report, runHunt, sandboxFor, spawnHunt, tagged } from '../fixtures/gate/harness.js';

function baseline(signatures: Array<[string, number]>, windowMinutes = 120): HuntReportV1 {
  const at = '2026-01-01T00:00:00.000Z';
  return {
    version: '1',
    release: '0.9.0',
    runId: 'baseline-run',
    lane: 'prod-observe',
    startedAt: at,
    endedAt: at,
    checks: [],
    classification: [],
    upstreamLinks: [],
    signatures: signatures.map(([name, n]) => ({ name, source: 'gateway-err', countWindow: n, countTotal: n, windowMinutes })),
  };
}

/**
 * A chaos check against the healthy gateway passes. Other suites on this machine create and remove /tmp
 * entries while a scenario runs; the lane's isolation audit reports those as unattributed (warn, by the
 * profile's default policy), which says nothing about the gateway: tolerated here, nothing else is.
 */
function cleanChaos(c: { status: string; summary: string }): boolean {
  if (c.status === 'pass') return true;
  return c.status === 'warn' && /appeared while the scenario ran/.test(c.summary) && !/\[(hang|crash|orphan|behaviour)\]/.test(c.summary);
}

const LOCK_ALLOWLIST = {
  entries: [{ id: 'KI-7', match: { signature: 'lock_conflict' }, issueUrl: 'https://example.invalid/issues/7', reason: 'second instances during deploys' }],
};
/** An update command that plants n lock_conflict hits in the demo target's error log (a realistic signal). */
const plant = (n: number) => `"{node}" "${EMIT}" "{home}/logs/gateway.err.log" ${n} "another instance is running (pid 1)"`;

// Every test gates its own demo target in its own sandbox and port: they run side by side (the file was the suite's
// longest pole, about 60 s in sequence).
describe.concurrent('release-gate end to end', () => {
  describe('hunt release-gate --demo', () => {
    it('passes on the healthy sample gateway, writes every artifact, and leaves nothing running', async ({ onTestFinished }) => {
      const sb = await sandboxFor(onTestFinished);
      const out = path.join(sb.dir, 'gate');
      const upd = `"{node}" "${GATEWAY}" update --to 1.1.0`;
      const res = await runHunt(sb, [
        'release-gate',
        '--demo',
        '--skip-chaos',
        '--out-dir',
        out,
        '--update-command',
        upd,
        '--expect-version',
        '1.1.0',
        '--json',
      ]);
      expect(res.code, res.stderr).toBe(0);
      const json = jsonOf(res);
      expect(json).toMatchObject({ verdict: 'pass', exitCode: 0, release: 'demo', lane: 'prod-observe', resumed: false, paths: { outDir: out } });
      expect(json.counts.checks.fail).toBe(0);
      for (const f of [
        'gate-status.txt',
        'journal.ndjson',
        'preflight-runtime.json',
        'post-runtime.json',
        'final-runtime.json',
        'report-input.json',
        'hunt-report.json',
        'hunt-report.md',
        'junit.xml',
        'checks/t1_restart.json',
        'checks/t1_restart.log',
        'checks/t2_smoke_http.log',
        'inputs/hunt.config.json',
      ]) {
        expect(existsSync(path.join(out, f)), f).toBe(true);
      }
      expect(readFileSync(path.join(out, 'gate-status.txt'), 'utf8')).toBe('pass\n');
      const r = report(out);
      const ids = r.checks.map((c) => `${c.id}:${c.status}`);
      expect(ids).toEqual(
        expect.arrayContaining([
          't0_preflight:pass',
          't1_update:pass',
          't1_restart:pass',
          't1_ready:pass',
          't1_verify:pass',
          't1_post:pass',
          't2_smoke_http:pass',
          't3_chaos:skip',
          't4_observe:skip',
          't4_signatures:pass',
          't4_appended_errors:pass',
        ]),
      );
      expect(r.checks.find((c) => c.id === 't1_post')?.summary).toBe('version 1.0.0 -> 1.1.0 as expected');
      expect(r.checks.find((c) => c.id === 't3_chaos')?.summary).toBe('skipped by --skip-chaos');
      expect(strictContractErrors(r)).toEqual([]); // valid against the original HuntReportV1 contract too
      expect(strictContractErrors(readJson(path.join(out, 'report-input.json')))).toEqual([]);
      const md = readFileSync(path.join(out, 'hunt-report.md'), 'utf8');
      expect(markdownProblems(md)).toEqual([]);
      expect(md).toMatch(/PASS/);
      expect(md).not.toContain('demo-token-0123456789abcdef'); // the profile's secret never reaches the report
      const recs = journal(out);
      expect(recs[0].t).toBe('run');
      expect(recs.at(-1)).toMatchObject({ t: 'done', verdict: 'pass', exitCode: 0 });
      expect(await tagged(sb)).toEqual([]);
    });

    it('an injected bug (crash-loop-log) fails the gate with the new p0 signature as the reason', async ({ onTestFinished }) => {
      const sb = await sandboxFor(onTestFinished, { SAMPLE_GATEWAY_BUGS: 'crash-loop-log' });
      const out = path.join(sb.dir, 'gate');
      const res = await runHunt(sb, ['release-gate', '--demo', '--skip-chaos', '--observe-seconds', '2', '--out-dir', out]);
      expect(res.code, res.stderr).toBe(1);
      expect(res.stdout).toMatch(/^release-gate FAIL \(exit 1\)/);
      expect(res.stdout).toMatch(/classification-blocking fatal_crash/);
      const r = report(out);
      expect(r.classification.find((c) => c.id === 'fatal_crash')).toMatchObject({ status: 'new', severity: 'p0', category: 'core' });
      // Independently of timestamps: the p0 line appended to the log after T0 fails its own check, quoting it.
      const appended = r.checks.find((c) => c.id === 't4_appended_errors');
      expect(appended?.status).toBe('fail');
      expect(appended?.summary).toMatch(/^fatal_crash \(p0\) logged during T[124] [a-z& ]+: .*FATAL/);
      expect(strictContractErrors(r)).toEqual([]);
      expect(markdownProblems(readFileSync(path.join(out, 'hunt-report.md'), 'utf8'))).toEqual([]);
      expect(readFileSync(path.join(out, 'gate-status.txt'), 'utf8')).toBe('fail\n');
      expect(await tagged(sb)).toEqual([]);
    });

    it('a failing strict verify fails with one ops classification naming it', async ({ onTestFinished }) => {
      const sb = await sandboxFor(onTestFinished);
      const out = path.join(sb.dir, 'gate');
      const res = await runHunt(sb, [
        'release-gate',
        '--demo',
        '--skip-chaos',
        '--skip-tests',
        '--verify-command',
        'echo verify says no >&2; exit 4',
        '--out-dir',
        out,
        '--json',
      ]);
      expect(res.code, res.stderr).toBe(1);
      const json = jsonOf(res);
      expect(json.verdict).toBe('fail');
      expect(json.reasons.map((x: { rule: string; id: string }) => `${x.rule}:${x.id}`)).toEqual(
        expect.arrayContaining(['check-fail:t1_verify', 'classification-blocking:ops_failed_checks']),
      );
      const r = report(out);
      expect(r.classification.find((c) => c.id === 'ops_failed_checks')?.summary).toBe('1 strict check(s) failed: t1_verify');
      expect(readFileSync(path.join(out, 'checks/t1_verify.log'), 'utf8')).toContain('verify says no');
      expect(r.checks.find((c) => c.id === 't2_tests')?.summary).toBe('skipped by --skip-tests');
    });

    it('an allowlisted signature that rose beyond the threshold against the baseline is regressed (warn; fail with --fail-on warn)', async ({
      onTestFinished,
    }) => {
      const sb = await sandboxFor(onTestFinished);
      writeFileSync(path.join(sb.dir, 'known-issues.json'), JSON.stringify(LOCK_ALLOWLIST)); // picked up by default from the cwd
      writeFileSync(path.join(sb.dir, 'base.json'), JSON.stringify(baseline([['lock_conflict', 2]])));
      const out = path.join(sb.dir, 'gate');
      const res = await runHunt(sb, [
        'release-gate',
        '--demo',
        '--skip-chaos',
        '--skip-tests',
        '--update-command',
        plant(12),
        '--baseline',
        'base.json',
        '--fail-on',
        'warn',
        '--out-dir',
        out,
        '--json',
      ]);
      expect(res.code, res.stderr).toBe(1);
      const json = jsonOf(res);
      expect(json.verdict).toBe('warn');
      expect(json.counts.classification).toEqual({ new: 0, known: 0, regressed: 1, resolved: 0 });
      const r = report(out);
      expect(r.classification[0]).toMatchObject({ id: 'lock_conflict', status: 'regressed', severity: 'p1', issueUrl: 'https://example.invalid/issues/7' });
      expect(r.signatures.find((s) => s.name === 'lock_conflict')).toMatchObject({ countWindow: 12, baselineWindowCount: 2, delta: 10 });
      expect(json.reasons.map((x: { rule: string }) => x.rule)).toContain('classification-regressed');
    });

    it('a resolved signature (zero now, non-zero baseline) does not warn, compared per window minute', async ({ onTestFinished }) => {
      const sb = await sandboxFor(onTestFinished);
      const allow = path.join(sb.dir, 'allow.json');
      writeFileSync(allow, JSON.stringify(LOCK_ALLOWLIST));
      writeFileSync(
        path.join(sb.dir, 'base.json'),
        JSON.stringify(
          baseline(
            [
              ['lock_conflict', 5],
              ['fatal_crash', 0],
            ],
            60,
          ),
        ),
      );
      const out = path.join(sb.dir, 'gate');
      const res = await runHunt(sb, [
        'release-gate',
        '--demo',
        '--skip-chaos',
        '--skip-tests',
        '--allowlist',
        allow,
        '--baseline',
        'base.json',
        '--out-dir',
        out,
        '--json',
      ]);
      expect(res.code, res.stderr).toBe(0);
      const json = jsonOf(res);
      expect(json.verdict).toBe('pass');
      const r = report(out);
      expect(r.classification).toEqual([expect.objectContaining({ id: 'lock_conflict', status: 'resolved' })]);
      // baseline window 60 min vs 120 now: normalized per window minute
      expect(r.signatures.find((s) => s.name === 'lock_conflict')).toMatchObject({ countWindow: 0, baselineWindowCount: 10, delta: -10 });
    });

    it('runs T3 for real: chaos scenarios in their sandbox lane are merged as chaos_* checks', async ({ onTestFinished }) => {
      const sb = await sandboxFor(onTestFinished);
      const out = path.join(sb.dir, 'gate');
      const res = await runHunt(sb, ['release-gate', '--demo', '--scenarios', 'already-running,graceful-shutdown', '--out-dir', out, '--json']);
      expect(res.code, res.stderr).toBe(0);
      const r = report(out);
      const chaos = r.checks.filter((c) => c.id.startsWith('chaos_'));
      expect(chaos.map((c) => c.id).sort()).toEqual(['chaos_already_running', 'chaos_graceful_shutdown']);
      for (const c of chaos) expect(cleanChaos(c), JSON.stringify(c)).toBe(true);
      expect(existsSync(path.join(out, 'staging-chaos'))).toBe(true);
      expect(r.lane).toBe('prod-observe');
      expect(await tagged(sb)).toEqual([]);
    });
  });

  describe('hunt release-gate --demo interrupted by SIGINT', () => {
    it('stops the demo target and the chaos lanes, records no result for the interrupted step, and resumes to the same verdict', async ({ onTestFinished }) => {
      const sb = await sandboxFor(onTestFinished);
      const out = path.join(sb.dir, 'gate');
      const { child, done } = spawnHunt(sb, ['release-gate', '--demo', '--scenarios', 'transient-network', '--out-dir', out]);
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline && !journal(out).some((r) => r.t === 'started' && r.step === 't3_chaos')) await new Promise((r) => setTimeout(r, 20));
      const twice = await runHunt(sb, ['release-gate', '--resume', out]);
      expect([twice.code, twice.stderr]).toEqual([2, expect.stringContaining(`another hunt is still running in ${out} (release-gate, hunt pid ${child.pid}`)]);
      child.kill('SIGINT');
      const res = await done;
      expect(res.code, res.stderr).toBe(130);
      expect(await tagged(sb)).toEqual([]);
      expect(journal(out).some((r) => r.t === 'result' && r.step === 't3_chaos')).toBe(false);
      const resumed = await runHunt(sb, ['release-gate', '--resume', out, '--json']);
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(jsonOf(resumed)).toMatchObject({ resumed: true });
      const chaos = report(out).checks.find((c) => c.id === 'chaos_transient_network')!;
      expect(cleanChaos(chaos), JSON.stringify(chaos)).toBe(true);
      expect(await tagged(sb)).toEqual([]);
    });
  });

  describe('hunt release-gate input errors (exit 2)', () => {
    it('needs --release without --demo, refuses flags beside --resume, unknown scenarios and a used out-dir', async ({ onTestFinished }) => {
      const sb = await sandboxFor(onTestFinished);
      const cfg = path.join(sb.dir, 'hunt.config.json');
      writeFileSync(cfg, readFileSync(path.join(path.dirname(GATEWAY), '..', 'profiles', 'sample-gateway.json')));
      let r = await runHunt(sb, ['release-gate', '--config', cfg]);
      expect([r.code, r.stderr]).toEqual([2, expect.stringMatching(/--release <label> is required/)]);
      r = await runHunt(sb, ['release-gate', '--resume', sb.dir, '--release', 'x']);
      expect([r.code, r.stderr]).toEqual([2, expect.stringMatching(/drop --release/)]);
      r = await runHunt(sb, ['release-gate', '--demo', '--scenarios', 'nope']);
      expect([r.code, r.stderr]).toEqual([2, expect.stringMatching(/unknown scenario\(s\) nope/)]);
      r = await runHunt(sb, ['release-gate', '--accept-step', 't1_restart']);
      expect([r.code, r.stderr]).toEqual([2, expect.stringMatching(/only makes sense with --resume/)]);
      r = await runHunt(sb, ['release-gate', '--resume', sb.dir]);
      expect([r.code, r.stderr]).toEqual([2, expect.stringMatching(/has no journal.ndjson/)]);
      r = await runHunt(sb, ['release-gate', '--demo', '--out-dir', sb.dir]);
      expect([r.code, r.stderr]).toEqual([2, expect.stringMatching(/is not empty/)]);
      r = await runHunt(sb, ['release-gate', '--demo', '--baseline', path.join(sb.dir, 'missing.json')]);
      expect([r.code, r.stderr]).toEqual([2, expect.stringMatching(/--baseline: cannot read/)]);
      expect(await tagged(sb)).toEqual([]);
    });

    it('a corrupt or tampered journal fails closed on --resume', async ({ onTestFinished }) => {
      const sb = await sandboxFor(onTestFinished);
      const out = path.join(sb.dir, 'gate');
      const first = await runHunt(sb, ['release-gate', '--demo', '--skip-chaos', '--skip-tests', '--out-dir', out]);
      expect(first.code, first.stderr).toBe(0);
      const again = await runHunt(sb, ['release-gate', '--resume', out, '--json']);
      expect(again.code, again.stderr).toBe(0);
      expect(jsonOf(again)).toMatchObject({ verdict: 'pass', resumed: true });
      const check = path.join(out, 'checks', 't1_restart.json');
      const original = readFileSync(check, 'utf8');
      writeFileSync(check, original.replace('"pass"', '"fail"'));
      let r = await runHunt(sb, ['release-gate', '--resume', out]);
      expect([r.code, r.stderr]).toEqual([
        2,
        expect.stringMatching(/disagrees with its artifacts[\s\S]*checks\/t1_restart.json .*changed after it was recorded/),
      ]);
      writeFileSync(check, original);
      writeFileSync(path.join(out, 'journal.ndjson'), `${readFileSync(path.join(out, 'journal.ndjson'), 'utf8')}{"t":"intent"\n`);
      r = await runHunt(sb, ['release-gate', '--resume', out]);
      expect([r.code, r.stderr]).toEqual([2, expect.stringMatching(/journal.ndjson is corrupt: line \d+: not valid JSON/)]);
      expect(readJson<HuntReportV1>(path.join(out, 'hunt-report.json')).release).toBe('demo');
    });
  });
});
