/**
 * Which files make up a log source: the live file and, when asked, its rotated siblings (`x.log.1`,
 * `x.log.2.gz`, ...), oldest first (highest number first, the live file last). Gzip is recognised by its
 * magic bytes, not its name.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { openRegular } from '../runtime/open-regular.js';
import { expandLogPath, isMultiPath } from './paths.js';

export interface LogFile {
  path: string;
  size: number;
  gzip: boolean;
  /** Identity for checkpoints and marks (see identity.ts). */
  dev: number;
  ino: number;
  mtimeMs: number;
}

export interface SourceFiles {
  /** Oldest first. */
  files: LogFile[];
  liveMissing: boolean;
  /** Problems that are not "missing" (permission denied, a directory or FIFO where a file was expected, ...). */
  errors: string[];
}

/** What to do about a log path that is not a regular file (a pipe, a socket, a device). */
const NOT_REGULAR_HINT = 'point logs[].path at the regular file the daemon writes (hunt reads log files, not pipes or devices)';

function describe(err: unknown, file: string): string {
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'EACCES' || e.code === 'EPERM') return `${file}: permission denied`;
  if (e.code === 'EISDIR') return `${file}: is a directory`;
  if (e.code === 'ENOTREG') return `${file}: ${e.message}; ${NOT_REGULAR_HINT}`;
  return `${file}: ${e.code ?? ''} ${e.message}`.trim();
}

async function inspect(file: string): Promise<LogFile> {
  // openRegular refuses a FIFO, socket, device or directory before anything can block on it, and proves
  // readability now rather than halfway through a scan.
  const fh = await openRegular(file);
  try {
    const st = await fh.stat();
    const magic = Buffer.alloc(2);
    const { bytesRead } = await fh.read(magic, 0, 2, 0);
    const gzip = bytesRead === 2 && magic[0] === 0x1f && magic[1] === 0x8b;
    return { path: file, size: st.size, gzip, dev: st.dev, ino: st.ino, mtimeMs: st.mtimeMs };
  } finally {
    await fh.close();
  }
}

/** Rotated siblings of `live` present in its directory, oldest (highest number) first. */
async function rotatedSiblings(live: string): Promise<string[]> {
  const dir = path.dirname(live);
  const base = path.basename(live);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const found: Array<{ n: number; name: string }> = [];
  for (const name of names) {
    if (!name.startsWith(`${base}.`)) continue;
    const m = /^(\d+)(\.gz)?$/.exec(name.slice(base.length + 1));
    if (m && Number(m[1]) > 0) found.push({ n: Number(m[1]), name });
  }
  found.sort((a, b) => b.n - a.n || a.name.localeCompare(b.name));
  return found.map((f) => path.join(dir, f.name));
}

/**
 * Lists the files of a source, oldest first; missing or unreadable files are reported, never thrown. `live`
 * may be a glob or a date pattern (paths.ts): each match in order, with its rotated siblings before it when
 * `rotated`; "missing" then means that nothing matched.
 */
export async function discoverFiles(live: string, rotated: boolean): Promise<SourceFiles> {
  const out: SourceFiles = { files: [], liveMissing: false, errors: [] };
  const multi = isMultiPath(live);
  const lives = multi ? await expandLogPath(live) : [live];
  if (multi && lives.length === 0) out.liveMissing = true;
  const seen = new Set<string>();
  const candidates: string[] = [];
  for (const l of lives) for (const f of rotated ? [...(await rotatedSiblings(l)), l] : [l]) if (!seen.has(f)) (seen.add(f), candidates.push(f));
  for (const file of candidates) {
    try {
      out.files.push(await inspect(file));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        if (file === live) out.liveMissing = true;
      } else out.errors.push(describe(err, file));
    }
  }
  return out;
}

/** Human-readable message for a read error (reported on the source, not thrown). */
export function describeReadError(err: unknown, file: string): string {
  return describe(err, file);
}
