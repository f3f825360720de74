import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseConfig } from '../../src/config/parse.js';
import { semanticIssues } from '../../src/config/semantic.js';
import { formatZodIssues, pointer } from '../../src/config/issues.js';
import { ConfigError } from '../../src/errors.js';

const root = path.resolve(import.meta.dirname, '..', '..');
const fixture = (name: string) => JSON.parse(readFileSync(path.join(root, 'test/fixtures/configs', name), 'utf8')) as unknown;

function issuesOf(raw: unknown): string[] {
  try {
    parseConfig(raw, 'x.json');
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toBe('invalid config x.json');
    return (err as ConfigError).details;
  }
  throw new Error('expected the config to be rejected');
}

describe('config schema', () => {
  it('accepts a minimal profile and fills every default', () => {
    const c = parseConfig(fixture('minimal.json'), 'minimal.json');
    expect(c.target.host).toBe('127.0.0.1');
    expect(c.target.commandTimeoutMs).toBe(10_000);
    expect(c.target.healthTimeoutMs).toBe(5_000);
    expect(c.target.readyTimeoutMs).toBe(15_000);
    expect(c.target.env).toEqual({});
    expect(c.logs).toEqual([]);
    expect(c.windowMinutes).toBe(120);
    expect(c.redact.patterns).toEqual([]);
    expect(c.chaos.concurrency).toBe(2);
    expect(c.chaos.portCollision.messagePattern).toBe('in use|EADDRINUSE');
    expect(c.gate.blockingSeverity).toBe('p0');
    expect(c.gate.regression).toEqual({ absolute: 3, relative: 0.5 });
  });

  it('accepts the bundled demo profile and the repository profile', () => {
    for (const file of ['profiles/sample-gateway.json', 'hunt.config.json']) {
      const c = parseConfig(JSON.parse(readFileSync(path.join(root, file), 'utf8')), file);
      expect(c.target.name).toBe('hunt-sample-gateway');
      expect(c.signatures.length).toBeGreaterThan(0);
      for (const s of c.signatures) expect(c.logs.map((l) => l.source)).toContain(s.source);
    }
  });

  it('a validated profile survives a JSON round trip unchanged (what the validated-profile cache stores and returns)', () => {
    const files = [
      'profiles/sample-gateway.json',
      'hunt.config.json',
      'examples/nginx/hunt.config.json',
      'examples/redis/hunt.config.json',
      'test/fixtures/configs/minimal.json',
    ];
    for (const file of files) {
      const c = parseConfig(JSON.parse(readFileSync(path.join(root, file), 'utf8')), file);
      // toStrictEqual: an undefined-valued key, NaN, Infinity or a class instance would not come back the same
      expect(JSON.parse(JSON.stringify(c)), file).toStrictEqual(c);
    }
  });

  it('prints every structural issue as `path: message`, one per line', () => {
    const lines = issuesOf(fixture('invalid-many.json'));
    for (const l of lines) expect(l).toMatch(/^\/\S*: \S/);
    expect(lines).toContain('/target/name: required');
    expect(lines.some((l) => l.startsWith('/target/versionCommand: expected a command'))).toBe(true);
    expect(lines).toContain('/target/statusCommand: Too small: expected array to have >=1 items');
    expect(lines.some((l) => l.startsWith('/target/port: ') && l.includes('65535'))).toBe(true);
    expect(lines.some((l) => l.startsWith('/target: ') && l.includes('colour'))).toBe(true);
    expect(lines.some((l) => l.startsWith('/windowMinutes: '))).toBe(true);
  });

  it('rejects unknown keys anywhere (typos never pass silently)', () => {
    const raw = fixture('minimal.json') as Record<string, unknown>;
    expect(issuesOf({ ...raw, signature: [] })).toEqual(['/: Unrecognized key: "signature"']);
    const withLog = { ...raw, logs: [{ source: 'a', path: 'a.log', rotate: true }] };
    expect(issuesOf(withLog)[0]).toMatch(/^\/logs\/0: Unrecognized key: "rotate"/);
  });

  it('reports cross-field problems once the structure is valid', () => {
    const lines = issuesOf(fixture('invalid-semantic.json'));
    expect(lines).toEqual([
      '/target/home: unknown placeholder {hom} (known: {port} {home} {configDir} {packageDir} {node} {upstreamUrl} {sandbox} {tmp})',
      '/target/healthUrl: must be an http:// or https:// URL (got ftp:)',
      '/logs/0/path: unknown placeholder {hom} (known: {port} {home} {configDir} {packageDir} {node} {upstreamUrl} {sandbox} {tmp})',
      '/logs/1/source: duplicate log source "app" (first defined at index 0)',
      '/signatures/0/source: unknown log source "nowhere" (defined: app)',
      '/signatures/1/name: duplicate signature name "boom" (first defined at index 0)',
      expect.stringMatching(/^\/signatures\/1\/pattern: invalid regular expression: /),
    ]);
  });

  it('requires a regex when a log source says its timestamps need one', () => {
    const raw = fixture('minimal.json') as Record<string, unknown>;
    const lines = issuesOf({ ...raw, logs: [{ source: 'a', path: 'a.log', timestamp: { format: 'regex' } }] });
    expect(lines).toEqual(['/logs/0/timestamp/regex: required when format is "regex"']);
    expect(issuesOf({ ...raw, redact: { patterns: ['(['] } })).toEqual(['/redact/patterns/0: must be a valid JavaScript regular expression']);
    const tests = [
      { id: 't1', command: 'true' },
      { id: 't1', command: ['true'] },
    ];
    expect(issuesOf({ ...raw, gate: { tests } })).toEqual(['/gate/tests/1/id: duplicate test bundle id "t1" (first defined at index 0)']);
  });

  it('timestamp presets, patterns and zones; signature exclusions', () => {
    const raw = fixture('minimal.json') as Record<string, unknown>;
    const logs = (timestamp: unknown) => [{ source: 'a', path: 'a-%Y-%m-%d.log', timestamp }];
    const ok = parseConfig({ ...raw, logs: logs({ format: 'nginx-error', timezone: 'Europe/Berlin' }) }, 'x.json');
    expect(ok.logs[0].timestamp).toEqual({ format: 'nginx-error', timezone: 'Europe/Berlin' });
    parseConfig({ ...raw, logs: logs({ format: 'apache-access' }) }, 'x.json');
    expect(issuesOf({ ...raw, logs: logs({ format: 'pattern' }) })).toEqual(['/logs/0/timestamp/pattern: required when format is "pattern"']);
    expect(issuesOf({ ...raw, logs: logs({ format: 'pattern', pattern: '%Y %Q' }) })).toEqual([
      '/logs/0/timestamp/pattern: unknown token %Q in timestamp pattern "%Y %Q"',
    ]);
    expect(issuesOf({ ...raw, logs: logs({ format: 'iso', timezone: 'Mars/Olympus' }) })[0]).toMatch(
      /^\/logs\/0\/timestamp\/timezone: unknown time zone "Mars\/Olympus"/,
    );
    expect(issuesOf({ ...raw, logs: logs({ format: 'nginx' }) })[0]).toMatch(/^\/logs\/0\/timestamp\/format: /);
    const sigs = [{ name: 's', source: 'a', pattern: 'ERROR', regex: true, exclude: ['hunt-probe', '(['] }];
    expect(issuesOf({ ...raw, logs: logs(undefined), signatures: sigs })[0]).toMatch(/^\/signatures\/0\/exclude: invalid regular expression/);
  });

  it('semanticIssues is empty for a consistent config; pointer/format helpers', () => {
    expect(semanticIssues(parseConfig(fixture('minimal.json'), 'm'))).toEqual([]);
    expect(pointer([])).toBe('/');
    expect(pointer(['a', 0, 'b'])).toBe('/a/0/b');
    expect(formatZodIssues([{ path: ['x'], message: 'bad' }])).toEqual(['/x: bad']);
  });
});
