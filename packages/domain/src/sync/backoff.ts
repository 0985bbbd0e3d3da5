/**
 * Reconnect delays: exponential backoff with full jitter (a uniformly random delay between 0 and
 * the exponential cap), so hundreds of clients reconnecting after an outage spread out. Pure: the
 * random source is an argument.
 */
export interface BackoffOptions {
  readonly baseMs: number;
  readonly capMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, capMs: 30_000 };

/** Delay before reconnect attempt `attempt` (0 for the first retry); `random` returns [0, 1). */
export function reconnectDelayMs(
  attempt: number,
  random: () => number,
  options: BackoffOptions = DEFAULT_BACKOFF,
): number {
  const exp = Math.min(options.capMs, options.baseMs * 2 ** Math.max(0, Math.min(attempt, 30)));
  return Math.floor(random() * exp);
}
