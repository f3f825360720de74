import { describe, expect, it } from 'vitest';
import os from 'node:os';
import { commandOutcome, parseVersion, runRecord } from '../../src/probes/command-record.js';
import type { BoundTarget } from '../../src/config/bind.js';
import { createRedactor, type Redactor } from '../../src/runtime/redact.js';

/** What runRecord reads of a run's bound value: the timeout, the command environment, the cwd, the redactor. */
const bound = (commandTimeoutMs: number, redact: Redactor = createRedactor()) => ({
  target: { commandTimeoutMs } as BoundTarget,
  commandEnv: { PATH: process.env.PATH },
  profile: { file: '', configDir: os.tmpdir(), demo: false },
  redact,
});

describe('parseVersion', () => {
  it.each([
    ['hunt-sample-gateway 1.0.0', '1.0.0'],
    ['v2.13.4-rc.1+build.7 (linux)', '2.13.4-rc.1+build.7'],
    ['node22 build 2024.1.15 ok', '2024.1.15'],
    ['version: 10.20.30\n', '10.20.30'],
    ['1.2', null],
    ['ip 1.2.3.4', null],
    ['', null],
  ])('%j -> %j', (text, expected) => {
    expect(parseVersion(text)).toBe(expected);
  });
});

describe('runRecord', () => {
  it('records exit code, output and the timeout, redacting output and command text', async () => {
    const r = await runRecord(['sh', '-c', 'echo token=hunter2xyz; echo oops >&2; exit 3'], bound(5000, createRedactor({ secretValues: ['hunter2xyz'] })));
    expect(r.exitCode).toBe(3);
    expect(r.timedOut).toBe(false);
    expect(r.timeoutMs).toBe(5000);
    expect(r.stdout).toBe('token=[REDACTED]');
    expect(r.stderr).toBe('oops');
    expect(r.command).not.toContain('hunter2xyz');
    expect(r.spawnError).toBeNull();
    expect(commandOutcome(r)).toMatch(/^exit 3 in \d+ ms$/);
  });

  it('a hanging command is cut at the timeout', async () => {
    const r = await runRecord('sleep 30', bound(300));
    expect(r.timedOut).toBe(true);
    expect(r.exitCode).toBeNull();
    expect(commandOutcome(r)).toBe('timed out after 300 ms');
  });

  it('a missing binary is a spawn error, not a throw', async () => {
    const r = await runRecord(['/nonexistent/hunt-test-binary'], bound(2000));
    expect(r.spawnError).toBeTruthy();
    expect(commandOutcome(r)).toMatch(/^could not start: /);
  });
});
