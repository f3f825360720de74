/** Pure parts of lane containment: cgroup discovery, the registry, production coverage, the mount plan, the input scan, start-up deadlines. */
import { describe, expect, it } from 'vitest';
import { isLaneCgroupPath, laneCgroupName, parseCgroup2Mount, parseLaneCgroupName, parseOwnCgroup } from '../../src/runtime/cgroup.js';
import { parseRegistry } from '../../src/runtime/registry.js';
import { parseStartId } from '../../src/runtime/proctable.js';
import { fdinfoWrites } from '../../src/runtime/fdsample.js';
import { laneArgv, renderMountScript, shq } from '../../src/runtime/mountns.js';
import { mountPlan, overlayMounts, protectedPaths, unmountable, type Coverage } from '../../src/chaos/protect.js';
import { findProductionPaths } from '../../src/chaos/path-scan.js';
import { StartupClock } from '../../src/chaos/startup.js';
import { scenarioSettings, startupTimeoutMs } from '../../src/chaos/settings.js';
import { requestedContainment } from '../../src/chaos/containment.js';
import { configSchema } from '../../src/config/schema.js';
import { expand, expandCommand } from '../../src/config/placeholders.js';

const HYBRID = `30 22 0:27 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
31 30 0:28 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
40 30 0:37 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
41 26 0:38 / /mnt/with\\040space rw - cgroup2 none rw`;

describe('cgroup v2 discovery', () => {
  it('finds the v2 mount in mountinfo (hybrid hierarchy: not at /sys/fs/cgroup), and our own cgroup', () => {
    expect(parseCgroup2Mount(HYBRID)).toBe('/sys/fs/cgroup/unified');
    expect(parseCgroup2Mount('41 26 0:38 / /mnt/with\\040space rw - cgroup2 none rw')).toBe('/mnt/with space');
    expect(parseCgroup2Mount('31 30 0:28 / /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu')).toBeNull();
    expect(parseOwnCgroup('4:memory:/x\n0::/user.slice/s.scope\n')).toBe('/user.slice/s.scope');
    expect(parseOwnCgroup('0::/\n')).toBe('/');
    expect(parseOwnCgroup('4:memory:/x\n')).toBeNull();
  });
  it('lane cgroups are named after their owner, and only those under a hunt-chaos base are ever killed', () => {
    const name = laneCgroupName(4242, '987654', 'r1-bad-config-AbC');
    expect(parseLaneCgroupName(name)).toEqual({ pid: 4242, start: '987654' });
    expect(parseLaneCgroupName('probe.4242')).toBeNull();
    expect(parseLaneCgroupName('system.slice')).toBeNull();
    const m = '/sys/fs/cgroup/unified';
    expect(isLaneCgroupPath(`${m}/hunt-chaos/${name}`, m)).toBe(true);
    expect(isLaneCgroupPath(`${m}/user.slice/hunt-chaos/${name}`, m)).toBe(true);
    expect(isLaneCgroupPath(`${m}/system.slice/${name}`, m)).toBe(false);
    expect(isLaneCgroupPath(`/elsewhere/hunt-chaos/${name}`, m)).toBe(false);
    expect(isLaneCgroupPath(`${m}/hunt-chaos/../system.slice`, m)).toBe(false);
  });
});

describe('process identity', () => {
  it('start ids come from /proc/<pid>/stat (comm with spaces and parens), zombies have none', () => {
    const f = (state: string) => `123 (a (b) c) ${state} 1 123 123 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 55501 1000 10`;
    expect(parseStartId(f('S'))).toBe('55501');
    expect(parseStartId(f('Z'))).toBeNull();
  });
  it('the registry keeps one entry per (pid, start) and skips torn lines', () => {
    const text =
      '{"pid":10,"start":"5","name":"a"}\n{"pid":10,"start":"5","name":"a"}\n{"pid":11,"start":"6","na\n{"pid":1,"start":"1","name":"init"}\n{"pid":12,"start":null,"name":"x"}\n';
    expect(parseRegistry(text).map((e) => `${e.pid}:${e.start}`)).toEqual(['10:5', '12:null']);
  });
  it('fdinfo flags tell a file opened for writing', () => {
    expect(fdinfoWrites('pos:\t0\nflags:\t0102001\nmnt_id:\t26\n')).toBe(true); // O_WRONLY|O_APPEND|O_CREAT
    expect(fdinfoWrites('pos:\t0\nflags:\t0100002\n')).toBe(true); // O_RDWR
    expect(fdinfoWrites('pos:\t0\nflags:\t0100000\n')).toBe(false); // O_RDONLY
  });
});

