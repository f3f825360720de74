/**
 * Containment of the chaos lane, through the built bin against a real misbehaving daemon
 * (test/fixtures/chaos/rogue-daemon.mjs): production is never written, writes outside TMPDIR are reported in
 * every scenario without touching the host's /tmp, noise of other programs and of the live instance is never
 * the lane's, and a SIGKILLed hunt's lane processes (renamed, double-forked, setsid) are all ended by the next
 * run. The kernel-isolation cases need root, mount namespaces and cgroup v2: elsewhere they skip, saying why.
 */
import { createHash } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, promises as fsp } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Check, HuntReportV1 } from '../../src/core/report-types.js';
import { detectContainment } from '../../src/chaos/containment.js';
import { isRunning } from '../../src/runtime/signals.js';
import { eventually, killTagged, newTag, tagged } from './chaos-helpers.js';
import { createSuite, readReport, repo, runHunt, type Suite } from './chaos-harness.js';

const fixture = path.join(repo, 'test', 'fixtures', 'chaos', 'rogue-daemon.mjs');
const containment = await detectContainment({});
const contained = containment.level === 'namespaces' && containment.cgroup !== null;
const why = contained ? '' : `needs root, mount namespaces and cgroup v2 (${containment.why}; ${containment.cgroupWhy})`;
if (!contained) console.warn(`chaos-contain: kernel containment tests skipped: ${why}`);

let s: Suite;
let n = 0;
let shm: string;
const prod = () => path.join(s.dir, 'prod', 'home');

beforeAll(async () => {
  s = await createSuite(newTag());
  await fsp.mkdir(prod(), { recursive: true });
  await fsp.writeFile(path.join(prod(), 'dump.rdb'), 'REDIS0011 production data\n');
  await fsp.mkdir(path.join(prod(), 'logs'));
  await fsp.writeFile(path.join(prod(), 'logs', 'rogue.log'), 'production log\n');
  // the lane has a private /tmp: the fixture's pid list goes where the test can read it
  shm = await fsp.mkdtemp(path.join(existsSync('/dev/shm') ? '/dev/shm' : s.dir, 'hunt-contain-'));
});

afterAll(async () => {
  const left = await tagged(s.tag);
  await killTagged(s.tag);
  await fsp.rm(s.dir, { recursive: true, force: true });
  await fsp.rm(shm, { recursive: true, force: true });
  expect(left).toEqual([]);
}, 60_000);

/** A profile for the fixture: production home under the suite, short deadlines. */
async function profile(name: string, chaos: Record<string, unknown> = {}): Promise<string> {
  const file = path.join(s.dir, `${name}.json`);
  const p = {
    target: {
      name: 'rogue',
      versionCommand: ['{node}', '-e', "console.log('1.0.0')"],
      statusCommand: ['true'],
      startCommand: ['{node}', fixture, '--port', '{port}'],
      port: 47999,
      healthUrl: 'http://127.0.0.1:{port}/healthz',
      home: prod(),
      homeEnv: 'ROGUE_HOME',
      readyTimeoutMs: 20_000,
    },
    logs: [{ source: 'rogue', path: '{home}/logs/rogue.log' }],
    chaos: {
      concurrency: 3,
      portCollision: { deadlineMs: 5000 },
      alreadyRunning: { deadlineMs: 5000 },
      signalRestart: { deadlineMs: 5000, settleMs: 300 },
      crashRecovery: { deadlineMs: 8000 },
      gracefulShutdown: { deadlineMs: 3000 },
      ...chaos,
    },
  };
  await fsp.writeFile(file, JSON.stringify(p, null, 2));
  return file;
}

async function chaos(file: string, scenarios: string, env: NodeJS.ProcessEnv = {}) {
  const dir = path.join(s.dir, `out-${++n}`);
  const res = await runHunt(
    s,
    ['staging-chaos', '--config', file, '--release', 'r', '--run-id', `c${n}`, '--out-dir', dir, '--scenarios', scenarios, '--no-render'],
    {
      env,
      timeoutMs: 180_000,
    },
  );
  let report: HuntReportV1 | null = null;
  try {
    report = await readReport(s, dir);
  } catch {
    /* asserted by the caller */
  }
  return { res, report, check: (id: string) => report?.checks.find((c) => c.id === id) as Check };
}

const findings = (c: Check) => (c.metadata?.findings as Array<{ kind: string; level: string; detail: string }>) ?? [];
const why2 = (c: Check) => `${c.status}: ${c.summary}\n${(c.evidence ?? []).join('\n')}`;

