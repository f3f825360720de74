/**
 * target.manage "hunt" with a foreground-only Node.js daemon that has no service manager and needs a
 * runtime found through its own PATH entry (`${PATH}` in target.env): hunt starts it detached, the gate's
 * T1 restart is derived, the version is not x.y.z (versionPattern), and nothing is left behind.
 */
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/spawn-hunt.js';
import { createDaemonSuite, disposeSuite, leftovers, readReport, runHunt, verdictOf, type DaemonSuite } from './real-daemons.js';

let s: DaemonSuite;

beforeAll(async () => {
  s = await createDaemonSuite('fg-daemon', () => {}, path.join(repoRoot, 'test', 'fixtures', 'daemons', 'fg'));
  await fsp.writeFile(path.join(s.home, 'VERSION'), '2026.11\n');
});

afterAll(async () => {
  try {
    const res = await runHunt(s, ['daemon', 'stop', '--config', s.profile]);
    expect(res.code, res.stderr).toBe(0);
    expect(await leftovers(s)).toEqual({ processes: [], ports: [], sandboxes: [] });
  } finally {
    await disposeSuite(s);
  }
}, 60_000);

describe('a foreground Node.js daemon under target.manage "hunt"', () => {
  it('hunt daemon start runs it detached; status and a second start are idempotent', async () => {
    const start = await runHunt(s, ['daemon', 'start', '--config', s.profile]);
    expect(start.code, start.stderr).toBe(0);
    expect(start.stdout).toMatch(/^start: started \(pid \d+\), listening on 127\.0\.0\.1:\d+/);
    expect((await runHunt(s, ['daemon', 'start', '--config', s.profile])).stdout).toMatch(/already running/);
    expect((await runHunt(s, ['daemon', 'status', '--config', s.profile])).code).toBe(0);
    expect(await fsp.readFile(path.join(s.home, '.hunt', 'daemon.log'), 'utf8')).toMatch(/fg-daemon 2026\.11 listening/);
  });

  it('the gate updates, restarts (derived) and verifies the new x.y version; chaos runs the foreground command itself', async () => {
    const before = (await fsp.readFile(path.join(s.home, '.hunt', 'daemon.pid'), 'utf8')).trim();
    const dir = path.join(s.dir, 'gate');
    const res = await runHunt(
      s,
      [
        'release-gate',
        '--config',
        s.profile,
        '--release',
        '2026.12',
        '--out-dir',
        dir,
        '--update-command',
        "echo 2026.12 > '{home}/VERSION'",
        '--expect-version',
        '2026.12',
      ],
      { timeoutMs: 240_000 },
    );
    const r = await readReport(s, dir);
    const why = JSON.stringify(verdictOf(r).reasons, null, 1);
    expect(res.code, `${why}\n${res.stderr.slice(-2000)}`).toBe(0);
    expect(r.checks.find((c) => c.id === 't1_post')!.summary).toBe('version 2026.11 -> 2026.12 as expected');
    expect(r.checks.find((c) => c.id === 't1_restart')!.summary).toMatch(/^exit 0/);
    expect((await fsp.readFile(path.join(s.home, '.hunt', 'daemon.pid'), 'utf8')).trim()).not.toBe(before);
    expect(r.checks.filter((c) => c.id.startsWith('chaos_')).map((c) => c.status)).toEqual(['pass', 'pass']);
  });
});
