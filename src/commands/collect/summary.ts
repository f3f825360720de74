/** The human summary `hunt collect` prints on stdout (pure: snapshot in, lines out). */
import type { RuntimeSnapshot } from '../../probes/snapshot-types.js';
import { windowUnknownHint } from '../../probes/snapshot.js';
import { oneLine } from '../print.js';

/** A few lines: where the snapshot is, the target's state, the signature counts, what was missing. */
export function summaryLines(s: RuntimeSnapshot, file: string): string[] {
  const state: string[] = [];
  state.push(s.summary.running ? 'running' : 'not running (status command)');
  state.push(s.process.pid !== null ? `pid ${s.process.pid}` : `no pid (${s.process.note ?? 'not found'})`);
  if (s.health) {
    state.push(s.health.statusCode !== null ? `health ${s.health.statusCode} in ${s.health.latencyMs} ms` : `health: ${s.health.error}`);
  }
  state.push(`version ${s.summary.version ?? 'unknown'}`);
  const hits = s.signatures.filter((x) => (x.countWindow ?? 0) > 0).map((x) => `${x.name} ${x.countWindow}`);
  const lines = [
    `snapshot written: ${file}`,
    `target: ${s.target.name} port ${s.target.port}: ${state.join(', ')}`,
    `signatures: ${s.summary.signaturesInWindow} match(es) in the last ${s.window.minutes} min${hits.length ? ` (${hits.join(', ')})` : ''}`,
  ];
  if (s.summary.commandsTimedOut.length) lines.push(`timed out: ${s.summary.commandsTimedOut.join(', ')} command`);
  if (s.summary.logSourcesMissing.length) lines.push(`log sources missing or unreadable: ${s.summary.logSourcesMissing.join(', ')}`);
  for (const l of s.logs) if (l.error) lines.push(oneLine(`warning: log source "${l.source}": ${l.error}`, 600));
  for (const src of s.summary.logSourcesWithoutTimestamps ?? []) lines.push(`warning: ${windowUnknownHint(src)}`);
  const unknown = s.summary.signaturesWindowUnknown ?? [];
  if (unknown.length) lines.push(`window count unknown (null, not 0) for: ${unknown.join(', ')}`);
  return lines;
}
