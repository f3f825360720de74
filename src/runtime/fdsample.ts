/**
 * Open descriptors of processes (Linux: /proc/<pid>/fd and fdinfo): the one walker of /proc/<pid>/fd (the
 * listener probe finds socket owners with it too). Open files are for attributing a change outside
 * a sandbox to the lane that made it when no kernel isolation is in force: a daemon's log, lock or pid file
 * held open for writing by a process of the lane is the lane's. Elsewhere it returns nothing (the audit
 * then attributes by name and content only, and says so).
 */
import { readdirSync, readlinkSync } from 'node:fs';
import { readProcFile } from './proctable.js';

export interface OpenFile {
  pid: number;
  path: string;
  /** Opened for writing (O_WRONLY or O_RDWR). */
  write: boolean;
}

/** Pure: whether an fdinfo text's flags (octal) open the file for writing. */
export function fdinfoWrites(text: string): boolean {
  const m = /^flags:\s*([0-7]+)/m.exec(text);
  return m ? (parseInt(m[1], 8) & 0o3) !== 0 : false;
}

/** One open descriptor of a process: its number and what /proc/<pid>/fd/<fd> links to (a path, `socket:[inode]`, `pipe:[…]`). */
export interface FdLink {
  fd: string;
  link: string;
}

/**
 * The open descriptors of `pid` (Linux: /proc/<pid>/fd); [] when they cannot be read (another user's process,
 * exited, no procfs). A descriptor closed while it is read is left out. Never throws.
 */
export async function fdLinks(pid: number | string): Promise<FdLink[]> {
  // Synchronous, like the process table (proctable.ts says why): the listener probe walks every process's fds.
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return [];
  }
  const out: FdLink[] = [];
  for (const fd of fds) {
    try {
      out.push({ fd, link: readlinkSync(`/proc/${pid}/fd/${fd}`) });
    } catch {
      /* closed meanwhile */
    }
  }
  return out;
}

/** The regular files (absolute paths) `pids` hold open right now; never throws. */
export async function openFiles(pids: number[]): Promise<OpenFile[]> {
  if (process.platform !== 'linux') return [];
  const out: OpenFile[] = [];
  await Promise.all(
    pids.map(async (pid) => {
      for (const { fd, link } of await fdLinks(pid)) {
        if (!link.startsWith('/')) continue; // sockets, pipes, anon inodes
        const info = readProcFile(`/proc/${pid}/fdinfo/${fd}`, 64 * 1024);
        if (info !== null) out.push({ pid, path: link.replace(/ \(deleted\)$/, ''), write: fdinfoWrites(info) }); // null: closed meanwhile
      }
    }),
  );
  return out;
}
