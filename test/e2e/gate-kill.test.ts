/**
 * The kill matrix: SIGKILL `hunt release-gate` during each phase T0..T4 (the phase is read from
 * journal.ndjson as it is written), then `--resume` like an operator would. The final report must equal an
 * uninterrupted run's (apart from timings), no step with side effects may have run twice, and nothing the
 * gate started may be left running.
 *
 * The target here is a live sample gateway the test starts itself (the non-demo path: hunt gates a
 * daemon that is already running). Its profile wraps the commands in step.sh, which records every run of
 * update/restart in a counter file before acting and sleeps a little, so each phase lasts long enough to
 * be hit.
 */
import { beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { freePort } from '../../src/runtime/ports.js';
import type { HuntReportV1 } from '../../src/core/report-types.js';
import {
  GATEWAY,
  STEP,
  cleanup,
  counts,
  essence,
  gatewayAsync,
  journal,
  makeSandbox,
  sandboxFor,
  report,
  runHunt,
  spawnHunt,
  tagged,
  type Sandbox,
} from '../fixtures/gate/harness.js';

const TOKEN = 'kill-matrix-token-6d1f0e9a';

interface Live {
  sb: Sandbox;
  home: string;
  port: number;
  profile: string;
  counter: string;
  out: string;
  targetEnv: NodeJS.ProcessEnv;
  /** The file that releases a held restart step (see step.sh --hold), when the profile holds it. */
  holdRestart?: string;
}

/**
 * A sandbox with a running sample gateway and a profile that gates it through step.sh wrappers. The tests run
 * concurrently (each is mostly waiting on the gate's sleeps), so each removes its own sandbox when it finishes.
 */
async function liveTarget(onFinished: TestContext['onTestFinished'] | null, hold = false): Promise<Live> {
  const sb = onFinished ? await sandboxFor(onFinished) : await makeSandbox();
  const holdRestart = hold ? path.join(sb.dir, 'release-restart') : undefined;
  const home = path.join(sb.dir, 'gw-home');
  const port = await freePort();
  const counter = path.join(sb.dir, 'counter.txt');
  const node = process.execPath;
  const wrap = (label: string | null, sleepMs: number, ...cmd: string[]) => [
    '/bin/sh',
    STEP,
    ...(label ? ['--count', counter, '--label', label] : []),
    ...(label === 'restart' && holdRestart ? ['--hold', holdRestart] : []),
    '--sleep',
    String(sleepMs),
    '--',
    ...cmd,
  ];
  const profile = {
    target: {
      name: 'kill-matrix-gateway',
      versionCommand: wrap(null, 250, node, GATEWAY, '--version'),
      statusCommand: [node, GATEWAY, 'status'],
      startCommand: [node, GATEWAY, 'start', '--port', '{port}'],
      updateCommand: wrap('update', 400, node, GATEWAY, 'update', '--to', '2.0.0'),
      restartCommand: wrap('restart', 400, node, GATEWAY, 'restart', '--port', '{port}'),
      verifyCommand: [node, GATEWAY, 'status'],
      port,
      healthUrl: 'http://127.0.0.1:{port}/healthz',
      home,
      homeEnv: 'SAMPLE_GATEWAY_HOME',
      portEnv: 'SAMPLE_GATEWAY_PORT',
      env: { SAMPLE_GATEWAY_TOKEN: TOKEN },
      requiredEnv: ['SAMPLE_GATEWAY_TOKEN'],
      secretEnv: ['SAMPLE_GATEWAY_TOKEN'],
      configFile: 'config.json',
    },
    logs: [{ source: 'gateway-err', path: '{home}/logs/gateway.err.log', timestamp: { format: 'iso' } }],
    signatures: [{ name: 'fatal_crash', source: 'gateway-err', pattern: 'FATAL', kind: 'crash' }],
    // other suites create and remove /tmp entries on this shared machine: unattributed changes are noise here
    chaos: { badConfig: { deadlineMs: 10000, messagePattern: 'invalid config' }, isolation: { unattributed: 'ignore' } },
    gate: {
      tests: [{ id: 'smoke', command: wrap('test', 500, node, GATEWAY, 'probe', '--port', '{port}'), policy: 'strict', timeoutMs: 30000 }],
      observe: { intervalMs: 500 },
    },
  };
  const file = path.join(sb.dir, 'hunt.config.json');
  writeFileSync(file, JSON.stringify(profile, null, 2));
  const targetEnv = { ...sb.env, SAMPLE_GATEWAY_HOME: home, SAMPLE_GATEWAY_TOKEN: TOKEN };
  const started = await gatewayAsync(['start', '--detach', '--port', String(port)], targetEnv);
  expect(started.status, started.stderr).toBe(0);
  return { sb, home, port, profile: file, counter, out: path.join(sb.dir, 'gate'), targetEnv, holdRestart };
}

const gateArgs = (l: Live) => [
  'release-gate',
  '--config',
  l.profile,
  '--release',
  '2.0.0',
  '--run-id',
  'kill-matrix',
  '--out-dir',
  l.out,
  '--expect-version',
  '2.0.0',
  '--scenarios',
  'bad-config',
  '--observe-seconds',
  '2',
];

/** Pids of the live target's tree (lock owner + descendants). */
async function targetPids(l: Live): Promise<Set<number>> {
  const st = await gatewayAsync(['status'], l.targetEnv);
  const pid = Number(/pid=(\d+)/.exec(st.stdout)?.[1]);
  const { processTree } = await import('../../src/runtime/proctable.js');
  return new Set((await processTree(pid)).map((p) => p.pid));
}

async function waitUntil(fn: () => boolean | Promise<boolean>, timeoutMs: number, everyMs = 5): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await fn()) return true;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return false;
}

