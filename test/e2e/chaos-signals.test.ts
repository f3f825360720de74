/**
 * hunt itself interrupted: SIGINT mid-run tears every lane down (exit 130, nothing left), and a SIGKILLed
 * hunt's sandbox and gateway are reclaimed by the next run. Plus the exit-2 refusals of the CLI.
 */
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanListeners } from '../../src/probes/listeners.js';
import { bound, entries, eventually, killTagged, newTag, tagged } from './chaos-helpers.js';
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

/** Waits until a gateway of ours (a tagged process other than hunt) listens; returns its pids and ports. */
async function gatewaysUp(huntPid: number): Promise<{ pids: number[]; ports: number[] }> {
  let pids: number[] = [];
  let ports: number[] = [];
  await eventually(async () => {
    pids = (await tagged(s.tag)).map((p) => p.pid).filter((p) => p !== huntPid);
    const mine = new Set(pids);
    ports = (await scanListeners()).listeners.filter((l) => l.pid !== null && mine.has(l.pid)).map((l) => l.port);
    return ports.length > 0;
  }, 30_000);
  return { pids, ports };
}

describe('hunt interrupted', () => {
  it('SIGINT mid-run stops every lane, removes every sandbox, exits 130', async () => {
    const profile = await writeProfile(s, 'sigint', { chaos: { signalRestart: { settleMs: 20_000, deadlineMs: 5000 } } });
    const dir = path.join(s.dir, 'out-sigint');
    let up: { pids: number[]; ports: number[] } = { pids: [], ports: [] };
    const res = await runHunt(
      s,
      [
        'staging-chaos',
        '--config',
        profile,
        '--release',
        'r',
        '--run-id',
        'sigint',
        '--out-dir',
        dir,
        '--concurrency',
        '3',
        '--scenarios',
        'signal-restart,transient-network,already-running',
      ],
      {
        onStart: (c) =>
          void gatewaysUp(c.pid!).then((u) => {
            up = u;
            c.kill('SIGINT');
          }),
      },
    );
    expect(up.ports.length).toBeGreaterThan(0);
    for (const p of up.ports) s.ports.add(p);
    expect(res.code).toBe(130);
    expect(res.stderr).toMatch(/received SIGINT/);
    expect(await tagged(s.tag)).toEqual([]);
    for (const p of up.ports) expect(await bound(p)).toBe(false);
    expect(await entries(path.join(s.tmp, 'hunt-chaos'))).toEqual([]);
  });

  it('a SIGKILLed hunt leaves a sandbox and a gateway; the next run reclaims both', async () => {
    const profile = await writeProfile(s, 'sigkill', { chaos: { signalRestart: { settleMs: 20_000, deadlineMs: 5000 } } });
    let up: { pids: number[]; ports: number[] } = { pids: [], ports: [] };
    const killed = await runHunt(
      s,
      [
        'staging-chaos',
        '--config',
        profile,
        '--release',
        'r',
        '--run-id',
        'killed',
        '--out-dir',
        path.join(s.dir, 'out-killed'),
        '--scenarios',
        'signal-restart',
      ],
      {
        onStart: (c) =>
          void gatewaysUp(c.pid!).then((u) => {
            up = u;
            c.kill('SIGKILL');
          }),
      },
    );
    expect(killed.signal).toBe('SIGKILL');
    for (const p of up.ports) s.ports.add(p);
    const left = await entries(path.join(s.tmp, 'hunt-chaos'));
    expect(left.length).toBe(1);
    expect((await tagged(s.tag)).map((p) => p.pid)).toEqual(expect.arrayContaining(up.pids));

    const dir = path.join(s.dir, 'out-reclaim');
    const next = await runHunt(s, [
      'staging-chaos',
      '--config',
      profile,
      '--release',
      'r',
      '--run-id',
      'next',
      '--out-dir',
      dir,
      '--scenarios',
      'bad-config',
      '--no-render',
    ]);
    expect(next.code).toBe(0);
    const report = await readReport(s, dir);
    const reclaimed = (report.metadata?.chaos as { reclaimed: Array<{ dir: string; killed: number[]; reason: string }> }).reclaimed;
    expect(reclaimed.map((r) => path.basename(r.dir))).toEqual(left);
    expect(reclaimed[0].reason).toMatch(/dead/);
    expect(reclaimed[0].killed).toEqual(expect.arrayContaining(up.pids));
    expect(await tagged(s.tag)).toEqual([]);
    expect(await entries(path.join(s.tmp, 'hunt-chaos'))).toEqual([]);
  });
});

describe('refusals (exit 2, nothing started)', () => {
  it('an unknown scenario lists the valid ones', async () => {
    const res = await runHunt(s, [
      'staging-chaos',
      '--demo',
      '--release',
      'r',
      '--run-id',
      'x',
      '--out-dir',
      path.join(s.dir, 'o1'),
      '--scenarios',
      'port-collision,nope',
    ]);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/unknown scenario nope/);
    expect(res.stderr).toMatch(/valid scenarios: port-collision, already-running, signal-restart/);
  });
  it('a --port range holding the production port is refused', async () => {
    const res = await runHunt(s, ['staging-chaos', '--demo', '--release', 'r', '--run-id', 'x', '--out-dir', path.join(s.dir, 'o2'), '--port', '47811']);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/production port 47811/);
    expect(res.stderr).toMatch(/--port is deprecated, use --base-port/);
  });
  it('--base-port is the scenario base (never the target port); giving both spellings is a usage error', async () => {
    const args = ['staging-chaos', '--demo', '--release', 'r', '--run-id', 'x', '--out-dir', path.join(s.dir, 'o2b')];
    const res = await runHunt(s, [...args, '--base-port', '47808']);
    expect([res.code, res.stderr]).toEqual([2, expect.stringMatching(/--base-port: the scenario ports 47808\.\.47815 include the production port 47811/)]);
    expect(res.stderr).not.toMatch(/deprecated/);
    const both = await runHunt(s, [...args, '--base-port', '40000', '--port', '40000']);
    expect([both.code, both.stderr]).toEqual([2, expect.stringMatching(/give only --base-port/)]);
    const bad = await runHunt(s, [...args, '--base-port', 'x']);
    expect([bad.code, bad.stderr]).toEqual([2, expect.stringMatching(/--base-port: expected an integer from 1 to 65535, got "x"/)]);
  });
  it('required flags are named (--release, unless --demo, which defaults it to "demo")', async () => {
    const res = await runHunt(s, ['staging-chaos', '--run-id', 'x', '--out-dir', path.join(s.dir, 'o3')]);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/missing required option --release <label>/);
  });
  it('a profile whose start command cannot be moved to a sandbox port is refused', async () => {
    const file = await writeProfile(s, 'fixed-port');
    const p = JSON.parse(await fsp.readFile(file, 'utf8'));
    p.target.startCommand = ['{node}', '{packageDir}/bin/hunt-sample-gateway.js', 'start'];
    delete p.target.portEnv;
    await fsp.writeFile(file, JSON.stringify(p));
    const res = await runHunt(s, ['staging-chaos', '--config', file, '--release', 'r', '--run-id', 'x', '--out-dir', path.join(s.dir, 'o4')]);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/must use \{port\}/);
  });
});
