/**
 * Pure part of the isolation audit: diff two listings and decide whom a change belongs to.
 *
 * Attribution, strongest first: a change in the target's own working directory is the target's; a
 * name carrying a pid of this scenario's tree, or content naming this sandbox, is this scenario's; a
 * pid or sandbox of another running scenario makes it theirs. Anything else is "unattributed": the
 * places audited (/tmp, the real app home, hunt's working directory) are shared with the rest of the
 * machine, so a new entry there may come from any process; the profile decides whether that warns or fails.
 */

export type PlaceKind = 'tmp' | 'app-home' | 'cwd' | 'target-cwd';

export interface EntryStat {
  kind: 'file' | 'dir' | 'other';
  size: number;
  mtimeMs: number;
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

/** Pure: what differs between two listings of one place. Directories report only added/removed (their mtime moves with any child). */
export function diffListings(place: PlaceKind, before: Listing, after: Listing): Change[] {
  const out: Change[] = [];
  for (const [p, a] of after) {
    const b = before.get(p);
    if (!b) out.push({ place, path: p, change: 'added', kind: a.kind });
    else if (a.kind === 'file' && (a.mtimeMs !== b.mtimeMs || a.size !== b.size))
      out.push({ place, path: p, change: 'changed', kind: a.kind, prevSize: b.size });
  }
  // something vanishing from /tmp is other tools cleaning up; from a home or a working directory it is damage
  if (place !== 'tmp') for (const [p, b] of before) if (!after.has(p)) out.push({ place, path: p, change: 'removed', kind: b.kind });
  return out.sort((x, y) => x.path.localeCompare(y.path));
}

export interface AttributionContext {
  ownPids: Set<number>;
  ownRoot: string;
  /** Pids and sandbox roots of the other scenarios of this run. */
  otherPids: Set<number>;
  otherRoots: string[];
}

export type Attribution = { to: 'own'; why: string } | { to: 'other'; why: string } | { to: 'unattributed'; why: string };

/** Pure: the numbers in a name that could be pids (2+ digits). */
export function pidTokens(name: string): number[] {
  return (name.match(/\d{2,7}/g) ?? []).map(Number);
}

/** Pure: whom a change belongs to, from its name and (optionally) a sample of its content. */
export function attribute(c: Change, ctx: AttributionContext, content = ''): Attribution {
  if (c.place === 'target-cwd') return { to: 'own', why: "written into the target's working directory" };
  const name = c.path.split('/').pop() ?? c.path;
  const tokens = pidTokens(name);
  const own = tokens.find((n) => ctx.ownPids.has(n));
  if (own !== undefined) return { to: 'own', why: `name carries target pid ${own}` };
  if (content && content.includes(ctx.ownRoot)) return { to: 'own', why: 'content names this sandbox' };
  const other = tokens.find((n) => ctx.otherPids.has(n));
  if (other !== undefined) return { to: 'other', why: `name carries pid ${other} of another scenario` };
  if (content && ctx.otherRoots.some((r) => content.includes(r))) return { to: 'other', why: 'content names another sandbox' };
  return { to: 'unattributed', why: 'appeared while the scenario ran' };
}

export type UnattributedPolicy = 'fail' | 'warn' | 'ignore';

/**
 * Pure: the level of a change. Own changes fail. Unattributed ones follow the policy, except in the
 * real app home while no production instance is live: nothing else should write there, so it fails.
 */
export function levelOf(a: Attribution, c: Change, policy: UnattributedPolicy, productionLive: boolean): 'fail' | 'warn' | null {
  if (a.to === 'own') return 'fail';
  if (a.to === 'other') return null;
  if (c.place === 'app-home' && !productionLive) return 'fail';
  return policy === 'ignore' ? null : policy;
}
