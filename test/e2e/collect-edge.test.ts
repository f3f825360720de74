/**
 * hunt collect edge cases that need no running gateway: a hanging version command, a missing log file,
 * planted secrets in the target's output, and every way the config can be missing or wrong.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { freePort } from '../../src/runtime/ports.js';
import type { RuntimeSnapshot } from '../../src/probes/snapshot-types.js';
import { cleanEnv, hunt, repoRoot, tempDir, writeJson } from './collect-helpers.js';

const PLANTED = ['supersecret123', 'abcdefghijklmnop1234', 'planted-secret-value-42', 'profile-secret-value-77'];
let dir: string;
let cleanup: () => Promise<void>;

const schema = JSON.parse(await readFile(path.join(repoRoot, 'schemas/runtime-snapshot-v1.schema.json'), 'utf8')) as object;
const ajv = new Ajv2020({ allErrors: true, strict: true });
(addFormats as unknown as (a: Ajv2020) => void)(ajv);
const validate = ajv.compile(schema);

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('hunt-collect-edge-'));
});
afterAll(async () => {
  await cleanup();
});

async function profileDir(name: string, profile: unknown): Promise<string> {
  const d = path.join(dir, name);
  await mkdir(d, { recursive: true });
  await writeJson(path.join(d, 'hunt.config.json'), profile);
  return d;
}

describe('hunt collect: log sources hunt cannot read time from', () => {
  it('nginx lines read as ISO: the window count is null, collect warns naming the source; with the preset it counts', async () => {
    const port = await freePort();
    const logDir = path.join(dir, 'nginx-logs');
    await mkdir(logDir, { recursive: true });
    const { writeFile } = await import('node:fs/promises');
    const now = new Date();
    const p2 = (n: number) => String(n).padStart(2, '0');
    const stamp = `${now.getUTCFullYear()}/${p2(now.getUTCMonth() + 1)}/${p2(now.getUTCDate())} ${p2(now.getUTCHours())}:${p2(now.getUTCMinutes())}:${p2(now.getUTCSeconds())}`;
    await writeFile(path.join(logDir, 'error.log'), `${stamp} [emerg] 123#123: bind() to 0.0.0.0:80 failed (98: Address already in use)\n`);
    const profile = (timestamp: unknown) => ({
      target: { name: 'nginx', versionCommand: 'true', statusCommand: 'false', startCommand: 'false', port, home: './home' },
      logs: [{ source: 'nginx', path: path.join(logDir, 'error.log'), timestamp }],
      signatures: [{ name: 'bind_failed', source: 'nginx', pattern: 'bind() to' }],
    });
    const cwd = await profileDir('nginx-iso', profile({ format: 'iso' }));
    const out = path.join(cwd, 'snap.json');
    const res = await hunt(['collect', '--output', out, '--state-dir', path.join(cwd, 'state')], { cwd, env: cleanEnv(dir), timeoutMs: 60_000 });
    expect(res.code, res.stderr).toBe(0);
    const snap = JSON.parse(await readFile(out, 'utf8')) as RuntimeSnapshot;
    expect(validate(snap), JSON.stringify(validate.errors)).toBe(true);
    expect(snap.signatures[0]).toMatchObject({ countWindow: null, countTotal: 1 });
    expect(snap.summary.logSourcesWithoutTimestamps).toEqual(['nginx']);
    expect(res.stdout).toMatch(/warning: log source "nginx": no line carries a recognisable timestamp.*set logs\[\]\.timestamp/);
    const fixed = await profileDir('nginx-preset', profile({ format: 'auto' }));
    const out2 = path.join(fixed, 'snap.json');
    const ok = await hunt(['collect', '--output', out2, '--state-dir', path.join(fixed, 'state')], { cwd: fixed, env: cleanEnv(dir), timeoutMs: 60_000 });
    expect(ok.code, ok.stderr).toBe(0);
    const snap2 = JSON.parse(await readFile(out2, 'utf8')) as RuntimeSnapshot;
    expect(snap2.signatures[0]).toMatchObject({ countWindow: 1, countTotal: 1 });
    expect(snap2.logs[0]).toMatchObject({ timestampFormat: 'pattern', timestampPreset: 'nginx-error', windowKnown: true });
  });
});

describe('hunt collect: hostile or absent targets', () => {
  it('a hanging version command times out, a missing log is reported, planted secrets never reach the file', async () => {
    const port = await freePort(); // nothing listens: the target is down, which is a valid snapshot
    const cwd = await profileDir('hang', {
      target: {
        name: 'hostile',
        // Prints a secret, then hangs far past the test's own kill timeout: only hunt's timeout can end it.
        versionCommand: "echo 'token=supersecret123'; sleep 120",
        statusCommand: ['sh', '-c', 'echo "Authorization: Bearer abcdefghijklmnop1234"; echo "value $MY_SECRET_VAR"; echo "cfg $PROFILE_SECRET" >&2; exit 3'],
        startCommand: ['sleep', '1'],
        port,
        healthUrl: 'http://127.0.0.1:{port}/healthz',
        home: './home',
        env: { PROFILE_SECRET: 'profile-secret-value-77' },
        secretEnv: ['MY_SECRET_VAR', 'PROFILE_SECRET'],
        commandTimeoutMs: 500,
      },
      logs: [{ source: 'app', path: '{home}/logs/missing.log', rotated: true }],
      signatures: [{ name: 'boom', source: 'app', pattern: 'BOOM' }],
    });
    const out = path.join(cwd, 'snap.json');
    const res = await hunt(['collect', '--label', 'hostile', '--output', out], {
      cwd,
      env: cleanEnv(dir, { MY_SECRET_VAR: 'planted-secret-value-42' }),
      timeoutMs: 60_000,
    });
    expect(res.code, res.stderr).toBe(0);
    const text = await readFile(out, 'utf8');
    const snap = JSON.parse(text) as RuntimeSnapshot;
    expect(validate(snap), JSON.stringify(validate.errors)).toBe(true);

    expect(snap.commands.version).toMatchObject({ timedOut: true, timeoutMs: 500, exitCode: null, parsed: null });
    expect(snap.commands.status).toMatchObject({ timedOut: false, exitCode: 3, running: false });
    expect(snap.commands.status.stdout).toContain('Bearer [REDACTED]');
    expect(snap.commands.status.stdout).toContain('value [REDACTED]');
    expect(snap.commands.status.stderr).toContain('cfg [REDACTED]');
    expect(snap.summary.commandsTimedOut).toEqual(['version']);
    expect(snap.logs).toEqual([expect.objectContaining({ source: 'app', missing: true, files: [] })]);
    expect(snap.summary.logSourcesMissing).toEqual(['app']);
    // Nothing could be read: the window count is unknown (null), never a silent 0.
    expect(snap.signatures).toEqual([expect.objectContaining({ name: 'boom', countWindow: null, countTotal: 0 })]);
    expect(snap.summary.signaturesWindowUnknown).toEqual(['boom']);
    expect(snap.health).toMatchObject({ ok: false, statusCode: null });
    expect(snap.health?.error).toMatch(/ECONNREFUSED/);
    expect(snap.process).toEqual({ pid: null, source: 'none', note: `nothing listens on port ${port}`, tree: [] });
    expect(snap.summary).toMatchObject({ running: false, listening: false, healthy: false });
    for (const secret of PLANTED) expect(text).not.toContain(secret);
    for (const secret of PLANTED) expect(res.stdout + res.stderr).not.toContain(secret);
    expect(res.stdout).toContain('timed out: version command');
    expect(res.stdout).toContain('log sources missing or unreadable: app');
  });

  it('no config anywhere: exit 2 pointing at hunt init and --demo', async () => {
    const empty = path.join(dir, 'empty');
    await mkdir(empty, { recursive: true });
    const res = await hunt(['collect'], { cwd: empty, env: cleanEnv(dir) });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('no hunt.config.json found');
    expect(res.stderr).toContain('hunt init');
    expect(res.stderr).toContain('--demo');
    expect(res.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('invalid config: exit 2 with one `path: message` line per issue', async () => {
    const cwd = await profileDir('invalid', {
      target: { name: '', versionCommand: [], statusCommand: 's', startCommand: 'x', port: 'eighty', home: 'h', typo: 1 },
      signatures: [{ name: 'a', source: 'nowhere', pattern: 'x' }],
    });
    const res = await hunt(['collect'], { cwd, env: cleanEnv(dir) });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(`invalid config ${path.join(cwd, 'hunt.config.json')}`);
    expect(res.stderr).toMatch(/^ {2}\/target\/name: .+$/m);
    expect(res.stderr).toMatch(/^ {2}\/target\/versionCommand: .+$/m);
    expect(res.stderr).toMatch(/^ {2}\/target\/port: .+$/m);
    expect(res.stderr).toMatch(/^ {2}\/target: Unrecognized key: "typo"$/m);
  });

  it('bad flags and bad env are exit 2 naming the flag or variable', async () => {
    const cwd = await profileDir('flags', JSON.parse(await readFile(path.join(repoRoot, 'test/fixtures/configs/minimal.json'), 'utf8')));
    const cases: Array<[string[], NodeJS.ProcessEnv, string]> = [
      [['collect', '--demo', '--config', 'hunt.config.json'], cleanEnv(dir), '--config and --demo are mutually exclusive'],
      [['collect', '--label', '../escape'], cleanEnv(dir), '--label'],
      [['collect', '--port', 'http'], cleanEnv(dir), '--port: expected an integer'],
      [['collect', '--window-minutes', '0'], cleanEnv(dir), '--window-minutes'],
      [['collect'], cleanEnv(dir, { HUNT_PORT: 'x' }), 'HUNT_PORT'],
      [['collect', '--output', dir], cleanEnv(dir), 'is a directory'],
    ];
    for (const [args, env, message] of cases) {
      const res = await hunt(args, { cwd, env });
      expect(res.code, `${args.join(' ')}: ${res.stderr}`).toBe(2);
      expect(res.stderr).toContain(message);
    }
  });
});
