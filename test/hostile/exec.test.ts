/** Hostile command behaviour against runtime/exec.ts: real processes, outcomes asserted, never timings. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isRunning } from '../../src/runtime/signals.js';
import { runCommand } from '../../src/runtime/exec.js';
import { createRedactor } from '../../src/runtime/redact.js';

const SECRET = 'S3cr3t-Value-0123456789-abcdefghij';

describe('runCommand', () => {
  it('a command that exits 3 while a helper keeps its pipe open is recorded as exit 3, not as a timeout', async () => {
    // The helper holds stdout, so the output only ends when the timer ends the group; the command itself exited.
    const r = await runCommand(['sh', '-c', 'sleep 120 & exit 3'], { timeoutMs: 2500, killGraceMs: 200 });
    expect(r.exitCode).toBe(3);
    expect(r.timedOut).toBe(false);
  });

  it('a command that really hangs is a timeout', async () => {
    const r = await runCommand(['sh', '-c', 'sleep 120'], { timeoutMs: 1000, killGraceMs: 200 });
    expect(r.timedOut).toBe(true);
    expect(r.exitCode).not.toBe(0);
  });

  it('redacts before cutting: a secret straddling the tail cut leaks neither half', async () => {
    const redact = createRedactor({ secretValues: [SECRET] });
    const half = SECRET.length / 2;
    // max 100 chars: put the secret so that the cut falls in its middle.
    const text = `${'x'.repeat(50)}${SECRET}${'y'.repeat(100 - half)}`;
    const r = await runCommand(['printf', '%s', text], { timeoutMs: 30_000, redact, maxOutputChars: 100 });
    expect(r.stdout).not.toContain(SECRET.slice(half));
    expect(r.stdout).not.toContain(SECRET.slice(0, half));
    expect(r.stdout).toContain('chars trimmed');
  });

  it('redacts the command line itself', async () => {
    const redact = createRedactor({ secretValues: [SECRET] });
    const r = await runCommand(['echo', `--token=${SECRET}`], { timeoutMs: 30_000, redact });
    expect(r.command).not.toContain(SECRET);
    expect(r.stdout).not.toContain(SECRET);
  });
});

describe('runCommand output', () => {
  it('removes ANSI sequences whole, before redaction (a colour code inside a secret does not hide it)', async () => {
    const redact = createRedactor({ secretValues: [SECRET] });
    const coloured = `\u001b[90mgrey\u001b[39m ${SECRET.slice(0, 5)}\u001b[1m${SECRET.slice(5)}`;
    const r = await runCommand(['printf', '%s', coloured], { timeoutMs: 30_000, redact });
    expect(r.stdout).toBe('grey [REDACTED]');
  });
});

describe('redactor', () => {
  it('redacts a secret value in base64 too, at any alignment inside a longer blob', () => {
    const redact = createRedactor({ secretValues: [SECRET] });
    for (const prefix of ['', 'u', 'us', 'user:']) {
      for (const b64 of [Buffer.from(`${prefix}${SECRET}!?`).toString('base64'), Buffer.from(`${prefix}${SECRET}`).toString('base64url')]) {
        const out = redact(`payload ${b64} end`);
        expect(out).not.toContain(b64);
        expect(out).toContain('[REDACTED]');
      }
    }
  });
});

describe('a command that leaves a setsid daemon behind', () => {
  it('with reapDetached, the daemon is ended once the command is over (it carries the command token)', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'hunt-reap-'));
    const pidFile = path.join(dir, 'daemon.pid');
    try {
      const script = `setsid sh -c 'echo $$ > "${pidFile}.tmp"; mv "${pidFile}.tmp" "${pidFile}"; exec sleep 300' </dev/null >/dev/null 2>&1 & while [ ! -s "${pidFile}" ]; do sleep 0.05; done; echo started`;
      const r = await runCommand(['sh', '-c', script], { timeoutMs: 60_000, reapDetached: true });
      expect(r.stdout).toBe('started');
      const pid = Number(readFileSync(pidFile, 'utf8'));
      expect(r.reaped).toContain(pid);
      expect(isRunning(pid)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
