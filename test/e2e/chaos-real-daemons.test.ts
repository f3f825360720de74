/**
 * Containment against real daemons (Debian nginx-light and redis-server): a copied redis.conf that keeps its
 * production `dir` is refused before anything starts (exit 2, file and line); chaos.sandbox.files templates put
 * every path into the sandbox without a wrapper script; and after a SIGKILL of hunt mid-chaos, nginx (master +
 * workers) and redis, which rewrite their process titles, are all ended by the next hunt run through the lane
 * cgroup. Needs the daemons installed (.ci/run installs them) and root with cgroup v2; skips saying why otherwise.
 */
import { existsSync, promises as fsp } from 'node:fs';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Check } from '../../src/core/report-types.js';
import { detectContainment } from '../../src/chaos/containment.js';
import { cgroupPids } from '../../src/runtime/cgroup.js';
import { listProcesses } from '../../src/runtime/proctable.js';
import { isRunning } from '../../src/runtime/signals.js';
import { eventually, killTagged, newTag } from './chaos-helpers.js';
import { createSuite, readReport, repo, runHunt, type Suite } from './chaos-harness.js';

const NGINX = '/usr/sbin/nginx';
const REDIS = '/usr/bin/redis-server';
const templates = path.join(repo, 'test', 'fixtures', 'chaos', 'daemons');
const c = await detectContainment({});
const missing = [NGINX, REDIS].filter((b) => !existsSync(b));
const skip = missing.length
  ? `not installed: ${missing.join(', ')} (apt-get install nginx-light redis-server)`
  : c.level !== 'namespaces' || !c.cgroup
    ? `needs root, mount namespaces and cgroup v2 (${c.why}; ${c.cgroupWhy})`
    : '';
// In CI (.ci/run sets HUNT_REAL_DAEMONS=required, runs as root) a skip would hide the containment proof: fail instead.
if (skip && process.env.HUNT_REAL_DAEMONS === 'required')
  throw new Error(`chaos-real-daemons: ${skip}; HUNT_REAL_DAEMONS=required, so this is a failure, not a skip`);
if (skip) console.warn(`chaos-real-daemons: skipped: ${skip}`);

let s: Suite;
beforeAll(async () => {
  s = await createSuite(newTag());
  for (const f of ['nginx.conf.tmpl', 'redis.conf.tmpl']) await fsp.copyFile(path.join(templates, f), path.join(s.dir, f));
});
afterAll(async () => {
  // a failed test may leave the lanes of its SIGKILLed hunts: reclaim them (same TMPDIR, so at once), then the tagged rest
  await runHunt(s, ['reclaim'], { timeoutMs: 120_000 }).catch(() => undefined);
  await killTagged(s.tag);
  await fsp.rm(s.dir, { recursive: true, force: true });
});

const base = { versionCommand: ['true'], statusCommand: ['true'], port: 6399, readyTimeoutMs: 20_000 };

async function writeProfile(name: string, p: Record<string, unknown>): Promise<string> {
  const file = path.join(s.dir, `${name}.json`);
  await fsp.writeFile(file, JSON.stringify(p, null, 2));
  return file;
}

async function redisProfile(name: string, chaos: Record<string, unknown> = {}): Promise<string> {
  const home = path.join(s.dir, 'redis-prod');
  await fsp.mkdir(home, { recursive: true });
  return writeProfile(name, {
    target: { ...base, name: 'redis', startCommand: [REDIS, '{home}/redis.conf'], home },
    chaos: { sandbox: { files: [{ from: 'redis.conf.tmpl', to: 'redis.conf' }] }, gracefulShutdown: { deadlineMs: 5000 }, ...chaos },
  });
}

async function nginxProfile(name: string, chaos: Record<string, unknown> = {}): Promise<string> {
  const home = path.join(s.dir, 'nginx-prod');
  await fsp.mkdir(home, { recursive: true });
  return writeProfile(name, {
    target: {
      ...base,
      name: 'nginx',
      port: 8089,
      // -e: the start-up error log goes into the sandbox too (the default is the production /var/log/nginx/error.log)
      startCommand: [NGINX, '-c', '{home}/nginx.conf', '-p', '{home}', '-e', '{home}/error.log'],
      healthUrl: 'http://127.0.0.1:{port}/healthz',
      home,
    },
    chaos: {
      sandbox: { files: [{ from: 'nginx.conf.tmpl', to: 'nginx.conf' }] },
      signalRestart: { signal: 'SIGUSR1' },
      gracefulShutdown: { deadlineMs: 5000 },
      ...chaos,
    },
  });
}

const args = (file: string, id: string, scenarios: string) => [
  'staging-chaos',
  '--config',
  file,
  '--release',
  'r',
  '--run-id',
  id,
  '--out-dir',
  path.join(s.dir, `out-${id}`),
  '--scenarios',
  scenarios,
  '--no-render',
];
const why = (x: Check) => `${x.status}: ${x.summary}\n${(x.evidence ?? []).join('\n')}`;

