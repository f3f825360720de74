/**
 * The hostile-input corpus for the commands that read reports and allowlists (render-report, validate).
 * Each case asserts the exit code, the message, that nothing outside the out-dir changed and that no temp
 * file was left behind.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { baseReport, sandbox, type Sandbox } from './corpus.helpers.js';

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

function put(name: string, data: unknown): string {
  const file = path.join(sb.work, name);
  writeFileSync(file, typeof data === 'string' || Buffer.isBuffer(data) ? data : JSON.stringify(data));
  return file;
}

/** No line of output may start a GitHub workflow command or carry a raw escape character. */
function assertTerminalSafe(text: string): void {
  for (const line of text.split('\n')) expect(line).not.toMatch(/^\s*::/);
  expect(text).not.toContain('\u001b');
}

describe('input files that are not regular files', () => {
  it.each([['--input'], ['--allowlist']])('a FIFO as %s is refused with exit 2 instead of hanging', async (flag) => {
    const fifo = path.join(sb.work, 'pipe.json');
    execFileSync('mkfifo', [fifo]);
    const report = put('r.json', baseReport());
    const args = flag === '--input' ? ['render-report', '--input', fifo] : ['render-report', '--input', report, '--allowlist', fifo];
    const r = await sb.run(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`${flag}: cannot read .*FIFO`));
  });

  it('a directory and a device are refused with exit 2', async () => {
    const dir = await sb.run(['render-report', '--input', sb.outside]);
    expect(dir.code).toBe(2);
    expect(dir.stderr).toMatch(/is a directory|a directory, expected a regular file/);
    const dev = await sb.run(['validate', '/dev/zero']);
    expect(dev.code).toBe(2);
    expect(dev.stderr).toMatch(/a device, expected a regular file/);
  });

  it('an input above the size cap is refused by its size, before it is read', async () => {
    const big = put('big.json', '');
    truncateSync(big, 300 * 1024 * 1024); // sparse: no disk used
    const r = await sb.run(['render-report', '--input', big]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/above the 268435456-byte limit/);
  });
});

describe('reports that would read wrongly', () => {
  it('a duplicate key is refused: "status":"fail","status":"pass" is not a pass', async () => {
    const text = JSON.stringify(baseReport()).replace('"status":"pass"', '"status":"fail","status":"pass"');
    const file = put('dup.json', text);
    for (const cmd of [
      ['render-report', '--input', file],
      ['validate', file],
    ]) {
      const r = await sb.run(cmd);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/dup\.json:1:\d+: duplicate key "status"/);
    }
  });

  it('metadata nested 5000 levels is refused by validate and render-report alike (no stack overflow)', async () => {
    const deep = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;
    const file = put('deep.json', JSON.stringify(baseReport()).replace(/}$/, `,"metadata":${deep}}`));
    for (const cmd of [
      ['render-report', '--input', file],
      ['validate', file],
    ]) {
      const r = await sb.run(cmd);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/nested deeper than 64 levels/);
    }
  });

  it.each([
    ['end before start', (r: any) => (r.endedAt = '2026-03-01T09:00:00Z'), /\/endedAt: must not be before \/startedAt/],
    ['a check ending before it starts', (r: any) => (r.checks[0].endedAt = '2026-03-01T09:00:00Z'), /\/checks\/0\/endedAt: must not be before/],
    [
      'a window count above the total',
      (r: any) => r.signatures.push({ name: 's', source: 'app', countWindow: 9, countTotal: 2, windowMinutes: 5 }),
      /\/signatures\/0\/countWindow: must not exceed countTotal/,
    ],
    [
      'a failing check that allowlists itself without an issue URL',
      (r: any) => Object.assign(r.checks[0], { status: 'fail', metadata: { allowlisted: { entryId: 'me' } } }),
      /\/checks\/0\/metadata\/allowlisted: must name the allowlist entry/,
    ],
  ])('%s is refused with exit 2', async (_name, patch, message) => {
    const file = put('r.json', baseReport(patch));
    const r = await sb.run(['render-report', '--input', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(existsSync(path.join(sb.work, 'r.md'))).toBe(false);
  });

  it('UTF-16 reports (LE with BOM, BE without) are read', async () => {
    const text = JSON.stringify(baseReport());
    const le = put('le.json', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    const be = put('be.json', Buffer.from(text, 'utf16le').swap16());
    for (const f of [le, be]) {
      const r = await sb.run(['render-report', '--input', f]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/verdict: pass/);
    }
  });

  it('a malformed file never echoes its lines raw: an ::add-mask:: line stays inert', async () => {
    const file = put('bad.json', '{"version": "1",\n::add-mask::hunter2\n::error::pwned\n\u001b[31mred');
    const r = await sb.run(['render-report', '--input', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.json:2:1: malformed JSON/);
    assertTerminalSafe(r.stderr + r.stdout);
  });
});

describe('outputs', () => {
  it('--md-out or --junit-out naming the input (directly or through a link) is refused; the input survives', async () => {
    const file = put('r.json', baseReport());
    const original = readFileSync(file, 'utf8');
    symlinkSync(file, path.join(sb.work, 'alias.md'));
    for (const args of [
      ['--md-out', file],
      ['--junit-out', file],
      ['--md-out', 'alias.md'],
      ['--json-out', 'r.json'],
    ]) {
      const r = await sb.run(['render-report', '--input', 'r.json', ...args]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/names the file --input reads/);
    }
    expect(readFileSync(file, 'utf8')).toBe(original);
  });

  it('an output path that is a symlink to a file outside is replaced, never written through', async () => {
    const file = put('r.json', baseReport());
    symlinkSync(path.join(sb.outside, 'report.md'), path.join(sb.work, 'out.md'));
    const r = await sb.run(['render-report', '--input', file, '--md-out', 'out.md']);
    expect(r.code).toBe(0);
    expect(statSync(path.join(sb.work, 'out.md')).isFile()).toBe(true);
    expect(readFileSync(path.join(sb.work, 'out.md'), 'utf8')).toMatch(/Hunt report: PASS/);
  });

  it('a failed write publishes nothing: the previous set stays whole', async () => {
    const file = put('r.json', baseReport());
    expect((await sb.run(['render-report', '--input', file])).code).toBe(0);
    const oldJson = readFileSync(path.join(sb.work, 'r.normalized.json'), 'utf8');
    // The new run fails its Markdown write (its path is a directory): neither its JSON nor its Markdown appears.
    const failing = put(
      'f.json',
      baseReport((x) => (x.checks[0].status = 'fail')),
    );
    const r = await sb.run(['render-report', '--input', failing, '--json-out', 'r.normalized.json', '--md-out', sb.work]);
    expect(r.code).toBe(2);
    expect(readFileSync(path.join(sb.work, 'r.normalized.json'), 'utf8')).toBe(oldJson);
  });
});
