/**
 * Window counts: a time-ordered plain file is seeked (binary search to the window start, read until past its
 * end), anything else is read with timestamps from its start (a window walk stops past the window end in an
 * ordered file). Every plain file gets its own seek, so files need not be ordered among themselves; a gzip
 * archive last modified more than a day before the window (a day: zone-less stamps read in the wrong zone)
 * cannot hold window lines and is not decompressed.
 */
import { openRegular } from '../runtime/open-regular.js';
import { scanGzip, scanRange } from './file-scan.js';
import { describeReadError, type LogFile } from './files.js';
import { ORDER_SLACK_MS } from './line-walk.js';

const ARCHIVE_SKIP_MS = 24 * 3600_000;
import type { PartialResult, ScanParams } from './params.js';
import { planWindowSeek } from './seek.js';

export interface WindowOutcome {
  /** Partial results in file order (oldest first). */
  parts: PartialResult[];
  /** Files read, oldest first. */
  files: string[];
  /** Whether a binary-search seek was used for some file. */
  seeked: boolean;
  /** Whether any file read showed a timestamp (false with lines read: the window is unknown). */
  timestampsSeen: boolean;
  errors: string[];
}

/** Scans what the window needs of `files` (oldest first). `wordFilterMin`: see ScanParams.wordFilter. */
export async function windowScan(files: LogFile[], params: ScanParams, wordFilterMin: number): Promise<WindowOutcome> {
  const win: ScanParams = { ...params, windowOnly: true }; // word filter off (unless forced): a window is small
  const out: WindowOutcome = { parts: [], files: [], seeked: false, timestampsSeen: false, errors: [] };
  for (let i = files.length - 1; i >= 0; i--) {
    const f = files[i];
    if (f.gzip && f.mtimeMs < params.windowStartMs - ORDER_SLACK_MS - ARCHIVE_SKIP_MS) continue;
    let firstTs: number | null = null;
    try {
      let part: PartialResult;
      if (f.gzip) {
        // Read whole: an archive cannot be seeked, and stopping at its first line past the window would trust
        // an order nobody sampled (with the window ending now, nothing is past it anyway).
        part = await scanGzip(f.path, params);
        firstTs = part.firstTs;
      } else {
        const fh = await openRegular(f.path);
        try {
          const plan = await planWindowSeek(fh, f.size, win);
          firstTs = plan.firstTs;
          const fullParams = { ...params, wordFilter: f.size >= wordFilterMin };
          // A file too small to seek is read whole: stopping at its first line past the window would trust an order nobody sampled.
          const seek = plan.ordered && plan.searched;
          part = await scanRange(fh, seek ? plan.start : 0, f.size, seek ? win : fullParams);
          part.bytesRead += plan.bytesRead;
          if (seek && part.disorder) {
            const full = await scanRange(fh, 0, f.size, fullParams);
            full.bytesRead += part.bytesRead;
            part = full;
          } else if (seek) out.seeked = true;
        } finally {
          await fh.close();
        }
      }
      if (firstTs !== null || part.firstTs !== null) out.timestampsSeen = true;
      out.parts.unshift(part);
      out.files.unshift(f.path);
    } catch (err) {
      out.errors.push(describeReadError(err, f.path));
    }
  }
  return out;
}
