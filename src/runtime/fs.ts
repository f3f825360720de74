/**
 * The one place that writes files. Every write is atomic: the bytes go to a temp file in the same directory,
 * created exclusively (O_EXCL) under an unpredictable name without following symlinks (O_NOFOLLOW), so a link
 * planted where the temp file will be cannot redirect the write; then one rename publishes it. Temp files are
 * removed on every exit path this process controls (errors, exit, signals that exit); one left by a SIGKILL is
 * removed by the next write of the same file once its writer is dead. Reads live in read.ts.
 */
import { randomBytes } from 'node:crypto';
import { constants as fsc, promises as fsp, unlinkSync } from 'node:fs';
import path from 'node:path';
import { makeDirs } from './mkdirp.js';
import { isRunning } from './signals.js';

export { lineColumn, parseJsonText, readJsonFile, readTextFile } from './read.js';

const live = new Set<string>();
let exitHookInstalled = false;

function track(tmp: string): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const t of live) {
        try {
          unlinkSync(t);
        } catch {
          // already gone
        }
      }
    });
  }
  live.add(tmp);
}

async function discard(tmp: string): Promise<void> {
  live.delete(tmp);
  await fsp.unlink(tmp).catch(() => undefined);
}

const TMP_RE = /^\.(.+)\.(\d+)\.[0-9a-f]{16}\.tmp$/;

/** Removes temp files of `base` left in `dir` by a writer that no longer runs (a SIGKILLed hunt). */
async function sweepStaleTemps(dir: string, base: string): Promise<void> {
  let names: string[];
  try {
    names = await fsp.readdir(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const m = TMP_RE.exec(name);
    if (!m || m[1] !== base || Number(m[2]) === process.pid || isRunning(Number(m[2]))) continue;
    await fsp.unlink(path.join(dir, name)).catch(() => undefined); // unlink never follows a symlink
  }
}

/** Writes `data` to a fresh temp file beside `file` and returns the temp path (not yet published). */
async function writeTemp(file: string, data: string | Uint8Array): Promise<string> {
  const dir = path.dirname(file);
  await makeDirs(dir);
  await sweepStaleTemps(dir, path.basename(file));
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(8).toString('hex')}.tmp`);
  const handle = await fsp.open(tmp, fsc.O_WRONLY | fsc.O_CREAT | fsc.O_EXCL | fsc.O_NOFOLLOW, 0o666);
  track(tmp);
  try {
    await handle.writeFile(data);
    await handle.sync(); // the rename must never expose bytes that are not on disk yet
    await handle.close();
  } catch (err) {
    await handle.close().catch(() => undefined);
    await discard(tmp);
    throw err;
  }
  return tmp;
}

async function publish(tmp: string, file: string): Promise<void> {
  try {
    await fsp.rename(tmp, file);
    live.delete(tmp);
  } catch (err) {
    await discard(tmp);
    throw err;
  }
}

/** Writes `data` to `file` atomically, creating parent directories. */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  await publish(await writeTemp(file, data), file);
}

/**
 * Creates `file` with `data` only if nothing is at that path; false when something is. The bytes are written
 * to a temp file first and linked into place, so no reader ever sees the file empty or half written (a lock
 * read between O_EXCL and the write would look abandoned). link() fails on an existing symlink, never follows it.
 */
export async function createFileExclusive(file: string, data: string): Promise<boolean> {
  const tmp = await writeTemp(file, data);
  try {
    await fsp.link(tmp, file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    await discard(tmp);
  }
}

/** Writes JSON (2-space, trailing newline) atomically. */
export async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  await writeFileAtomic(file, `${JSON.stringify(value, null, 2)}\n`);
}

/** A file of a set written by writeFileSet; `label` names it in errors (e.g. "--md-out"). */
export interface SetMember {
  file: string;
  data: string | Uint8Array;
  label: string;
}

/** The write of one member of a set failed; nothing of the new set was published. */
export class SetWriteError extends Error {
  constructor(
    readonly member: SetMember,
    readonly reason: NodeJS.ErrnoException,
  ) {
    super(`${member.label}: cannot write ${member.file}: ${reason.message}`);
  }
}

/**
 * Publishes files as one set: every member is written to its temp file first (a full disk fails here and
 * publishes nothing, the previous set stays whole), then every previous member is removed, then the new ones
 * are renamed in. At every instant the members present are all of the old set or all of the new one, so a
 * reader never finds a new verdict beside an old one, whatever kills the process in between.
 */
export async function writeFileSet(members: SetMember[]): Promise<void> {
  const tmps: string[] = [];
  try {
    for (const m of members) {
      // A directory in a member's place would fail only at publishing, after the old set is gone: refuse it first.
      const st = await fsp.lstat(m.file).catch(() => null);
      if (st?.isDirectory()) throw new SetWriteError(m, Object.assign(new Error('is a directory'), { code: 'EISDIR' }));
    }
    for (const m of members) {
      try {
        tmps.push(await writeTemp(m.file, m.data));
      } catch (err) {
        throw new SetWriteError(m, err as NodeJS.ErrnoException);
      }
    }
    for (const m of members) {
      try {
        await fsp.unlink(m.file);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new SetWriteError(m, err as NodeJS.ErrnoException);
      }
    }
  } catch (err) {
    await Promise.all(tmps.map(discard));
    throw err;
  }
  for (let i = 0; i < members.length; i++) {
    try {
      await publish(tmps[i], members[i].file);
    } catch (err) {
      await Promise.all(tmps.slice(i + 1).map(discard));
      throw new SetWriteError(members[i], err as NodeJS.ErrnoException);
    }
  }
}

/** Appends one line and fsyncs it before returning (journals: the record must be durable before the step acts). */
export async function appendLineDurable(file: string, line: string): Promise<void> {
  await makeDirs(path.dirname(file));
  // O_NOFOLLOW: a symlink planted at the journal's path must not redirect hunt's appends elsewhere.
  const handle = await fsp.open(file, fsc.O_WRONLY | fsc.O_APPEND | fsc.O_CREAT | fsc.O_NOFOLLOW, 0o666);
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
