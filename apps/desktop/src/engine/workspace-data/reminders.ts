/**
 * Task reminders. A task reminds its assignee (an unassigned task: its creator) once its `dueAt`
 * has passed, while it is open and not deleted: `tasks:due` is emitted and an OS notification
 * shown. That the reminder fired is stored with the due time it fired for (`task_reminder`), so it
 * fires once per task across engine restarts, and again when the task is moved to another time.
 * Reminders missed while the app was closed fire at the next start. The timer aims at the next
 * due time, at most a minute ahead (so a changed system clock or a sleep is caught up).
 */
import type { TaskRow } from '@sdr/schema';
import type { Logger } from '../logger.ts';
import type { WorkspaceDataStore } from './store.ts';

export interface ReminderOptions {
  store: WorkspaceDataStore;
  now: () => number;
  onDue: (task: TaskRow) => void;
  /** OS notification (Electron main shows it; a no-op in the web shell). */
  notify: (title: string, body: string) => void;
  log: Logger;
}

/** More reminders than this at once become one summary notification. */
const NOTIFY_EACH_UP_TO = 3;
const MAX_WAIT_MS = 60_000;

export class Reminders {
  private target: { workspaceId: string; userId: string } | null = null;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(private readonly o: ReminderOptions) {}

  /**
   * Reminds this user in this workspace (null: nobody, e.g. signed out). The first check runs on
   * the next turn of the event loop, so reminders missed while the app was closed reach the
   * listeners that subscribe right after the engine starts.
   */
  follow(target: { workspaceId: string; userId: string } | null): void {
    this.target = target;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.check(), 0);
  }

  /** Tasks changed: fire what is due now and aim at the next due time. */
  check(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const target = this.target;
    if (!target || this.closed) return;
    const { store, now } = this.o;
    const at = now();
    const pending = store.pendingReminders(target.workspaceId, target.userId);
    const due = pending.filter((t) => t.dueAt !== null && t.dueAt <= at);
    if (due.length > 0) {
      store.tx(() => {
        for (const t of due) store.markFired(target.workspaceId, t.id, t.dueAt!, at);
      });
      for (const { firedDueAt: _f, ...task } of due) this.o.onDue(task);
      try {
        if (due.length <= NOTIFY_EACH_UP_TO) {
          for (const t of due) this.o.notify('Task due', t.title);
        } else {
          this.o.notify(
            `${due.length} tasks are due`,
            due
              .map((t) => t.title)
              .slice(0, 3)
              .join(', '),
          );
        }
      } catch (err) {
        this.o.log.warn('reminder notification failed', { error: String(err) });
      }
    }
    const next = pending.find((t) => t.dueAt !== null && t.dueAt > at)?.dueAt;
    if (next === undefined || next === null) return;
    this.timer = setTimeout(() => this.check(), Math.min(next - at, MAX_WAIT_MS));
    this.timer.unref?.();
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
