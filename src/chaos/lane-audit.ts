/**
 * What the runner checks after a scenario's targets were stopped: orphans (then everything of the lane is
 * ended), and what the lane wrote outside its sandbox. At the `namespaces` level that is read from the lane's
 * enclosure (overlay upper layers, private /tmp): only the lane can have written there. At `audit-only` the
 * before/after listings are attributed by the lane's processes; what they do not explain is information.
 */
import path from 'node:path';
import type { RunBinding } from '../config/bind.js';
import { leaves, pathList, privateTmpWrites, productionWrites } from './audit/contained.js';
import { auditIsolation, auditPlaces, placeName, snapshotPlaces, type Place, type PlaceSnapshot } from './audit/isolation.js';
import { auditOrphans, describeOrphan } from './audit/orphans.js';
import type { WriteWatch } from './audit/writes.js';
import type { Lane } from './lane.js';
import { protectedPaths } from './protect.js';
import type { Recorder } from './types.js';

/** Labels of production paths in findings. */
const WHY: Record<string, string> = {
  home: 'target.home',
  log: 'a log file',
  'pid-file': 'the pid file',
  protect: 'chaos.protect',
  cwd: "hunt's working directory",
};

export interface AuditBefore {
  places: Place[];
  before: PlaceSnapshot;
  watch: WriteWatch;
}

/** Audit-only: the places and their listings before the scenario runs. */
export async function auditBefore(lane: Lane, o: { bound: RunBinding; cwd: string; ignore: string[]; watch: WriteWatch }): Promise<AuditBefore> {
  const production = protectedPaths(o.bound, o.cwd).map((p) => ({ path: p.path, shallow: p.why === 'cwd' }));
  const places = auditPlaces({ production, targetCwd: lane.sandbox.work, ignore: [...o.ignore, ...production.map((p) => p.path)] });
  // a production path under /tmp is listed as production only (the tmp listing ignores it), so it is judged once
  for (const p of places) if (p.kind === 'production') p.ignore = o.ignore;
  return { places, before: await snapshotPlaces(places), watch: o.watch };
}

/** Orphans, the end of every lane process, then the lane's writes outside its sandbox; findings go to `rec`. */
export async function auditAfter(lane: Lane, rec: Recorder, meta: Record<string, unknown>, o: { pre: AuditBefore | null; others: Lane[] }): Promise<void> {
  const orphans = await auditOrphans(lane, { excludePids: [process.pid] });
  for (const x of orphans.orphans) rec.fail('orphan', describeOrphan(x).replace(/^orphan: /, ''));
  for (const p of orphans.survivors) rec.fail('orphan', `pid ${p} survived SIGKILL`);
  for (const l of orphans.foreign) rec.add(`port ${lane.port} is held by ${l.pid ?? '?'} (${l.command ?? 'unknown'}), not a process of this lane: left alone`);
  meta.orphans = orphans.orphans;
  const ended = await lane.enclosure.end();
  meta.endedByCgroup = ended;
  await o.pre?.watch.stop();

  const cwdWrites = (await leaves(lane.sandbox.work)).map((l) => path.join(lane.sandbox.work, l.rel));
  if (cwdWrites.length)
    rec.fail('leak', `wrote into its working directory ${lane.sandbox.work} (in production: wherever it is started): ${cwdWrites.slice(0, 5).join(', ')}`);
  const enc = lane.enclosure;
  if (enc.containment.level === 'namespaces') {
    const prod = await productionWrites(enc);
    for (const { coverage, writes } of prod) {
      rec.fail(
        'sandbox-escape',
        `wrote the production path ${coverage.path} (${WHY[coverage.why]}): ${pathList(writes)}; production is unchanged (the lane's copy-on-write layer took the write)`,
      );
    }
    const tmp = await privateTmpWrites(enc);
    if (tmp.length)
      rec.fail('leak', `ignores TMPDIR: wrote ${pathList(tmp)} outside its TMPDIR ${lane.sandbox.tmp} (the lane's private /tmp kept the host's clean)`);
    await readOnlyEscapes(lane, rec);
    meta.isolation = { level: 'namespaces', productionWrites: prod.flatMap((x) => x.writes), privateTmpWrites: tmp };
    return;
  }
  if (!o.pre) return;
  const after = await snapshotPlaces(o.pre.places);
  const ctx = {
    ownPids: new Set(lane.seenPids()),
    ownRoot: lane.sandbox.root,
    ownWrites: o.pre.watch.writes,
    otherPids: new Set(o.others.flatMap((l) => l.seenPids())),
    otherRoots: o.others.map((l) => l.sandbox.root),
  };
  const res = await auditIsolation(o.pre.places, o.pre.before, after, ctx);
  const byKind = { production: [] as typeof res.own, tmp: [] as typeof res.own };
  for (const x of res.own) if (x.change.place !== 'target-cwd') byKind[x.change.place].push(x);
  const line = (xs: typeof res.own) =>
    xs
      .slice(0, 5)
      .map((x) => `${x.change.change} ${x.change.path} (${x.attribution.why})`)
      .join('; ') + (xs.length > 5 ? ` (+${xs.length - 5} more)` : '');
  if (byKind.production.length) rec.fail('sandbox-escape', `wrote production path(s): ${line(byKind.production)}`);
  if (byKind.tmp.length) rec.fail('leak', `ignores TMPDIR: ${line(byKind.tmp)} outside its TMPDIR ${lane.sandbox.tmp}`);
  for (const i of res.info) rec.addInfo(`isolation: ${i}`);
  meta.isolation = {
    level: 'audit-only',
    places: o.pre.places.map((p) => `${placeName(p.kind)}:${p.dir}`),
    attribution: 'open files of the lane (sampled every 200 ms), pids in names, sandbox paths in content',
    unattributed: res.info.length,
    changesOfOtherScenarios: res.others,
  };
}

/** A read-only production path (no overlay there) cannot show what was written: a target's EROFS error names the attempt. */
async function readOnlyEscapes(lane: Lane, rec: Recorder): Promise<void> {
  const ro = lane.enclosure.coverage.filter((c) => c.how === 'read-only');
  if (!ro.length) return;
  for (const t of lane.targets) {
    const out = await lane.outputText(t);
    const m = /^.*(Read-only file system|EROFS).*$/m.exec(`${out.stderr}\n${out.stdout}\n${out.logs}`);
    if (m)
      rec.fail('sandbox-escape', `${t.label} tried to write a read-only production path (${ro.map((c) => c.path).join(', ')}): ${m[0].trim().slice(0, 300)}`);
  }
}
