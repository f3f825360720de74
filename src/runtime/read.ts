/**
 * Reading input files (reports, allowlists, baselines, profiles). Only regular files are read: a FIFO would
 * block forever, a device never ends, a directory is a mistake; each is refused with exit 2 before a byte is
 * read. Files above a size cap are refused with the cap in the message instead of failing deep in V8.
 * UTF-8 (with or without BOM) and UTF-16 (LE/BE, with a BOM or recognisable by its NUL bytes) are decoded.
 */
import { constants as fsc, promises as fsp } from 'node:fs';
import { InputError } from '../errors.js';
import { fileKind } from './open-regular.js';
import { findJsonStructureProblem, MAX_JSON_DEPTH } from './json-structure.js';

/** Largest input file read (bytes). JSON.parse of more would approach V8's string limit (~512 MiB). */
export const MAX_INPUT_BYTES = 256 * 1024 * 1024;

function describeOsError(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory, expected a file';
    case 'ELOOP':
      return 'too many levels of symbolic links';
    default:
      return err.message;
  }
}

function kindOf(st: import('node:fs').Stats): string {
  const kind = fileKind(st);
  if (kind === 'FIFO') return 'a FIFO (named pipe)';
  return kind === 'special file' ? 'not a regular file' : `a ${kind}`;
}

/** Shows control characters as \uXXXX so text from a file never reaches a terminal or CI log raw. */
export function printableText(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Decodes file bytes: UTF-8 (BOM dropped) or UTF-16 LE/BE (by BOM, or by the NUL byte of an ASCII first character). */
export function decodeText(buf: Buffer): string {
  if (buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) return buf.subarray(3).toString('utf8');
  if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe) return buf.subarray(2).toString('utf16le');
  if (buf.length >= 2 && buf[0] === 0xfe && buf[1] === 0xff) return Buffer.from(buf.subarray(2)).swap16().toString('utf16le');
  if (buf.length >= 2 && buf.length % 2 === 0) {
    if (buf[0] !== 0 && buf[1] === 0) return buf.toString('utf16le');
    if (buf[0] === 0 && buf[1] !== 0) return Buffer.from(buf).swap16().toString('utf16le');
  }
  return buf.toString('utf8');
}

/** Reads a text file (see the module doc for what is refused); `what` names the flag or role (e.g. "--input"). */
export async function readTextFile(file: string, what: string, maxBytes: number = MAX_INPUT_BYTES): Promise<string> {
  let handle: import('node:fs/promises').FileHandle;
  try {
    // O_NONBLOCK: opening a FIFO for reading must not wait for a writer; fstat then refuses it.
    handle = await fsp.open(file, fsc.O_RDONLY | fsc.O_NONBLOCK);
  } catch (err) {
    throw new InputError(`${what}: cannot read ${file}: ${describeOsError(err as NodeJS.ErrnoException)}`, {
      hint: 'check the path and its permissions',
    });
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) {
      throw new InputError(`${what}: cannot read ${file}: it is ${kindOf(st)}, expected a regular file`, { hint: 'pass the path of a regular file' });
    }
    if (st.size > maxBytes) {
      throw new InputError(`${what}: ${file} is ${st.size} bytes, above the ${maxBytes}-byte limit for an input file`, {
        hint: 'pass a smaller file (a report this large is not one hunt wrote)',
      });
    }
    const buf = await handle.readFile();
    if (buf.length > maxBytes) throw new InputError(`${what}: ${file} grew above the ${maxBytes}-byte limit while being read`);
    return decodeText(buf);
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(`${what}: cannot read ${file}: ${describeOsError(err as NodeJS.ErrnoException)}`, {
      hint: 'check the path and its permissions',
    });
  } finally {
    await handle.close();
  }
}

/** Line and column (1-based) of a character offset in text. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, offset));
  let line = 1;
  for (let i = before.indexOf('\n'); i >= 0; i = before.indexOf('\n', i + 1)) line++;
  const column = offset - before.lastIndexOf('\n');
  return { line, column };
}

/**
 * Parses JSON text; malformed JSON, a duplicate key or nesting deeper than MAX_JSON_DEPTH throws InputError
 * naming the file, line and column. The parser's message quotes the file's text: it is made printable so a
 * line of the file (e.g. `::add-mask::`) can never start a line of hunt's output.
 */
export function parseJsonText(text: string, file: string, what: string): unknown {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (err) {
    const msg = (err as Error).message;
    const pos = /position (\d+)/.exec(msg);
    const lc = /line (\d+) column (\d+)/.exec(msg);
    const where = lc
      ? { line: Number(lc[1]), column: Number(lc[2]) }
      : pos
        ? lineColumn(body, Number(pos[1]))
        : body.trim() === ''
          ? { line: 1, column: 1 }
          : lineColumn(body, body.length);
    const why = printableText(msg.replace(/^.*?: /, '')).slice(0, 300);
    throw new InputError(`${what}: ${file}:${where.line}:${where.column}: malformed JSON (${why})`, {
      hint: 'fix the JSON syntax at that line and column',
    });
  }
  const problem = findJsonStructureProblem(body, MAX_JSON_DEPTH);
  if (problem) {
    const where = lineColumn(body, problem.offset);
    throw new InputError(`${what}: ${file}:${where.line}:${where.column}: ${printableText(problem.message).slice(0, 300)}`, {
      hint: problem.message.startsWith('duplicate')
        ? 'keep one of the two keys: a reader that takes the first would see a different document'
        : `flatten the document to at most ${MAX_JSON_DEPTH} levels of objects and arrays`,
    });
  }
  return value;
}

/** Reads and parses a JSON file with file/line/column errors. */
export async function readJsonFile(file: string, what: string): Promise<unknown> {
  return parseJsonText(await readTextFile(file, what), file, what);
}
