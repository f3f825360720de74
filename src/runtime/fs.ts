/**
 * The one place that writes files. Every write is atomic (temp file in the same directory + rename),
 * so a killed run never leaves a half-written artifact. Reads turn OS errors into InputError with the path.
 */
import { promises as fsp, constants as fsc } from 'node:fs';
import path from 'node:path';
import { makeDirs } from './mkdirp.js';
import { InputError } from '../errors.js';

let seq = 0;

/** Writes `data` to `file` atomically, creating parent directories. */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  await makeDirs(path.dirname(file));
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${++seq}.tmp`);
  const handle = await fsp.open(tmp, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync(); // the rename must never expose bytes that are not on disk yet
  } finally {
    await handle.close();
  }
  await fsp.rename(tmp, file);
}

/** Writes JSON (2-space, trailing newline) atomically. */
export async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  await writeFileAtomic(file, `${JSON.stringify(value, null, 2)}\n`);
}

/** Appends one line and fsyncs it before returning (journals: the record must be durable before the step acts). */
export async function appendLineDurable(file: string, line: string): Promise<void> {
  await makeDirs(path.dirname(file));
  const handle = await fsp.open(file, 'a');
  try {
    await handle.write(line.endsWith('\n') ? line : `${line}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Creates a directory (and parents). */
export async function ensureDir(dir: string): Promise<void> {
  await makeDirs(dir);
}

/** Copies a file (used to take target logs out of a sandbox); returns false when the source is missing. */
export async function copyFileIfExists(from: string, to: string): Promise<boolean> {
  try {
    await makeDirs(path.dirname(to));
    await fsp.copyFile(from, to);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

function describeOsError(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory, expected a file';
    default:
      return err.message;
  }
}

/** Reads a UTF-8 text file; `what` names the flag or role (e.g. "--input") for the error message. */
export async function readTextFile(file: string, what: string): Promise<string> {
  try {
    return await fsp.readFile(file, 'utf8');
  } catch (err) {
    throw new InputError(`${what}: cannot read ${file}: ${describeOsError(err as NodeJS.ErrnoException)}`, {
      hint: 'check the path and its permissions',
    });
  }
}

/** Line and column (1-based) of a character offset in text. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, offset));
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return { line, column };
}

/** Parses JSON text; malformed JSON throws InputError naming the file, line and column. */
export function parseJsonText(text: string, file: string, what: string): unknown {
  try {
    return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (err) {
    const msg = (err as Error).message;
    const pos = /position (\d+)/.exec(msg);
    const lc = /line (\d+) column (\d+)/.exec(msg);
    const where = lc
      ? { line: Number(lc[1]), column: Number(lc[2]) }
      : pos
        ? lineColumn(text, Number(pos[1]))
        : text.trim() === ''
          ? { line: 1, column: 1 }
          : lineColumn(text, text.length);
    throw new InputError(`${what}: ${file}:${where.line}:${where.column}: malformed JSON (${msg.replace(/^.*?: /, '')})`, {
      hint: 'fix the JSON syntax at that line and column',
    });
  }
}

/** Reads and parses a JSON file with file/line/column errors. */
export async function readJsonFile(file: string, what: string): Promise<unknown> {
  return parseJsonText(await readTextFile(file, what), file, what);
}

/** Whether a path exists (any type). */
export async function pathExists(p: string): Promise<boolean> {
  try {
    await fsp.access(p, fsc.F_OK);
    return true;
  } catch {
    return false;
  }
}

/** Removes a file or directory tree (no error when it is already gone): sandboxes reclaimed from a killed run. */
export async function removePath(p: string): Promise<void> {
  await fsp.rm(p, { recursive: true, force: true, maxRetries: 3, retryDelay: 50 });
}
