/**
 * Log paths that name several files: a glob (`*`, `?`, `[abc]` in any path component) or a date pattern
 * (`app-%Y-%m-%d.log`; %Y %y %m %d %H %M %j). Matches are ordered oldest first: by the date the name
 * carries, else by modification time, then by name; the newest is the live file.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';

const DATE_TOKENS: Record<string, string> = { Y: '(\\d{4})', y: '(\\d{2})', m: '(\\d{2})', d: '(\\d{2})', H: '(\\d{2})', M: '(\\d{2})', j: '(\\d{3})' };
const ORDER = 'YymjdHM'; // the significance of each token when sorting by the date a name carries

/** Whether a configured path names several files. */
export function isMultiPath(p: string): boolean {
  return /[*?[]/.test(p) || /%[YymdHMj]/.test(p);
}

interface Component {
  re: RegExp;
  tokens: string[];
}

function componentRegex(part: string): Component {
  let src = '';
  const tokens: string[] = [];
  for (let i = 0; i < part.length; i++) {
    const c = part[i];
    if (c === '%' && DATE_TOKENS[part[i + 1]]) {
      tokens.push(part[i + 1]);
      src += DATE_TOKENS[part[++i]];
    } else if (c === '*') src += '[^/]*';
    else if (c === '?') src += '[^/]';
    else if (c === '[') {
      const end = part.indexOf(']', i + 1);
      if (end < 0) src += '\\[';
      else {
        const body = part.slice(i + 1, end);
        src += `[${body.startsWith('!') ? `^${body.slice(1)}` : body}]`;
        i = end;
      }
    } else src += c.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
  }
  return { re: new RegExp(`^${src}$`), tokens };
}

interface Match {
  file: string;
  key: number[];
}

/** Files matching `pattern` (absolute), oldest first. */
export async function expandLogPath(pattern: string): Promise<string[]> {
  const root = path.parse(pattern).root;
  const parts = pattern
    .slice(root.length)
    .split(/[\\/]+/)
    .filter(Boolean);
  let found: Match[] = [{ file: root, key: [] }];
  for (const part of parts) {
    if (!isMultiPath(part)) {
      found = found.map((m) => ({ file: path.join(m.file, part), key: m.key }));
      continue;
    }
    const comp = componentRegex(part);
    const next: Match[] = [];
    for (const m of found) {
      let names: string[];
      try {
        names = await readdir(m.file);
      } catch {
        continue;
      }
      for (const name of names) {
        const hit = comp.re.exec(name);
        if (!hit) continue;
        const vals: Record<string, number> = {};
        comp.tokens.forEach((t, i) => (vals[t] = Number(hit[i + 1])));
        if (vals.y !== undefined && vals.Y === undefined) vals.Y = 2000 + vals.y;
        next.push({ file: path.join(m.file, name), key: [...m.key, ...[...ORDER].map((t) => vals[t] ?? 0)] });
      }
    }
    found = next;
  }
  const withTime = await Promise.all(
    found.map(async (m) => {
      try {
        const st = await stat(m.file);
        // A directory is not a match; a FIFO, socket or device is, so that the scan reports it (files.ts)
        // instead of dropping a path the daemon may be writing through.
        return st.isDirectory() ? null : { ...m, mtime: st.mtimeMs };
      } catch {
        return null;
      }
    }),
  );
  const files = withTime.filter((m) => m !== null);
  const cmp = (a: number[], b: number[]) => {
    for (let i = 0; i < Math.max(a.length, b.length); i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) - (b[i] ?? 0);
    return 0;
  };
  files.sort((a, b) => cmp(a.key, b.key) || a.mtime - b.mtime || a.file.localeCompare(b.file));
  return files.map((m) => m.file);
}
