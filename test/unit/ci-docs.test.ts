/**
 * The CI files users are told to copy (docs/ci/) parse, have the promised shape, and call hunt only with commands
 * and flags that exist.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { commandTable } from '../../src/commands/table.js';

const docs = path.resolve(import.meta.dirname, '..', '..', 'docs', 'ci');
const load = (name: string) => parse(readFileSync(path.join(docs, name), 'utf8')) as Record<string, any>;

/** Every flag each hunt command accepts (long names, with their --no- forms). */
const knownFlags = new Map(
  commandTable.map((spec) => {
    const cmd = spec.configure(new Command(spec.name));
    const flags = cmd.options.flatMap((o) => [o.long, o.negate ? undefined : `--no-${o.long?.slice(2)}`]).filter((f): f is string => Boolean(f));
    return [spec.name, new Set([...flags, '--help'])];
  }),
);

/** The hunt calls in a shell script: `npx hunt <cmd> ...` or `hunt <cmd> ...`, continuation lines joined. */
function huntCalls(script: string): Array<{ command: string; flags: string[]; line: string }> {
  const joined = script.replace(/\\\n\s*/g, ' ');
  const calls: Array<{ command: string; flags: string[]; line: string }> = [];
  for (const m of joined.matchAll(/(?:^|[\s;&|(])(?:npx\s+)?hunt\s+([a-z-]+)([^\n;&|]*)/g)) {
    const rest = m[2].replace(/"[^"]*"|'[^']*'/g, 'ARG');
    calls.push({ command: m[1], flags: [...rest.matchAll(/(?:^|\s)(--[a-z][a-z-]*)/g)].map((f) => f[1]), line: m[0].trim() });
  }
  return calls;
}

function scriptsOf(node: unknown, out: string[] = []): string[] {
  if (typeof node === 'string') out.push(node);
  else if (Array.isArray(node)) for (const n of node) scriptsOf(n, out);
  else if (node && typeof node === 'object')
    for (const [k, v] of Object.entries(node)) if (['run', 'script', 'before_script'].includes(k) || typeof v === 'object') scriptsOf(v, out);
  return out;
}

function checkCalls(file: string): string[] {
  const calls = scriptsOf(load(file)).flatMap(huntCalls);
  expect(calls.length).toBeGreaterThan(0);
  const problems: string[] = [];
  for (const c of calls) {
    const flags = knownFlags.get(c.command);
    if (!flags) problems.push(`${file}: unknown command in: ${c.line}`);
    else for (const f of c.flags) if (!flags.has(f)) problems.push(`${file}: hunt ${c.command} has no ${f}: ${c.line}`);
  }
  return problems;
}

describe('docs/ci/github-actions.yml', () => {
  const wf = load('github-actions.yml');

  it('runs the lanes as a matrix, merges them in a job that needs them, and publishes the release report', () => {
    const lanes = wf.jobs.lane.strategy.matrix.include.map((i: { lane: string }) => i.lane);
    expect(lanes.sort()).toEqual(['prod-observe', 'staging-chaos']);
    expect(wf.jobs.lane.strategy['fail-fast']).toBe(false);
    expect(wf.jobs.release.needs).toBe('lane');
    expect(wf.jobs.release.if).toContain('!cancelled()');
    const steps = wf.jobs.release.steps as Array<Record<string, any>>;
    const merge = steps.find((s) => typeof s.run === 'string' && s.run.includes('hunt merge'))!;
    expect(merge['continue-on-error']).toBeUndefined(); // a fail verdict fails the job
    expect(steps.some((s) => String(s.uses).startsWith('actions/download-artifact'))).toBe(true);
    expect(steps.some((s) => String(s.uses).startsWith('actions/upload-artifact'))).toBe(true);
    expect(steps.some((s) => /gh pr comment .*--body-file/.test(String(s.run)))).toBe(true);
    const laneUpload = (wf.jobs.lane.steps as Array<Record<string, any>>).find((s) => String(s.uses).startsWith('actions/upload-artifact'))!;
    expect(laneUpload.if).toContain('!cancelled()');
  });

  it('calls hunt only with commands and flags that exist', () => {
    expect(checkCalls('github-actions.yml')).toEqual([]);
  });
});

describe('docs/ci/gitlab-ci.yml', () => {
  const ci = load('gitlab-ci.yml');

  it('runs the lanes as parallel jobs and reports JUnit to GitLab', () => {
    expect(ci.lane.parallel.matrix.map((m: { LANE: string }) => m.LANE).sort()).toEqual(['prod-observe', 'staging-chaos']);
    expect(ci.lane.artifacts.when).toBe('always');
    expect(ci.release.artifacts.reports.junit).toBe('hunt-release/junit.xml');
    expect(ci.release.when).toBe('always');
  });

  it('calls hunt only with commands and flags that exist', () => {
    expect(checkCalls('gitlab-ci.yml')).toEqual([]);
  });
});

describe('the flag checker itself', () => {
  it('catches an unknown command and an unknown flag', () => {
    expect(huntCalls('npx hunt merge a.json --out-dir x --bogus-flag "y z"')).toEqual([
      { command: 'merge', flags: ['--out-dir', '--bogus-flag'], line: 'npx hunt merge a.json --out-dir x --bogus-flag "y z"' },
    ]);
    expect(knownFlags.get('merge')?.has('--bogus-flag')).toBe(false);
    expect(knownFlags.has('deploy')).toBe(false);
  });
});
