import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli.js';
import type { CommandSpec } from '../../src/commands/types.js';
import { EXIT, InputError } from '../../src/errors.js';
import { INTERNAL_ERROR_EXIT, verdictExitCode } from '../../src/core/verdict.js';

/** A command table of one command whose run() does what `behave` says. */
function table(behave: () => Promise<number>): CommandSpec[] {
  return [
    {
      name: 'probe',
      summary: 'test command',
      configure: (cmd) =>
        cmd.requiredOption('--input <file>', 'input').requiredOption('--release <label>', 'release').option('--label <name>', 'label').option('--json', 'json'),
      load: async () => ({ run: behave }),
    },
  ];
}

function capture(): { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  return { out: () => out, err: () => err };
}

const argv = (...args: string[]) => ['node', 'hunt', 'probe', ...args];
const ok = async () => 0;

afterEach(() => vi.restoreAllMocks());

describe('exit codes and errors of the CLI', () => {
  it('an internal error exits 70, distinct from a gate fail (1) and a usage error (2)', async () => {
    const io = capture();
    const code = await main(
      argv('--input', 'a', '--release', 'r'),
      table(async () => Promise.reject(new TypeError('boom'))),
    );
    expect(code).toBe(70);
    expect(EXIT.internal).toBe(70);
    expect(io.err()).toContain('hunt: internal error: boom');
    expect(io.out()).toBe('');
  });

  it('a verdict with an internal-error reason exits 70; plain fail and warn keep 1 and 0', () => {
    const v = (rule: string) => ({ status: 'fail' as const, reasons: [{ id: 'x', rule, detail: 'd' }], blockingSeverity: 'p0' as const });
    expect(INTERNAL_ERROR_EXIT).toBe(EXIT.internal);
    expect(verdictExitCode(v('internal-error'))).toBe(70);
    expect(verdictExitCode(v('check-fail'))).toBe(1);
    expect(verdictExitCode('warn')).toBe(0);
    expect(verdictExitCode('warn', 'warn')).toBe(1);
  });

  it('--json prints one JSON error object on stdout for every kind of failure', async () => {
    let io = capture();
    expect(
      await main(
        argv('--input', 'a', '--release', 'r', '--json'),
        table(async () => Promise.reject(new Error('kaput'))),
      ),
    ).toBe(70);
    expect(JSON.parse(io.out())).toEqual({ error: { kind: 'internal', message: 'kaput', details: [], hint: expect.any(String) }, exitCode: 70 });
    vi.restoreAllMocks();

    io = capture();
    const bad = async () => Promise.reject(new InputError('--input: cannot read a: no such file', { details: ['x'], hint: 'check the path' }));
    expect(await main(argv('--input', 'a', '--release', 'r', '--json'), table(bad))).toBe(2);
    expect(JSON.parse(io.out())).toEqual({
      error: { kind: 'input', message: '--input: cannot read a: no such file', details: ['x'], hint: 'check the path' },
      exitCode: 2,
    });
    vi.restoreAllMocks();

    io = capture();
    expect(await main(argv('--input', 'a', '--release', 'r', '--lable', 'x', '--json'), table(ok))).toBe(2);
    expect(JSON.parse(io.out()).error).toMatchObject({ kind: 'usage', message: "unknown option '--lable' (Did you mean --label?)" });
  });

  it('a command that printed its JSON result before failing gets no second object', async () => {
    const io = capture();
    const printsThenFails = async () => {
      process.stdout.write('{"valid":false}\n');
      throw new InputError('x is not valid');
    };
    expect(await main(argv('--input', 'a', '--release', 'r', '--json'), table(printsThenFails))).toBe(2);
    expect(io.out()).toBe('{"valid":false}\n');
  });

  it('without --json stdout stays empty on failure; a `--json` after `--` does not count', async () => {
    const io = capture();
    expect(await main([...argv('--input', 'a'), '--', '--json'], table(ok))).toBe(2);
    expect(io.out()).toBe('');
  });

  it('reports every missing required option at once', async () => {
    const io = capture();
    expect(await main(argv(), table(ok))).toBe(2);
    expect(io.err()).toContain('missing required options: --input <file>, --release <label>');
  });

  it('a mistyped flag is reported as unknown with a suggestion, not as a missing required option', async () => {
    const io = capture();
    expect(await main(argv('--inptu', 'a', '--release', 'r'), table(ok))).toBe(2);
    expect(io.err()).toContain("unknown option '--inptu'");
    expect(io.err()).toContain('Did you mean --input?');
    expect(io.err()).not.toContain('missing required');
  });

  it('runs the command when everything is given', async () => {
    capture();
    expect(
      await main(
        argv('--input', 'a', '--release', 'r'),
        table(async () => 0),
      ),
    ).toBe(0);
  });
});
