/**
 * Whether an SDR can take new work right now: active, not out of office, below capacity.
 * Everything is optional; an SDR with no information is available. Shared by lead routing and
 * (later) conversation routing, where `load` counts open conversations.
 */

export interface AwayPeriod {
  /** Epoch milliseconds, inclusive. */
  readonly from: number;
  /** Epoch milliseconds, exclusive; null: until further notice. */
  readonly until: number | null;
}

export interface SdrAvailability {
  /** false for deactivated members or SDRs removed from routing; default true. */
  readonly active?: boolean;
  readonly outOfOffice?: readonly AwayPeriod[];
  /** Current open items (leads or conversations, as the caller counts them); default 0. */
  readonly load?: number;
  /** Maximum open items; absent or null: unlimited. */
  readonly capacity?: number | null;
}

export type Unavailability = 'inactive' | 'out-of-office' | 'at-capacity';

export function hasCapacity(load: number, capacity: number | null | undefined): boolean {
  return capacity === null || capacity === undefined || load < capacity;
}

export function isAway(periods: readonly AwayPeriod[] | undefined, now: number): boolean {
  return (periods ?? []).some((p) => p.from <= now && (p.until === null || now < p.until));
}

/** Why the SDR cannot take work at `now`, or null when they can. `extraLoad` adds to `load`. */
export function unavailability(
  status: SdrAvailability | undefined,
  now: number,
  extraLoad = 0,
): Unavailability | null {
  if (status === undefined) return null;
  if (status.active === false) return 'inactive';
  if (isAway(status.outOfOffice, now)) return 'out-of-office';
  if (!hasCapacity((status.load ?? 0) + extraLoad, status.capacity)) return 'at-capacity';
  return null;
}
