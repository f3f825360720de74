/**
 * hunt collect against a RUNNING sample gateway (temp home, free port, started detached, stopped in afterAll).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { freePort } from '../../src/runtime/ports.js';
import { processTree } from '../../src/runtime/proctable.js';
import type { RuntimeSnapshot } from '../../src/probes/snapshot-types.js';
import { cleanEnv, gatewayBin, hunt, repoRoot, runNode, tempDir } from './collect-helpers.js';

const DEMO_TOKEN = 'demo-token-0123456789abcdef'; // the demo profile's secretEnv value: must never leak
let dir: string;
let cleanup: () => Promise<void>;
let home: string;
let port: number;
let gatewayPid: number;
let gwEnv: NodeJS.ProcessEnv;

const schema = JSON.parse(await readFile(path.join(repoRoot, 'schemas/runtime-snapshot-v1.schema.json'), 'utf8')) as object;
const ajv = new Ajv2020({ allErrors: true, strict: true });
(addFormats as unknown as (a: Ajv2020) => void)(ajv);
const validate = ajv.compile(schema);

const iso = (msAgo: number) => new Date(Date.now() - msAgo).toISOString();

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('hunt-collect-gw-'));
  home = path.join(dir, 'gw-home');
  port = await freePort();
  gwEnv = cleanEnv(dir, { SAMPLE_GATEWAY_HOME: home, SAMPLE_GATEWAY_TOKEN: DEMO_TOKEN });
  const started = await runNode(gatewayBin, ['start', '--detach', '--port', String(port)], { cwd: dir, env: gwEnv, timeoutMs: 30_000 });
  expect(started.code, started.stderr).toBe(0);
  const status = await runNode(gatewayBin, ['status'], { cwd: dir, env: gwEnv });
  gatewayPid = Number(/pid=(\d+)/.exec(status.stdout)?.[1]);
  expect(gatewayPid).toBeGreaterThan(0);

  // Known lines with current timestamps (window), plus an old rotated file (total only).
  const logs = path.join(home, 'logs');
  await mkdir(logs, { recursive: true });
  await appendFile(
    path.join(logs, 'gateway.err.log'),
    [
      `${iso(10 * 60_000)} ERROR upstream unreachable: connect ECONNREFUSED 127.0.0.1:9 token=supersecret123`,
      `${iso(30_000)} FATAL worker crashed`,
      `${iso(10_000)} ERROR upstream unreachable: Authorization: Bearer abcdefghijklmnop1234`,
      '',
    ].join('\n'),
  );
  await writeFile(path.join(logs, 'gateway.err.log.1'), `${iso(5 * 3600_000)} FATAL old crash before the window\n`);
});

afterAll(async () => {
  await runNode(gatewayBin, ['stop', '--force'], { cwd: dir, env: gwEnv, timeoutMs: 30_000 }).catch(() => undefined);
  if (gatewayPid) for (const p of await processTree(gatewayPid)) process.kill(p.pid, 'SIGKILL');
  await cleanup();
});

describe('hunt collect against a running sample gateway', () => {
  it('captures version, status, listener pid, health, process tree and signature counts', async () => {
    const out = path.join(dir, 'snap.json');
    const res = await hunt(['collect', '--demo', '--port', String(port), '--home', home, '--label', 'before', '--output', out], {
      cwd: dir,
      env: cleanEnv(dir),
    });
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain(`snapshot written: ${out}`);
    expect(res.stderr).toContain('log signatures');
    const text = await readFile(out, 'utf8');
    const snap = JSON.parse(text) as RuntimeSnapshot;
    expect(validate(snap), JSON.stringify(validate.errors)).toBe(true);

    expect(snap.label).toBe('before');
    expect(snap.config.demo).toBe(true);
    expect(snap.config.overrides).toEqual([`target.port=${port} (--port)`, `target.home=${home} (--home)`]);
    expect(snap.commands.version).toMatchObject({ exitCode: 0, timedOut: false, parsed: '1.0.0' });
    expect(snap.commands.status).toMatchObject({ exitCode: 0, running: true });
    expect(snap.commands.status.stdout).toContain(`pid=${gatewayPid}`);
    expect(snap.listeners.entries.some((l) => l.port === port && l.pid === gatewayPid)).toBe(true);
    expect(snap.health).toMatchObject({ ok: true, statusCode: 200, error: null });
    expect(snap.process.pid).toBe(gatewayPid);
    expect(snap.process.source).toBe('listener');
    expect(snap.process.tree[0]).toMatchObject({ pid: gatewayPid });
    expect(snap.process.tree.length).toBeGreaterThanOrEqual(2); // the gateway's worker child
    expect(snap.process.tree[0].rssKb).toBeGreaterThan(0);

    const sig = (name: string) => snap.signatures.find((s) => s.name === name)!;
    expect(snap.signatures.map((s) => s.name)).toEqual([
      'fatal_crash',
      'unhandled_rejection',
      'config_invalid',
      'port_in_use',
      'lock_conflict',
      'upstream_unreachable',
      'reload_failed',
      'stale_lock_reclaimed',
    ]);
    expect(sig('fatal_crash')).toMatchObject({ countWindow: 1, countTotal: 2, kind: 'crash', category: 'core' });
    expect(sig('upstream_unreachable')).toMatchObject({ countWindow: 2, countTotal: 2 });
    expect(sig('upstream_unreachable').samples).toHaveLength(2);
    expect(Date.parse(sig('upstream_unreachable').firstSeen!)).toBeLessThan(Date.parse(sig('upstream_unreachable').lastSeen!));
    expect(sig('unhandled_rejection')).toMatchObject({ countWindow: 0, firstSeen: null, lastSeen: null, samples: [] });
    expect(snap.summary).toMatchObject({
      running: true,
      listening: true,
      healthy: true,
      version: '1.0.0',
      signaturesInWindow: 3,
      logSourcesMissing: [],
      commandsTimedOut: [],
    });
    const err = snap.logs.find((l) => l.source === 'gateway-err')!;
    expect(err.missing).toBe(false);
    expect(err.files).toEqual([path.join(home, 'logs/gateway.err.log.1'), path.join(home, 'logs/gateway.err.log')]);
    expect(err.timestampFormat).toBe('iso');

    for (const secret of [DEMO_TOKEN, 'supersecret123', 'abcdefghijklmnop1234']) expect(text).not.toContain(secret);
  });

  it('--json prints one object with the output path; the default output lands in artifacts/hunt/', async () => {
    const res = await hunt(['collect', '--demo', '--port', String(port), '--home', home, '--label', 'json-run', '--window-minutes', '1', '--json'], {
      cwd: dir,
      env: cleanEnv(dir),
    });
    expect(res.code, res.stderr).toBe(0);
    const printed = JSON.parse(res.stdout) as { output: string; label: string; target: { pid: number }; summary: RuntimeSnapshot['summary'] };
    expect(path.dirname(printed.output)).toBe(path.join(dir, 'artifacts', 'hunt'));
    expect(path.basename(printed.output)).toMatch(/^collect-json-run-\d{8}T\d{6}Z\.json$/);
    expect(printed.target.pid).toBe(gatewayPid);
    const snap = JSON.parse(await readFile(printed.output, 'utf8')) as RuntimeSnapshot;
    expect(snap.window.minutes).toBe(1);
    expect(snap.signatures.find((s) => s.name === 'upstream_unreachable')).toMatchObject({ countWindow: 1, countTotal: 2 });
  });
});
