/**
 * Fuzzing (bounded) of the report reader and the renderer: whatever bytes a report file holds, reading it
 * either yields a valid report or a HuntError (exit 2) naming the file, never a crash, and every report the
 * reader accepts renders to a set whose JSON re-validates.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { HuntError } from '../../src/errors.js';
import { decodeText, parseJsonText } from '../../src/runtime/read.js';
import { findJsonStructureProblem } from '../../src/runtime/json-structure.js';
import { assertValidReport, validateReport } from '../../src/report/validate.js';
import { renderPipeline } from '../../src/report/pipeline.js';
import { reportArb } from '../unit/render.arbitraries.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'hunt-fuzz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Byte-level mutations of a document: flips, cuts, insertions of JSON punctuation, duplicated spans. */
const mutated = (text: string) =>
  fc
    .array(
      fc.tuple(
        fc.nat({ max: Math.max(0, text.length - 1) }),
        fc.constantFrom('flip', 'cut', 'insert', 'dup'),
        fc.constantFrom('{', '}', '[', ']', '"', ',', ':', '\\', '\u0000', '\ud800', '1e999'),
      ),
      { minLength: 1, maxLength: 4 },
    )
    .map((ops) => {
      let t = text;
      for (const [at, op, s] of ops) {
        const i = Math.min(at, t.length);
        if (op === 'flip') t = `${t.slice(0, i)}${String.fromCharCode((t.charCodeAt(i) || 0) ^ 0x20)}${t.slice(i + 1)}`;
        else if (op === 'cut') t = t.slice(0, i);
        else if (op === 'insert') t = `${t.slice(0, i)}${s}${t.slice(i)}`;
        else t = `${t.slice(0, i)}${t.slice(i, i + 40)}${t.slice(i)}`;
      }
      return t;
    });

function readReport(text: string) {
  return assertValidReport(parseJsonText(text, 'fuzz.json', '--input'), 'fuzz.json');
}

describe('fuzz: report reader', () => {
  it('mutated reports are accepted as valid reports or refused with a HuntError, never a crash', () => {
    fc.assert(
      fc.property(
        reportArb.chain((r) => mutated(JSON.stringify(r))),
        (text) => {
          try {
            const r = readReport(text);
            expect(validateReport(r).ok).toBe(true);
          } catch (err) {
            expect(err).toBeInstanceOf(HuntError);
            expect((err as HuntError).exitCode).toBe(2);
            expect((err as Error).message).not.toMatch(/[\n\r\u001b]/);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('the structure check agrees with a reference on duplicate keys and depth', () => {
    const doc = fc.jsonValue({ maxDepth: 6 });
    fc.assert(
      fc.property(doc, fc.nat({ max: 8 }), (v, depth) => {
        const text = JSON.stringify(v);
        expect(findJsonStructureProblem(text, 64)).toBeNull(); // serialized objects have unique keys
        const nested = `${'['.repeat(depth)}${text}${']'.repeat(depth)}`;
        const maxDepth = (() => {
          let d = 0;
          let m = 0;
          let inStr = false;
          for (let i = 0; i < nested.length; i++) {
            const c = nested[i];
            if (inStr) {
              if (c === '\\') i++;
              else if (c === '"') inStr = false;
            } else if (c === '"') inStr = true;
            else if (c === '{' || c === '[') m = Math.max(m, ++d);
            else if (c === '}' || c === ']') d--;
          }
          return m;
        })();
        expect(findJsonStructureProblem(nested, maxDepth)).toBeNull();
        if (maxDepth > 0) expect(findJsonStructureProblem(nested, maxDepth - 1)?.message).toMatch(/nested deeper/);
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }), fc.jsonValue({ maxDepth: 2 }), (key, a, b) => {
        const k = JSON.stringify(key);
        // The same key spelled with a \u escape is still the same key.
        const alt = JSON.stringify(key).replace(/[a-z]/, (c) => `\\u00${c.charCodeAt(0).toString(16)}`);
        const text = `{"x":{${k}:${JSON.stringify(a)},"y":1,${alt}:${JSON.stringify(b)}}}`;
        expect(findJsonStructureProblem(text)?.message).toBe(`duplicate key ${JSON.stringify(key)} (JSON keeps only the last one)`);
      }),
      { numRuns: 300 },
    );
  });

  it('decodes UTF-8, UTF-8 with BOM and UTF-16 LE/BE to the same text', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 3 }), (v) => {
        const text = JSON.stringify({ v });
        const u16 = Buffer.from(text, 'utf16le');
        for (const buf of [
          Buffer.from(text),
          Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]),
          Buffer.concat([Buffer.from([0xff, 0xfe]), u16]),
          Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(u16).swap16()]),
          u16,
          Buffer.from(u16).swap16(),
        ]) {
          expect(decodeText(buf)).toBe(text);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('fuzz: renderer', () => {
  it('every report the reader accepts renders to a set whose JSON re-validates', async () => {
    await fc.assert(
      fc.asyncProperty(reportArb, async (r) => {
        const report = readReport(JSON.stringify(r));
        const out = { jsonOut: path.join(dir, 'r.json'), mdOut: path.join(dir, 'r.md'), junitOut: path.join(dir, 'r.xml') };
        const res = await renderPipeline(report, out);
        const back = readReport(readFileSync(out.jsonOut, 'utf8'));
        expect(back.metadata?.gate).toEqual(res.verdict);
        expect(readFileSync(out.mdOut, 'utf8')).not.toContain('\u001b');
      }),
      { numRuns: 60 },
    );
  });
});