describe.skipIf(Boolean(skip))('real daemons in a contained lane', () => {
  it('a copied redis.conf keeping its production dir is refused before anything starts (exit 2, file:line)', async () => {
    const home = path.join(s.dir, 'redis-live');
    await fsp.mkdir(home, { recursive: true });
    await fsp.writeFile(path.join(home, 'dump.rdb'), 'REDIS0011 production');
    await fsp.writeFile(path.join(home, 'redis.conf'), `# production config\nport 6399\ndir ${home}\npidfile ${home}/redis.pid\n`);
    const file = await writeProfile('redis-copy', {
      target: { ...base, name: 'redis', startCommand: [REDIS, '{home}/redis.conf', '--port', '{port}'], home, configFile: 'redis.conf' },
    });
    const res = await runHunt(s, args(file, 'refused', 'graceful-shutdown'));
    expect(res.code, res.stderr).toBe(2);
    expect(res.stderr).toContain(`${path.join(home, 'redis.conf')}:3:5: names ${home} (target.home)`);
    expect(res.stderr).toMatch(/chaos\.sandbox\.files/);
    expect(await fsp.readdir(path.join(s.tmp, 'hunt-chaos')).catch(() => [])).toEqual([]); // nothing was started or created
  });

  it('redis and nginx run from chaos.sandbox.files templates: every path in the sandbox, the scenarios pass', async () => {
    const redis = await runHunt(s, args(await redisProfile('redis'), 'redis', 'graceful-shutdown,crash-recovery'), { timeoutMs: 180_000 });
    const rr = await readReport(s, path.join(s.dir, 'out-redis'));
    for (const x of rr.checks) expect(x.status, why(x)).toBe('pass');
    expect(redis.code).toBe(0);
    const nginx = await runHunt(s, args(await nginxProfile('nginx'), 'nginx', 'graceful-shutdown'), { timeoutMs: 180_000 });
    const nr = await readReport(s, path.join(s.dir, 'out-nginx'));
    for (const x of nr.checks) expect(x.status, why(x)).toBe('pass');
    expect(nginx.code).toBe(0);
  });

  it('after SIGKILL of hunt mid-chaos, the next run ends nginx master + workers and redis (titles rewritten)', async () => {
    const specs = [
      { name: 'nginx', file: await nginxProfile('nginx-kill', { signalRestart: { signal: 'SIGUSR1', settleMs: 120_000 } }), scenario: 'signal-restart' },
      // SIGWINCH: ignored by redis, so it keeps serving while the settle window holds the lane open
      { name: 'redis', file: await redisProfile('redis-kill', { signalRestart: { signal: 'SIGWINCH', settleMs: 120_000 } }), scenario: 'signal-restart' },
    ];
    // both hunts run at once (a later start would itself reclaim the first one's lanes)
    const runs = specs.map((x) => {
      let child: ChildProcess | null = null;
      const done = runHunt(s, args(x.file, `${x.name}-kill`, x.scenario), { timeoutMs: 180_000, onStart: (c) => (child = c) });
      return { ...x, done, child: () => child! };
    });
    const lanes: Array<{ name: string; pids: number[] }> = [];
    for (const r of runs) {
      // the daemon is up in its lane cgroup (the lock names it): its processes, whatever they renamed themselves to
      let pids: number[] = [];
      const up = await eventually(async () => {
        const parent = path.join(s.tmp, 'hunt-chaos');
        for (const d of await fsp.readdir(parent).catch(() => [])) {
          const lock = JSON.parse(await fsp.readFile(path.join(parent, d, 'hunt.lock'), 'utf8').catch(() => '{}')) as { cgroup?: string; runId?: string };
          if (lock.runId !== `${r.name}-kill` || !lock.cgroup) continue;
          const table = new Map((await listProcesses()).map((p) => [p.pid, p]));
          // by the titles the daemons give themselves: the lane's namespace holder, its wrapper and a starting
          // instance also have the lane path (so "nginx"/"redis") in their command lines, and they come and go
          const serving = r.name === 'nginx' ? /^nginx: (master|worker) process/ : /^\S*redis-server \S*:\d+/;
          pids = (await cgroupPids(lock.cgroup)).filter((p) => serving.test(table.get(p)?.command ?? ''));
        }
        return r.name === 'nginx' ? pids.length >= 3 : pids.length >= 1; // master + 2 workers
      }, 60_000);
      expect(up, `${r.name} never came up in its lane`).toBe(true);
      lanes.push({ name: r.name, pids });
    }
    for (const r of runs) r.child().kill('SIGKILL');
    for (const r of runs) expect((await r.done).signal).toBe('SIGKILL');
    for (const l of lanes) {
      expect(l.pids.filter(isRunning), `${l.name} outlives its SIGKILLed hunt`).toEqual(l.pids);
      const cmds = (await listProcesses()).filter((p) => l.pids.includes(p.pid)).map((p) => p.command);
      expect(cmds.join('\n')).toMatch(l.name === 'nginx' ? /nginx: master process[\s\S]*nginx: worker process/ : /redis-server .*:\d+/);
    }
    // any next run: a quick scenario of another profile reclaims both dead runs first
    const next = await runHunt(s, args(await redisProfile('redis-next'), 'next', 'bad-config'), { timeoutMs: 180_000 });
    expect(next.code, next.stderr).toBe(0);
    const report = await readReport(s, path.join(s.dir, 'out-next'));
    const reclaimed = (report.metadata?.chaos as { reclaimed: Array<{ killed: number[]; reason: string }> }).reclaimed;
    const killed = reclaimed.flatMap((r) => r.killed);
    for (const l of lanes) {
      expect(killed, l.name).toEqual(expect.arrayContaining(l.pids));
      expect(await eventually(() => l.pids.every((p) => !isRunning(p)), 10_000), `${l.name} processes left: ${l.pids.filter(isRunning)}`).toBe(true);
    }
  });
});
