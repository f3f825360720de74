/**
 * examples/redis against a real redis-server (Debian's redis-server): the private instance runs in the
 * foreground under `target.manage: "hunt"` (hunt daemon: pid file, output log, derived status/stop/restart),
 * health is a TCP PING -> +PONG. A good release passes the whole gate; a broken config, a failed update check
 * and a paused server (CLIENT PAUSE during T4) fail it with reasons that name the phase and quote the line;
 * the chaos lane runs as target.user when hunt is root; nothing is left behind.
 */
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RuntimeSnapshot } from '../../src/probes/snapshot-types.js';
import { freePort } from '../../src/runtime/ports.js';
import { repoRoot } from '../helpers/spawn-hunt.js';
import { waitFor } from '../helpers/wait.js';
import {
  createDaemonSuite,
  disposeSuite,
  hunt,
  leftovers,
  patchProfile,
  readReport,
  realDaemonsAvailable,
  runHunt,
  sh,
  snapshotErrors,
  verdictOf,
  type DaemonSuite,
} from './real-daemons.js';

const available = realDaemonsAvailable('redis e2e', ['redis-server', 'redis-cli'], 'redis-server');
let s: DaemonSuite;
let n = 0;
const out = () => path.join(s.dir, `out-${++n}`);
const cli = (args: string) => sh(s, `redis-cli -h 127.0.0.1 -p ${s.port} ${args}`).trim();
const pidFile = () => path.join(s.home, '.hunt', 'daemon.pid');
const daemonPid = async () => Number((await fsp.readFile(pidFile(), 'utf8')).trim());

async function startProduction(retryPort = false): Promise<void> {
  let res = await runHunt(s, ['daemon', 'start', '--config', s.profile]);
  // a free port can be taken by another suite before redis binds it (redis says so in its own log): another one, first start only
  for (let attempt = 1; retryPort && res.code !== 0 && attempt < 5; attempt++) {
    s.port = await freePort();
    res = await runHunt(s, ['daemon', 'start', '--config', s.profile]);
  }
  expect(res.code, res.stderr).toBe(0);
  expect(cli('ping')).toBe('PONG');
}

beforeAll(async () => {
  if (!available) return;
  s = await createDaemonSuite('redis');
  await fsp.copyFile(path.join(repoRoot, 'examples', 'redis', 'redis.conf'), path.join(s.home, 'redis.conf'));
  await startProduction(true);
});

afterAll(async () => {
  if (!available) return;
  try {
    const res = await runHunt(s, ['daemon', 'stop', '--config', s.profile]);
    expect(res.code, res.stderr).toBe(0);
    // after the suite: no redis or hunt of ours alive, no chaos port bound, no sandbox left
    expect(await leftovers(s)).toEqual({ processes: [], ports: [], sandboxes: [] });
  } finally {
    await disposeSuite(s);
  }
}, 60_000);

