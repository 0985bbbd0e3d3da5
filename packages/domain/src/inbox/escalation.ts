/**
 * SLA escalation: which rule actions are due for a conversation's timers, each with a stable key
 * so the server fires it once (it stores fired keys on the conversation, `escalations`).
 *
 * A key is `<timer kind>@<dueAt>:<warning|breach>:<action>`. It includes the due time, so a new
 * next-response wait (a new due time) can escalate again, while re-evaluating the same wait never
 * repeats an action. Only running timers escalate (not stopped, met or paused ones):
 * - `after: 'warning'` fires while the timer is `warning`. A check that first sees the timer
 *   already `breached` skips the warning (the breach rules speak for it).
 * - `after: 'breach'` fires while it is `breached`.
 * The same action from two rules for the same timer and moment is returned once.
 */
import type { EscalationActionKind, EscalationRule, Priority, SlaTimerKind } from '@sdr/schema';
import type { SlaTimer } from './sla.ts';

export interface EscalationAction {
  /** Stable: store it and pass it back in `alreadyFired`. */
  readonly key: string;
  readonly action: EscalationActionKind;
  readonly timerKind: SlaTimerKind;
  readonly after: 'warning' | 'breach';
  readonly dueAt: number;
}

export function escalationKey(
  timer: Pick<SlaTimer, 'kind' | 'dueAt'>,
  after: 'warning' | 'breach',
  action: EscalationActionKind,
): string {
  return `${timer.kind}@${timer.dueAt}:${after}:${action}`;
}

export function escalationsDue(
  timers: readonly SlaTimer[],
  rules: readonly EscalationRule[],
  alreadyFired: ReadonlySet<string>,
): EscalationAction[] {
  const out: EscalationAction[] = [];
  const seen = new Set<string>();
  for (const timer of timers) {
    if (timer.stoppedAt !== null) continue;
    const stage =
      timer.state === 'warning' ? 'warning' : timer.state === 'breached' ? 'breach' : null;
    if (stage === null) continue;
    for (const rule of rules) {
      if (rule.on !== timer.kind || rule.after !== stage) continue;
      for (const action of rule.actions) {
        const key = escalationKey(timer, stage, action);
        if (alreadyFired.has(key) || seen.has(key)) continue;
        seen.add(key);
        out.push({ key, action, timerKind: timer.kind, after: stage, dueAt: timer.dueAt });
      }
    }
  }
  return out;
}

const PRIORITY_ORDER: readonly Priority[] = ['low', 'normal', 'high', 'urgent'];

/** One step up (`urgent` stays `urgent`): the `raise_priority` action. */
export function raisePriority(priority: Priority): Priority {
  const i = PRIORITY_ORDER.indexOf(priority);
  return PRIORITY_ORDER[Math.min(i + 1, PRIORITY_ORDER.length - 1)] ?? 'urgent';
}
