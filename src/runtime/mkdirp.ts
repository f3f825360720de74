/**
 * `mkdir -p` that always terminates. Node's `mkdir(dir, { recursive: true })` never settles for a path under /proc
 * (the kernel answers ENOENT for a parent that exists, and Node retries forever): `--out-dir /proc/x` hung hunt.
 * Here every level is created once, parents first, and the first error that is not "already a directory" is thrown.
 */
import { promises as fsp } from 'node:fs';
import path from 'node:path';

async function isDirectory(p: string): Promise<boolean> {
  try {
    return (await fsp.stat(p)).isDirectory();
  } catch {
    return false;
  }
}

async function mkdirOnce(dir: string): Promise<NodeJS.ErrnoException | null> {
  try {
    await fsp.mkdir(dir);
    return null;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EEXIST' && (await isDirectory(dir))) return null;
    return e;
  }
}

/** Creates `dir` and its missing parents; rejects with the errno error of the level that cannot be created. */
export async function makeDirs(dir: string): Promise<void> {
  const abs = path.resolve(dir);
  const first = await mkdirOnce(abs);
  if (!first) return;
  const parent = path.dirname(abs);
  if (first.code !== 'ENOENT' || parent === abs) throw first;
  await makeDirs(parent);
  const second = await mkdirOnce(abs);
  if (second) throw second;
}
