/**
 * "Was an error logged after the reload?" A refused reload is not a successful reload: nginx keeps serving
 * the old config after SIGHUP and only its error log says `[emerg]`. The lane marks its log files before the
 * reload and reads exactly the bytes appended since, for the signatures that would block the gate (severity at
 * or above gate.blockingSeverity: kind crash and config by default, as the gate's own check of appended lines).
 *
 * Interim: the scanner's mark API (src/scan/marks.ts: markLogs / scanAppended, with rotation handled) is not
 * on main yet; until it is, this reads from each file's size at the mark (a lane's logs are fresh files that
 * no one rotates during a scenario). Swap the two calls below for the scanner's when it lands.
 */
import { promises as fsp } from 'node:fs';
import type { Redactor } from '../runtime/redact.js';
import type { ScanSource } from '../scan/types.js';
import type { SignatureConfig } from '../config/schema.js';
import { SEVERITY_RANK } from '../core/verdict.js';
import { signatureSeverity } from '../core/classify.js';
import type { Severity } from '../core/report-types.js';

/** Where each log file ended at the mark. */
export interface ErrorMark {
  sizes: Map<string, number>;
}

/** An error signature's line appended after the mark. */
export interface LoggedError {
  signature: string;
  source: string;
  /** The line, redacted and capped. */
  line: string;
}

/** Pure: the signatures that fail a reload when they appear: severity at or above the blocking one. */
export function errorSignatures(signatures: readonly SignatureConfig[], blocking: Severity): SignatureConfig[] {
  return signatures.filter((s) => SEVERITY_RANK[signatureSeverity(s)] <= SEVERITY_RANK[blocking]);
}

async function sizeOf(file: string): Promise<number> {
  try {
    return (await fsp.stat(file)).size;
  } catch {
    return 0; // not there yet: everything it will hold is new
  }
}

/** Marks the end of every log file of the lane. */
export async function markErrors(sources: readonly ScanSource[]): Promise<ErrorMark> {
  const sizes = new Map<string, number>();
  for (const s of sources) sizes.set(s.path, await sizeOf(s.path));
  return { sizes };
}

async function appended(file: string, from: number): Promise<string> {
  let h: fsp.FileHandle;
  try {
    h = await fsp.open(file, 'r');
  } catch {
    return '';
  }
  try {
    const { size } = await h.stat();
    const start = size < from ? 0 : from; // truncated since the mark: all of it is new
    const buf = Buffer.alloc(Math.min(size - start, 8 << 20));
    await h.read(buf, 0, buf.length, start);
    return buf.toString('utf8');
  } finally {
    await h.close();
  }
}

/** Error-signature lines appended to the lane's logs since `mark` (at most `max` per signature). */
export async function errorsSince(
  mark: ErrorMark,
  sources: readonly ScanSource[],
  signatures: readonly SignatureConfig[],
  blocking: Severity,
  redact: Redactor,
  max = 3,
): Promise<LoggedError[]> {
  const out: LoggedError[] = [];
  for (const src of sources) {
    const sigs = errorSignatures(signatures, blocking).filter((s) => s.source === src.source);
    if (!sigs.length) continue;
    const lines = (await appended(src.path, mark.sizes.get(src.path) ?? 0)).split('\n');
    for (const sig of sigs) {
      const re = sig.regex ? new RegExp(sig.pattern) : null;
      const hits = lines.filter((l) => (re ? re.test(l) : l.includes(sig.pattern)));
      for (const l of hits.slice(0, max)) out.push({ signature: sig.name, source: src.source, line: redact(l.length > 500 ? `${l.slice(0, 500)}...` : l) });
    }
  }
  return out;
}
