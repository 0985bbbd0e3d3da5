/**
 * Notification policy: how a member hears about an event of a category, from their preferences
 * and the clock. Per category, `inApp` (the notification centre), `os` (a desktop notification)
 * and `sound`. Quiet hours (local `start`-`end` in their time zone; `22:00`-`07:00` crosses
 * midnight; `start == end` means none) and do-not-disturb (until an instant) silence `os` and
 * `sound` only: the notification still lands in the in-app centre, so nothing is lost.
 */
import type { NotificationCategory, NotificationPrefs, QuietHours } from '@sdr/schema';
import { DateTime } from 'luxon';
import { toMs, type Instant } from './business-time.ts';

export interface NotifyDecision {
  readonly inApp: boolean;
  readonly os: boolean;
  readonly sound: boolean;
  /** Why `os`/`sound` were silenced, if they were. */
  readonly silencedBy: 'do_not_disturb' | 'quiet_hours' | null;
}

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':');
  return Number(h) * 60 + Number(m);
}

/** Whether `now` falls inside the quiet hours (local time of day in their zone). */
export function inQuietHours(quiet: QuietHours | null, now: Instant): boolean {
  if (quiet === null) return false;
  const local = DateTime.fromMillis(toMs(now), { zone: quiet.timeZone });
  if (!local.isValid) return false;
  const m = local.hour * 60 + local.minute;
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  if (start === end) return false;
  return start < end ? m >= start && m < end : m >= start || m < end;
}

export function shouldNotify(
  category: NotificationCategory,
  prefs: NotificationPrefs,
  now: Instant,
): NotifyDecision {
  const c = prefs.categories[category];
  const at = toMs(now);
  const silencedBy =
    prefs.doNotDisturbUntil !== null && at < prefs.doNotDisturbUntil
      ? 'do_not_disturb'
      : inQuietHours(prefs.quietHours, at)
        ? 'quiet_hours'
        : null;
  const loud = silencedBy === null;
  return {
    inApp: c.inApp,
    os: c.os && loud,
    sound: c.sound && loud,
    silencedBy: (c.os || c.sound) && !loud ? silencedBy : null,
  };
}