describe('production coverage and the mount plan', () => {
  const bound = {
    target: { home: '/var/lib/app', pidFile: '/run/app/app.pid' },
    logs: [{ path: '/var/log/app/app.log' }, { path: '/var/lib/app/logs/x.log' }],
    protect: ['/etc/app', '/var/lib/app'],
  } as unknown as Parameters<typeof protectedPaths>[0];
  it("home, logs, pid file, chaos.protect and hunt's working directory, once each", () => {
    expect(protectedPaths(bound, '/work/repo').map((p) => `${p.why}:${p.path}`)).toEqual([
      'home:/var/lib/app',
      'log:/var/log/app/app.log',
      'log:/var/lib/app/logs/x.log',
      'pid-file:/run/app/app.pid',
      'protect:/etc/app',
      'cwd:/work/repo',
    ]);
  });
  it('never mounts over /, kernel trees, the private dirs or the sandboxes', () => {
    for (const d of ['/', '/proc', '/proc/1', '/sys/fs', '/dev', '/tmp', '/var/tmp', '/tmp/x/hunt-chaos', '/tmp/x'])
      expect(unmountable(d, '/tmp/x/hunt-chaos'), d).not.toBeNull();
    expect(unmountable('/var/lib/app', '/tmp/x/hunt-chaos')).toBeNull();
    expect(unmountable('/tmp/prod', '/tmp/x/hunt-chaos')).toBeNull();
  });
  it('an overlay inside another is dropped; paths under /tmp are re-exposed inside the private /tmp', () => {
    const cov: Coverage[] = [
      { path: '/tmp/t/home', why: 'home', how: 'overlay', mount: '/tmp/t/home' },
      { path: '/tmp/t/home/logs/a.log', why: 'log', how: 'overlay', mount: '/tmp/t/home/logs' },
      { path: '/var/log/app/app.log', why: 'log', how: 'overlay', mount: '/var/log/app' },
      { path: '/etc/app.conf', why: 'protect', how: 'read-only', mount: '/etc/app.conf' },
      { path: '/', why: 'cwd', how: 'none', mount: null, note: 'root' },
    ];
    expect(overlayMounts(cov)).toEqual(['/tmp/t/home', '/var/log/app']);
    const places = {
      root: '/tmp/p/hunt-chaos/sb',
      privates: { '/tmp': '/tmp/p/hunt-chaos/sb/ns/tmp', '/var/tmp': '/tmp/p/hunt-chaos/sb/ns/var-tmp' },
      overlayDir: '/tmp/p/hunt-chaos/sb/ns/overlay',
    };
    const { plan } = mountPlan(cov, places, ['/tmp/cfg', '/usr/bin', '/tmp/p/hunt-chaos/sb/home/x']);
    expect(plan.overlays.map((o) => o.path)).toEqual(['/tmp/t/home', '/var/log/app']);
    expect(plan.readOnly).toEqual(['/etc/app.conf']);
    expect(plan.privates[0].expose).toEqual([
      { path: '/tmp/p/hunt-chaos/sb', readOnly: false },
      { path: '/tmp/t/home', readOnly: false },
      { path: '/tmp/cfg', readOnly: true },
    ]);
    expect(plan.privates[1].expose).toEqual([]);
    const script = renderMountScript(plan);
    // overlays before the private dirs; a shallower exposure before a deeper one; the ready line last
    expect(script.indexOf("lowerdir='/var/log/app'")).toBeLessThan(script.indexOf("mount --rbind '/tmp/p/hunt-chaos/sb/ns/tmp' '/tmp'"));
    expect(script.indexOf("mount --bind '/tmp/cfg'")).toBeLessThan(
      script.indexOf("mount --bind '/tmp/p/hunt-chaos/sb' '/tmp/p/hunt-chaos/sb/ns/tmp/p/hunt-chaos/sb'"),
    );
    expect(script.trim().split('\n').slice(-2)).toEqual(['echo hunt-lane-ready', 'exec sleep 2147483647']);
  });
  it('shell quoting survives quotes; the lane wrapper joins the cgroup, then the namespace in the work dir', () => {
    expect(shq("it's")).toBe("'it'\\''s'");
    expect(laneArgv(['node', 'x'], { cgroupDir: null, holder: null, cwd: '/w' })).toEqual(['node', 'x']);
    const argv = laneArgv(['node', 'x'], { cgroupDir: '/cg/l', holder: { pid: 77, root: '/sb' }, cwd: '/sb/work' });
    expect(argv.slice(0, 2)).toEqual(['/bin/sh', '-c']);
    expect(argv.slice(3)).toEqual(['hunt-lane', '/cg/l', '77', '/sb', '/sb/work', 'node', 'x']);
    expect(argv[2]).toMatch(/cgroup\.procs[\s\S]*command -v nsenter[\s\S]*exec "\$n" -t "\$h" -m -W "\$wd" -- "\$@"/);
  });
});

