/**
 * Custom scenarios (chaos.custom[]) against the real sample gateway through the built bin: in ONE run SIGUSR1
 * reloads in place (same pid, no new listener, healthy, "reload complete" logged, no error signature) and the
 * gateway rides out an upstream `timeout` toxic; then custom scenarios whose expectations are unmet fail with
 * their expect.* findings and the entry's severity (a SIGUSR2 the gateway does not handle kills it; the
 * listener-on-reload bug opens a listener on SIGUSR1; with severity p2 the check warns). Every process carries
 * HUNT_TEST_TAG, asserted gone.
 */
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Check } from '../../src/core/report-types.js';
import { bound, entries, killTagged, newTag, tagged } from './chaos-helpers.js';
import { createSuite, readReport, runHunt, writeProfile, type Suite } from './chaos-harness.js';

let s: Suite;
beforeAll(async () => {
  s = await createSuite(newTag());
});
afterAll(async () => {
  const left = await tagged(s.tag);
  await killTagged(s.tag);
  const stillBound: number[] = [];
  for (const p of s.ports) if (await bound(p)) stillBound.push(p);
  const sandboxes = await entries(path.join(s.tmp, 'hunt-chaos'));
  await fsp.rm(s.dir, { recursive: true, force: true });
  expect(left).toEqual([]);
  expect(stillBound).toEqual([]);
  expect(sandboxes).toEqual([]);
}, 60_000);

const USR1_IN_PLACE = {
  name: 'usr1-in-place',
  description: 'SIGUSR1 reloads in place',
  action: { signal: 'SIGUSR1' },
  expect: { samePid: true, noNewListener: true, healthyWithinMs: 10_000, messagePattern: 'reload complete', noErrorSignatureAfter: true },
  settleMs: 600,
};

async function run(name: string, o: { bugs?: string[]; custom: unknown[]; scenarios: string }) {
  const profile = await writeProfile(s, name, { bugs: o.bugs, chaos: { custom: o.custom } });
  const dir = path.join(s.dir, `out-${name}`);
  const res = await runHunt(s, ['staging-chaos', '--config', profile, '--release', 'r1', '--run-id', name, '--out-dir', dir, '--scenarios', o.scenarios]);
  const report = await readReport(s, dir);
  const check = (id: string) => report.checks.find((c) => c.id === id) as Check;
  return { res, report, dir, check };
}

const why = (c: Check) => `${c.status}: ${c.summary}\n${(c.evidence ?? []).join('\n')}`;
const expectations = (c: Check) => (c.metadata?.expectations as Array<{ name: string; status: string; detail: string }>) ?? [];

