/**
 * The contained audit (namespaces level), read from the host after every process of the lane ended. Only
 * the lane can write into its enclosure, so everything found is the lane's, and nothing else on the machine
 * (other programs' /tmp files, the live instance writing its home) can ever show up:
 * - an entry in an overlay's upper layer is a write to production the overlay absorbed: `sandbox-escape`;
 * - an entry in the private /tmp or /var/tmp that hunt did not create is a file written outside TMPDIR.
 */
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import type { Enclosure } from '../enclosure.js';
import type { Coverage } from '../protect.js';
import { isInside } from '../sandbox.js';

const MAX_ENTRIES = 5000;

export interface Written {
  /** The path as the lane saw it (production path, or /tmp/...). */
  path: string;
  change: 'written' | 'removed' | 'directory';
}

/** Leaves of a tree (lstat only: symlinks are entries, never followed); `skip` are paths relative to dir. */
export async function leaves(dir: string, skip: Set<string> = new Set()): Promise<{ rel: string; change: Written['change'] }[]> {
  const out: { rel: string; change: Written['change'] }[] = [];
  const walk = async (rel: string) => {
    if (out.length >= MAX_ENTRIES) return;
    let names: string[];
    try {
      names = (await fsp.readdir(path.join(dir, rel))).sort();
    } catch {
      return;
    }
    for (const name of names) {
      const r = rel ? path.join(rel, name) : name;
      let st;
      try {
        st = await fsp.lstat(path.join(dir, r));
      } catch {
        continue;
      }
      if (st.isDirectory()) {
        const before = out.length;
        await walk(r);
        // an empty directory in an upper layer (or one hunt did not make in a private dir) was created or changed
        if (out.length === before && !skip.has(r)) out.push({ rel: r, change: 'directory' });
      } else if (!skip.has(r)) {
        out.push({ rel: r, change: st.isCharacterDevice() && st.rdev === 0 ? 'removed' : 'written' }); // 0:0 char device = overlay whiteout
      }
    }
  };
  await walk('');
  return out;
}

/** The production writes the lane's overlays absorbed, per covered production path. */
export async function productionWrites(enc: Enclosure): Promise<Array<{ coverage: Coverage; writes: Written[] }>> {
  const byCoverage = new Map<Coverage, Written[]>();
  for (const ov of enc.overlays) {
    for (const l of await leaves(ov.upper)) {
      const p = path.join(ov.mount, l.rel);
      // the most specific production path holding the write; a write elsewhere in the covered directory counts against the first
      const owners = enc.coverage.filter((c) => c.how !== 'none' && c.mount && isInside(c.mount, ov.mount));
      const cov = owners.filter((c) => isInside(p, c.path)).sort((a, b) => b.path.length - a.path.length)[0] ?? owners[0];
      if (!cov) continue;
      const list = byCoverage.get(cov) ?? [];
      list.push({ path: p, change: l.change });
      byCoverage.set(cov, list);
    }
  }
  return [...byCoverage.entries()].map(([coverage, writes]) => ({ coverage, writes }));
}

/** Files the lane wrote into its private /tmp and /var/tmp (hunt's own mount points excluded). */
export async function privateTmpWrites(enc: Enclosure): Promise<Written[]> {
  const out: Written[] = [];
  for (const d of enc.privates) {
    for (const l of await leaves(d.source, d.own)) out.push({ path: path.join(d.target, l.rel), change: l.change });
  }
  return out;
}

/** Pure: a short list of paths for a finding ("a, b, c (+4 more)"). */
export function pathList(ws: Written[], max = 5): string {
  const shown = ws.slice(0, max).map((w) => `${w.path}${w.change === 'removed' ? ' (deleted)' : w.change === 'directory' ? '/' : ''}`);
  return `${shown.join(', ')}${ws.length > max ? ` (+${ws.length - max} more)` : ''}`;
}