describe('production paths in what a lane copies or runs', () => {
  const prod = [
    { path: '/var/lib/redis', why: 'home' as const },
    { path: '/var/log/redis/redis-server.log', why: 'log' as const },
  ];
  it('names line and column of each, on path boundaries only, skipping comments', () => {
    const text =
      '# dir /var/lib/redis\nport 6379\ndir /var/lib/redis\nlogfile "/var/log/redis/redis-server.log"\ndir /var/lib/redis2\npidfile /var/lib/redis/r.pid\n';
    expect(findProductionPaths(text, prod).map((h) => `${h.line}:${h.column} ${h.production.path}`)).toEqual([
      '3:5 /var/lib/redis',
      '4:10 /var/log/redis/redis-server.log',
      '6:9 /var/lib/redis',
    ]);
    expect(findProductionPaths('dir {home}\nx=/var/lib/redis-other', prod)).toEqual([]);
  });
});

describe('lane placeholders', () => {
  it('{sandbox} and {tmp} are filled in a lane and left as written elsewhere; shell strings get them quoted', () => {
    const v = { port: 1, home: '/h', configDir: '/c' };
    expect(expand('pidfile {sandbox}/run/x.pid\ndir {tmp}', v)).toBe('pidfile {sandbox}/run/x.pid\ndir {tmp}');
    expect(expand('pidfile {sandbox}/run/x.pid\ndir {tmp}', { ...v, sandbox: '/sb', tmp: '/sb/tmp' })).toBe('pidfile /sb/run/x.pid\ndir /sb/tmp');
    expect(expandCommand('run --dir {sandbox}', { ...v, sandbox: "/s b'x" })).toBe(`run --dir '/s b'\\''x'`);
  });
});

describe('per-scenario settings and start-up deadlines', () => {
  const cfg = configSchema.parse({
    target: { name: 'd', versionCommand: 'v', statusCommand: 's', startCommand: 'x {port}', port: 1, home: '~/.d', readyTimeoutMs: 20_000 },
    chaos: { upstreamEnv: 'UP', gracefulShutdown: { env: { A: '1' } }, crashRecovery: { upstream: true } },
  });
  it('the upstream only where a scenario uses it (or the profile says so); per-scenario env', () => {
    expect(scenarioSettings('transient-network', cfg.chaos).upstream).toBe(true);
    expect(scenarioSettings('graceful-shutdown', cfg.chaos)).toEqual({ key: 'gracefulShutdown', env: { A: '1' }, upstream: false });
    expect(scenarioSettings('crash-recovery', cfg.chaos).upstream).toBe(true);
    expect(startupTimeoutMs(cfg.chaos, cfg.target)).toBe(20_000);
  });
  it('a start that must fail is judged deadlineMs after the start-up time, capped by the start-up timeout', async () => {
    let calibrations = 0;
    const clock = new StartupClock(60_000, async () => (calibrations++, { ms: 45_000, from: 'calibration start' }));
    const e = await clock.estimate();
    expect(clock.judgeAt(1000, 10_000, e)).toBe(1000 + 45_000 + 10_000);
    clock.observe(300, 'fast'); // a healthy start seen later is better evidence
    expect((await clock.estimate()).ms).toBe(300);
    expect(calibrations).toBe(1);
    expect(clock.judgeAt(0, 10_000, { ms: 600_000, from: 'x' })).toBe(70_000);
    expect(clock.judgeAt(0, 10_000, { ms: null, from: 'never ready' })).toBe(70_000);
  });
  it('HUNT_CHAOS_CONTAINMENT accepts auto and audit-only only (exit 2 otherwise)', () => {
    expect(requestedContainment({})).toBe('auto');
    expect(requestedContainment({ HUNT_CHAOS_CONTAINMENT: 'audit-only' })).toBe('audit-only');
    expect(() => requestedContainment({ HUNT_CHAOS_CONTAINMENT: 'off' })).toThrow(/expected auto or audit-only/);
  });
});