/** sha256 over every file (path + content) under a directory. */
async function treeSum(dir: string): Promise<string> {
  const h = createHash('sha256');
  const walk = async (d: string) => {
    for (const e of (await fsp.readdir(d, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(d, e.name);
      h.update(p);
      if (e.isDirectory()) await walk(p);
      else h.update(await fsp.readFile(p));
    }
  };
  await walk(dir);
  return h.digest('hex');
}

async function listing(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string) => {
    for (const e of await fsp.readdir(d, { withFileTypes: true }).catch(() => [])) {
      const p = path.join(d, e.name);
      out.push(p);
      if (e.isDirectory()) await walk(p);
    }
  };
  await walk(dir);
  return out.sort();
}

describe.skipIf(!contained)('containment: namespaces + cgroup v2 (root)', () => {
  it('a target that writes its production dir fails with sandbox-escape; production is byte-for-byte unchanged', async () => {
    const before = await treeSum(prod());
    const { res, check, report } = await chaos(await profile('escape'), 'graceful-shutdown', { FIXTURE_PROD_DIR: prod() });
    const c = check('chaos_graceful_shutdown');
    expect(c.status, why2(c)).toBe('fail');
    const f = findings(c).find((x) => x.kind === 'sandbox-escape');
    expect(f?.detail, why2(c)).toMatch(new RegExp(`${prod()}/dump\\.rdb`));
    expect(report!.classification.find((x) => x.id === 'chaos_graceful_shutdown')).toMatchObject({ severity: 'p0', status: 'new' });
    expect((report!.metadata?.chaos as { containment: { level: string } }).containment.level).toBe('namespaces');
    expect(res.code).toBe(1);
    expect(await treeSum(prod())).toBe(before);
  });

  it('writes to /tmp/<x>/ that ignore TMPDIR are reported in every scenario; the host /tmp/<x>/ is untouched', async () => {
    const name = `hunt-contain-${s.tag}`;
    const dirs = [`/tmp/${name}`, `/tmp/${name}-locks`];
    for (const d of dirs) await fsp.mkdir(d, { recursive: true }); // already there, as after a first run
    await fsp.writeFile(`/tmp/${name}/old.lock`, 'x');
    try {
      const before = await listing(`/tmp/${name}`);
      const scenarios = ['port-collision', 'already-running', 'signal-restart', 'crash-recovery', 'graceful-shutdown'];
      const { check } = await chaos(await profile('tmpdir'), scenarios.join(','), { FIXTURE_TMP_NAME: name });
      for (const sc of scenarios) {
        const c = check(`chaos_${sc.replace(/-/g, '_')}`);
        const leak = findings(c).find((x) => x.kind === 'leak' && x.level === 'fail');
        expect(leak?.detail, `${sc}: ${why2(c)}`).toMatch(new RegExp(`^ignores TMPDIR: wrote /tmp/${name}(-locks)?/`));
      }
      expect(await listing(`/tmp/${name}`)).toEqual(before);
      expect(await listing(`/tmp/${name}-locks`)).toEqual([]);
    } finally {
      for (const d of dirs) await fsp.rm(d, { recursive: true, force: true });
    }
  });

  it('a renamed, double-forked, setsid target outlives a SIGKILLed hunt; the next run ends every one of its processes', async () => {
    await reclaimAfterKill({});
  });
});

describe("containment: noise is never the lane's", () => {
  for (const mode of ['auto', 'audit-only'] as const) {
    it(`another program writing /tmp and the live instance writing its home: no finding, pass (${mode})`, async () => {
      // the live production instance, outside hunt: it writes its home (data, log) all the time
      const live = spawn(process.execPath, [fixture, '--port', '0'], {
        env: { ...process.env, FIXTURE_PROD_DIR: prod(), HUNT_TEST_TAG: s.tag },
        stdio: 'ignore',
      });
      // another program on the machine: creates and appends files in /tmp and in a /tmp subdirectory
      const noiseDir = await fsp.mkdtemp('/tmp/hunt-noise-');
      const noise = spawn(
        process.execPath,
        [
          '-e',
          `const fs=require('fs');let i=0;setInterval(()=>{fs.writeFileSync('${noiseDir}/n'+(i++%20),'x'+i);fs.appendFileSync('/tmp/hunt-noise-${s.tag}.log','x')},30)`,
        ],
        { env: { ...process.env, HUNT_TEST_TAG: s.tag }, stdio: 'ignore' },
      );
      try {
        const env = mode === 'audit-only' ? { HUNT_CHAOS_CONTAINMENT: 'audit-only' } : {};
        const { res, report } = await chaos(await profile(`noise-${mode}`), 'signal-restart,graceful-shutdown', env);
        for (const c of report!.checks) expect(findings(c), why2(c)).toEqual([]);
        expect(report!.classification).toEqual([]);
        expect(res.code).toBe(0);
        if (mode === 'audit-only') {
          // seen, and said, but as information only
          const info = report!.checks.flatMap((c) => (c.metadata?.info as string[] | undefined) ?? []);
          expect(info.some((l) => l.includes(prod()) || l.includes('hunt-noise'))).toBe(true);
        }
      } finally {
        live.kill('SIGKILL');
        noise.kill('SIGKILL');
        await fsp.rm(noiseDir, { recursive: true, force: true });
        await fsp.rm(`/tmp/hunt-noise-${s.tag}.log`, { force: true });
        await fsp.rm(path.join(prod(), 'fixture.log'), { force: true });
        await fsp.writeFile(path.join(prod(), 'dump.rdb'), 'REDIS0011 production data\n');
      }
    });
  }
});

describe('containment unavailable (simulated with HUNT_CHAOS_CONTAINMENT=audit-only)', () => {
  it('the report says audit-only and why, and the audit still catches the production write', async () => {
    try {
      const { check, report } = await chaos(await profile('audit'), 'graceful-shutdown', { FIXTURE_PROD_DIR: prod(), HUNT_CHAOS_CONTAINMENT: 'audit-only' });
      expect(report!.metadata?.chaos).toMatchObject({ containment: { level: 'audit-only', why: 'HUNT_CHAOS_CONTAINMENT=audit-only', processes: 'registry' } });
      const c = check('chaos_graceful_shutdown');
      expect(c.status, why2(c)).toBe('fail');
      expect(findings(c).find((x) => x.kind === 'sandbox-escape')?.detail, why2(c)).toMatch(/fixture\.log .*open for writing/);
    } finally {
      await fsp.rm(path.join(prod(), 'fixture.log'), { force: true });
      await fsp.writeFile(path.join(prod(), 'dump.rdb'), 'REDIS0011 production data\n');
    }
  });

  it("without cgroups, the registry lets the next run end a SIGKILLed hunt's renamed, setsid processes", async () => {
    await reclaimAfterKill({ HUNT_CHAOS_CONTAINMENT: 'audit-only' });
  });
});

/** Starts a rogue lane, SIGKILLs hunt once all of the fixture's processes run (and hunt recorded them), then a next run reclaims. */
async function reclaimAfterKill(env: NodeJS.ProcessEnv): Promise<void> {
  const pidsFile = path.join(shm, `pids-${++n}.txt`);
  const file = await profile(`rogue-${n}`, { signalRestart: { deadlineMs: 5000, settleMs: 60_000 } });
  const pids = async () =>
    (await fsp.readFile(pidsFile, 'utf8').catch(() => ''))
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => ({ role: l.split(' ')[0], pid: Number(l.split(' ')[1]) }));
  const registered = async () => {
    const parent = path.join(s.tmp, 'hunt-chaos');
    const dirs = await fsp.readdir(parent).catch(() => []);
    return (await Promise.all(dirs.map((d) => fsp.readFile(path.join(parent, d, 'processes.ndjson'), 'utf8').catch(() => '')))).join('\n');
  };
  let child: ChildProcess | null = null;
  const dir = path.join(s.dir, `out-kill-${n}`);
  const run = runHunt(
    s,
    ['staging-chaos', '--config', file, '--release', 'r', '--run-id', `k${n}`, '--out-dir', dir, '--scenarios', 'signal-restart', '--no-render'],
    {
      env: { ...env, FIXTURE_ROGUE: '1', FIXTURE_PIDS: pidsFile },
      timeoutMs: 180_000,
      onStart: (c) => (child = c),
    },
  );
  const all = await eventually(async () => {
    const ps = await pids();
    if (!['main', 'helper', 'grandchild'].every((r) => ps.some((p) => p.role === r))) return false;
    if (env.HUNT_CHAOS_CONTAINMENT !== 'audit-only') return true;
    const reg = await registered(); // without a cgroup, hunt must have recorded them before it dies
    return ps.filter((p) => p.role !== 'helper').every((p) => reg.includes(`"pid":${p.pid},`));
  }, 60_000);
  expect(all, `fixture processes: ${JSON.stringify(await pids())}`).toBe(true);
  child!.kill('SIGKILL');
  const killed = await run;
  expect(killed.signal).toBe('SIGKILL');
  const rogue = (await pids()).filter((p) => p.role !== 'helper').map((p) => p.pid);
  expect(
    rogue.filter((p) => isRunning(p)),
    'main and the setsid grandchild outlive the SIGKILLed hunt',
  ).toEqual(rogue);
  const next = await runHunt(s, ['reclaim', '--json'], { env });
  expect(next.code, next.stderr).toBe(0);
  const out = JSON.parse(next.stdout) as { killed: number[] };
  expect(out.killed).toEqual(expect.arrayContaining(rogue));
  expect(await eventually(() => rogue.every((p) => !isRunning(p)), 10_000)).toBe(true);
  const check = await runHunt(s, ['reclaim', '--check'], { env });
  expect(check.code, check.stdout).toBe(0);
  expect(check.stdout).toMatch(/leftovers of dead runs: 0 \(processes: 0\)/);
}