describe.skipIf(!available)('examples/redis on a real redis-server', () => {
  it('hunt daemon runs the foreground server detached: own session, pid file, status; collect names it from the pid file', async () => {
    const pid = await daemonPid();
    const status = await runHunt(s, ['daemon', 'status', '--config', s.profile]);
    expect(status.stdout).toContain(`running (pid ${pid})`);
    const file = path.join(s.dir, 'collect.json');
    const res = await runHunt(s, ['collect', '--config', s.profile, '--output', file]);
    expect(res.code, res.stderr).toBe(0);
    const snap = JSON.parse(await fsp.readFile(file, 'utf8')) as RuntimeSnapshot;
    expect(snapshotErrors(snap)).toEqual([]);
    expect(snap.process).toMatchObject({ pid, source: 'pidFile' });
    expect(snap.process.tree[0]).toMatchObject({ pid, pgid: pid, sid: pid }); // its own session: a group kill of hunt never reaches it
    expect(snap.health).toMatchObject({ kind: 'tcp', ok: true, url: `tcp://127.0.0.1:${s.port}` });
    expect(snap.target.healthProbe).toBe(`tcp 127.0.0.1:${s.port} send "PING\\r\\n" expect "+PONG"`);
    expect(snap.summary).toMatchObject({ running: true, healthy: true, version: expect.stringMatching(/^7\.\d+\.\d+$/) });
  });

  it('window counts equal a reference count of planted lines with real redis timestamps; the output log has a known window', async () => {
    const now = Date.now();
    const pad = (n: number, w = 2) => String(n).padStart(w, '0');
    const mon = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
    const ts = (ms: number) => {
      const d = new Date(ms);
      return `${pad(d.getUTCDate())} ${mon[d.getUTCMonth()]} ${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`;
    };
    const inside = [now - 5 * 60_000, now - 30 * 60_000, now - 55 * 60_000, now - 59 * 60_000];
    const outside = [now - 2 * 3600_000, now - 48 * 3600_000];
    const lines = [...outside, ...inside].map((t) => `4242:M ${ts(t)} # hunt-planted-marker ${t}`);
    await fsp.appendFile(path.join(s.home, 'redis.log'), `${lines.join('\n')}\n`);
    const profile = await patchProfile(
      s,
      (p) => p.signatures.push({ name: 'planted', source: 'redis', pattern: 'hunt-planted-marker', kind: 'warning' }),
      path.join(s.profileDir, 'planted.json'),
    );
    const file = path.join(s.dir, 'collect-planted.json');
    const res = await runHunt(s, ['collect', '--config', profile, '--output', file, '--window-minutes', '60']);
    expect(res.code, res.stderr).toBe(0);
    const snap = JSON.parse(await fsp.readFile(file, 'utf8')) as RuntimeSnapshot;
    expect(snap.signatures.find((x) => x.name === 'planted')).toMatchObject({ countWindow: inside.length, countTotal: inside.length + outside.length });
    // hunt daemon stamps each start in the output log: its lines have a known window (never "unverifiable")
    expect(snap.logs.find((l) => l.source === 'output')).toMatchObject({ missing: false, windowKnown: true });
    expect(snap.summary.signaturesWindowUnknown).toEqual([]);
  });

  it('a good release passes the whole gate: derived restart, TCP health, chaos matrix', async () => {
    const before = await daemonPid();
    const dir = out();
    const res = await runHunt(s, ['release-gate', '--config', s.profile, '--release', 'good', '--out-dir', dir, '--observe-seconds', '3'], {
      timeoutMs: 300_000,
    });
    const r = await readReport(s, dir);
    const why = JSON.stringify(verdictOf(r).reasons, null, 1);
    expect(res.code, `${why}\n${res.stderr.slice(-3000)}`).toBe(0);
    expect(verdictOf(r).status, why).toBe('pass');
    expect(r.checks.filter((c) => c.id.startsWith('chaos_')).map((c) => `${c.id}:${c.status}`)).toHaveLength(6);
    expect(r.checks.find((c) => c.id === 't1_restart')!.command).toContain('daemon restart');
    expect(r.checks.find((c) => c.id === 't4_observe')!.summary).toMatch(/^healthy: 0\/\d+ probe\(s\) failed.*tcp 127\.0\.0\.1/);
    const after = await daemonPid();
    expect(after).not.toBe(before); // the restart really restarted it
    expect(cli('ping')).toBe('PONG');
  });

  it('a T1 update that fails its check fails the gate at T1 (policy strict); redis is not restarted', async () => {
    const before = await daemonPid();
    const dir = out();
    const upd = `printf 'not a release' > '{home}/redis.tgz' && echo '0000000000000000000000000000000000000000000000000000000000000000  {home}/redis.tgz' | sha256sum -c`;
    const res = await runHunt(s, ['release-gate', '--config', s.profile, '--release', 'bad-update', '--out-dir', dir, '--skip-chaos', '--update-command', upd]);
    const v = verdictOf(await readReport(s, dir));
    expect(res.code).toBe(1);
    expect(v.reasons[0]).toMatchObject({ id: 't1_update', rule: 'check-fail', phase: 'T1' });
    expect(v.reasons[0].detail).toMatch(/redis\.tgz: FAILED/);
    expect(v.reasons[0].detail).toMatch(/\(fix: make the release pass its own update check/);
    expect(await daemonPid()).toBe(before);
  });

  it('a broken config fails the gate at T1: the restart is a start-up failure quoting FATAL CONFIG FILE ERROR', async () => {
    const conf = path.join(s.home, 'redis.conf');
    const good = await fsp.readFile(conf, 'utf8');
    const dir = out();
    try {
      const upd = `echo 'maxmemory-polcy allkeys-lru' >> '{home}/redis.conf'`;
      const res = await runHunt(s, [
        'release-gate',
        '--config',
        s.profile,
        '--release',
        'broken-config',
        '--out-dir',
        dir,
        '--skip-chaos',
        '--update-command',
        upd,
      ]);
      const r = await readReport(s, dir);
      const v = verdictOf(r);
      expect(res.code).toBe(1);
      expect(v.reasons[0]).toMatchObject({ id: 't1_restart', rule: 'check-fail', phase: 'T1' });
      // nothing to wait for after a restart redis refused: a short look, not the whole readyTimeoutMs
      expect(r.checks.find((c) => c.id === 't1_ready')).toMatchObject({
        status: 'fail',
        summary: expect.stringMatching(/^not ready within 2000 ms after the failed restart \(see t1_restart\): port \d+ not open/),
      });
      expect(v.reasons[0].detail).toMatch(/restart the target: failed: exit 1 .*: \*\*\* FATAL CONFIG FILE ERROR/);
    } finally {
      await fsp.writeFile(conf, good);
      await startProduction();
    }
  });

  it('redis paused during T4 (CLIENT PAUSE, PING unanswered) fails the observation with the failures counted', async () => {
    const dir = out();
    // probes every 250 ms that give up after 500: a 3 s pause is several failures inside a 6 s window
    const profile = await patchProfile(
      s,
      (p) => {
        p.target.healthTimeoutMs = 500;
        p.gate.observe = { ...p.gate.observe, intervalMs: 250 };
      },
      path.join(s.profileDir, 'quick-observe.json'),
    );
    const gate = hunt(s, [
      'release-gate',
      '--config',
      profile,
      '--release',
      'paused',
      '--out-dir',
      dir,
      '--skip-chaos',
      '--skip-update',
      '--observe-seconds',
      '6',
    ]);
    // the journal records the step's intent the moment T4 observe begins
    await waitFor(
      'the T4 observation window',
      async () => (await fsp.readFile(path.join(dir, 'journal.ndjson'), 'utf8').catch(() => '')).includes('"t4_observe"'),
      120_000,
      100,
    );
    expect(cli('CLIENT PAUSE 3000 ALL')).toBe('OK');
    const res = await gate.done;
    const r = await readReport(s, dir);
    const obs = r.checks.find((c) => c.id === 't4_observe')!;
    expect(res.code).toBe(1);
    expect(obs.status).toBe('fail');
    expect(obs.metadata!.failures as number).toBeGreaterThanOrEqual(2);
    expect(obs.evidence!.join('\n')).toMatch(/FAIL no "\+PONG" in the reply within 500 ms/);
    expect(verdictOf(r).reasons[0]).toMatchObject({ id: 't4_observe', phase: 'T4' });
  });

  it('as root, the chaos lane runs redis as target.user with its sandbox handed over (it used to be a false p0 crash)', async (ctx) => {
    if (process.getuid?.() !== 0) ctx.skip();
    const profile = await patchProfile(s, (p) => (p.target.user = 'nobody'), path.join(s.profileDir, 'as-nobody.json'));
    const dir = out();
    const res = await runHunt(s, [
      'staging-chaos',
      '--config',
      profile,
      '--release',
      'r',
      '--run-id',
      'nobody',
      '--out-dir',
      dir,
      '--scenarios',
      'crash-recovery,graceful-shutdown,bad-config',
    ]);
    const r = await readReport(s, dir, 'report-input.json');
    expect(res.code, r.checks.map((c) => `${c.id}: ${c.summary}`).join('\n')).toBe(0);
    for (const c of r.checks) expect(c.metadata!.runAs).toMatchObject({ user: 'nobody', uid: expect.any(Number) });
  });
});
