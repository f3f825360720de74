/**
 * The isolation audit: listings (name, type, size, mtime) of the places a daemon typically leaks to,
 * taken before and after a scenario, then diffed and attributed (see isolation-logic.ts).
 * Places: top-level entries of /tmp and hunt's temp dir, the real app home (recursive, bounded), hunt's
 * working directory (top level) and the target's own working directory inside the sandbox.
 * Limitation (documented in docs/staging-chaos.md): only top-level /tmp entries are seen, and with
 * concurrent scenarios a change that names no pid and no sandbox is reported by every overlapping scenario.
 */
import { fstatSync, promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  attribute,
  diffListings,
  levelOf,
  type Attribution,
  type AttributionContext,
  type Change,
  type EntryStat,
  type Listing,
  type PlaceKind,
  type UnattributedPolicy,
} from './isolation-logic.js';

export interface Place {
  kind: PlaceKind;
  dir: string;
  /** 1 = top level only. */
  depth: number;
  /** Absolute paths never reported (sandboxes, hunt's out-dir). */
  ignore: string[];
}

const MAX_ENTRIES = 5000;
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

async function listPlace(place: Place): Promise<Listing> {
  const out: Listing = new Map();
  const walk = async (dir: string, depth: number) => {
    let names: string[];
    try {
      names = await fsp.readdir(dir);
    } catch {
      return; // missing or unreadable: an empty place
    }
    for (const name of names.sort()) {
      if (out.size >= MAX_ENTRIES) return;
      const p = path.join(dir, name);
      if (ignored(p, place.ignore)) continue;
      let st;
      try {
        st = await fsp.lstat(p);
      } catch {
        continue; // vanished between readdir and lstat
      }
      if (st.isFile() && ownOutputs.has(`${st.dev}:${st.ino}`)) continue;
      const kind: EntryStat['kind'] = st.isFile() ? 'file' : st.isDirectory() ? 'dir' : 'other';
      out.set(p, { kind, size: st.size, mtimeMs: st.mtimeMs });
      if (kind === 'dir' && depth > 1) await walk(p, depth - 1);
    }
  };
  await walk(place.dir, place.depth);
  return out;
}

/** Listings of every place. */
export async function snapshotPlaces(places: Place[]): Promise<Listing[]> {
  return Promise.all(places.map(listPlace));
}

async function sample(c: Change): Promise<string> {
  if (c.kind !== 'file' || c.change === 'removed') return '';
  try {
    const h = await fsp.open(c.path, 'r');
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

export interface IsolationFinding {
  level: 'fail' | 'warn';
  change: Change;
  attribution: Attribution;
}

/** Diffs before/after listings and attributes every change; returns the findings and how many were another scenario's. */
export async function auditIsolation(
  places: Place[],
  before: Listing[],
  after: Listing[],
  ctx: AttributionContext,
  policy: UnattributedPolicy,
  productionLive: boolean,
): Promise<{ findings: IsolationFinding[]; others: number }> {
  const findings: IsolationFinding[] = [];
  let others = 0;
  for (let i = 0; i < places.length; i++) {
    for (const c of diffListings(places[i].kind, before[i], after[i])) {
      const a = attribute(c, ctx, await sample(c));
      if (a.to === 'other') others++;
      const level = levelOf(a, c, policy, productionLive);
      if (level) findings.push({ level, change: c, attribution: a });
    }
  }
  return { findings, others };
}

/** The places to audit for one scenario. */
export function auditPlaces(o: { appHome: string; cwd: string; targetCwd: string; ignore: string[] }): Place[] {
  const tmpDirs = [...new Set(['/tmp', os.tmpdir()].map((d) => path.resolve(d)))].sort();
  const places: Place[] = tmpDirs.map((dir) => ({ kind: 'tmp' as const, dir, depth: 1, ignore: o.ignore }));
  places.push({ kind: 'app-home', dir: o.appHome, depth: 4, ignore: o.ignore });
  if (!tmpDirs.includes(path.resolve(o.cwd))) places.push({ kind: 'cwd', dir: o.cwd, depth: 1, ignore: o.ignore });
  places.push({ kind: 'target-cwd', dir: o.targetCwd, depth: 4, ignore: [] });
  return places;
}

/** Pure: one evidence line for a finding. */
export function describeIsolation(f: IsolationFinding): string {
  const where = { tmp: 'temp dir', 'app-home': 'real app home', cwd: "hunt's working directory", 'target-cwd': "target's working directory" }[f.change.place];
  return `isolation ${f.level}: ${f.change.change} ${f.change.kind} ${f.change.path} (${where}; ${f.attribution.why})`;
}
