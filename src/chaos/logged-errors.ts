/**
 * "Was an error logged after the reload?" A refused reload is not a successful reload: nginx keeps serving
 * the old config after SIGHUP and only its error log says `[emerg]`. The lane marks its log files before the
 * reload and reads exactly the bytes appended since (the scanner's marks: rotation handled, `exclude` honoured),
 * for the signatures that would block the gate (severity at or above gate.blockingSeverity: kind crash and config
 * by default), as the gate's own check of the lines appended during the change does.
 */
import { signatureSeverity } from '../core/classify.js';
import type { Severity } from '../core/report-types.js';
import { SEVERITY_RANK } from '../core/verdict.js';
import type { SignatureConfig } from '../config/schema.js';
import { scanSignatureSpecs } from '../probes/snapshot.js';
import type { Redactor } from '../runtime/redact.js';
import { markLogs, scanAppended, type LogMark } from '../scan/index.js';
import type { ScanSource } from '../scan/types.js';

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

/** Marks the end of every log file of the lane (a file that does not exist yet is read whole later). */
export function markErrors(sources: readonly ScanSource[]): Promise<LogMark> {
  return markLogs([...sources], Date.now());
}

/** Error-signature lines appended to the lane's logs since `mark` (at most `max` per signature). */
export async function errorsSince(
  mark: LogMark,
  sources: readonly ScanSource[],
  signatures: readonly SignatureConfig[],
  blocking: Severity,
  redact: Redactor,
  max = 3,
): Promise<LoggedError[]> {
  const sigs = errorSignatures(signatures, blocking);
  if (!sigs.length) return [];
  const res = await scanAppended([...sources], scanSignatureSpecs({ signatures: sigs }), [mark], { redact, maxLines: max, workers: 1 });
  return res.signatures.flatMap((s) => s.lines.map((l) => ({ signature: s.name, source: s.source, line: l.line })));
}
