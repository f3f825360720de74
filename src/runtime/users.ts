/**
 * `target.user`: a daemon that must not run as root. When hunt runs as root, every target command (and
 * every chaos lane instance) is spawned with that user's uid and gid; as any other user hunt cannot switch
 * and runs them as itself. Users resolve from /etc/passwd, else `id` (directory users on macOS).
 */
import { execFileSync } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { ConfigError } from '../errors.js';

/** A resolved user. */
export interface RunAs {
  name: string;
  uid: number;
  gid: number;
  home: string | null;
}

const cache = new Map<string, RunAs | null>();

/** Pure: a passwd line for `name` or uid, parsed. */
export function parsePasswd(text: string, spec: string): RunAs | null {
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f.length < 7) continue;
    if (f[0] === spec || f[2] === spec) return { name: f[0], uid: Number(f[2]), gid: Number(f[3]), home: f[5] || null };
  }
  return null;
}

function viaId(name: string): RunAs | null {
  try {
    const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8', timeout: 5000 }).trim());
    const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8', timeout: 5000 }).trim());
    return Number.isInteger(uid) && Number.isInteger(gid) ? { name, uid, gid, home: null } : null;
  } catch {
    return null;
  }
}

/** Resolves a user name, uid, or uid:gid; null when this machine does not know it. */
export function lookupUser(spec: string): RunAs | null {
  if (cache.has(spec)) return cache.get(spec)!;
  let found: RunAs | null = null;
  const ids = /^(\d+)(?::(\d+))?$/.exec(spec);
  let passwd = '';
  try {
    passwd = readFileSync('/etc/passwd', 'utf8');
  } catch {
    /* no passwd file: id decides */
  }
  const entry = parsePasswd(passwd, ids ? ids[1] : spec) ?? (ids ? null : viaId(spec));
  if (ids)
    found = {
      name: entry?.name ?? ids[1],
      uid: Number(ids[1]),
      gid: ids[2] !== undefined ? Number(ids[2]) : (entry?.gid ?? Number(ids[1])),
      home: entry?.home ?? null,
    };
  else found = entry;
  cache.set(spec, found);
  return found;
}

/** Whether hunt can switch users (it runs as root). */
export function canSwitchUser(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** The identity target commands switch to: null when no user is set or hunt is not root. Unknown user: ConfigError. */
export function runAsIdentity(user: string | null | undefined): RunAs | null {
  if (!user) return null;
  const u = lookupUser(user);
  if (!u) throw new ConfigError(`target.user: no user "${user}" on this machine`, { hint: 'create the user, or fix target.user (a name, a uid, or uid:gid)' });
  return canSwitchUser() && u.uid !== 0 ? u : null;
}

const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv', '/usr/sbin/setpriv'];

/**
 * The argv that runs `argv` as `u` from a root process: util-linux setpriv (absolute path: the target's PATH may be
 * stripped), real and effective ids, supplementary groups cleared. Null when setpriv is not installed.
 */
export function dropPrivilegesArgv(argv: string[], u: RunAs): string[] | null {
  const bin = SETPRIV.find((p) => {
    try {
      accessSync(p, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
  return bin ? [bin, '--reuid', String(u.uid), '--regid', String(u.gid), '--clear-groups', '--', ...argv] : null;
}
