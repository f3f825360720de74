/**
 * Errors logged during the change (issue 9, item 3), independent of timestamps: T0 marks where every log file
 * ends (identity, size, content hashes; scan/marks.ts); each later phase boundary adds a mark; at T4 the bytes
 * appended since T0 are read exactly (rotation handled) and a signature at or above the blocking severity found
 * there fails the gate, quoting the redacted line and the phase it was logged in.
 */
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import type { CheckStatus } from '../../core/report-types.js';
import { scanSignatureSpecs } from '../../probes/snapshot.js';
import { writeJsonAtomic } from '../../runtime/fs.js';
import { markLogs, scanAppended, type LogMark } from '../../scan/index.js';
import type { Phase } from '../journal.js';
import { PHASE_TITLES } from '../resume.js';
import type { GateContext, StepDef, StepOutput } from '../types.js';
import { makeCheck } from './common.js';

/** Phases a mark opens, in order (T3 runs in its own lane and writes no production log). */
const MARKED: Phase[] = ['T1', 'T2', 'T4'];
const RANK = { p0: 0, p1: 1, p2: 2 } as const;
const markFile = (gate: GateContext, phase: Phase) => path.join(gate.opts.outDir, 'log-marks', `${phase}.json`);

/** Marks the start of `phase` once: a resumed step keeps the mark its first run took (the point is before the change). */
export async function markPhase(gate: GateContext, phase: Phase): Promise<void> {
  const file = markFile(gate, phase);
  try {
    await fsp.access(file);
    return;
  } catch {
    // not marked yet
  }
  await writeJsonAtomic(file, await markLogs([...gate.bound.logs], gate.clock.now()));
}

async function readMark(gate: GateContext, phase: Phase): Promise<LogMark | null> {
  try {
    return JSON.parse(await fsp.readFile(markFile(gate, phase), 'utf8')) as LogMark;
  } catch {
    return null;
  }
}

/** The T4 step: blocking-severity signatures in the bytes appended to the logs since T0. */
export function appendedStep(deps: string[]): StepDef {
  const def: StepDef = {
    id: 't4_appended_errors',
    phase: 'T4',
    title: 'errors logged during the change (bytes appended since T0)',
    idempotent: true,
    deps,
    async run(r): Promise<StepOutput> {
      const { gate } = r;
      const t = gate.clock.now();
      const marks: Array<{ phase: Phase; mark: LogMark }> = [];
      for (const phase of MARKED) {
        const m = await readMark(gate, phase);
        if (m) marks.push({ phase, mark: m });
      }
      if (marks[0]?.phase !== 'T1') {
        const summary = 'no T0 log mark: the bytes logged during the change cannot be told apart (a run resumed from an older hunt?)';
        return { checks: [makeCheck(gate, def, t, { status: 'warn', summary, metadata: { rule: 'errors-during-change' } })] };
      }
      r.started(process.pid);
      const res = await scanAppended(
        [...gate.bound.logs],
        scanSignatureSpecs(gate.bound),
        marks.map((m) => m.mark),
        { redact: gate.bound.redact, maxLines: 3 },
      );
      const blocking = gate.bound.gate.blockingSeverity;
      const severity = (name: string) => {
        const cfg = gate.bound.signatures.find((s) => s.name === name);
        return cfg?.severity ?? (cfg?.kind === 'crash' || cfg?.kind === 'config' ? 'p0' : 'p1');
      };
      const label = (k: number) => `${marks[k].phase} ${PHASE_TITLES[marks[k].phase]}`;
      const seen = res.signatures.filter((s) => s.count > 0);
      const failing = seen.filter((s) => RANK[severity(s.name)] <= RANK[blocking]);
      const evidence = seen.flatMap((s) =>
        s.lines.map((l) => `${s.name} (${severity(s.name)}) during ${label(l.interval)}: ${l.line}  [${path.basename(l.file)}]`),
      );
      for (const src of res.sources) if (src.error) evidence.push(`${src.source}: ${src.error}`);
      let status: CheckStatus = 'pass';
      let summary = `no signature in the ${res.sources.reduce((n, s) => n + s.bytesRead, 0)} byte(s) logged since T0`;
      if (failing.length) {
        const first = failing[0];
        const line = first.lines[0];
        status = 'fail';
        summary = `${first.name} (${severity(first.name)}) logged during ${line ? label(line.interval) : 'the change'}${line ? `: ${line.line}` : ''}${failing.length > 1 ? ` (+${failing.length - 1} more signature(s))` : ''}`;
      } else if (seen.length) {
        summary = `below the blocking severity (${blocking}) only: ${seen.map((s) => `${s.name}=${s.count}`).join(', ')}`;
      }
      // What could not be read is unknown, not "nothing logged": a doubt never passes.
      const unreadable = res.sources.filter((src) => src.error).map((src) => src.source);
      if (!failing.length && unreadable.length) {
        status = 'warn';
        summary = `${summary}; log source(s) not readable, what they logged since T0 is unknown: ${unreadable.join(', ')}`;
      }
      const cause = failing[0]?.lines[0];
      const metadata = {
        rule: 'errors-during-change',
        // the verdict lists this cause under the phase the line was logged in (T1 for a refused reload), not T4
        ...(cause
          ? {
              causePhase: marks[cause.interval].phase,
              fix: 'the change logged this error: fix what the quoted line names (a refused config reload, a failed start) and gate again',
            }
          : {}),
        blockingSeverity: blocking,
        phases: marks.map((m) => ({ phase: m.phase, markedAt: m.mark.takenAt })),
        matches: seen.map((s) => ({
          signature: s.name,
          severity: severity(s.name),
          count: s.count,
          lines: s.lines.map((l) => ({ phase: marks[l.interval].phase, line: l.line, file: l.file })),
        })),
      };
      return { checks: [makeCheck(gate, def, t, { status, summary, evidence, metadata })] };
    },
  };
  return def;
}
