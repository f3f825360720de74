/**
 * Custom scenarios (chaos.custom[]) without a lane: the profile rules (one action, at least one expectation, no
 * contradiction, unique names that shadow no built-in, chaos.scenarios references), the scenario selection, the
 * judgement of each expectation from what a lane observed, the severity of an unmet one and the fault mapping.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/parse.js';
import type { CustomScenarioConfig } from '../../src/config/custom-schema.js';
import { ConfigError } from '../../src/errors.js';
import { classify, buildCheck } from '../../src/chaos/outcome.js';
import { selectScenarios } from '../../src/chaos/preflight.js';
import { scenarioDef, scenarioNames } from '../../src/chaos/scenarios/index.js';
import { expectedText, faultStateOf } from '../../src/chaos/scenarios/custom.js';
import { judgeExpectations, type Observed } from '../../src/chaos/scenarios/custom-expect.js';
import { checkId, scenarioSlug, type Finding } from '../../src/chaos/types.js';

const root = path.resolve(import.meta.dirname, '..', '..');
const minimal = () => JSON.parse(readFileSync(path.join(root, 'test/fixtures/configs/minimal.json'), 'utf8')) as Record<string, unknown>;
const withChaos = (chaos: unknown) => ({ ...minimal(), chaos });

function issuesOf(raw: unknown): string[] {
  try {
    parseConfig(raw, 'x.json');
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).details;
  }
  throw new Error('expected the config to be rejected');
}

const reload = { name: 'usr1-reload', action: { signal: 'SIGUSR1' }, expect: { samePid: true, noNewListener: true } };

describe('chaos.custom in the profile', () => {
  it('accepts entries and fills their defaults', () => {
    const c = parseConfig(
      withChaos({
        custom: [reload, { name: 'slow-up', action: { fault: { type: 'slicer', averageSize: 8 }, durationMs: 500 }, expect: { healthyWithinMs: 5000 } }],
      }),
      'x.json',
    );
    expect(c.chaos.custom[0]).toMatchObject({ severity: 'p1', deadlineMs: 10_000, settleMs: 1_000, env: {} });
    expect(c.chaos.custom[1].action.fault).toEqual({ type: 'slicer', averageSize: 8, sizeVariation: 0, delayMs: 0, stream: 'downstream', toxicity: 1 });
  });

  it('names the path of every problem: built-in name, duplicate, actions, expectations, contradictions, references', () => {
    const issues = issuesOf(
      withChaos({
        scenarios: ['signal-restart', 'custom:nope'],
        custom: [
          { name: 'signal-restart', action: { signal: 'SIGHUP' }, expect: { samePid: true } },
          { name: 'twice', action: { signal: 'SIGHUP', command: 'true' }, expect: { noNewListener: false } },
          { name: 'twice', action: { fault: { type: 'reset' } }, expect: { exitsWithOneOf: [0], samePid: true } },
          { name: 'slices', action: { fault: { type: 'slicer', averageSize: 4, sizeVariation: 4 }, durationMs: 10 }, expect: { healthyWithinMs: 10 } },
        ],
      }),
    );
    expect(issues).toEqual([
      '/chaos/custom/0/name: "signal-restart" is a built-in scenario: give the custom scenario a name of its own (it runs as custom:<name>)',
      '/chaos/custom/1/action: gives signal and command: give exactly one of signal, command or fault (e.g. {"signal": "SIGUSR1"})',
      expect.stringMatching(/^\/chaos\/custom\/1\/expect: declares no expectation/),
      '/chaos/custom/2/name: duplicate custom scenario name "twice" (first defined at chaos.custom[1])',
      '/chaos/custom/2/action/durationMs: required with a fault: how long it lasts',
      '/chaos/custom/2/expect/samePid: contradicts exitsWithOneOf (a target expected to exit cannot keep serving)',
      '/chaos/custom/3/action/fault/sizeVariation: must be below averageSize (4)',
      '/chaos/scenarios/1: "custom:nope" names no chaos.custom entry (declared: custom:signal-restart, custom:twice, custom:slices)',
    ]);
  });

  it('rejects unknown keys, bad names and unknown fault types', () => {
    const issues = issuesOf(
      withChaos({ custom: [{ name: 'Bad Name', action: { fault: { type: 'jitter' }, durationMs: 1 }, expect: { samePid: true, typo: 1 } }] }),
    );
    expect(issues.join('\n')).toMatch(/\/chaos\/custom\/0\/name: lowercase letters/);
    expect(issues.join('\n')).toMatch(/\/chaos\/custom\/0\/action\/fault/);
    expect(issues.join('\n')).toMatch(/\/chaos\/custom\/0\/expect.*typo/);
  });
});

describe('selection and naming', () => {
  const cfg = parseConfig(withChaos({ custom: [reload] }), 'x.json').chaos;
  it('custom scenarios follow the built-ins and are selected by custom:<name>', () => {
    expect(scenarioNames(cfg).slice(-2)).toEqual(['bad-config', 'custom:usr1-reload']);
    expect(selectScenarios(['custom:usr1-reload', 'signal-restart'], undefined, scenarioNames(cfg))).toEqual(['signal-restart', 'custom:usr1-reload']);
    expect(() => selectScenarios(['custom:other'], undefined, scenarioNames(cfg))).toThrow(/unknown scenario custom:other/);
    expect(checkId('custom:usr1-reload')).toBe('chaos_custom_usr1_reload');
    expect(scenarioSlug('custom:usr1-reload')).toBe('custom-usr1-reload');
    expect(scenarioDef('custom:usr1-reload', cfg).title).toBe('custom usr1-reload');
  });
});

const entry = (expectations: Partial<CustomScenarioConfig['expect']>, extra: Partial<CustomScenarioConfig> = {}): CustomScenarioConfig => ({
  name: 'x',
  env: {},
  action: { signal: 'SIGUSR1' },
  expect: expectations,
  severity: 'p1',
  deadlineMs: 1000,
  settleMs: 100,
  ...extra,
});
const seen = (o: Partial<Observed>): Observed => ({
  pidBefore: 10,
  pidAfter: 10,
  listenersBefore: [{ address: '127.0.0.1', port: 4000, pid: 10, process: 'node' }] as Observed['listenersBefore'],
  listenersAfter: [{ address: '127.0.0.1', port: 4000, pid: 10, process: 'node' }] as Observed['listenersAfter'],
  exit: undefined,
  healthyAfter: undefined,
  matched: undefined,
  logged: undefined,
  actionText: 'SIGUSR1',
  ...o,
});
const status = (r: ReturnType<typeof judgeExpectations>) => Object.fromEntries(r.map((x) => [x.name, x.status]));

describe('judging expectations', () => {
  it('passes what was observed as expected', () => {
    const r = judgeExpectations(
      entry({ samePid: true, noNewListener: true, healthyWithinMs: 500, messagePattern: 'reload', noErrorSignatureAfter: true }),
      seen({ healthyAfter: 20, matched: 'reload complete', logged: [] }),
    );
    expect(status(r)).toEqual({ samePid: 'pass', noNewListener: 'pass', healthyWithinMs: 'pass', messagePattern: 'pass', noErrorSignatureAfter: 'pass' });
  });
  it('fails each unmet expectation with its evidence', () => {
    const r = judgeExpectations(
      entry({ samePid: true, noNewListener: true, healthyWithinMs: 500, messagePattern: 'reload', noErrorSignatureAfter: true }),
      seen({
        pidAfter: 11,
        listenersAfter: [...seen({}).listenersAfter, { address: '127.0.0.1', port: 9229, pid: 10, process: 'node' }] as Observed['listenersAfter'],
        healthyAfter: null,
        matched: null,
        logged: [{ signature: 'fatal', source: 'err', line: 'FATAL boom' }],
      }),
    );
    expect(status(r)).toEqual({ samePid: 'fail', noNewListener: 'fail', healthyWithinMs: 'fail', messagePattern: 'fail', noErrorSignatureAfter: 'fail' });
    expect(r.find((x) => x.name === 'noNewListener')!.detail).toMatch(/127\.0\.0\.1:9229 pid 10/);
    expect(r.find((x) => x.name === 'samePid')!.detail).toMatch(/10 before, 11 after/);
  });
  it('an exit nobody expected fails (keepsRunning), and fails samePid instead of passing it', () => {
    const r = judgeExpectations(
      entry({ samePid: true }),
      seen({ exit: { exitCode: null, signal: 'SIGUSR2', atMs: 1 } as Observed['exit'], pidAfter: undefined }),
    );
    expect(status(r)).toEqual({ keepsRunning: 'fail', samePid: 'fail' });
  });
  it('exitsWithOneOf: the right status passes, another status or no exit fails', () => {
    const exit = (code: number) => ({ exitCode: code, signal: null, atMs: 1 }) as Observed['exit'];
    expect(status(judgeExpectations(entry({ exitsWithOneOf: [0, 3] }), seen({ exit: exit(3) })))).toEqual({ exitsWithOneOf: 'pass' });
    expect(status(judgeExpectations(entry({ exitsWithOneOf: [0] }), seen({ exit: exit(1) })))).toEqual({ exitsWithOneOf: 'fail' });
    expect(status(judgeExpectations(entry({ exitsWithOneOf: [0] }), seen({})))).toEqual({ exitsWithOneOf: 'fail' });
  });
  it('noErrorSignatureAfter cannot pass when the profile has no signature to look for', () => {
    expect(status(judgeExpectations(entry({ noErrorSignatureAfter: true }), seen({ logged: null })))).toEqual({ noErrorSignatureAfter: 'fail' });
  });
});

describe('outcome of a custom scenario', () => {
  const cfg = parseConfig(withChaos({ custom: [{ ...reload, severity: 'p2' }] }), 'x.json').chaos;
  const def = scenarioDef('custom:usr1-reload', cfg);
  const classOf = (findings: Finding[]) => {
    const base = {
      def,
      findings,
      skipped: null,
      notes: [],
      evidence: [],
      artifacts: [],
      metadata: {},
      startedAt: '',
      endedAt: '',
      durationMs: 0,
      command: 'c',
    };
    return classify(def, buildCheck(base), findings, cfg, 'c');
  };
  it("takes the entry's severity for an unmet expectation, keeps p0 for what hunt always rates p0", () => {
    expect(classOf([{ kind: 'behaviour', level: 'warn', detail: 'expect.samePid: x' }])?.severity).toBe('p2');
    expect(classOf([{ kind: 'orphan', level: 'fail', detail: 'left a child' }])?.severity).toBe('p0');
    expect(classOf([])).toBeNull();
    expect(classOf([{ kind: 'behaviour', level: 'fail', detail: 'x' }])?.id).toBe('chaos_custom_usr1_reload');
  });
  it('says what is expected and maps faults onto the proxy', () => {
    expect(def.expected(cfg)).toBe('after SIGUSR1 the target keeps running, keeps the same serving pid, opens no new listening socket');
    expect(expectedText(entry({ exitsWithOneOf: [0] }, { action: { command: 'kill {port}' } }))).toBe(
      'after `kill {port}` the target exits within 1000 ms with status 0',
    );
    expect(faultStateOf({ type: 'limit_data', bytes: 5, stream: 'upstream', toxicity: 0.5 })).toEqual({
      limitData: { bytes: 5, stream: 'upstream', toxicity: 0.5 },
    });
    expect(faultStateOf({ type: 'refuse' })).toEqual({ refuse: true });
  });
});
