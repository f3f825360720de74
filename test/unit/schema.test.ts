import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { configJsonSchemaText } from '../../src/config/json-schema.js';
import { validateReport } from '../../src/report/validate.js';
import { compile, formatAjvErrors } from '../../src/report/ajv.js';
import { detectKind } from '../../src/commands/validate/detect.js';
import { strictContractErrors } from './render.arbitraries.js';

const read = (rel: string) => readFileSync(new URL(rel, import.meta.url), 'utf8');
const fixture = (name: string) => JSON.parse(read(`../fixtures/reports/${name}.json`));

describe('schemas/hunt-config.schema.json', () => {
  it('is exactly what the zod config schema generates (run `npm run build` to refresh it)', () => {
    expect(read('../../schemas/hunt-config.schema.json')).toBe(configJsonSchemaText());
  });

  it('compiles as JSON Schema 2020-12 and accepts the shipped profiles', () => {
    // The product's ajv set-up (real formats, strict): the schema must compile the way hunt validate compiles it.
    const validate = compile(JSON.parse(read('../../schemas/hunt-config.schema.json')));
    expect(validate(JSON.parse(read('../../profiles/sample-gateway.json')))).toBe(true);
    expect(validate({ target: { name: 'x' } })).toBe(false);
  });
});

describe('test/fixtures/contract: the strict copy of the original contract', () => {
  const strict = JSON.parse(read('../fixtures/contract/hunt-report-v1.strict.schema.json'));
  it("has exactly the design's keys, required fields and closed objects", () => {
    expect(Object.keys(strict.properties)).toEqual([
      'version',
      'release',
      'runId',
      'lane',
      'startedAt',
      'endedAt',
      'checks',
      'signatures',
      'classification',
      'upstreamLinks',
      'metadata',
    ]);
    expect(strict.required).toEqual(Object.keys(strict.properties).filter((k) => k !== 'metadata'));
    const { check, signature, classification } = strict.$defs;
    expect(check.required).toEqual(['id', 'title', 'status', 'summary', 'startedAt', 'endedAt', 'durationMs']);
    expect(Object.keys(check.properties).filter((k) => !check.required.includes(k))).toEqual(['command', 'evidence', 'artifacts', 'metadata']);
    expect(signature.required).toEqual(['name', 'source', 'countWindow', 'countTotal', 'windowMinutes']);
    expect(Object.keys(signature.properties).filter((k) => !signature.required.includes(k))).toEqual(['baselineWindowCount', 'delta', 'issueUrl']);
    expect(signature.properties.windowMinutes.minimum).toBe(1);
    expect(classification.required).toEqual(['id', 'category', 'severity', 'status', 'summary']);
    expect(Object.keys(classification.properties).filter((k) => !classification.required.includes(k))).toEqual([
      'reproSteps',
      'expected',
      'actual',
      'affectedVersions',
      'suggestedFix',
      'issueUrl',
      'prUrl',
    ]);
    for (const o of [strict, check, signature, classification]) expect(o.additionalProperties).toBe(false);
  });
});

describe('schemas/hunt-report-v1.schema.json', () => {
  it('accepts the valid fixtures, which also satisfy the strict original contract', () => {
    for (const name of ['pass', 'warn', 'fail']) {
      expect(validateReport(fixture(name))).toMatchObject({ ok: true });
      expect(strictContractErrors(fixture(name))).toEqual([]);
    }
  });

  it('lists every violation of the invalid fixture as `path: message`, sorted by path', () => {
    const res = validateReport(fixture('schema-invalid'));
    expect(res.ok).toBe(false);
    expect(res.ok ? [] : res.errors).toEqual([
      '/checks/3/durationMs: must be >= 0',
      '/checks/3/owner: is not allowed (unknown property)',
      '/checks/3/status: must be one of pass, warn, fail, skip',
      '/classification/0/severity: must be one of p0, p1, p2',
      '/classification/0/summary: is required',
      '/extra: is not allowed (unknown property)',
      '/lane: must be one of prod-observe, staging-chaos',
      '/signatures/0/windowMinutes: must be >= 1',
      '/startedAt: must be an RFC 3339 date-time (e.g. 2026-01-31T12:00:00Z)',
      '/version: must be "1"',
    ]);
  });

  it('adds nothing outside metadata: extra keys are refused at every level, like the original contract', () => {
    const base = fixture('pass');
    const cases = [
      { ...base, extra: 1 },
      { ...base, checks: [{ ...base.checks[0], extra: 1 }] },
      { ...base, signatures: [{ ...base.signatures[0], extra: 1 }] },
      { ...base, classification: [{ id: 'x', category: 'ops', severity: 'p1', status: 'new', summary: 's', extra: 1 }] },
    ];
    for (const c of cases) {
      expect(validateReport(c).ok).toBe(false);
      expect(strictContractErrors(c)).not.toEqual([]);
    }
    expect(validateReport({ ...base, metadata: { anything: { goes: [1] } } }).ok).toBe(true);
  });

  it('types the toolkit keys under metadata', () => {
    const base = fixture('pass');
    const bad = validateReport({ ...base, metadata: { gate: { status: 'green', reasons: [] } } });
    expect(bad.ok ? [] : bad.errors).toEqual(['/metadata/gate/status: must be one of pass, warn, fail']);
  });

  it('prints the root as / and control characters escaped', () => {
    const r = validateReport('not an object');
    expect(r.ok ? [] : r.errors).toEqual(['/: must be object']);
    const k = validateReport({ ...fixture('pass'), '\u001b[31m': 1 });
    expect(k.ok ? [] : k.errors).toEqual(['/\\u001b[31m: is not allowed (unknown property)']);
    expect(formatAjvErrors(null)).toEqual([]);
  });
});

describe('detectKind', () => {
  it('tells reports, configs and allowlists apart', () => {
    expect(detectKind(fixture('fail'))).toBe('report');
    expect(detectKind(fixture('schema-invalid'))).toBe('report');
    expect(detectKind(JSON.parse(read('../../profiles/sample-gateway.json')))).toBe('config');
    expect(detectKind(JSON.parse(read('../fixtures/allowlists/known-issues.json')))).toBe('allowlist');
    expect(detectKind({})).toBeUndefined();
    expect(detectKind([1])).toBeUndefined();
    expect(detectKind({ entries: [], target: {} })).toBeUndefined();
  });
});
