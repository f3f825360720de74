/**
 * The expectations of a custom scenario (chaos.custom[].expect), judged after its action from what the lane
 * observed: each one is a PASS/FAIL line of the check's evidence and an entry of metadata.expectations; an unmet
 * one is a behaviour finding. A target that ends although no exit was expected fails too (implicit `keepsRunning`):
 * an expectation never passes because the process it was about is gone.
 */
import type { CustomScenarioConfig } from '../../config/custom-schema.js';
import type { Listener } from '../../probes/listeners.js';
import type { ExitInfo } from '../../runtime/supervisor.js';
import { describeExit, listenerList, type Lane, type Target } from '../lane.js';
import type { LoggedError } from '../logged-errors.js';
import { fileSize, lastChars, readSince } from '../output.js';
import { exitStatus } from './common.js';

export interface ExpectationResult {
  /** samePid, noNewListener, healthyWithinMs, exitsWithOneOf, messagePattern, noErrorSignatureAfter, keepsRunning. */
  name: string;
  status: 'pass' | 'fail';
  detail: string;
}

/** What the lane saw before and after the action. */
export interface Observed {
  pidBefore: number | undefined;
  pidAfter: number | undefined;
  listenersBefore: Listener[];
  listenersAfter: Listener[];
  /** The target's exit after the action (undefined: still running). */
  exit: ExitInfo | undefined;
  /** ms after the action until it served and was healthy (null: not within healthyWithinMs; undefined: not probed). */
  healthyAfter: number | null | undefined;
  /** The first line matching messagePattern in the output after the action (null: none). */
  matched: string | null | undefined;
  /** Error-signature lines logged after the action (null: the profile has none to look for). */
  logged: LoggedError[] | null | undefined;
  actionText: string;
}

const key = (l: { address: string; port: number }) => `${l.address}:${l.port}`;

/** Pure: the result of every declared expectation (plus keepsRunning when no exit is expected), in a fixed order. */
export function judgeExpectations(c: CustomScenarioConfig, o: Observed): ExpectationResult[] {
  const ex = c.expect;
  const out: ExpectationResult[] = [];
  const add = (name: string, ok: boolean, detail: string) => out.push({ name, status: ok ? 'pass' : 'fail', detail });
  const ended = o.exit ? `the target ended after ${o.actionText} (${describeExit(o.exit)}, status ${exitStatus(o.exit)})` : null;
  if (ex.exitsWithOneOf) {
    const status = o.exit ? exitStatus(o.exit) : null;
    if (!o.exit)
      add('exitsWithOneOf', false, `still running ${c.deadlineMs} ms after ${o.actionText}, expected an exit with status ${ex.exitsWithOneOf.join(' or ')}`);
    else
      add(
        'exitsWithOneOf',
        status !== null && ex.exitsWithOneOf.includes(status),
        `${describeExit(o.exit)} (status ${status}), expected ${ex.exitsWithOneOf.join(' or ')}`,
      );
  } else if (ended) add('keepsRunning', false, `${ended}; the scenario expects no exit (expect.exitsWithOneOf is not set)`);
  if (ex.samePid !== undefined) {
    if (ended) add('samePid', false, `${ended}: pid ${o.pidBefore} serves no more`);
    else if (o.pidBefore === undefined || o.pidAfter === undefined)
      add('samePid', false, `the serving pid could not be read (before ${o.pidBefore}, after ${o.pidAfter})`);
    else if (ex.samePid) add('samePid', o.pidAfter === o.pidBefore, `serving pid ${o.pidBefore} before, ${o.pidAfter} after (expected the same)`);
    else add('samePid', o.pidAfter !== o.pidBefore, `serving pid ${o.pidBefore} before, ${o.pidAfter} after (expected a new one)`);
  }
  if (ex.noNewListener) {
    const old = new Set(o.listenersBefore.map(key));
    const added = o.listenersAfter.filter((l) => !old.has(key(l)));
    add(
      'noNewListener',
      !added.length,
      added.length ? `new listening socket(s) after ${o.actionText}: ${listenerList(added)}` : `listeners after: ${listenerList(o.listenersAfter)}`,
    );
  }
  if (ex.healthyWithinMs !== undefined) {
    if (ended) add('healthyWithinMs', false, ended);
    else if (o.healthyAfter === null || o.healthyAfter === undefined)
      add('healthyWithinMs', false, `not serving and healthy within ${ex.healthyWithinMs} ms of ${o.actionText}`);
    else add('healthyWithinMs', true, `serving and healthy ${o.healthyAfter} ms after ${o.actionText}`);
  }
  if (ex.messagePattern !== undefined)
    add(
      'messagePattern',
      Boolean(o.matched),
      o.matched ? `matched: ${lastChars(o.matched, 300)}` : `no output after ${o.actionText} matched /${ex.messagePattern}/ (stdout, stderr and logs)`,
    );
  if (ex.noErrorSignatureAfter) {
    if (o.logged === null || o.logged === undefined)
      add('noErrorSignatureAfter', false, 'the profile has no signature at or above gate.blockingSeverity to look for: this expectation cannot be judged');
    else if (o.logged.length) {
      const f = o.logged[0];
      add(
        'noErrorSignatureAfter',
        false,
        `${f.source} logged ${f.signature} after ${o.actionText}: ${f.line}${o.logged.length > 1 ? ` (+${o.logged.length - 1} more)` : ''}`,
      );
    } else add('noErrorSignatureAfter', true, `no error signature logged after ${o.actionText}`);
  }
  return out;
}

/** Where the target's output files ended before the action. */
export interface OutputMark {
  files: string[];
  sizes: number[];
}

/** Marks the end of the target's stdout, stderr and the lane's log files. */
export async function markOutput(lane: Lane, t: Target): Promise<OutputMark> {
  const files = [t.stdoutFile, t.stderrFile, ...lane.logFiles()];
  return { files, sizes: await Promise.all(files.map((f) => fileSize(f))) };
}

/** The first line written since the mark that matches `pattern` (redacted), or null. */
export async function matchSince(lane: Lane, mark: OutputMark, pattern: string): Promise<string | null> {
  const re = new RegExp(pattern, 'm');
  for (const [i, f] of mark.files.entries()) {
    const text = lane.redact(await readSince(f, mark.sizes[i]));
    const m = re.exec(text);
    if (m) {
      const start = text.lastIndexOf('\n', m.index) + 1;
      const end = text.indexOf('\n', m.index + m[0].length);
      return text.slice(start, end < 0 ? undefined : end);
    }
  }
  return null;
}
