/**
 * An exclusive lock per out-dir: two gates (or chaos runs) writing one directory interleave journals and
 * reports. The lock is a file holding the owner's pid, created whole (written aside, then linked into place);
 * a lock whose owner no longer runs is stale and taken over. It is released when the run ends, on every exit
 * path this process controls; after a SIGKILL the next run finds the owner gone.
 *
 * Taking over is the racy part: two runs that both find the same stale lock must not both remove it, or the
 * slower one removes the lock the faster one has just created and both run. So a takeover first wins a claim
 * named after the stale lock's exact bytes (`.hunt.lock.takeover-<hash>.<n>`, created exclusively), checks the
 * lock still holds those bytes, and only then removes it; every lock body carries a random nonce, so those
 * bytes never come back once removed. A claim whose claimer died is superseded by claim n+1, never deleted by a
 * bystander, so at most one live claimer acts on a stale lock at any time.
 */
import { createHash, randomBytes } from 'node:crypto';
import { lstatSync, promises as fsp, readFileSync, unlinkSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { UsageError } from '../errors.js';
import { createFileExclusive } from './fs.js';
import { makeDirs } from './mkdirp.js';
import { openRegular } from './open-regular.js';
import { isRunning } from './signals.js';

/** The lock file's name inside the out-dir. */
export const LOCK_FILE = '.hunt.lock';

/** True for the lock and its helpers (claims, the temp file being linked): "is the out-dir empty" ignores them. */
export function isLockEntry(name: string): boolean {
  return name === LOCK_FILE || name.startsWith(`${LOCK_FILE}.`) || name.startsWith(`.${LOCK_FILE}.`);
}

export interface DirLock {
  file: string;
  release(): void;
}

interface LockBody {
  pid: number;
  host: string;
  command: string;
  at: string;
  nonce?: string;
}

/** How long a run waits for another run's takeover of a stale lock to finish before giving up (exit 2). */
const CLAIM_WAIT_MS = 10_000;

function ownerAlive(body: LockBody | null): body is LockBody {
  if (!body || !Number.isInteger(body.pid) || body.pid <= 0) return false;
  if (body.host !== os.hostname()) return true; // another machine's process: cannot tell, so it holds
  return isRunning(body.pid); // a SIGKILLed hunt left as an unreaped zombie holds nothing
}

/** The lock's bytes; null when there is no lock. An unreadable lock (FIFO, directory, no permission) is exit 2. */
async function readRaw(file: string): Promise<string | null> {
  let h: FileHandle;
  try {
    h = await openRegular(file); // a FIFO planted as the lock must not block this run
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new UsageError(`cannot read the out-dir lock ${file}: ${(err as Error).message}`, {
      hint: 'remove it if no hunt runs in that directory, or pick another out-dir',
    });
  }
  try {
    return await h.readFile('utf8');
  } finally {
    await h.close();
  }
}

/** At exit (synchronous): the lock's bytes if it is still a regular file, else null. */
function readOwnLock(file: string): string | null {
  try {
    return lstatSync(file).isFile() ? readFileSync(file, 'utf8') : null;
  } catch {
    return null;
  }
}

function parseBody(raw: string | null): LockBody | null {
  if (raw === null) return null;
  try {
    const v = JSON.parse(raw) as LockBody;
    return v && typeof v === 'object' ? v : null;
  } catch {
    return null;
  }
}

type Takeover = 'done' | 'lost' | 'busy';

/**
 * Removes the stale lock whose bytes are `raw`, if this process wins the claim on them. 'lost': another run
 * claimed them first (try again from the top); 'busy': a live run holds the claim (wait for it).
 */
async function takeOver(dir: string, file: string, raw: string, body: string): Promise<Takeover> {
  const prefix = `${LOCK_FILE}.takeover-${createHash('sha256').update(raw).digest('hex').slice(0, 16)}.`;
  const names = await fsp.readdir(dir).catch(() => [] as string[]);
  const taken = names.filter((n) => n.startsWith(prefix)).map((n) => Number(n.slice(prefix.length)));
  const last = Math.max(0, ...taken.filter((n) => Number.isInteger(n) && n > 0));
  if (last > 0 && ownerAlive(parseBody(await readRaw(path.join(dir, `${prefix}${last}`))))) return 'busy';
  const claim = path.join(dir, `${prefix}${last + 1}`);
  if (!(await createFileExclusive(claim, body))) return 'lost';
  try {
    // Only the holder of the newest claim removes these bytes, and they are unique: if the lock still
    // holds them, nobody else can have replaced it between this read and the unlink.
    if ((await readRaw(file)) === raw) await fsp.unlink(file).catch(() => undefined);
    return 'done';
  } finally {
    for (let n = last + 1; n >= 1; n--) await fsp.unlink(path.join(dir, `${prefix}${n}`)).catch(() => undefined);
  }
}

function held(file: string, nonce: string): DirLock {
  let live = true;
  const release = () => {
    if (!live) return;
    live = false;
    process.removeListener('exit', release);
    if (parseBody(readOwnLock(file))?.nonce === nonce) {
      try {
        unlinkSync(file);
      } catch {
        // already gone
      }
    }
  };
  process.once('exit', release);
  return { file, release };
}

/** Takes the lock of `dir` (creating the directory) for `command`; UsageError (exit 2) when another run holds it. */
export async function lockDir(dir: string, command: string, flag = '--out-dir'): Promise<DirLock> {
  await makeDirs(dir);
  const file = path.join(dir, LOCK_FILE);
  const nonce = randomBytes(12).toString('hex');
  const body = `${JSON.stringify({ pid: process.pid, host: os.hostname(), command, at: new Date().toISOString(), nonce } satisfies LockBody)}\n`;
  const deadline = Date.now() + CLAIM_WAIT_MS;
  for (let round = 0; round === 0 || Date.now() <= deadline; round++) {
    if (await createFileExclusive(file, body)) return held(file, nonce);
    const raw = await readRaw(file);
    if (raw === null) continue; // released or taken over between the two calls: try again
    const owner = parseBody(raw);
    if (ownerAlive(owner)) {
      const who = `${owner.command}, hunt pid ${owner.pid} on ${owner.host}, since ${owner.at}`;
      const elsewhere = owner.host !== os.hostname();
      throw new UsageError(`${flag}: another hunt is still running in ${dir} (${who})`, {
        hint: elsewhere
          ? `the lock was taken on ${owner.host}, where this hunt cannot see whether it still runs: wait for it, or remove ${file} once it has ended, or pick another ${flag}`
          : `wait for it to finish, or stop it (kill -INT ${owner.pid}) first, or pick another ${flag}; a lock whose hunt no longer runs is taken over`,
      });
    }
    const step = await takeOver(dir, file, raw, body);
    if (step === 'busy') {
      await new Promise((r) => setTimeout(r, Math.min(200, 10 * (round + 1))));
    }
  }
  throw new UsageError(`${flag} ${dir}: could not take the lock ${file}: another run has been taking over its stale lock for ${CLAIM_WAIT_MS / 1000} s`, {
    hint: `remove ${dir}/${LOCK_FILE}.takeover-* if no hunt runs there, then run again`,
  });
}
