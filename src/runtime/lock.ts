/**
 * An exclusive lock per out-dir: two gates (or chaos runs) writing one directory interleave journals and
 * reports. The lock is a file created with O_EXCL|O_NOFOLLOW holding the owner's pid; a lock whose owner no
 * longer runs is stale and taken over. It is released when the run ends, on every exit path this process
 * controls; after a SIGKILL the next run finds the owner gone.
 */
import { constants as fsc, promises as fsp, readFileSync, unlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UsageError } from '../errors.js';
import { makeDirs } from './mkdirp.js';

/** The lock file's name inside the out-dir (ignored by "is the out-dir empty" checks). */
export const LOCK_FILE = '.hunt.lock';

export interface DirLock {
  file: string;
  release(): void;
}

interface LockBody {
  pid: number;
  host: string;
  command: string;
  at: string;
}

function ownerAlive(body: LockBody | null): boolean {
  if (!body || !Number.isInteger(body.pid) || body.pid <= 0) return false;
  if (body.host !== os.hostname()) return true; // another machine's process: cannot tell, so it holds
  try {
    process.kill(body.pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readBody(file: string): LockBody | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as LockBody;
  } catch {
    return null;
  }
}

/** Takes the lock of `dir` (creating the directory) for `command`; UsageError (exit 2) when another run holds it. */
export async function lockDir(dir: string, command: string, flag = '--out-dir'): Promise<DirLock> {
  await makeDirs(dir);
  const file = path.join(dir, LOCK_FILE);
  const body: LockBody = { pid: process.pid, host: os.hostname(), command, at: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const h = await fsp.open(file, fsc.O_WRONLY | fsc.O_CREAT | fsc.O_EXCL | fsc.O_NOFOLLOW, 0o644);
      try {
        await h.writeFile(`${JSON.stringify(body)}\n`);
      } finally {
        await h.close();
      }
      let held = true;
      const release = () => {
        if (!held) return;
        held = false;
        process.removeListener('exit', release);
        if (readBody(file)?.pid === process.pid) {
          try {
            unlinkSync(file);
          } catch {
            // already gone
          }
        }
      };
      process.once('exit', release);
      return { file, release };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = readBody(file);
      if (ownerAlive(owner) || attempt > 0) {
        const who = owner ? `${owner.command}, hunt pid ${owner.pid} on ${owner.host}, since ${owner.at}` : `unreadable lock ${file}`;
        throw new UsageError(`${flag}: another hunt is still running in ${dir} (${who})`, {
          hint: `wait for it to finish, or stop it${owner ? ` (kill -INT ${owner.pid})` : ''} first, or pick another ${flag}; a lock whose hunt no longer runs is taken over`,
        });
      }
      await fsp.unlink(file).catch(() => undefined); // stale: its owner is gone
    }
  }
  throw new UsageError(`${flag} ${dir}: could not take the lock ${file}`);
}
