/**
 * The chaos matrix against the real sample gateway, through the built bin: the healthy gateway passes
 * every scenario; each bug switch fails the scenario meant to catch it; SIGINT and SIGKILL of hunt leave
 * nothing behind (the next run reclaims). Every process carries HUNT_TEST_TAG, asserted gone at the end.
 */
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Check } from '../../src/core/report-types.js';
import { bound, entries, killTagged, newTag, tagged } from './chaos-helpers.js';
import { createSuite, readReport, runHunt, writeProfile, type Suite } from './chaos-harness.js';

let s: Suite;
let n = 0;
const out = () => path.join(s.dir, `out-${++n}`);

beforeAll(async () => {
  s = await createSuite(newTag());
});

afterAll(async () => {
  const left = await tagged(s.tag);
  await killTagged(s.tag);
  const stillBound: number[] = [];
  for (const p of s.ports) if (await bound(p)) stillBound.push(p);
  const sandboxes = await entries(path.join(s.tmp, 'hunt-chaos'));
  for (const f of s.leaks) await fsp.rm(f, { force: true });
  await fsp.rm(s.dir, { recursive: true, force: true });
  // after the whole suite: no gateway (or hunt) of ours alive, no port bound, no sandbox left
  expect(left).toEqual([]);
  expect(stillBound).toEqual([]);
  expect(sandboxes).toEqual([]);
}, 60_000);

async function chaos(profile: string, scenarios?: string, extra: string[] = []) {
  const dir = out();
  const args = [
    'staging-chaos',
    '--config',
    profile,
    '--release',
    'r1',
    '--run-id',
    `t${n}`,
    '--out-dir',
    dir,
    ...(scenarios ? ['--scenarios', scenarios] : []),
    ...extra,
  ];
  const res = await runHunt(s, args);
  const report = await readReport(s, dir);
  return { res, report, dir, check: (id: string) => report.checks.find((c) => c.id === id) as Check };
}

const findings = (c: Check) => (c.metadata?.findings as Array<{ kind: string; level: string; detail: string }>) ?? [];

describe('staging-chaos against the healthy sample gateway', () => {
  it('passes every scenario, writes the report set, exits 0', async () => {
    const profile = await writeProfile(s, 'healthy');
    const { res, report, dir } = await chaos(profile, undefined, ['--concurrency', '4']);
    expect(res.stderr).not.toMatch(/internal error/);
    expect(report.lane).toBe('staging-chaos');
    expect(report.checks.map((c) => c.id)).toEqual([
      'chaos_port_collision',
      'chaos_already_running',
      'chaos_signal_restart',
      'chaos_missing_env',
      'chaos_transient_network',
      'chaos_crash_recovery',
      'chaos_graceful_shutdown',
      'chaos_bad_config',
    ]);
    for (const c of report.checks) expect(c.status, `${c.id}: ${c.summary}\n${(c.evidence ?? []).join('\n')}`).toBe('pass');
    expect(report.classification).toEqual([]);
    expect(res.code).toBe(0);
    for (const f of ['hunt-report.json', 'hunt-report.md', 'junit.xml']) expect((await fsp.stat(path.join(dir, f))).size).toBeGreaterThan(0);
    // artifacts: the target's logs copied out of the sandbox, redacted (the token never appears)
    const logs = report.checks.find((c) => c.id === 'chaos_graceful_shutdown')!.artifacts!;
    expect(logs.some((a) => a.endsWith('gateway.log'))).toBe(true);
    // relative to the report's directory (the out-dir) unless --absolute-paths
    for (const a of logs) expect(await fsp.readFile(path.resolve(dir, a), 'utf8')).not.toContain('demo-token-0123456789abcdef');
    expect(JSON.stringify(report)).not.toContain('demo-token-0123456789abcdef');
  });
});

