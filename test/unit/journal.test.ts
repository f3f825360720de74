import { describe, expect, it } from 'vitest';
import { JournalCorrupt, journalLine, pendingSteps, readJournalState, type JournalRecord } from '../../src/gate/journal.js';
import { planResume, refusalMessage, type StepInfo } from '../../src/gate/resume.js';

const at = '2026-01-01T00:00:00.000Z';
const sha = 'a'.repeat(64);
const run: JournalRecord = { t: 'run', v: 1, at, runId: 'r1', release: '2.0', options: {} };
const text = (recs: JournalRecord[]) => recs.map((r) => `${journalLine(r)}\n`).join('');
const catalogue: StepInfo[] = [
  { id: 't0_target', phase: 'T0', title: 'target answers', idempotent: true },
  { id: 't1_update', phase: 'T1', title: 'update', idempotent: false },
  { id: 't1_restart', phase: 'T1', title: 'restart', idempotent: false },
  { id: 't2_smoke', phase: 'T2', title: 'smoke', idempotent: true },
];
const done = (step: string, phase: 'T0' | 'T1' | 'T2'): JournalRecord[] => [
  { t: 'intent', at, step, phase },
  { t: 'started', at, step, pid: 10 },
  { t: 'result', at, step, status: 'pass', artifacts: [{ path: `checks/${step}.json`, sha256: sha }] },
];

describe('journal parsing', () => {
  it('folds intent/started/result per step and tracks the last durable artifact', () => {
    const s = readJournalState(
      text([run, ...done('t0_target', 'T0'), { t: 'intent', at, step: 't1_update', phase: 'T1' }, { t: 'started', at, step: 't1_update', pid: 42 }]),
    );
    expect(s.order).toEqual(['t0_target', 't1_update']);
    expect(s.lastResult?.step).toBe('t0_target');
    expect(pendingSteps(s).map((p) => [p.step, p.pid])).toEqual([['t1_update', 42]]);
  });
  it('fails closed on every kind of corruption', () => {
    const bad: Array<[string, RegExp]> = [
      ['', /empty/],
      [`${journalLine(run)}`, /incomplete/],
      [`${journalLine(run)}\n{"t":"intent",\n`, /line 2: not valid JSON/],
      [`${journalLine(run)}\n[1]\n`, /not a JSON object/],
      [text([{ ...run, v: 9 }]), /unsupported journal version/],
      [text([{ t: 'intent', at, step: 'a', phase: 'T0' }]), /first record is not the run header/],
      [text([run, { t: 'result', at, step: 'a', status: 'pass', artifacts: [] }]), /without an intent/],
      [text([run, ...done('a', 'T0'), { t: 'intent', at, step: 'a', phase: 'T0' }]), /already has a result/],
      [
        text([run, { t: 'intent', at, step: 'a', phase: 'T0' }, { t: 'result', at, step: 'a', status: 'pass', artifacts: [{ path: '../x', sha256: sha }] }]),
        /invalid artifact/,
      ],
      [
        text([run, { t: 'intent', at, step: 'a', phase: 'T0' }, { t: 'result', at, step: 'a', status: 'bogus' as 'pass', artifacts: [] }]),
        /without a step, status/,
      ],
      [text([run, { t: 'done', at, verdict: 'pass', exitCode: 0 }, { t: 'resume', at, pid: 1 }]), /after the run was marked done/],
      [text([run, run]), /second run header/],
    ];
    for (const [t, re] of bad) expect(() => readJournalState(t), t).toThrow(re);
    expect(() => readJournalState('')).toThrow(JournalCorrupt);
  });
  it('a re-run after an interruption is a second attempt of the same step', () => {
    const s = readJournalState(
      text([
        run,
        { t: 'intent', at, step: 't2_smoke', phase: 'T2' },
        { t: 'started', at, step: 't2_smoke', pid: 5 },
        { t: 'resume', at, pid: 6 },
        ...done('t2_smoke', 'T2'),
      ]),
    );
    expect(s.steps.get('t2_smoke')).toMatchObject({ attempts: 2, pid: 10 });
    expect(s.resumes).toBe(1);
  });
});

describe('planResume', () => {
  it('idempotent interrupted steps re-run', () => {
    const s = readJournalState(
      text([
        run,
        ...done('t0_target', 'T0'),
        ...done('t1_update', 'T1'),
        ...done('t1_restart', 'T1'),
        { t: 'intent', at, step: 't2_smoke', phase: 'T2' },
        { t: 'started', at, step: 't2_smoke', pid: 77 },
      ]),
    );
    const plan = planResume(s, catalogue, []);
    expect(plan).toMatchObject({ completed: ['t0_target', 't1_update', 't1_restart'], rerun: [{ step: 't2_smoke', pid: 77 }], accepted: [], acceptErrors: [] });
    expect(plan.refusal).toBeUndefined();
  });
  it('a non-idempotent interrupted step is refused until accepted', () => {
    const s = readJournalState(
      text([
        run,
        ...done('t0_target', 'T0'),
        ...done('t1_update', 'T1'),
        { t: 'intent', at, step: 't1_restart', phase: 'T1' },
        { t: 'started', at, step: 't1_restart', pid: 99 },
      ]),
    );
    const plan = planResume(s, catalogue, [], (pid) => pid === 99);
    expect(plan.refusal).toMatchObject({
      phase: 'T1',
      step: 't1_restart',
      pid: 99,
      pidAlive: true,
      lastArtifact: { step: 't1_update', path: 'checks/t1_update.json' },
    });
    const msg = refusalMessage(plan.refusal!, '/out', 'gw status');
    expect(msg.hint).toContain('hunt release-gate --resume /out --accept-step t1_restart');
    expect(msg.hint).toContain('gw status');
    expect(msg.details.join('\n')).toMatch(/STILL RUNNING/);
    expect(msg.details.join('\n')).toMatch(/last durable artifact: checks\/t1_update.json/);
    const accepted = planResume(s, catalogue, ['t1_restart']);
    expect(accepted.refusal).toBeUndefined();
    expect(accepted.accepted).toEqual(['t1_restart']);
  });
  it('an accept recorded in the journal survives a second interruption', () => {
    const s = readJournalState(text([run, { t: 'intent', at, step: 't1_update', phase: 'T1' }, { t: 'accept', at, step: 't1_update' }]));
    expect(planResume(s, catalogue, []).accepted).toEqual(['t1_update']);
  });
  it('rejects accepting a step that is not interrupted, unknown or idempotent', () => {
    const s = readJournalState(text([run, ...done('t0_target', 'T0'), { t: 'intent', at, step: 't2_smoke', phase: 'T2' }]));
    const errs = planResume(s, catalogue, ['t0_target', 'nope', 't2_smoke', 't1_restart']).acceptErrors;
    expect(errs).toHaveLength(4);
    expect(errs.join('\n')).toMatch(/t0_target: the step is not interrupted \(it has a result\)/);
    expect(errs.join('\n')).toMatch(/nope: no such step/);
    expect(errs.join('\n')).toMatch(/t2_smoke: the step is idempotent/);
    expect(errs.join('\n')).toMatch(/t1_restart: the step is not interrupted \(it never started\)/);
  });
  it('a journal naming a step this gate does not have fails closed', () => {
    const s = readJournalState(text([run, ...done('t2_other', 'T2')]));
    expect(() => planResume(s, catalogue, [])).toThrow(/names step t2_other/);
  });
});
