import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { supervise, type Supervised } from '../../src/runtime/supervisor.js';
import { sameProcess, sampleTable, trackedLive, type TrackedProc } from '../../src/runtime/proctrack.js';
import { cgroupSupport, createLaneCgroup, killCgroup, laneCgroupName } from '../../src/runtime/cgroup.js';
import { listProcesses, type ProcInfo } from '../../src/runtime/proctable.js';
import { runTeardown } from '../../src/runtime/teardown.js';
import { processesWithEnv } from '../../src/runtime/envscan.js';
import { eventually, killTagged, newTag, tagged } from '../e2e/chaos-helpers.js';

// Real process trees: a parent that starts a worker and a setsid'd grandchild that escapes the group.
const tag = newTag();
let dir: string;
const started: Supervised[] = [];
let seq = 0;
let current = 0;

const TREE = `
const { spawn } = require('node:child_process');
const worker = spawn(process.execPath, ['-e', 'process.on("SIGTERM",()=>process.exit(0)); setInterval(()=>{},1000)'], { stdio: 'ignore' });
const escaped = spawn(process.execPath, ['-e', 'setInterval(()=>{},1000)'], { stdio: 'ignore', detached: true });
escaped.unref();
// the handler goes in before the pids are printed: the test may signal as soon as it reads them
process.on('SIGTERM', () => { worker.kill('SIGTERM'); process.exit(0); });
console.log('tree', process.pid, worker.pid, escaped.pid);
setInterval(() => {}, 1000);
`;

function start(script: string, extraEnv: Record<string, string> = {}): Supervised {
  const n = ++seq;
  current = n;
  const s = supervise({
    command: [process.execPath, '-e', script],
    cwd: dir,
    env: { ...process.env, HUNT_TEST_TAG: tag, ...extraEnv },
    stdoutFile: path.join(dir, `${n}.out`),
    stderrFile: path.join(dir, `${n}.err`),
    sampleIntervalMs: 25,
  });
  started.push(s);
  return s;
}

async function pidsFromOutput(): Promise<number[]> {
  const n = current;
  let line = '';
  await eventually(async () => {
    line = (await fsp.readFile(path.join(dir, `${n}.out`), 'utf8').catch(() => '')).split('\n').find((l) => l.startsWith('tree ')) ?? '';
    return line !== '';
  });
  return line.split(' ').slice(1).map(Number);
}

/** Gone from the process table (a zombie awaiting its reaper counts as gone). */
async function gone(pid: number): Promise<boolean> {
  return !(await listProcesses()).some((p) => p.pid === pid);
}

beforeAll(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'hunt-sup-test-'));
});
afterEach(async () => {
  for (const s of started.splice(0)) {
    await s.stop(500);
    s.dispose();
  }
});
afterAll(async () => {
  const left = await tagged(tag);
  await killTagged(tag);
  await fsp.rm(dir, { recursive: true, force: true });
  expect(left).toEqual([]);
});

describe('supervisor (real processes)', () => {
  it('starts the target in its own process group with output in files', async () => {
    const s = start('console.log("hello"); console.error("oops"); setInterval(()=>{},1000)');
    await eventually(async () => (await fsp.readFile(path.join(dir, `${current}.err`), 'utf8').catch(() => '')).includes('oops'));
    const row = (await listProcesses()).find((p) => p.pid === s.pid)!;
    expect(row.pgid).toBe(s.pid);
    expect(await fsp.readFile(path.join(dir, `${current}.out`), 'utf8')).toBe('hello\n');
    expect(s.running()).toBe(true);
  });

  it('tracks every descendant, even one that left the group and re-parented, and stop() ends them all', async () => {
    const s = start(TREE);
    const [parent, worker, escaped] = await pidsFromOutput();
    expect(parent).toBe(s.pid);
    expect(await eventually(async () => (await s.live()).length === 3)).toBe(true);
    expect(
      s
        .seen()
        .map((p) => p.pid)
        .sort((a, b) => a - b),
    ).toEqual([parent, worker, escaped].sort((a, b) => a - b));
    // the root exits by itself on SIGTERM: the setsid child survives it and is re-parented
    await s.signal('SIGTERM', 'root');
    expect((await s.waitExit(30_000))?.exitCode).toBe(0);
    // the worker ends just after its parent; the setsid'd one never does
    let live = await s.live();
    await eventually(async () => (live = await s.live()).length === 1, 30_000);
    expect(live.map((p) => p.pid)).toEqual([escaped]);
    expect(live[0].ppid).not.toBe(parent);
    const res = await s.stop(1000);
    expect(res.survivors).toEqual([]);
    expect(await eventually(() => gone(escaped), 30_000)).toBe(true);
    expect(await s.live()).toEqual([]);
  });

  it('SIGKILLs what ignores SIGTERM after the grace period', async () => {
    const s = start('process.on("SIGTERM",()=>{}); console.log("tree", process.pid); setInterval(()=>{},1000)');
    await pidsFromOutput();
    const res = await s.stop(300);
    expect(res.graceful).toBe(false);
    expect(res.killed).toContain(s.pid);
    expect((await s.exited).signal).toBe('SIGKILL');
  });

  it('a graceful target stops within the grace period without SIGKILL', async () => {
    const s = start('process.on("SIGTERM",()=>process.exit(0)); console.log("tree", process.pid); setInterval(()=>{},1000)');
    await pidsFromOutput();
    const res = await s.stop(5000);
    expect(res).toEqual({ graceful: true, killed: [], survivors: [] });
    expect((await s.exited).exitCode).toBe(0);
  });

  it('reports a spawn failure instead of throwing', async () => {
    const s = supervise({
      command: ['/nonexistent/hunt-no-such-binary'],
      cwd: dir,
      env: { PATH: '' },
      stdoutFile: path.join(dir, 'x.out'),
      stderrFile: path.join(dir, 'x.err'),
    });
    const exit = await s.exited;
    expect(exit.spawnError).toMatch(/ENOENT/);
    expect(s.running()).toBe(false);
    s.dispose();
  });

  it('teardown (what SIGINT to hunt runs) kills every supervised tree, escapees included', async () => {
    const s = start(TREE);
    const [, , escaped] = await pidsFromOutput();
    await eventually(async () => s.seen().length === 3);
    await runTeardown();
    expect(await eventually(async () => (await gone(escaped)) && !s.running(), 30_000)).toBe(true);
    started.length = 0;
  });

  it('the environment marker finds an escaped process the tree walk lost', async () => {
    const marker = `HUNT_FIND_ME=${tag}-marker`;
    const s = start(TREE, { HUNT_FIND_ME: `${tag}-marker` });
    const [, , escaped] = await pidsFromOutput();
    const found = await processesWithEnv(marker);
    expect(found.map((p) => p.pid)).toContain(escaped);
    expect(found.map((p) => p.pid)).toContain(s.pid);
  });
});