// One test per bug switch: the scenario meant to catch it fails, with the finding kind that names why. `missed`: the bug
// makes the target miss a deadline (hang, no recovery), so the test runs with short deadlines (it waits them out).
const MISSED_DEADLINE_MS = 3000;
const MATRIX: Array<{ bug: string; scenario: string; id: string; kind: string; detail: RegExp; missed?: true }> = [
  { bug: 'bind-anyway', scenario: 'port-collision', id: 'chaos_port_collision', kind: 'hang', detail: /still running/, missed: true },
  { bug: 'ignore-lock', scenario: 'already-running', id: 'chaos_already_running', kind: 'hang', detail: /second instance: still running/, missed: true },
  { bug: 'crash-on-reload', scenario: 'signal-restart', id: 'chaos_signal_restart', kind: 'crash', detail: /ended after SIGUSR1/ },
  { bug: 'listener-on-reload', scenario: 'signal-restart', id: 'chaos_signal_restart', kind: 'behaviour', detail: /new listening socket/ },
  {
    bug: 'hang-on-missing-env',
    scenario: 'missing-env',
    id: 'chaos_missing_env',
    kind: 'hang',
    detail: /without SAMPLE_GATEWAY_TOKEN: still running/,
    missed: true,
  },
  // Latched degradation: after the outage, or (under CPU load, when a start-up upstream probe of the gateway times out)
  // already before it, so the instance never becomes ready. Either way the latch is what fails the scenario.
  {
    bug: 'no-recover',
    scenario: 'transient-network',
    id: 'chaos_transient_network',
    kind: 'behaviour',
    detail: /still unhealthy|never became ready: port open but health: HTTP 503.*upstream unreachable/,
    missed: true,
  },
  {
    bug: 'stale-lock-fatal',
    scenario: 'crash-recovery',
    id: 'chaos_crash_recovery',
    kind: 'startup',
    detail: /restarted instance never became ready: target ended .* before it was ready.*; it said: .*another instance is running/,
  },
  {
    bug: 'hang-on-term',
    scenario: 'graceful-shutdown',
    id: 'chaos_graceful_shutdown',
    kind: 'hang',
    detail: /still running \d+ ms after SIGTERM/,
    missed: true,
  },
  { bug: 'leak-child', scenario: 'graceful-shutdown', id: 'chaos_graceful_shutdown', kind: 'orphan', detail: /escaped the tree|outlived the target/ },
  { bug: 'hang-on-bad-config', scenario: 'bad-config', id: 'chaos_bad_config', kind: 'hang', detail: /still running/, missed: true },
  {
    bug: 'write-outside-home',
    scenario: 'graceful-shutdown',
    id: 'chaos_graceful_shutdown',
    kind: 'leak',
    detail: /^ignores TMPDIR: wrote \/tmp\/hunt-sample-gateway-leak-\d+ outside its TMPDIR/,
  },
];

describe.concurrent('every bug switch fails the scenario meant to catch it', () => {
  for (const m of MATRIX) {
    it(`${m.bug} -> ${m.scenario} fails (${m.kind})`, async () => {
      const profile = await writeProfile(s, `bug-${m.bug}`, { bugs: [m.bug], deadlineMs: m.missed ? MISSED_DEADLINE_MS : undefined });
      const { res, check, report } = await chaos(profile, m.scenario);
      const c = check(m.id);
      const why = `${c.status}: ${c.summary}\n${(c.evidence ?? []).join('\n')}`;
      expect(c.status, why).toBe('fail');
      expect(
        findings(c).some((f) => f.level === 'fail' && f.kind === m.kind && m.detail.test(f.detail)),
        why,
      ).toBe(true);
      const cls = report.classification.find((x) => x.id === m.id)!;
      expect(cls.status).toBe('new');
      expect(['core', 'ops']).toContain(cls.category);
      expect(cls.severity).toBe(['crash', 'hang', 'leak', 'orphan'].includes(m.kind) ? 'p0' : 'p1');
      expect(cls.reproSteps?.[0]).toContain(`--scenarios ${m.scenario}`);
      expect(res.code).toBe(1);
    });
  }
  it('write-outside-home: the leak in the working directory is attributed too', async () => {
    const profile = await writeProfile(s, 'bug-write-cwd', { bugs: ['write-outside-home'] });
    const { check } = await chaos(profile, 'bad-config,graceful-shutdown');
    expect(
      findings(check('chaos_graceful_shutdown')).some((f) => f.kind === 'leak' && /^wrote into its working directory .*gateway-leak-\d+\.txt/.test(f.detail)),
    ).toBe(true);
    expect(check('chaos_bad_config').status).toBe('pass'); // it exits before the bug acts: no false positive
  });
});
