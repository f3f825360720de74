import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { colorLevel, isCI } from '../../src/runtime/terminal.js';
import { createProgress } from '../../src/runtime/progress.js';

const SGR_COLOUR = /\u001b\[(3\d|9\d|38;)/;

/** A stream that looks like a 100-column terminal with 256 colours and records what is written. */
function fakeTty(isTTY = true): NodeJS.WriteStream & { text: () => string } {
  const chunks: string[] = [];
  const s = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(String(chunk));
      cb();
    },
  }) as unknown as NodeJS.WriteStream & { text: () => string };
  Object.assign(s, {
    isTTY,
    columns: 100,
    rows: 40,
    getColorDepth: (env: NodeJS.ProcessEnv = {}) => ('CI' in env ? 1 : 8),
    cursorTo: () => true,
    moveCursor: () => true,
    clearLine: () => true,
    text: () => chunks.join(''),
  });
  return s;
}

describe('isCI', () => {
  it.each([
    [{}, false],
    [{ CI: '' }, false],
    [{ CI: 'false' }, false],
    [{ CI: 'FALSE' }, false],
    [{ CI: '0' }, false],
    [{ CI: 'true' }, true],
    [{ CI: '1' }, true],
    [{ CI: 'woodpecker' }, true],
  ])('%o -> %s', (env, expected) => expect(isCI(env)).toBe(expected));
});

describe('colorLevel', () => {
  const tty = fakeTty();
  it.each([
    [{}, 2],
    [{ NO_COLOR: '1' }, 0],
    [{ NO_COLOR: '' }, 2],
    [{ NO_COLOR: '1', FORCE_COLOR: '1' }, 1],
    [{ FORCE_COLOR: '0' }, 0],
    [{ FORCE_COLOR: 'false' }, 0],
    [{ FORCE_COLOR: '' }, 1],
    [{ FORCE_COLOR: '3' }, 3],
    [{ CI: 'false' }, 2],
    [{ CI: 'true' }, 0],
  ])('on a terminal %o -> %s', (env, expected) => expect(colorLevel(tty, env)).toBe(expected));

  it('never colours a pipe unless forced', () => {
    expect(colorLevel(fakeTty(false), {})).toBe(0);
    expect(colorLevel(fakeTty(false), { FORCE_COLOR: '1' })).toBe(1);
  });
});

async function progressOutput(env: NodeJS.ProcessEnv, isTTY = true): Promise<string> {
  const stream = fakeTty(isTTY);
  const p = await createProgress({ stream, env });
  p.step('probe a').done('pass');
  p.step('probe b').done('fail', 'down');
  return stream.text();
}

describe('createProgress', () => {
  it('animates on a terminal with colour, and without any colour under NO_COLOR', async () => {
    const coloured = await progressOutput({});
    expect(coloured).toContain('✔');
    expect(coloured).toMatch(SGR_COLOUR);
    const plain = await progressOutput({ NO_COLOR: '1' });
    expect(plain).toContain('✔');
    expect(plain).toContain('✖');
    expect(plain).not.toMatch(SGR_COLOUR);
  });

  it('CI=false is a terminal; CI=true gets one plain line per step', async () => {
    expect(await progressOutput({ CI: 'false' })).toContain('✔');
    const ci = await progressOutput({ CI: 'true' });
    expect(ci).toMatch(/^\[ok {2}\] probe a \(\d+ ms\)\n\[FAIL\] probe b - down \(\d+ ms\)\n$/);
  });

  it('colours plain lines only when forced', async () => {
    expect(await progressOutput({}, false)).not.toMatch(SGR_COLOUR);
    expect(await progressOutput({ FORCE_COLOR: '1' }, false)).toMatch(SGR_COLOUR);
  });
});