describe('custom scenarios against the sample gateway', () => {
  it('SIGUSR1 in place and an upstream timeout toxic pass in one run, reported like the built-ins', async () => {
    const { res, report, dir, check } = await run('custom-pass', {
      scenarios: 'custom:usr1-in-place,custom:upstream-timeout,custom:stop-command',
      custom: [
        USR1_IN_PLACE,
        {
          name: 'upstream-timeout',
          action: { fault: { type: 'timeout', ms: 500 }, durationMs: 2000 },
          expect: { samePid: true, healthyWithinMs: 15_000 },
          settleMs: 300,
        },
        // a lane command (placeholders expanded for the lane): the gateway's own stop ends it with status 0
        { name: 'stop-command', action: { command: ['{node}', '{packageDir}/bin/hunt-sample-gateway.js', 'stop'] }, expect: { exitsWithOneOf: [0] } },
      ],
    });
    expect(report.checks.map((c) => c.id)).toEqual(['chaos_custom_usr1_in_place', 'chaos_custom_upstream_timeout', 'chaos_custom_stop_command']);
    const stop = check('chaos_custom_stop_command');
    expect(stop.status, why(stop)).toBe('pass');
    expect(stop.evidence).toContainEqual(expect.stringMatching(/^action: `.*hunt-sample-gateway\.js stop` exit 0/));
    expect(stop.evidence).toContainEqual(expect.stringMatching(/^PASS expect\.exitsWithOneOf: exit code 0/));
    const usr1 = check('chaos_custom_usr1_in_place');
    expect(usr1.status, why(usr1)).toBe('pass');
    expect(usr1.title).toBe('chaos: custom usr1-in-place (SIGUSR1 reloads in place)');
    expect(expectations(usr1).map((e) => `${e.name}=${e.status}`)).toEqual([
      'samePid=pass',
      'noNewListener=pass',
      'healthyWithinMs=pass',
      'messagePattern=pass',
      'noErrorSignatureAfter=pass',
    ]);
    expect(usr1.evidence).toContainEqual(expect.stringMatching(/^PASS expect\.messagePattern: matched: .*reload complete/));
    expect(usr1.command).toMatch(/--scenarios custom:usr1-in-place .*--run-id repro-custom-usr1-in-place /); // a run id staging-chaos accepts
    const toxic = check('chaos_custom_upstream_timeout');
    expect(toxic.status, why(toxic)).toBe('pass');
    expect(toxic.evidence).toContainEqual(expect.stringMatching(/^action: fault timeout 500 ms \(downstream\) for \d+ ms; proxy accepted [1-9]/));
    expect(report.classification).toEqual([]);
    expect(res.code).toBe(0);
    // artifacts in a folder named after the scenario, file-name safe
    expect(usr1.artifacts!.some((a) => a.includes('custom-usr1-in-place'))).toBe(true);
    expect((await fsp.stat(path.join(dir, 'hunt-report.md'))).size).toBeGreaterThan(0);
  });

  it('unmet expectations fail with expect.* findings and the severity the entry sets', async () => {
    const { res, report, check } = await run('custom-fail', {
      bugs: ['listener-on-reload'],
      scenarios: 'custom:usr1-in-place,custom:usr2-in-place',
      custom: [USR1_IN_PLACE, { name: 'usr2-in-place', action: { signal: 'SIGUSR2' }, expect: { samePid: true }, severity: 'p2', settleMs: 300 }],
    });
    const usr1 = check('chaos_custom_usr1_in_place');
    expect(usr1.status, why(usr1)).toBe('fail');
    expect(expectations(usr1).find((e) => e.name === 'noNewListener')).toMatchObject({ status: 'fail', detail: expect.stringMatching(/new listening socket/) });
    expect(expectations(usr1).find((e) => e.name === 'samePid')?.status).toBe('pass');
    const usr2 = check('chaos_custom_usr2_in_place');
    expect(usr2.status, why(usr2)).toBe('warn'); // severity p2: worth knowing, never blocking
    expect(expectations(usr2).map((e) => `${e.name}=${e.status}`)).toEqual(['keepsRunning=fail', 'samePid=fail']);
    expect(usr2.summary).toMatch(/killed by SIGUSR2/);
    const cls = Object.fromEntries(report.classification.map((c) => [c.id, c]));
    expect(cls.chaos_custom_usr1_in_place.severity).toBe('p1');
    expect(cls.chaos_custom_usr2_in_place.severity).toBe('p2');
    expect(cls.chaos_custom_usr2_in_place.expected).toBe('after SIGUSR2 the target keeps running, keeps the same serving pid');
    expect(res.code).toBe(1);
  });

  it('refuses before anything starts (exit 2): a built-in name, a signal this platform lacks, a command naming production', async () => {
    const args = (profile: string, out: string) => ['staging-chaos', '--config', profile, '--release', 'r1', '--out-dir', path.join(s.dir, out)];
    const named = await writeProfile(s, 'custom-named', { chaos: { custom: [{ ...USR1_IN_PLACE, name: 'signal-restart' }] } });
    const a = await runHunt(s, args(named, 'out-named'));
    expect([a.code, a.stderr]).toEqual([2, expect.stringMatching(/\/chaos\/custom\/0\/name: "signal-restart" is a built-in scenario/)]);
    const sig = await writeProfile(s, 'custom-sig', { chaos: { custom: [{ ...USR1_IN_PLACE, action: { signal: 'SIGNOPE' } }] } });
    const b = await runHunt(s, args(sig, 'out-sig'));
    expect([b.code, b.stderr]).toEqual([2, expect.stringMatching(/chaos\.custom\[0\]\.action\.signal: SIGNOPE is not a signal/)]);
    const prod = path.join(s.home, '.hunt-sample-gateway', 'config.json');
    const cmd = await writeProfile(s, 'custom-cmd', { chaos: { custom: [{ ...USR1_IN_PLACE, action: { command: `touch ${prod}` } }] } });
    const c = await runHunt(s, args(cmd, 'out-cmd'));
    expect([c.code, c.stderr]).toEqual([2, expect.stringMatching(/chaos\.custom\[0\]\.action\.command: names .*\.hunt-sample-gateway/)]);
  });

  it('an unknown custom:<name> in --scenarios is a usage error naming the valid ones', async () => {
    const profile = await writeProfile(s, 'custom-unknown', { chaos: { custom: [USR1_IN_PLACE] } });
    const res = await runHunt(s, [
      'staging-chaos',
      '--config',
      profile,
      '--release',
      'r1',
      '--out-dir',
      path.join(s.dir, 'out-unknown'),
      '--scenarios',
      'custom:nope',
    ]);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/unknown scenario custom:nope/);
    expect(res.stderr).toMatch(/custom:usr1-in-place/);
  });
});
