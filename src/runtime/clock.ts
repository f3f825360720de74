/** Clock service: real by default, injectable in tests so time-dependent logic stays deterministic. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** The wall clock. */
export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** UTC stamp for directory names: 20261122T050312Z. */
export function utcStamp(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/**
 * Polls `probe` with exponential backoff until it returns a value or the deadline passes.
 * Event-driven readiness: no fixed sleeps, the first success returns at once.
 */
export async function waitFor<T>(
  probe: () => Promise<T | undefined>,
  opts: { timeoutMs: number; initialDelayMs?: number; maxDelayMs?: number; clock?: Clock },
): Promise<T | undefined> {
  const clock = opts.clock ?? realClock;
  const deadline = clock.now() + opts.timeoutMs;
  let delay = opts.initialDelayMs ?? 25;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    const left = deadline - clock.now();
    if (left <= 0) return undefined;
    await clock.sleep(Math.min(delay, left));
    delay = Math.min(delay * 2, opts.maxDelayMs ?? 500);
  }
}
