import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { computeVerdict, defineConfig, EXIT, renderReport, validateConfig, validateReport } from '../../src/index.js';
import { renderPipeline } from '../../src/report/pipeline.js';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/reports/${name}.json`, import.meta.url), 'utf8')) as unknown;
const tmp = mkdtempSync(path.join(os.tmpdir(), 'hunt-api-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('programmatic API', () => {
  it('renderReport gives the same report, Markdown and verdict as render-report writes', async () => {
    const api = await renderReport(fixture('fail'));
    const cli = await renderPipeline(fixture('fail') as never, { jsonOut: path.join(tmp, 'f.json'), mdOut: path.join(tmp, 'f.md'), annotations: false });
    expect(api.verdict).toEqual(cli.verdict);
    expect(api.exitCode).toBe(cli.exitCode);
    expect(api.markdown).toBe(readFileSync(path.join(tmp, 'f.md'), 'utf8'));
    expect(api.report).toEqual(JSON.parse(readFileSync(path.join(tmp, 'f.json'), 'utf8')));
    expect(api.junit).toContain('<testsuites name="hunt"');
  });

  it('renderReport rejects an invalid report with every violation', async () => {
    const err = (await renderReport({ version: '1' }).then(
      () => null,
      (e: unknown) => e,
    )) as { message: string; details: string[] };
    expect(err.message).toBe('not a valid HuntReportV1 report');
    expect(err.details.length).toBeGreaterThan(3);
    await expect(renderReport(fixture('pass'), { allowlist: { entries: [{ id: 1 }] } as never })).rejects.toThrow(/allowlist/);
  });

  it('verdict, validation and exit codes are exported', () => {
    const checked = validateReport(fixture('warn'));
    expect(checked.ok).toBe(true);
    if (checked.ok) expect(computeVerdict(checked.report).status).toBe('warn');
    expect(EXIT).toMatchObject({ pass: 0, fail: 1, usage: 2, internal: 70 });
  });

  it('defineConfig is a typed identity and validateConfig lists every problem', () => {
    const profile = JSON.parse(readFileSync(new URL('../../profiles/sample-gateway.json', import.meta.url), 'utf8'));
    expect(defineConfig(profile)).toBe(profile);
    expect(validateConfig(profile).ok).toBe(true);
    const bad = validateConfig({ target: { port: 'x' } });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.errors.length).toBeGreaterThan(1);
  });
});
