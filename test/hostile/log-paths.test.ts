/**
 * Log paths that are not regular files: a FIFO as the live log (or as a rotated sibling) must never hang
 * `hunt collect`. The source is reported unreadable, its window count is null (unknown, not 0) and the
 * snapshot says why and what to do. Real FIFOs (mkfifo), the built CLI, a generous kill deadline.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RuntimeSnapshot } from '../../src/probes/snapshot-types.js';
import { freePort } from '../../src/runtime/ports.js';
import { cleanEnv, runHunt } from '../helpers/spawn-hunt.js';
import { sandbox, type Sandbox } from './corpus.helpers.js';

let sb: Sandbox;
let before: string[];

beforeEach(() => {
  sb = sandbox();
  before = sb.outsideState();
});
afterEach(() => {
  expect(sb.outsideState()).toEqual(before);
  expect(sb.leftoverTemps()).toEqual([]);
  sb.cleanup();
});

function mkfifo(file: string): void {
  const r = spawnSync('mkfifo', [file]);
  expect(r.status, String(r.stderr)).toBe(0);
}

/** A profile whose one log source is `logPath` (the target: trivial commands on `port`). */
function writeProfile(logPath: string, rotated: boolean, port: number): void {
  const profile = {
    target: { name: 'fifo-target', versionCommand: 'echo 1.2.3', statusCommand: 'true', startCommand: 'false', restartCommand: 'true', port, home: './home' },
    logs: [{ source: 'app', path: logPath, rotated, timestamp: { format: 'iso' } }],
    signatures: [{ name: 'boom', source: 'app', pattern: 'BOOM' }],
  };
  writeFileSync(path.join(sb.work, 'hunt.config.json'), JSON.stringify(profile));
}

/** Runs `hunt collect` on a profile whose one log source is `logPath`; returns the run and its snapshot. */
async function collect(logPath: string, rotated: boolean) {
  writeProfile(logPath, rotated, await freePort()); // nothing listens: a target that is down still yields a snapshot
  const out = path.join(sb.work, 'snap.json');
  // The deadline only stops a hang (the test then fails on the signal); it is never the thing asserted.
  const r = await runHunt(['collect', '--output', out, '--state-dir', path.join(sb.work, 'state')], {
    cwd: sb.work,
    env: cleanEnv(sb.home),
    timeoutMs: 120_000,
  });
  const snap = r.code === 0 ? (JSON.parse(readFileSync(out, 'utf8')) as RuntimeSnapshot) : null;
  return { r, snap };
}

