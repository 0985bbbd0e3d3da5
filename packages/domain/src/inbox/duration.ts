/** Short human durations for explanations and timers: "45 s", "12 min", "2 h 5 min", "3 d 4 h". */

export function formatDuration(ms: number): string {
  const abs = Math.abs(ms);
  if (abs < 60_000) return `${Math.round(abs / 1000)} s`;
  const minutes = Math.round(abs / 60_000);
  if (minutes < 60) return `${minutes} min`;
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  if (days > 0) return hours > 0 ? `${days} d ${hours} h` : `${days} d`;
  return mins > 0 ? `${hours} h ${mins} min` : `${hours} h`;
}

/** "in 12 min" / "12 min ago" style, from the signed remaining time. */
export function dueText(remainingMs: number): string {
  return remainingMs >= 0
    ? `due in ${formatDuration(remainingMs)}`
    : `overdue by ${formatDuration(remainingMs)}`;
}
