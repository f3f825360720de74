import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { attribute, diffListings, pidTokens, type Change, type Listing } from '../../src/chaos/audit/isolation-logic.js';
import { buildCheck, categoryOf, classify, rankFindings, severityOf, statusOf } from '../../src/chaos/outcome.js';
import { basePorts, checkConcurrency, checkProfileForLane, selectScenarios } from '../../src/chaos/preflight.js';
import { exitStatus } from '../../src/chaos/scenarios/common.js';
import { scenarioDef } from '../../src/chaos/scenarios/index.js';
import { checkId, type Finding } from '../../src/chaos/types.js';
import { configSchema } from '../../src/config/schema.js';
import { HuntError } from '../../src/errors.js';

const demo = () =>
  configSchema.parse({
    target: {
      name: 'd',
      versionCommand: 'v',
      statusCommand: 's',
      startCommand: ['gw', 'start', '--port', '{port}'],
      port: 47811,
      healthUrl: 'http://127.0.0.1:{port}/healthz',
      home: '~/.d',
    },
  });

const exitCodeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return err instanceof HuntError ? err.exitCode : 'not a HuntError';
  }
  return 'no error';
};

describe('isolation audit logic', () => {
  const st = (size: number, mtimeMs: number, kind: 'file' | 'dir' = 'file', ino = 1, hash?: string) => ({ kind, size, mtimeMs, ino, hash });
  it('diffs listings: added, changed files, removed (never removals in /tmp, never dir mtimes)', () => {
    const before: Listing = new Map([
      ['/t/a', st(1, 1)],
      ['/t/b', st(1, 1)],
      ['/t/d', st(0, 1, 'dir')],
      ['/t/gone', st(1, 1)],
    ]);
    const after: Listing = new Map([
      ['/t/a', st(1, 1)],
      ['/t/b', st(2, 2)],
      ['/t/d', st(0, 9, 'dir')],
      ['/t/new', st(1, 1)],
    ]);
    expect(diffListings('tmp', before, after).map((c) => `${c.change} ${c.path}`)).toEqual(['changed /t/b', 'added /t/new']);
    expect(diffListings('production', before, after).map((c) => `${c.change} ${c.path}`)).toEqual(['changed /t/b', 'removed /t/gone', 'added /t/new']);
  });
  it('a fingerprint change (inode replaced, content hash) is a change even with the same size and mtime', () => {
    const before: Listing = new Map([
      ['/p/a', st(4, 1, 'file', 1, 'h1')],
      ['/p/b', st(4, 1, 'file', 2, 'h2')],
    ]);
    const after: Listing = new Map([
      ['/p/a', st(4, 1, 'file', 9, 'h1')],
      ['/p/b', st(4, 1, 'file', 2, 'h3')],
    ]);
    expect(diffListings('production', before, after).map((c) => `${c.change} ${c.path}`)).toEqual(['changed /p/a', 'changed /p/b']);
  });
  const ctx = {
    ownPids: new Set([4242]),
    ownRoot: '/tmp/hunt-chaos/r-x-1',
    ownWrites: new Map([
      ['/var/lib/app/dump.rdb', 4243],
      ['/tmp/app-locks/a.lock', 4244],
    ]),
    otherPids: new Set([5151]),
    otherRoots: ['/tmp/hunt-chaos/r-y-2'],
  };
  const change = (path: string, place: Change['place'] = 'tmp'): Change => ({ place, path, change: 'added', kind: 'file' });
  it('attributes by pid in the name, by sandbox in the content, by place; else unattributed', () => {
    expect(attribute(change('/tmp/app-leak-4242'), ctx).to).toBe('own');
    expect(attribute(change('/tmp/app-leak-5151'), ctx).to).toBe('other');
    expect(attribute(change('/tmp/x'), ctx, 'home=/tmp/hunt-chaos/r-x-1/home').to).toBe('own');
    expect(attribute(change('/tmp/x'), ctx, 'home=/tmp/hunt-chaos/r-y-2/home').to).toBe('other');
    expect(attribute(change('/sb/work/x', 'target-cwd'), ctx).to).toBe('own');
    expect(attribute(change('/tmp/42424'), ctx).to).toBe('unattributed'); // a pid must match a whole number
    expect(pidTokens('a-12-345.b7')).toEqual([12, 345]);
  });
  it("a file the lane held open for writing is the lane's, and so is a new directory holding one", () => {
    expect(attribute(change('/var/lib/app/dump.rdb', 'production'), ctx)).toEqual({
      to: 'own',
      why: 'pid 4243 of the lane had /var/lib/app/dump.rdb open for writing',
    });
    expect(attribute({ ...change('/tmp/app-locks'), kind: 'dir' }, ctx).to).toBe('own');
    expect(attribute(change('/var/lib/app/other', 'production'), ctx).to).toBe('unattributed'); // the live instance: information only
  });
});

