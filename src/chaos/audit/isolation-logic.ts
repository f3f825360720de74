/**
 * Pure part of the audit-only isolation audit: diff two listings and decide whom a change belongs to.
 *
 * Without kernel isolation the places audited (/tmp, production paths) are shared with the rest of the
 * machine: other programs and the live instance write there all the time. A change is the lane's only on
 * evidence that names the lane: a process of the lane held the file open for writing, the name carries a pid
 * of the lane, or the content names the lane's sandbox. A change in the target's working directory (inside
 * the sandbox) is its own. Everything else is information, never a finding about the target.
 */
import path from 'node:path';

export type PlaceKind = 'tmp' | 'production' | 'target-cwd';

export interface EntryStat {
  kind: 'file' | 'dir' | 'other';
  size: number;
  mtimeMs: number;
  ino: number;
  /** Content hash of a small file (production places only). */
  hash?: string;
}

/** A listing: absolute path -> stat. */
export type Listing = Map<string, EntryStat>;

export interface Change {
  place: PlaceKind;
  path: string;
  change: 'added' | 'changed' | 'removed';
  kind: EntryStat['kind'];
  /** Size before (changed files), to read only what was appended. */
  prevSize?: number;
}

function changed(a: EntryStat, b: EntryStat): boolean {
  return a.kind === 'file' && (a.mtimeMs !== b.mtimeMs || a.size !== b.size || a.ino !== b.ino || a.hash !== b.hash);
}

/** Pure: what differs between two listings of one place. Directories report only added/removed (their mtime moves with any child). */
export function diffListings(place: PlaceKind, before: Listing, after: Listing): Change[] {
  const out: Change[] = [];
  for (const [p, a] of after) {
    const b = before.get(p);
    if (!b) out.push({ place, path: p, change: 'added', kind: a.kind });
    else if (changed(a, b)) out.push({ place, path: p, change: 'changed', kind: a.kind, prevSize: b.size });
  }
  // something vanishing from /tmp is other tools cleaning up; from production or a working directory it is damage
  if (place !== 'tmp') for (const [p, b] of before) if (!after.has(p)) out.push({ place, path: p, change: 'removed', kind: b.kind });
  return out.sort((x, y) => x.path.localeCompare(y.path));
}

export interface AttributionContext {
  ownPids: Set<number>;
  ownRoot: string;
  /** Files processes of this lane held open for writing while it ran (path -> pid). */
  ownWrites: Map<string, number>;
  /** Pids and sandbox roots of the other scenarios of this run. */
  otherPids: Set<number>;
  otherRoots: string[];
}

export type Attribution = { to: 'own'; why: string } | { to: 'other'; why: string } | { to: 'unattributed'; why: string };

/** Pure: the numbers in a name that could be pids (2+ digits). */
export function pidTokens(name: string): number[] {
  return (name.match(/\d{2,7}/g) ?? []).map(Number);
}

/** Pure: a file the lane wrote at or below `p` (a directory it created holds one), as [path, pid]. */
function ownWriteAt(p: string, writes: Map<string, number>): [string, number] | undefined {
  const exact = writes.get(p);
  if (exact !== undefined) return [p, exact];
  for (const [w, pid] of writes) if (w.startsWith(`${p}${path.sep}`)) return [w, pid];
  return undefined;
}

/** Pure: whom a change belongs to, from the lane's open files, its name and (optionally) a sample of its content. */
export function attribute(c: Change, ctx: AttributionContext, content = ''): Attribution {
  if (c.place === 'target-cwd') return { to: 'own', why: "written into the target's working directory" };
  const held = ownWriteAt(c.path, ctx.ownWrites);
  if (held) return { to: 'own', why: `pid ${held[1]} of the lane had ${held[0]} open for writing` };
  const name = c.path.split('/').pop() ?? c.path;
  const tokens = pidTokens(name);
  const own = tokens.find((n) => ctx.ownPids.has(n));
  if (own !== undefined) return { to: 'own', why: `name carries target pid ${own}` };
  if (content && content.includes(ctx.ownRoot)) return { to: 'own', why: 'content names this sandbox' };
  const other = tokens.find((n) => ctx.otherPids.has(n));
  if (other !== undefined) return { to: 'other', why: `name carries pid ${other} of another scenario` };
  if (content && ctx.otherRoots.some((r) => content.includes(r))) return { to: 'other', why: 'content names another sandbox' };
  return { to: 'unattributed', why: 'no process of the lane explains it' };
}