describe('cgroup-scoped sampling (root with cgroup v2: what chaos lanes get)', async () => {
  const support = process.getuid?.() === 0 ? await cgroupSupport() : null;
  it.skipIf(!support?.ok)('a tree in a cgroup is sampled from the cgroup alone, yet fully tracked; an unscoped read still sees the machine', async () => {
    if (!support?.ok) return;
    const cg = await createLaneCgroup(support.base, laneCgroupName(process.pid, 'test', `${tag}-${++seq}`));
    try {
      // the same wrapper shape as a lane's: join the cgroup, then exec the target
      const s = supervise({
        command: [process.execPath, '-e', TREE],
        cwd: dir,
        env: { ...process.env, HUNT_TEST_TAG: tag },
        stdoutFile: path.join(dir, `${++seq}.out`),
        stderrFile: path.join(dir, `${seq}.err`),
        sampleIntervalMs: 25,
        wrap: (argv) => ['/bin/sh', '-c', 'echo $$ > "$1/cgroup.procs" && shift && exec "$@"', 'lane', cg, ...argv],
        cgroup: cg,
      });
      started.push(s);
      current = seq;
      const [parent, worker, escaped] = await pidsFromOutput();
      expect(await eventually(async () => (await s.live()).length === 3)).toBe(true);
      expect(s.seen().map((p) => p.pid).sort((a, b) => a - b)).toEqual([parent, worker, escaped].sort((a, b) => a - b));
      // a scoped read right after a whole one holds the cgroup's members only (the setsid'd one too), not us
      let scoped: number[] = [];
      await eventually(async () => {
        await sampleTable(Date.now());
        scoped = (await sampleTable(Date.now(), cg)).map((p) => p.pid);
        return !scoped.includes(process.pid);
      });
      expect(scoped.sort((a, b) => a - b)).toEqual([parent, worker, escaped].sort((a, b) => a - b));
      expect((await sampleTable(Date.now())).map((p) => p.pid)).toContain(process.pid);
      const res = await s.stop(2000);
      expect(res.survivors).toEqual([]);
      expect(await eventually(() => gone(escaped), 30_000)).toBe(true);
    } finally {
      await killCgroup(cg);
    }
  });
});

describe('tree identity (pure)', () => {
  const row = (pid: number, ppid: number, uptimeSec: number | null, name = 'node', pgid = pid): ProcInfo => ({
    pid,
    ppid,
    pgid,
    rssKb: 0,
    uptimeSec,
    name,
    command: name,
    state: 'S',
  });
  const tracked = (pid: number, startKey: number | null, name = 'node'): TrackedProc => ({
    pid,
    ppid: 1,
    pgid: pid,
    name,
    command: name,
    startKey,
    firstSeenMs: 0,
    lastSeenMs: 0,
  });
  it('a recycled pid (later start time) is not the tracked process', () => {
    const now = 1_000_000_000;
    expect(sameProcess(row(5, 1, 10), tracked(5, 1_000_000 - 10), now)).toBe(true);
    expect(sameProcess(row(5, 1, 1), tracked(5, 1_000_000 - 60), now)).toBe(false);
    expect(sameProcess(row(5, 1, null, 'sh'), tracked(5, null, 'node'), now)).toBe(false);
  });
  it('live = running root + remembered processes + their descendants; never the root after it exited', () => {
    const now = 1_000_000_000;
    const table = [row(10, 1, 5), row(11, 10, 5, 'node', 10), row(20, 1, 5), row(21, 20, 1), row(30, 1, 5)];
    const t = new Map([
      [10, tracked(10, null)],
      [20, tracked(20, 1_000_000 - 5)],
    ]);
    expect(trackedLive(10, t, table, true, now).map((p) => p.pid)).toEqual([10, 11, 20, 21]);
    expect(trackedLive(10, t, table, false, now).map((p) => p.pid)).toEqual([20, 21]);
    // a table read before the root appeared still counts the running root as part of its tree
    expect(trackedLive(10, t, table.slice(1), true, now).map((p) => p.pid)).toEqual([10, 11, 20, 21]);
  });
});
