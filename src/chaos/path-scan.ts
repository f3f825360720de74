/**
 * Before a lane starts anything: the files hunt copies into the sandbox (the target's config copy, the
 * chaos.sandbox.files templates) and the lane's commands and environment must not name a production path
 * (the home, a log file, the pid file, chaos.protect). A copied redis.conf that keeps `dir /var/lib/redis`
 * would make the lane load and overwrite production's data; it is refused with exit 2, naming file, line and
 * the fix, before any process runs. Comment lines (#, ;, //) are not read.
 */
import path from 'node:path';
import type { RunBinding } from '../config/bind.js';
import { bindLane } from '../config/lane.js';
import { commandText } from '../runtime/exec.js';
import { readTextFile } from '../runtime/fs.js';
import { ConfigError } from '../errors.js';
import { isInside } from './sandbox.js';
import { protectedPaths, type ProtectedPath } from './protect.js';
import { scenarioSettings } from './settings.js';
import { scenarioNames } from './scenarios/index.js';
import { promises as fsp } from 'node:fs';

const BEFORE = /[\s"'=:,([{<>]/;
const AFTER = /[/\s"';,)\]}>]/;

export interface PathHit {
  line: number;
  column: number;
  /** The production path named. */
  production: ProtectedPath;
}

/** Pure: production paths named in a text, one per line at most (the longest production path that matches). */
export function findProductionPaths(text: string, production: ProtectedPath[]): PathHit[] {
  const sorted = [...production].sort((a, b) => b.path.length - a.path.length);
  const out: PathHit[] = [];
  text.split('\n').forEach((line, i) => {
    const t = line.trim();
    if (t.startsWith('#') || t.startsWith(';') || t.startsWith('//')) return;
    for (const p of sorted) {
      for (let at = line.indexOf(p.path); at >= 0; at = line.indexOf(p.path, at + 1)) {
        const before = at === 0 ? ' ' : line[at - 1];
        const after = line[at + p.path.length] ?? ' ';
        if (BEFORE.test(before) && AFTER.test(after)) {
          out.push({ line: i + 1, column: at + 1, production: p });
          return;
        }
      }
    }
  });
  return out;
}

const WHY: Record<string, string> = { home: 'target.home', log: 'a log file (logs[].path)', 'pid-file': 'the pid file', protect: 'chaos.protect' };

function describe(where: string, h: PathHit): string {
  return `${where}:${h.line}:${h.column}: names ${h.production.path} (${WHY[h.production.why] ?? h.production.why})`;
}

/** Scans what a lane copies and runs; throws ConfigError (exit 2) naming every hit, before anything starts. */
export async function scanLaneInputs(bound: RunBinding, parent: string): Promise<void> {
  const production = protectedPaths(bound, '/').filter((p) => p.why !== 'cwd');
  const problems: string[] = [];
  const t = bound.templates.target;
  if (t.configFile) {
    const file = path.join(bound.target.home, t.configFile);
    const text = await fsp.readFile(file, 'utf8').catch(() => null); // no production config: nothing is copied
    if (text !== null)
      for (const h of findProductionPaths(text, production)) problems.push(`${describe(file, h)} (target.configFile is copied into every sandbox as is)`);
  }
  // a dummy lane: what the commands and templates become in a sandbox (its own paths never match production)
  const root = path.join(parent, 'scan');
  const lane = bindLane(bound, { root, home: path.join(root, 'home'), tmp: path.join(root, 'tmp'), xdg: {}, port: 1, marker: {} });
  for (const [i, f] of bound.chaos.sandbox.files.entries()) {
    const dest = lane.files[i].to;
    if (!isInside(dest, root))
      problems.push(`chaos.sandbox.files[${i}].to: ${f.to} resolves to ${dest}, outside the sandbox (use a path relative to {home}, or {sandbox}/...)`);
    const text = await readTextFile(lane.files[i].from, `chaos.sandbox.files[${i}].from`);
    for (const h of findProductionPaths(text, production)) problems.push(describe(lane.files[i].from, h));
  }
  const check = (where: string, text: string) => {
    for (const h of findProductionPaths(text, production)) problems.push(describe(where, h).replace(/:\d+:\d+:/, ':'));
  };
  check('target.startCommand', commandText(lane.start('http://127.0.0.1:1/')));
  for (const [k, v] of Object.entries(t.env)) check(`target.env.${k}`, lane.env('http://127.0.0.1:1/')[k] ?? v);
  for (const name of scenarioNames(bound.chaos)) {
    const s = scenarioSettings(name, bound.chaos);
    for (const [k, v] of Object.entries(s.env)) check(`chaos.${s.key}.env.${k}`, v);
  }
  bound.chaos.custom.forEach((c, i) => {
    if (c.action.command) check(`chaos.custom[${i}].action.command`, commandText(lane.command(c.action.command)));
  });
  if (problems.length) {
    throw new ConfigError(`${bound.profile.file}: a chaos lane would use production paths`, {
      details: problems,
      hint: 'copy the config with chaos.sandbox.files as a template and write {home}, {sandbox} or {tmp} (and {port}) where it names production paths; keep production paths out of the lane command and env (docs/staging-chaos.md)',
    });
  }
}
