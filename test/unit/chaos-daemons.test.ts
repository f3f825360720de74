/** Pieces of the chaos lane for real daemons: errors logged after a reload, the sandbox hand-over check, pid files. */
import { afterEach, describe, expect, it } from 'vitest';
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { errorSignatures, errorsSince, markErrors } from '../../src/chaos/logged-errors.js';
import { traversable } from '../../src/chaos/lane-prepare.js';
import { parsePidFile, servingRoots } from '../../src/probes/target-process.js';
import { createRedactor } from '../../src/runtime/redact.js';
import type { SignatureConfig } from '../../src/config/schema.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await fsp.rm(d, { recursive: true, force: true });
});

const sig = (name: string, pattern: string, kind: SignatureConfig['kind'], regex = false): SignatureConfig => ({ name, source: 'error', pattern, regex, kind });

describe('errors logged after a reload', () => {
  it('reads only the lines appended after the mark, for signatures at the blocking severity, redacted', async () => {
    const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'hunt-logged-'));
    dirs.push(dir);
    const log = path.join(dir, 'error.log');
    await fsp.writeFile(log, '2026/11/30 11:40:00 [emerg] 1#1: old failure before the mark\n');
    const sources = [{ source: 'error', path: log, rotated: false }];
    const sigs = [sig('nginx_emerg', '[emerg]', 'config'), sig('nginx_warn', '[warn]', 'warning'), sig('nginx_crit', '\\[(crit|alert)\\]', 'error', true)];
    expect(errorSignatures(sigs, 'p0').map((s) => s.name)).toEqual(['nginx_emerg']);
    expect(errorSignatures(sigs, 'p1').map((s) => s.name)).toEqual(['nginx_emerg', 'nginx_warn', 'nginx_crit']); // as the gate: kind warning is p1 unless the profile says otherwise
    const mark = await markErrors(sources);
    await fsp.appendFile(
      log,
      [
        '2026/11/30 11:40:01 [notice] 1#1: signal 1 (SIGHUP) received, reconfiguring',
        '2026/11/30 11:40:01 [warn] 1#1: a warning does not fail a reload',
        '2026/11/30 11:40:01 [emerg] 1#1: unknown directive "bogus" in /srv/nginx.conf:19 password=hunter2secret',
        '',
      ].join('\n'),
    );
    const got = await errorsSince(mark, sources, sigs, 'p0', createRedactor());
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({ signature: 'nginx_emerg', source: 'error' });
    expect(got[0].line).toContain('[emerg] 1#1: unknown directive "bogus"');
    expect(got[0].line).not.toContain('hunter2secret');
  });

  it('a log that appears only after the mark is read whole; nothing appended is nothing found', async () => {
    const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'hunt-logged-'));
    dirs.push(dir);
    const log = path.join(dir, 'late.log');
    const sources = [{ source: 'error', path: log, rotated: false }];
    const sigs = [sig('fatal', 'FATAL', 'crash')];
    const mark = await markErrors(sources);
    expect(await errorsSince(mark, sources, sigs, 'p0', createRedactor())).toEqual([]);
    await fsp.writeFile(log, '12:M 30 Nov 2026 11:40:01.123 # FATAL something\n');
    expect((await errorsSince(mark, sources, sigs, 'p0', createRedactor())).map((e) => e.signature)).toEqual(['fatal']);
  });
});

describe('sandbox hand-over to target.user', () => {
  const nobody = { name: 'nobody', uid: 65534, gid: 65534, home: null };
  it('a directory is traversable by owner, group or others bits as they apply', () => {
    expect(traversable({ mode: 0o40700, uid: 0, gid: 0 }, nobody)).toBe(false);
    expect(traversable({ mode: 0o40711, uid: 0, gid: 0 }, nobody)).toBe(true);
    expect(traversable({ mode: 0o40700, uid: 65534, gid: 0 }, nobody)).toBe(true);
    expect(traversable({ mode: 0o40750, uid: 0, gid: 65534 }, nobody)).toBe(true);
  });
});

describe('pid files and serving roots', () => {
  it('parses the first line of a pid file', () => {
    expect(parsePidFile('1234\n')).toBe(1234);
    expect(parsePidFile('  77 \n')).toBe(77);
    expect(parsePidFile('')).toBeNull();
    expect(parsePidFile('abc')).toBeNull();
    expect(parsePidFile('0\n')).toBeNull();
  });

  it('serving roots ignore owners under an owning ancestor', () => {
    const p = (pid: number, ppid: number) => ({ pid, ppid, pgid: pid, rssKb: 0, uptimeSec: 0, name: 'n', command: 'n', state: 'S' });
    const table = [p(1, 0), p(5, 1), p(6, 5), p(7, 5), p(9, 1)];
    expect(servingRoots([6, 5, 7], table)).toEqual([5]);
    expect(servingRoots([6, 9], table)).toEqual([6, 9]);
  });
});