let reference: ReturnType<typeof essence>;

beforeAll(async () => {
  const l = await liveTarget(null);
  try {
    const res = await runHunt(l.sb, gateArgs(l));
    expect(res.code, `${res.stdout}\n${res.stderr}`).toBe(0);
    reference = essence(report(l.out));
    expect(reference.verdict).toBe('pass');
    expect(counts(l.counter)).toMatchObject({ update: 1, restart: 1 });
    await gatewayAsync(['stop'], l.targetEnv);
  } finally {
    await cleanup(l.sb);
  }
}, 120_000);

// Six independent sandboxes: run side by side (each test mostly waits on the gate; the file was the suite's
// longest pole at 60-70 s in sequence).
describe.concurrent('gate kill', () => {
  describe('resume refusal of an interrupted restart', () => {
    it('SIGKILL mid-restart: --resume exits 2 with the operator message, and after --accept-step the gate completes without restarting again', async ({
      onTestFinished,
    }) => {
      // The restart step holds (after recording that it ran) until the test releases it: the kill lands inside
      // t1_restart however slow the machine is (with a timed window it once landed just after it).
      const l = await liveTarget(onTestFinished, true);
      const hold = l.holdRestart as string;
      const { child, done } = spawnHunt(l.sb, gateArgs(l));
      const hit = await waitUntil(() => journal(l.out).some((r) => r.t === 'started' && r.step === 't1_restart') && counts(l.counter).restart === 1, 60_000);
      child.kill('SIGKILL');
      await done;
      expect(hit).toBe(true);
      const refused = await runHunt(l.sb, ['release-gate', '--resume', l.out]);
      expect(refused.code, refused.stderr).toBe(2);
      expect(refused.stderr).toContain(`hunt: error: the interrupted gate in ${l.out} cannot resume on its own: t1_restart may or may not have run`);
      expect(refused.stderr).toMatch(/phase T1 \(change\): step t1_restart \(restart the target\) has an intent in the journal but no result/);
      expect(refused.stderr).toMatch(/pid \d+ of the interrupted attempt (is STILL RUNNING|has exited)/);
      expect(refused.stderr).toContain('last durable artifact: checks/t1_update.json (step t1_update: pass');
      expect(refused.stderr).toContain(`hunt release-gate --resume ${l.out} --accept-step t1_restart`);
      expect(journal(l.out).filter((r) => r.t === 'resume')).toEqual([]); // a refusal writes nothing
      writeFileSync(hold, ''); // the interrupted restart goes on
      // the operator waits for the interrupted restart, sees it took effect (the counter), and accepts it
      expect(await waitUntil(async () => !(await tagged(l.sb)).some((p) => p.command.includes('step.sh')), 30_000, 50)).toBe(true);
      expect(counts(l.counter).restart).toBe(1);
      const res = await runHunt(l.sb, ['release-gate', '--resume', l.out, '--accept-step', 't1_restart', '--json']);
      expect(res.code, res.stderr).toBe(0);
      expect(essence(report(l.out))).toEqual(reference);
      expect(report(l.out).checks.find((c) => c.id === 't1_restart')?.summary).toMatch(/accepted by the operator/);
      expect(counts(l.counter)).toMatchObject({ update: 1, restart: 1 });
      const again = await runHunt(l.sb, ['release-gate', '--resume', l.out, '--accept-step', 't1_restart']);
      expect([again.code, again.stderr]).toEqual([2, expect.stringMatching(/t1_restart: the step is not interrupted \(it has a result\)/)]);
      expect((await gatewayAsync(['stop'], l.targetEnv)).status).toBe(0);
      expect(await waitUntil(async () => (await tagged(l.sb)).length === 0, 10_000, 50)).toBe(true);
    });
  });

  describe('kill matrix: SIGKILL during each phase, then --resume', () => {
    for (const phase of ['T0', 'T1', 'T2', 'T3', 'T4']) {
      it(`SIGKILL during ${phase}: the resumed report equals an uninterrupted run's, nothing ran twice, nothing left behind`, async ({ onTestFinished }) => {
        const l = await liveTarget(onTestFinished);
        const { child, done } = spawnHunt(l.sb, gateArgs(l));
        const hit = await waitUntil(() => journal(l.out).some((r) => r.t === 'intent' && r.phase === phase), 60_000);
        child.kill('SIGKILL');
        await done;
        expect(hit, `phase ${phase} never started`).toBe(true);
        expect(journal(l.out).some((r) => r.t === 'done')).toBe(false);

        // The operator: resume; when the gate refuses, wait for the interrupted command, check whether it took
        // effect (the counter file stands in for looking at the target), perform it by hand if not, then accept.
        const accepts: string[] = [];
        let res = await runHunt(l.sb, ['release-gate', '--resume', l.out, '--json']);
        for (let i = 0; i < 3 && res.code === 2; i++) {
          const step = /--accept-step (t1_\w+)/.exec(res.stderr)?.[1];
          expect(step, res.stderr).toBeDefined();
          expect(res.stderr).toMatch(/phase T1 \(change\): step t1_\w+ .* has an intent in the journal but no result/);
          expect(res.stderr).toMatch(/last durable artifact: /);
          await waitUntil(async () => !(await tagged(l.sb)).some((p) => p.command.includes('step.sh')), 30_000, 50);
          const label = step === 't1_update' ? 'update' : 'restart';
          if (!counts(l.counter)[label]) {
            const by = label === 'update' ? ['update', '--to', '2.0.0'] : ['restart', '--port', String(l.port)];
            expect((await gatewayAsync(by, l.targetEnv)).status).toBe(0);
            writeFileSync(l.counter, `manual-${label} 0 by-hand\n`, { flag: 'a' });
          }
          accepts.push(step!);
          res = await runHunt(l.sb, ['release-gate', '--resume', l.out, ...accepts.flatMap((s) => ['--accept-step', s]), '--json']);
        }
        const final: HuntReportV1 = report(l.out);
        const evidence = final.checks.filter((x) => x.status !== 'pass' && x.status !== 'skip').map((x) => JSON.stringify(x));
        expect(essence(final), `${res.stdout}\n${res.stderr}\n${evidence.join('\n')}`).toEqual(reference);
        expect(res.code, `${res.stdout}\n${res.stderr}`).toBe(0);
        expect(JSON.parse(res.stdout)).toMatchObject({ verdict: 'pass', resumed: true });
        const c = counts(l.counter);
        expect((c.update ?? 0) + (c['manual-update'] ?? 0)).toBe(1); // the side effects happened exactly once
        expect((c.restart ?? 0) + (c['manual-restart'] ?? 0)).toBe(1);
        expect(journal(l.out).at(-1)).toMatchObject({ t: 'done', verdict: 'pass' });

        // nothing of the gate is left: only the live target's own tree carries the tag, and then nothing
        const tree = await targetPids(l);
        const stray = (await tagged(l.sb)).filter((p) => !tree.has(p.pid));
        expect(stray).toEqual([]);
        expect((await gatewayAsync(['stop'], l.targetEnv)).status).toBe(0);
        expect(await waitUntil(async () => (await tagged(l.sb)).length === 0, 10_000, 50)).toBe(true);
      });
    }
  });
});
