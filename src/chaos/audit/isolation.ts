/**
 * The audit-only isolation audit (no kernel isolation in force): recursive listings of the places a daemon
 * writes outside its sandbox, taken before and after a scenario, diffed and attributed (isolation-logic.ts).
 * Places: /tmp and hunt's temp dir (recursive, bounded), every production path (recursive fingerprints:
 * size, mtime, inode and a hash of small files) and the target's working directory inside the sandbox.
 * A change the lane's processes explain is a finding; anything else is information (another program, or
 * the live instance writing its own home) and never blames the target.
 */
import { createHash } from 'node:crypto';
import { constants, fstatSync, promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  attribute,
  diffListings,
  type Attribution,
  type AttributionContext,
  type Change,
  type EntryStat,
  type Listing,
  type PlaceKind,
} from './isolation-logic.js';

export interface Place {
  kind: PlaceKind;
  /** A directory, or a single file (a production log or pid file). */
  dir: string;
  /** Levels below dir that are listed. */
  depth: number;
  /** Absolute paths never reported (sandboxes, hunt's out-dir). */
  ignore: string[];
  /** Hash small files (production data; not hunt's working directory, which may be a whole repository). */
  hash?: boolean;
}

const MAX_ENTRIES = 20_000;
const HASH_MAX = 64 * 1024;
const CONTENT_SAMPLE = 8192;

/**
 * hunt's own stdout/stderr, when redirected to a file (`hunt ... 2>/tmp/x.log`), grows while a scenario runs;
 * that is hunt writing, not the target leaking, so those files (by device + inode) are never reported.
 */
const ownOutputs: Set<string> = (() => {
  const ids = new Set<string>();
  for (const fd of [1, 2]) {
    try {
      const st = fstatSync(fd);
      if (st.isFile()) ids.add(`${st.dev}:${st.ino}`);
    } catch {
      /* closed descriptor: nothing to exclude */
    }
  }
  return ids;
})();

function ignored(p: string, ignore: string[]): boolean {
  return ignore.some((i) => p === i || p.startsWith(`${i}${path.sep}`));
}

async function hashOf(p: string, size: number): Promise<string | undefined> {
  if (size > HASH_MAX) return undefined;
  try {
    const h = await fsp.open(p, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0));
    try {
      return createHash('sha1')
        .update(await h.readFile())
        .digest('hex');
    } finally {
      await h.close();
    }
  } catch {
    return undefined;
  }
}

/** A listing of one place; `truncated` when it stopped at the entry bound (changes beyond were not seen). */
async function listPlace(place: Place): Promise<{ listing: Listing; truncated: boolean }> {
  const out: Listing = new Map();
  let truncated = false;
  const add = async (p: string): Promise<EntryStat | null> => {
    let st;
    try {
      st = await fsp.lstat(p);
    } catch {
      return null; // missing, or vanished between readdir and lstat
    }
    if (st.isFile() && ownOutputs.has(`${st.dev}:${st.ino}`)) return null;
    const kind: EntryStat['kind'] = st.isFile() ? 'file' : st.isDirectory() ? 'dir' : 'other';
    const e: EntryStat = { kind, size: st.size, mtimeMs: st.mtimeMs, ino: st.ino };
    if (kind === 'file' && place.hash) e.hash = await hashOf(p, st.size);
    out.set(p, e);
    return e;
  };
  const walk = async (dir: string, depth: number) => {
    let names: string[];
    try {
      names = await fsp.readdir(dir);
    } catch {
      return;
    }
    for (const name of names.sort()) {
      if (out.size >= MAX_ENTRIES) return void (truncated = true);
      const p = path.join(dir, name);
      if (ignored(p, place.ignore)) continue;
      const e = await add(p);
      if (e?.kind === 'dir' && depth > 1) await walk(p, depth - 1);
    }
  };
  const root = await fsp.lstat(place.dir).catch(() => null);
  if (root?.isDirectory()) await walk(place.dir, place.depth);
  else if (root && place.kind === 'production') await add(place.dir);
  return { listing: out, truncated };
}

export interface PlaceSnapshot {
  listings: Listing[];
  truncated: string[];
}

/** Listings of every place. */
export async function snapshotPlaces(places: Place[]): Promise<PlaceSnapshot> {
  const res = await Promise.all(places.map(listPlace));
  return { listings: res.map((r) => r.listing), truncated: places.filter((_p, i) => res[i].truncated).map((p) => p.dir) };
}

async function sample(c: Change): Promise<string> {
  if (c.kind !== 'file' || c.change === 'removed') return '';
  try {
    const h = await fsp.open(c.path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0));
    try {
      const buf = Buffer.alloc(CONTENT_SAMPLE);
      const { bytesRead } = await h.read(buf, 0, CONTENT_SAMPLE, c.prevSize ?? 0);
      return buf.subarray(0, bytesRead).toString('latin1');
    } finally {
      await h.close();
    }
  } catch {
    return '';
  }
}

export interface IsolationResult {
  /** Changes the lane made. */
  own: Array<{ change: Change; attribution: Attribution }>;
  /** Changes nothing of the lane explains: information only. */
  info: string[];
  /** How many changes belong to other scenarios of this run. */
  others: number;
}

/** Diffs before/after listings and attributes every change. */
export async function auditIsolation(places: Place[], before: PlaceSnapshot, after: PlaceSnapshot, ctx: AttributionContext): Promise<IsolationResult> {
  const res: IsolationResult = { own: [], info: [], others: 0 };
  for (let i = 0; i < places.length; i++) {
    for (const c of diffListings(places[i].kind, before.listings[i], after.listings[i])) {
      const a = attribute(c, ctx, await sample(c));
      if (a.to === 'own') res.own.push({ change: c, attribution: a });
      else if (a.to === 'other') res.others++;
      else res.info.push(`${c.change} ${c.kind} ${c.path} (${placeName(c.place)}; ${a.why})`);
    }
  }
  for (const d of after.truncated) res.info.push(`the listing of ${d} stopped at ${MAX_ENTRIES} entries: changes beyond were not seen`);
  return res;
}

/** The places of one scenario: temp dirs, production paths (with their kind), the target's working directory. */
export function auditPlaces(o: { production: Array<{ path: string; shallow?: boolean }>; targetCwd: string; ignore: string[] }): Place[] {
  const tmpDirs = [...new Set(['/tmp', os.tmpdir()].map((d) => path.resolve(d)))].sort();
  const places: Place[] = tmpDirs.map((dir) => ({ kind: 'tmp' as const, dir, depth: 4, ignore: o.ignore }));
  for (const p of [...o.production].sort((a, b) => a.path.localeCompare(b.path)))
    places.push({ kind: 'production', dir: p.path, depth: p.shallow ? 1 : 6, ignore: o.ignore, hash: !p.shallow });
  places.push({ kind: 'target-cwd', dir: o.targetCwd, depth: 4, ignore: [] });
  return places;
}

/** Pure: how a place is named in evidence. */
export function placeName(k: PlaceKind): string {
  return { tmp: 'temp dir', production: 'production path', 'target-cwd': "target's working directory" }[k];
}
