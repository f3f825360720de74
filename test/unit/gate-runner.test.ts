import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Check } from '../../src/core/report-types.js';
import { JournalWriter, loadJournal, verifyArtifacts } from '../../src/gate/journal-io.js';
import { readJournalState } from '../../src/gate/journal.js';
import { planResume } from '../../src/gate/resume.js';
import { runSteps, worstStatus } from '../../src/gate/runner.js';
import type { GateContext, StepDef } from '../../src/gate/types.js';
import { realClock } from '../../src/runtime/clock.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'hunt-gate-runner-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const quiet = { step: () => ({ done() {}, update() {} }), info() {}, sub: () => ({ step: () => ({ done() {}, update() {} }), info() {} }), close() {} };

function gateCtx(): GateContext {
  return {
    opts: { outDir: dir },
    journal: new JournalWriter(path.join(dir, 'journal.ndjson')),
    progress: quiet,
    clock: realClock,
    internalErrors: [],
  } as unknown as GateContext;
}

function check(id: string, status: Check['status'] = 'pass'): Check {
  const at = new Date().toISOString();
  return { id, title: id, status, summary: `${id} ${status}`, startedAt: at, endedAt: at, durationMs: 0 };
}

function steps(calls: string[], extra: Partial<Record<string, Partial<StepDef>>> = {}): StepDef[] {
  const mk = (id: string, phase: StepDef['phase'], deps: string[], idempotent = true): StepDef => ({
    id,
    phase,
    title: id,
    idempotent,
    deps,
    run: async (r) => {
      calls.push(id);
      r.started(process.pid);
      return { checks: [check(id)], logs: { [id]: `log of ${id}` } };
    },
    ...extra[id],
  });
  return [mk('t0_a', 'T0', []), mk('t1_b', 'T1', ['t0_a'], false), mk('t2_c', 'T2', ['t1_b'])];
}

async function journalText() {
  return readFile(path.join(dir, 'journal.ndjson'), 'utf8');
}

