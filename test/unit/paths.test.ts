import { describe, expect, it } from 'vitest';
import { relativePath, relativizeReport } from '../../src/core/paths.js';
import type { HuntReportV1 } from '../../src/core/report-types.js';

const bases = { outDir: '/work/app/artifacts/hunt/gate-1', cwd: '/work/app' };

describe('relative paths in reports', () => {
  it.each([
    ['/work/app/artifacts/hunt/gate-1/staging-chaos/crash/1-target.stderr.log', 'staging-chaos/crash/1-target.stderr.log'],
    ['/work/app/artifacts/hunt/gate-1', 'artifacts/hunt/gate-1'],
    ['/work/app/hunt.config.json', 'hunt.config.json'],
    ['/work/application/x.log', '/work/application/x.log'],
    ['/tmp/hunt-chaos/lane/work', '/tmp/hunt-chaos/lane/work'],
    ['cwd:/work/app', 'cwd:/work/app'],
    ['relative/already', 'relative/already'],
  ])('%s -> %s', (input, expected) => expect(relativePath(input, bases)).toBe(expected));

  it('rewrites artifacts and metadata, never summaries or evidence', () => {
    const r: HuntReportV1 = {
      version: '1',
      release: '1',
      runId: 'r',
      lane: 'prod-observe',
      startedAt: 'a',
      endedAt: 'b',
      checks: [
        {
          id: 'c',
          title: 't',
          status: 'pass',
          summary: 'wrote /work/app/artifacts/hunt/gate-1/x.log',
          evidence: ['/work/app/artifacts/hunt/gate-1/x.log'],
          artifacts: ['/work/app/artifacts/hunt/gate-1/x.log'],
          startedAt: 'a',
          endedAt: 'b',
          durationMs: 1,
          metadata: { file: '/work/app/artifacts/hunt/gate-1/y.json' },
        },
      ],
      signatures: [],
      classification: [],
      upstreamLinks: [],
      metadata: { run: { outDir: '/work/app/artifacts/hunt/gate-1' }, profile: '/work/app/hunt.config.json' },
    };
    const out = relativizeReport(r, bases);
    expect(out.checks[0].artifacts).toEqual(['x.log']);
    expect(out.checks[0].metadata).toEqual({ file: 'y.json' });
    expect(out.checks[0].summary).toBe(r.checks[0].summary);
    expect(out.checks[0].evidence).toEqual(r.checks[0].evidence);
    expect(out.metadata).toEqual({ run: { outDir: 'artifacts/hunt/gate-1' }, profile: 'hunt.config.json' });
    expect(r.checks[0].artifacts).toEqual(['/work/app/artifacts/hunt/gate-1/x.log']);
  });
});
