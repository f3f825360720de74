/** Placeholders expanded into shell-string commands are quoted: a hostile --home runs nothing. */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { expandCommand } from '../../src/config/placeholders.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'hunt-ph-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function sh(cmd: string): string {
  return execFileSync('sh', ['-c', cmd], { encoding: 'utf8' });
}

describe('placeholders in shell strings', () => {
  it("--home '/tmp/h;touch pwned' stays one path and runs nothing", () => {
    const pwned = path.join(dir, 'pwned');
    const home = `/tmp/h;touch ${pwned}`;
    const cmd = expandCommand('printf "%s\\n" {home}', { port: 1, home, configDir: dir }) as string;
    expect(sh(cmd)).toBe(`${home}\n`);
    expect(existsSync(pwned)).toBe(false);
  });

  it('argv commands are expanded verbatim (no shell reads them)', () => {
    expect(expandCommand(['x', '--home', '{home}'], { port: 1, home: "a'b c", configDir: dir })).toEqual(['x', '--home', "a'b c"]);
  });

  it('property: any value reads back exactly, outside quotes, inside "…" and inside \'…\'', () => {
    const value = fc.string({ minLength: 1, maxLength: 30 }).filter((s) => !s.includes('\u0000'));
    fc.assert(
      fc.property(value, (home) => {
        const tpls = ['printf %s {home}', 'printf %s "{home}"', "printf %s '{home}'", 'printf %s "x{home}y"'];
        // one shell per run, the four commands on lines of their own with a NUL after each: a quoting mistake in
        // any of them still changes what the others print (or swallows them), and a fork of this worker is costly
        const script = tpls.map((tpl) => `${expandCommand(tpl, { port: 1, home, configDir: dir }) as string}\nprintf '\\000'`).join('\n');
        const want = tpls.map((tpl) => (tpl.includes('x{home}y') ? `x${home}y` : home));
        expect(sh(script).split('\u0000').slice(0, -1)).toEqual(want);
      }),
      { numRuns: 60 },
    );
  });
});