describe('outcome: findings decide the status (no pass past a finding)', () => {
  const kinds = ['crash', 'hang', 'sandbox-escape', 'leak', 'orphan', 'behaviour', 'message', 'setup'] as const;
  const finding = fc.record({ kind: fc.constantFrom(...kinds), level: fc.constantFrom('fail' as const, 'warn' as const), detail: fc.string() });
  it('any fail finding fails; only warns warn; none passes (or skips)', () => {
    fc.assert(
      fc.property(fc.array(finding), fc.option(fc.string({ minLength: 1 }), { nil: null }), (fs, skipped) => {
        const s = statusOf(fs, skipped);
        if (fs.some((f) => f.level === 'fail')) expect(s).toBe('fail');
        else if (fs.length) expect(s).toBe('warn');
        else expect(s).toBe(skipped ? 'skip' : 'pass');
      }),
    );
  });
  it('severity: failing crash/hang/leak/orphan p0, other failures p1, warn-only p2; category ops only for message/setup', () => {
    const f = (kind: Finding['kind'], level: Finding['level'] = 'fail'): Finding => ({ kind, level, detail: kind });
    expect(severityOf(rankFindings([f('message'), f('hang')]))).toBe('p0');
    expect(rankFindings([f('crash'), f('sandbox-escape')])[0].kind).toBe('sandbox-escape'); // production first
    expect(severityOf(rankFindings([f('behaviour'), f('sandbox-escape')]))).toBe('p0');
    expect(severityOf(rankFindings([f('behaviour'), f('leak', 'warn')]))).toBe('p1');
    expect(severityOf(rankFindings([f('leak', 'warn')]))).toBe('p2');
    expect(categoryOf(rankFindings([f('message')]))).toBe('ops');
    expect(categoryOf(rankFindings([f('message'), f('behaviour')]))).toBe('core');
  });
  it('builds a check and a classification with repro, expected, actual and fix', () => {
    const def = scenarioDef('port-collision', { custom: [] });
    const cfg = demo().chaos;
    const check = buildCheck({
      def,
      findings: [{ kind: 'hang', level: 'fail', detail: 'still running' }],
      skipped: null,
      notes: [],
      evidence: ['e'],
      artifacts: [],
      metadata: {},
      startedAt: 'a',
      endedAt: 'b',
      durationMs: 1,
      command: 'c',
    });
    expect(check).toMatchObject({ id: 'chaos_port_collision', status: 'fail', summary: '1 finding: [hang] still running' });
    expect(check.evidence).toEqual(['FAIL hang: still running', 'e']);
    const cls = classify(def, check, [{ kind: 'hang', level: 'fail', detail: 'still running' }], cfg, 'hunt staging-chaos --scenarios port-collision');
    expect(cls).toMatchObject({ id: 'chaos_port_collision', severity: 'p0', category: 'core', status: 'new' });
    expect(cls!.expected).toMatch(/in use\|EADDRINUSE/);
    expect(classify(def, { ...check, status: 'pass' }, [], cfg, 'x')).toBeNull();
    expect(checkId('graceful-shutdown')).toBe('chaos_graceful_shutdown');
  });
});

describe('preflight (exit 2 on anything unsafe)', () => {
  it('scenario filter: canonical order, unknown names listed with the valid ones', () => {
    expect(selectScenarios(['bad-config', 'port-collision', 'bad-config'], undefined)).toEqual(['port-collision', 'bad-config']);
    expect(selectScenarios(undefined, ['crash-recovery'])).toEqual(['crash-recovery']);
    expect(selectScenarios(undefined, undefined)).toHaveLength(8);
    expect(() => selectScenarios(['nope'], undefined)).toThrow(/unknown scenario nope/);
  });
  it('base ports never include the production port; concurrency 1..16', () => {
    expect(basePorts(40000, 3, 47811)).toEqual([40000, 40001, 40002]);
    expect(exitCodeOf(() => basePorts(47810, 3, 47811))).toBe(2);
    expect(exitCodeOf(() => basePorts(80, 1, 47811))).toBe(2);
    expect(exitCodeOf(() => checkConcurrency(0))).toBe(2);
    expect(checkConcurrency(16)).toBe(16);
  });
  it('refuses profiles the lane cannot move off production', () => {
    expect(() => checkProfileForLane(demo(), 'p.json')).not.toThrow();
    const fixedPort = demo();
    fixedPort.target.startCommand = ['gw', 'start'];
    expect(exitCodeOf(() => checkProfileForLane(fixedPort, 'p.json'))).toBe(2);
    const prodHealth = demo();
    prodHealth.target.healthUrl = 'http://127.0.0.1:47811/healthz';
    expect(() => checkProfileForLane(prodHealth, 'p.json')).toThrow(/cannot run in a chaos lane/);
    const remote = demo();
    remote.target.healthUrl = 'http://example.com:{port}/';
    expect(exitCodeOf(() => checkProfileForLane(remote, 'p.json'))).toBe(2);
    const absHome = demo();
    absHome.target.home = '/var/lib/d';
    expect(exitCodeOf(() => checkProfileForLane(absHome, 'p.json'))).toBe(2);
    absHome.target.homeEnv = 'D_HOME';
    expect(() => checkProfileForLane(absHome, 'p.json')).not.toThrow();
  });
  it('exit status of a signal is 128+n', () => {
    expect(exitStatus({ exitCode: null, signal: 'SIGTERM', atMs: 0 })).toBe(143);
    expect(exitStatus({ exitCode: 3, signal: null, atMs: 0 })).toBe(3);
  });
});
