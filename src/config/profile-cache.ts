/**
 * Validated profiles, by content. Validating a profile (zod and the schema it builds) was the largest single cost
 * of a `hunt collect` start-up, and the profile rarely changes between runs. A profile whose exact bytes this very
 * build of hunt, on this Node version, already accepted is accepted again without loading the validator: the result
 * is a pure function of those bytes, so the cached value is what validation would return. Anything else is a
 * miss and is validated: another build or Node version (the key), a file that is not hunt's (wrong owner, writable
 * by others, bad content), or no cache directory. Only accepted profiles are stored; an invalid one is reported
 * in full every time. Only `hunt collect` uses it (the short command run again and again), and keeps it where it
 * keeps everything it remembers: its state directory (`profile-<hash>.json` beside the scan checkpoints),
 * removable at any time; `HUNT_PROFILE_CACHE=off` disables it. Only the bundled CLI knows its build id: the
 * per-file modules (dist/index.js, the programmatic API) and the tests always validate.
 */
import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { ensureDir, removePath, writeFileAtomic } from '../runtime/fs.js';
import { readStateJson } from '../runtime/open-regular.js';
import type { HuntConfig } from './schema.js';

/** Set by the bundler (scripts/build.mjs): the hash of every input of this build. */
declare const __HUNT_BUILD_ID__: string | undefined;
const BUILD_ID = typeof __HUNT_BUILD_ID__ === 'string' ? __HUNT_BUILD_ID__ : null;
/** Entries kept; the oldest go first (each distinct profile text is one entry). */
const KEEP = 32;

interface Key {
  dir: string;
  id: string;
}

/** The cache entry for a profile's text in `dir`, or null when the cache is off (no build id, disabled). */
export function profileCacheKey(text: string, dir: string, env: NodeJS.ProcessEnv): Key | null {
  if (BUILD_ID === null || env.HUNT_PROFILE_CACHE === 'off') return null;
  const id = createHash('sha256').update(`hunt-profile\0${BUILD_ID}\0${process.version}\0`).update(text).digest('hex');
  return { dir, id };
}

const fileOf = (key: Key): string => path.join(key.dir, `profile-${key.id}.json`);

/** The validated profile stored under `key`; null on any doubt (then the caller validates). */
export async function cachedProfile(key: Key): Promise<HuntConfig | null> {
  const entry = (await readStateJson(fileOf(key), { ownOnly: true })) as { id?: unknown; config?: unknown } | null;
  if (entry?.id !== key.id || typeof entry.config !== 'object' || entry.config === null) return null;
  return entry.config as HuntConfig;
}

/** Stores an accepted profile; a cache that cannot be written is simply not used. */
export async function rememberProfile(key: Key, config: HuntConfig): Promise<void> {
  try {
    await ensureDir(key.dir);
    await writeFileAtomic(fileOf(key), JSON.stringify({ id: key.id, config }));
    const names = (await fsp.readdir(key.dir)).filter((n) => /^profile-[0-9a-f]{64}\.json$/.test(n));
    if (names.length <= KEEP) return;
    const aged = await Promise.all(names.map(async (n) => ({ n, t: (await fsp.stat(path.join(key.dir, n)).catch(() => null))?.mtimeMs ?? 0 })));
    aged.sort((a, b) => a.t - b.t);
    for (const { n } of aged.slice(0, aged.length - KEEP)) await removePath(path.join(key.dir, n));
  } catch {
    /* read-only or full cache directory: validation simply runs again next time */
  }
}