describe('a log path that is not a regular file never hangs collect', () => {
  it('a FIFO as logs[].path: the source is unreadable, its window count null, the snapshot says why and what to do', async () => {
    const fifo = path.join(sb.work, 'app.log');
    mkfifo(fifo);
    const { r, snap } = await collect(fifo, false);
    expect(r.signal, r.stderr).toBeNull(); // ended by itself, not by the deadline's SIGKILL
    expect(r.code, r.stderr).toBe(0);
    expect(snap!.signatures[0]).toMatchObject({ name: 'boom', countWindow: null, countTotal: 0 });
    expect(snap!.logs[0]).toMatchObject({ source: 'app', missing: false, files: [], windowKnown: false });
    expect(snap!.logs[0].error).toBe(
      `${fifo}: not a regular file (FIFO); point logs[].path at the regular file the daemon writes (hunt reads log files, not pipes or devices)`,
    );
    expect(snap!.summary.logSourcesMissing).toEqual(['app']);
    expect(snap!.summary.signaturesWindowUnknown).toEqual(['boom']);
    expect(r.stdout).toMatch(/log sources missing or unreadable: app/);
    expect(r.stdout).toMatch(/warning: log source "app": .*app\.log: not a regular file \(FIFO\); point logs\[\]\.path at the regular file/);
    expect(r.stdout).toMatch(/window count unknown \(null, not 0\) for: boom/);
  });

  it('a FIFO among the rotated siblings: the readable live file is not taken for the whole window (null, not its count)', async () => {
    const live = path.join(sb.work, 'app.log');
    writeFileSync(live, `${new Date().toISOString()} ERROR BOOM in the live file\n`);
    mkfifo(`${live}.1`);
    const { r, snap } = await collect(live, true);
    expect(r.signal, r.stderr).toBeNull();
    expect(r.code, r.stderr).toBe(0);
    // The live file was read (its match is in the total), but the FIFO may stand for lines of the window.
    expect(snap!.signatures[0]).toMatchObject({ name: 'boom', countWindow: null, countTotal: 1 });
    expect(snap!.logs[0]).toMatchObject({ files: [live], windowKnown: false, linesTotal: 1 });
    expect(snap!.logs[0].error).toMatch(
      new RegExp(`^${live.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\.1: not a regular file \\(FIFO\\); point logs\\[\\]\\.path`),
    );
    expect(snap!.summary.logSourcesMissing).toEqual(['app']);
    expect(snap!.summary.logSourcesWithoutTimestamps).toEqual([]); // named as unreadable, not as lacking timestamps
  });

  it('a glob matching a FIFO reports it instead of skipping it; a directory match is still no match', async () => {
    const dir = path.join(sb.work, 'logs');
    mkdirSync(dir);
    mkdirSync(path.join(dir, 'old.log')); // a directory whose name matches: ignored, as before
    mkfifo(path.join(dir, 'app.log'));
    const { r, snap } = await collect(path.join(dir, '*.log'), false);
    expect(r.signal, r.stderr).toBeNull();
    expect(r.code, r.stderr).toBe(0);
    expect(snap!.signatures[0].countWindow).toBeNull();
    expect(snap!.logs[0].missing).toBe(false);
    expect(snap!.logs[0].error).toMatch(/logs\/app\.log: not a regular file \(FIFO\)/);
    expect(snap!.logs[0].error).not.toMatch(/old\.log/);
  });
});

describe('a log path that is not a regular file never hangs the gate', () => {
  it('release-gate ends with warn (exit 0): the final snapshot and the appended-errors check both say the FIFO could not be read', async () => {
    const fifo = path.join(sb.work, 'app.log');
    mkfifo(fifo);
    const server = net.createServer(); // the target's port is open: the gate gets past "ready" to its log checks
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      writeProfile(fifo, true, (server.address() as net.AddressInfo).port);
      const out = path.join(sb.work, 'gate');
      const r = await runHunt(['release-gate', '--release', '1.2.3', '--skip-chaos', '--skip-tests', '--out-dir', out], {
        cwd: sb.work,
        env: cleanEnv(sb.home),
        timeoutMs: 150_000,
      });
      expect(r.signal, r.stderr).toBeNull();
      expect(r.code, r.stderr).toBe(0); // warn passes CI unless --fail-on warn; never a pass
      const report = JSON.parse(readFileSync(path.join(out, 'hunt-report.json'), 'utf8')) as {
        checks: Array<{ id: string; status: string; summary: string; evidence?: string[] }>;
        metadata: { gate: { status: string } };
      };
      expect(report.metadata.gate.status).toBe('warn');
      const check = (id: string) => report.checks.find((c) => c.id === id)!;
      const why = `${fifo}: not a regular file (FIFO); point logs[].path at the regular file the daemon writes`;
      expect(check('t4_signatures')).toMatchObject({ status: 'warn' });
      expect(check('t4_signatures').summary).toMatch(/missing or unreadable log source\(s\): app; window-unverifiable: source app \(boom\)/);
      expect(check('t4_signatures').evidence!.join('\n')).toContain(`UNREADABLE: ${why}`);
      expect(check('t4_appended_errors')).toMatchObject({ status: 'warn' });
      expect(check('t4_appended_errors').summary).toMatch(/not readable, what they logged since T0 is unknown: app/);
      expect(check('t4_appended_errors').evidence!.join('\n')).toContain(why);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
