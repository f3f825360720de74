/**
 * How long this target takes to start on this machine, learnt from the run itself: every healthy start of any
 * lane reports its spawn-to-ready time, and the shortest is the target's start-up time. A scenario that expects
 * a start to fail judges it `deadlineMs` after that moment, not after the spawn, so a daemon that needs 60 s to
 * start gets its 60 s and a real hang of a fast one is still noticed quickly. When no healthy start has been
 * seen yet and one is needed, one calibration start runs (once per run, in a lane of its own).
 */
export interface StartupEstimate {
  /** Spawn-to-ready ms, or null when the target never became ready within the start-up timeout. */
  ms: number | null;
  /** Where it comes from: "<scenario> <label>", "calibration start", or why it is unknown. */
  from: string;
}

export class StartupClock {
  private best: StartupEstimate | null = null;
  private calibrating: Promise<StartupEstimate> | null = null;

  constructor(
    /** The start-up timeout: the most a start may take before the target can be judged. */
    readonly timeoutMs: number,
    private readonly calibrate: () => Promise<StartupEstimate>,
  ) {}

  /** A healthy start's spawn-to-ready time. */
  observe(ms: number, from: string): void {
    if (this.best === null || this.best.ms === null || ms < this.best.ms) this.best = { ms: Math.max(0, Math.round(ms)), from };
  }

  /** The best estimate so far, without calibrating. */
  known(): StartupEstimate | null {
    return this.best;
  }

  /** The start-up time: known, or measured by one calibration start (shared by every caller). */
  async estimate(): Promise<StartupEstimate> {
    if (this.best?.ms !== undefined && this.best.ms !== null) return this.best;
    this.calibrating ??= this.calibrate().then((e) => {
      if (e.ms !== null) this.observe(e.ms, e.from);
      else this.best ??= e;
      return this.best!;
    });
    return this.calibrating;
  }

  /** Pure: when a start spawned at `spawnMs` must have failed: deadlineMs after the start-up time (capped by the timeout). */
  judgeAt(spawnMs: number, deadlineMs: number, e: StartupEstimate): number {
    return spawnMs + Math.min(e.ms ?? this.timeoutMs, this.timeoutMs) + deadlineMs;
  }

  /** For the report. */
  describe(): Record<string, unknown> {
    return { timeoutMs: this.timeoutMs, startupMs: this.best?.ms ?? null, from: this.best?.from ?? 'no healthy start was needed or seen' };
  }
}
