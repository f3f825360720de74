/**
 * The journal's shell: durable appends (fsync before the step acts), loading with fail-closed errors,
 * and the check that every artifact a result names is on disk with the recorded sha256.
 */
import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { HuntError, InputError } from '../errors.js';
import { appendLineDurable, pathExists } from '../runtime/fs.js';
import { JOURNAL_FILE, JournalCorrupt, journalLine, readJournalState, type ArtifactRef, type JournalRecord, type JournalState } from './journal.js';

/** sha256 (hex) of a file's bytes. */
export async function sha256File(file: string): Promise<string> {
  return createHash('sha256')
    .update(await fsp.readFile(file))
    .digest('hex');
}

/** sha256 (hex) of bytes or text. */
export function sha256Of(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Appends records in call order; each is on disk (fsynced) when its promise resolves. */
export class JournalWriter {
  private chain: Promise<void> = Promise.resolve();
  constructor(readonly file: string) {}

  append(record: JournalRecord): Promise<void> {
    const next = this.chain.then(() => appendLineDurable(this.file, journalLine(record)));
    this.chain = next.catch(() => {}); // one failed append must not wedge the queue; the caller sees the error
    return next;
  }
}

const corruptHint = (outDir: string) =>
  `the out-dir cannot be trusted for a resume; keep it as evidence and start a new gate with a fresh --out-dir (not ${outDir})`;

/** Reads and folds the journal of an out-dir; corruption is an InputError (exit 2) naming the line. */
export async function loadJournal(outDir: string): Promise<JournalState> {
  const file = path.join(outDir, JOURNAL_FILE);
  if (!(await pathExists(file))) {
    throw new InputError(`--resume: ${outDir} has no ${JOURNAL_FILE}; it is not a release-gate out-dir`, {
      hint: 'pass the out-dir of an interrupted `hunt release-gate` run (it holds journal.ndjson)',
    });
  }
  const text = await fsp.readFile(file, 'utf8');
  try {
    return readJournalState(text);
  } catch (err) {
    if (err instanceof JournalCorrupt) {
      throw new InputError(`--resume: ${file} is corrupt: ${err.message}`, { hint: corruptHint(outDir) });
    }
    throw err;
  }
}

/** Verifies every artifact named by a result against the disk; a mismatch fails closed. */
export async function verifyArtifacts(outDir: string, state: JournalState): Promise<void> {
  const problems: string[] = [];
  for (const id of state.order) {
    const r = state.steps.get(id)!.result;
    for (const a of r?.artifacts ?? []) {
      const file = path.join(outDir, a.path);
      let actual: string;
      try {
        actual = await sha256File(file);
      } catch {
        problems.push(`${a.path} (result of ${id}) is missing`);
        continue;
      }
      if (actual !== a.sha256)
        problems.push(`${a.path} (result of ${id}) was changed after it was recorded: sha256 ${actual.slice(0, 12)}… != journal ${a.sha256.slice(0, 12)}…`);
    }
  }
  if (problems.length) {
    throw new HuntError(`--resume: the journal of ${outDir} disagrees with its artifacts`, { details: problems, hint: corruptHint(outDir) });
  }
}

/** Writes artifact files atomically and returns their refs (path relative to the out-dir, sha256). */
export async function refsFor(outDir: string, files: string[]): Promise<ArtifactRef[]> {
  const out: ArtifactRef[] = [];
  for (const rel of files) out.push({ path: rel, sha256: await sha256File(path.join(outDir, rel)) });
  return out;
}
