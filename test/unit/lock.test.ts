/**
 * The out-dir lock under contention: runs that find the same stale lock at the same instant must end with
 * exactly one holder (before claims, the slower run removed the lock the faster one had just created).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { isLockEntry, LOCK_FILE, lockDir, type DirLock } from '../../src/runtime/lock.js';

const DEAD_PID = 2 ** 22 + 12345; // above Linux's pid_max: no process can have it
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function freshDir(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'hunt-lock-'));
  dirs.push(d);
  return d;
}

function plantStale(dir: string, tag: string): string {
  const raw = `${JSON.stringify({ pid: DEAD_PID, host: os.hostname(), command: 'old', at: tag, nonce: tag })}\n`;
  writeFileSync(path.join(dir, LOCK_FILE), raw);
  return raw;
}

function claimName(raw: string, n: number): string {
  return `${LOCK_FILE}.takeover-${createHash('sha256').update(raw).digest('hex').slice(0, 16)}.${n}`;
}

describe('out-dir lock under contention', () => {
  it('many runs taking over one stale lock at once: exactly one holds it, the rest are refused naming it', async () => {
    for (let round = 0; round < 25; round++) {
      const dir = freshDir();
      plantStale(dir, `round-${round}`);
      const results = await Promise.allSettled(Array.from({ length: 12 }, (_, i) => lockDir(dir, `run-${i}`)));
      const won = results.filter((r): r is PromiseFulfilledResult<DirLock> => r.status === 'fulfilled');
      expect(won, `round ${round}`).toHaveLength(1);
      for (const r of results) {
        if (r.status === 'rejected') {
          expect(r.reason).toBeInstanceOf(UsageError);
          expect((r.reason as Error).message, `round ${round}`).toMatch(/another hunt is still running .*\(run-\d+, hunt pid/);
        }
      }
      const winner = results.findIndex((r) => r.status === 'fulfilled');
      const body = JSON.parse(readFileSync(path.join(dir, LOCK_FILE), 'utf8')) as { command: string; pid: number };
      expect(body).toMatchObject({ command: `run-${winner}`, pid: process.pid });
      // No claim or temp file is left behind, and release removes the lock itself.
      expect(readdirSync(dir)).toEqual([LOCK_FILE]);
      won[0]!.value.release();
      expect(readdirSync(dir)).toEqual([]);
    }
  });

  it('a claim whose claimer died is superseded, not waited on', async () => {
    const dir = freshDir();
    const raw = plantStale(dir, 'dead-claimer');
    writeFileSync(path.join(dir, claimName(raw, 1)), JSON.stringify({ pid: DEAD_PID, host: os.hostname(), command: 'claimer', at: 'x' }));
    const lock = await lockDir(dir, 'release-gate');
    expect(JSON.parse(readFileSync(lock.file, 'utf8')).pid).toBe(process.pid);
    expect(readdirSync(dir)).toEqual([LOCK_FILE]);
    lock.release();
  });

  it('a live claimer is waited for; once it is done, its lock holds and this run is refused', async () => {
    const dir = freshDir();
    const raw = plantStale(dir, 'live-claimer');
    const claim = path.join(dir, claimName(raw, 1));
    writeFileSync(claim, JSON.stringify({ pid: process.pid, host: os.hostname(), command: 'claimer', at: 'x' }));
    let settled = false;
    const waiting = lockDir(dir, 'release-gate').finally(() => (settled = true));
    // The stale lock stays while the claim is live: the waiting run must not remove it behind the claimer.
    await new Promise((r) => setTimeout(r, 300));
    expect(settled).toBe(false);
    expect(readFileSync(path.join(dir, LOCK_FILE), 'utf8')).toBe(raw);
    // The claimer finishes: it replaces the stale lock with its own and drops its claim.
    writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify({ pid: process.pid, host: os.hostname(), command: 'claimer', at: 'now' }));
    rmSync(claim);
    await expect(waiting).rejects.toThrow(/another hunt is still running .*\(claimer, hunt pid/);
  });

  it('a lock that cannot be read is exit 2 naming the file, not a takeover', async () => {
    const dir = freshDir();
    mkdirSync(path.join(dir, LOCK_FILE)); // a directory: unreadable as a file even for root
    await expect(lockDir(dir, 'release-gate')).rejects.toThrow(UsageError);
    await expect(lockDir(dir, 'release-gate')).rejects.toThrow(/cannot read the out-dir lock .*\.hunt\.lock: is a directory/);
    expect(readdirSync(dir)).toEqual([LOCK_FILE]);
    // A FIFO planted as the lock is refused the same way instead of blocking the run.
    const fifoDir = freshDir();
    execFileSync('mkfifo', [path.join(fifoDir, LOCK_FILE)]);
    await expect(lockDir(fifoDir, 'release-gate')).rejects.toThrow(/cannot read the out-dir lock .*\.hunt\.lock: not a regular file \(FIFO\)/);
  });

  it("another host's lock is held, and the hint says how to clear it by hand", async () => {
    const dir = freshDir();
    writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify({ pid: DEAD_PID, host: 'build-7.example', command: 'release-gate', at: 'x' }));
    const err = (await lockDir(dir, 'release-gate').catch((e: unknown) => e)) as UsageError;
    expect(err).toBeInstanceOf(UsageError);
    expect(err.message).toMatch(/another hunt is still running .*on build-7\.example/);
    expect(err.hint).toMatch(/taken on build-7\.example.*remove .*\.hunt\.lock once it has ended/);
  });

  it('claims and the lock being linked into place do not make an out-dir "used"', () => {
    expect(isLockEntry(LOCK_FILE)).toBe(true);
    expect(isLockEntry(`${LOCK_FILE}.takeover-0123456789abcdef.1`)).toBe(true);
    expect(isLockEntry(`.${LOCK_FILE}.4242.0123456789abcdef.tmp`)).toBe(true);
    expect(isLockEntry('hunt-report.json')).toBe(false);
    expect(isLockEntry('.hunt.lockfile')).toBe(false);
  });
});