describe('runSteps', () => {
  it('journals intent -> started -> result per step, with artifact hashes that verify', async () => {
    const gate = gateCtx();
    await gate.journal.append({ t: 'run', v: 1, at: new Date().toISOString(), runId: 'r', release: 'x', options: {} });
    const calls: string[] = [];
    const out = await runSteps({ gate, steps: steps(calls), previous: null, testConcurrency: 2, stepChecks: new Map() });
    expect(calls).toEqual(['t0_a', 't1_b', 't2_c']);
    expect([...out.keys()]).toEqual(['t0_a', 't1_b', 't2_c']);
    const recs = (await journalText())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(recs.map((r) => `${r.t}:${r.step ?? ''}`)).toEqual([
      'run:',
      'intent:t0_a',
      'started:t0_a',
      'result:t0_a',
      'intent:t1_b',
      'started:t1_b',
      'result:t1_b',
      'intent:t2_c',
      'started:t2_c',
      'result:t2_c',
    ]);
    expect(recs[3].artifacts.map((a: { path: string }) => a.path)).toEqual(['checks/t0_a.json', 'checks/t0_a.log']);
    const state = await loadJournal(dir);
    await expect(verifyArtifacts(dir, state)).resolves.toBeUndefined();
    await writeFile(path.join(dir, 'checks/t1_b.json'), '{"tampered":true}\n');
    await expect(verifyArtifacts(dir, state)).rejects.toThrow(/disagrees with its artifacts/);
  });

  it('resume: completed steps are loaded, an interrupted idempotent step runs again, nothing runs twice', async () => {
    const gate = gateCtx();
    await gate.journal.append({ t: 'run', v: 1, at: new Date().toISOString(), runId: 'r', release: 'x', options: {} });
    const first: string[] = [];
    // first run: t2_c is "killed" between intent and result
    const killed = steps(first, { t2_c: { run: async () => new Promise<never>(() => {}) } });
    void runSteps({ gate, steps: killed, previous: null, testConcurrency: 1, stepChecks: new Map() });
    for (const deadline = Date.now() + 60_000; !(await journalText()).includes('"step":"t2_c"') && Date.now() < deadline;)
      await new Promise((r) => setTimeout(r, 10));
    const state = readJournalState(await journalText());
    const plan = planResume(
      state,
      killed.map((s) => ({ id: s.id, phase: s.phase, title: s.title, idempotent: s.idempotent })),
      [],
    );
    expect(plan.rerun.map((r) => r.step)).toEqual(['t2_c']);
    const second: string[] = [];
    const gate2 = gateCtx();
    const out = await runSteps({ gate: gate2, steps: steps(second), previous: { state, plan }, testConcurrency: 1, stepChecks: new Map() });
    expect(first).toEqual(['t0_a', 't1_b']);
    expect(second).toEqual(['t2_c']);
    expect(out.get('t1_b')?.[0].id).toBe('t1_b'); // loaded from checks/t1_b.json
    const final = readJournalState(await journalText());
    expect(final.steps.get('t2_c')).toMatchObject({ attempts: 2 });
    expect(final.steps.get('t2_c')?.result?.status).toBe('pass');
  });

  it('an accepted step gets an operator check and is never run', async () => {
    const gate = gateCtx();
    await gate.journal.append({ t: 'run', v: 1, at: new Date().toISOString(), runId: 'r', release: 'x', options: {} });
    const calls: string[] = [];
    const defs = steps(calls);
    await gate.journal.append({ t: 'intent', at: new Date().toISOString(), step: 't0_a', phase: 'T0' });
    await gate.journal.append({ t: 'result', at: new Date().toISOString(), step: 't0_a', status: 'pass', artifacts: [] });
    await gate.journal.append({ t: 'intent', at: new Date().toISOString(), step: 't1_b', phase: 'T1' });
    const state = readJournalState(await journalText());
    const infos = defs.map((s) => ({ id: s.id, phase: s.phase, title: s.title, idempotent: s.idempotent }));
    expect(planResume(state, infos, []).refusal?.step).toBe('t1_b');
    const plan = planResume(state, infos, ['t1_b']);
    const out = await runSteps({ gate, steps: defs, previous: { state, plan }, testConcurrency: 1, stepChecks: new Map() });
    expect(calls).toEqual(['t2_c']);
    expect(out.get('t1_b')?.[0]).toMatchObject({ status: 'pass', metadata: { acceptedByOperator: true } });
    expect(await journalText()).toMatch(/"t":"accept","at":"[^"]+","step":"t1_b"/);
  });

  it('a step that throws becomes a failed check and an internal error', async () => {
    const gate = gateCtx();
    const out = await runSteps({
      gate,
      steps: steps([], {
        t1_b: {
          run: async () => {
            throw new Error('boom');
          },
        },
      }),
      previous: null,
      testConcurrency: 1,
      stepChecks: new Map(),
    });
    expect(out.get('t1_b')?.[0]).toMatchObject({ status: 'fail', summary: 'internal error: boom' });
    expect(gate.internalErrors).toEqual(['step t1_b: boom']);
    expect(out.get('t2_c')?.[0].status).toBe('pass'); // later steps still run and record evidence
  });

  it('the tests pool bounds concurrency', async () => {
    const gate = gateCtx();
    let running = 0;
    let started = 0;
    let peak = 0;
    const ids = ['a', 'b', 'c', 'd', 'e'];
    // Each step holds its slot until a second one runs beside it (or none is left to start): a condition, not a
    // sleep, so a loaded machine (slow journal fsyncs between starts) cannot hide the overlap.
    const partnerOrNone = async () => {
      const deadline = Date.now() + 60_000;
      while (running < 2 && started < ids.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    };
    const defs: StepDef[] = ids.map((id) => ({
      id: `t2_${id}`,
      phase: 'T2',
      title: id,
      idempotent: true,
      deps: [],
      pool: 'tests',
      run: async () => {
        running++;
        started++;
        peak = Math.max(peak, running);
        await partnerOrNone();
        running--;
        return { checks: [check(`t2_${id}`)] };
      },
    }));
    await runSteps({ gate, steps: defs, previous: null, testConcurrency: 2, stepChecks: new Map() });
    expect(peak).toBe(2);
  });
});

describe('worstStatus', () => {
  it('fail > warn > pass > skip', () => {
    expect(worstStatus([check('a', 'skip'), check('b', 'warn'), check('c', 'pass')])).toBe('warn');
    expect(worstStatus([check('a', 'skip')])).toBe('skip');
    expect(worstStatus([])).toBe('pass');
  });
});
