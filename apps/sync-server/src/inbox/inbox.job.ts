/**
 * The inbox's background job (an interval started with the server, stoppable, clock from
 * `InboxDeps.now` so tests drive it with a fixed clock). Each tick:
 *
 * 1. **SLA**: conversations with a running timer whose warning time has come are re-evaluated
 *    (domain `slaTimers`). A timer turning `warning`/`breached` gets, once each (keys kept in
 *    `conversation.escalations`): an `sla` notification to the assignee, and on breach an
 *    `sla_breach` queue item; then the workspace's escalation rules fire once per key (domain
 *    `escalationsDue`): `notify_manager` (an `sla` notification to every manager and admin),
 *    `reassign` (the routing rule picks someone else), `raise_priority` (one step up).
 * 2. **Tasks**: tasks whose `dueAt` passed, not done and not deleted, get a `task_due` queue item
 *    and a `task` notification to the assignee, once (a task's item is looked up under the task
 *    row's lock); items of tasks done or deleted since are completed.
 * 3. **Snooze**: snoozed conversations whose `snoozedUntil` passed are reopened.
 * 4. Stored command answers older than a week are deleted.
 *
 * Every conversation/task is handled in its own transaction, so instances running the job at the
 * same time serialise on the row and fire nothing twice. A tick handles at most `batch` rows of
 * each kind (the rest on the next tick).
 */
import { and, eq, inArray, lte, sql } from 'drizzle-orm';
import { chooseAssignee, escalationsDue, raisePriority, type SlaTimer } from '@sdr/domain';
import type { InboxSettings } from '@sdr/schema';
import { conversation, membership, queueItem, task } from '@sdr/schema/pg';
import type { Logger } from '../logger.ts';
import { pruneCommandResults } from './inbox.command.ts';
import { inboxTx, type InboxDeps, type Tx } from './inbox.deps.ts';
import { loadInboxSettings, lockInboxRouting, saveRoutingCursor } from './inbox.settings.ts';
import {
  addNotification,
  addQueueItem,
  assignConversation,
  managerIds,
  openLoad,
  recordStatusChanges,
  refreshSla,
  slaValue,
  conversationTimers,
  type ConversationRow,
} from './inbox.writes.ts';
import type { FactRef } from '../sync/facts.ts';

export interface InboxJobResult {
  slaChecked: number;
  escalations: number;
  tasksDue: number;
  reopened: number;
}

export interface InboxJob {
  runOnce(): Promise<InboxJobResult>;
  /** Stops the timer and waits for a tick under way. */
  stop(): Promise<void>;
}

export interface InboxJobOptions {
  /** 0: no timer (call `runOnce`). */
  intervalMs: number;
  /** Rows of each kind per tick. */
  batch?: number;
  logger?: Logger;
}

const TIMER_LABEL: Record<SlaTimer['kind'], string> = {
  first_response: 'First response',
  next_response: 'Next response',
  resolution: 'Resolution',
};

async function lockConversation(tx: Tx, id: string): Promise<ConversationRow | null> {
  const [c] = await tx.select().from(conversation).where(eq(conversation.id, id)).for('update');
  return c ?? null;
}

/** Escalation `reassign`: the routing rule's pick among everyone but the current assignee. */
async function reassign(
  d: InboxDeps,
  tx: Tx,
  conv: ConversationRow,
  facts: FactRef[],
): Promise<ConversationRow> {
  const { settings, cursor } = await lockInboxRouting(tx, conv.workspaceId, d.now());
  const members = await tx
    .select({ userId: membership.userId })
    .from(membership)
    .where(eq(membership.workspaceId, conv.workspaceId));
  const choice = chooseAssignee({
    settings,
    conversation: { channel: conv.channel, leadOwnerId: null },
    load: await openLoad(tx, conv.workspaceId),
    cursor,
    available: members.map((m) => m.userId).filter((u) => u !== conv.assigneeId),
  });
  if (JSON.stringify(choice.cursor) !== JSON.stringify(cursor)) {
    await saveRoutingCursor(tx, conv.workspaceId, choice.cursor);
  }
  if (choice.assigneeId === null) return conv;
  return assignConversation(
    d,
    tx,
    settings,
    conv,
    {
      toUserId: choice.assigneeId,
      byUserId: null,
      reason: `SLA escalation: ${choice.reason}`,
      addItem: false,
    },
    facts,
  );
}

/** Re-evaluates one conversation's SLA; returns how many escalation actions fired. */
async function checkConversation(
  d: InboxDeps,
  id: string,
  settingsOf: (ws: string) => Promise<InboxSettings>,
): Promise<number> {
  let fired = 0;
  const [head] = await d.db
    .select({ workspaceId: conversation.workspaceId })
    .from(conversation)
    .where(eq(conversation.id, id));
  if (!head) return 0;
  const settings = await settingsOf(head.workspaceId);
  await inboxTx(d, head.workspaceId, async (tx, facts) => {
    const locked = await lockConversation(tx, id);
    if (!locked || locked.status === 'closed') return;
    let conv: ConversationRow = locked;
    const now = d.now();
    const timers = await conversationTimers(tx, settings, conv, now);
    const done = new Set(conv.escalations);
    const keys: string[] = [];
    const notifyAssignee = async (t: SlaTimer, stage: 'warning' | 'breach') => {
      if (!conv.assigneeId) return;
      await addNotification(
        d,
        tx,
        {
          workspaceId: conv.workspaceId,
          userId: conv.assigneeId,
          category: 'sla',
          title:
            stage === 'breach'
              ? `SLA breached: ${TIMER_LABEL[t.kind]}`
              : `SLA about to breach: ${TIMER_LABEL[t.kind]}`,
          body: conv.lastMessagePreview ?? conv.leadAddress ?? '',
          conversationId: conv.id,
          leadId: conv.leadId,
        },
        facts,
      );
    };
    for (const t of timers) {
      if (t.stoppedAt !== null) continue;
      const stage = t.state === 'warning' ? 'warning' : t.state === 'breached' ? 'breach' : null;
      if (stage === null) continue;
      // `:notify` / `:queue` are the server's own once-keys next to the rule actions' keys.
      const base = `${t.kind}@${t.dueAt}:${stage}`;
      const notifyKey = `${base}:notify`;
      if (!done.has(notifyKey)) {
        keys.push(notifyKey);
        await notifyAssignee(t, stage);
      }
      const queueKey = `${base}:queue`;
      if (stage === 'breach' && !done.has(queueKey)) {
        keys.push(queueKey);
        await addQueueItem(
          d,
          tx,
          settings,
          {
            workspaceId: conv.workspaceId,
            kind: 'sla_breach',
            title: `SLA breached: ${TIMER_LABEL[t.kind]}`,
            conversationId: conv.id,
            leadId: conv.leadId,
            assigneeId: conv.assigneeId,
            teamId: conv.teamId,
            dueAt: t.dueAt,
            channel: conv.channel,
          },
          facts,
        );
      }
    }
    const actions = escalationsDue(timers, settings.escalations, done);
    for (const a of actions) {
      keys.push(a.key);
      fired += 1;
      if (a.action === 'notify_manager') {
        for (const m of await managerIds(tx, conv.workspaceId)) {
          await addNotification(
            d,
            tx,
            {
              workspaceId: conv.workspaceId,
              userId: m,
              category: 'sla',
              title: `Escalation: ${TIMER_LABEL[a.timerKind]} ${a.after === 'breach' ? 'breached' : 'about to breach'}`,
              body: conv.lastMessagePreview ?? conv.leadAddress ?? '',
              conversationId: conv.id,
              leadId: conv.leadId,
            },
            facts,
          );
        }
      } else if (a.action === 'reassign') {
        conv = await reassign(d, tx, conv, facts);
      } else {
        const priority = raisePriority(conv.priority);
        if (priority !== conv.priority) {
          const [u] = await tx
            .update(conversation)
            .set({ priority, updatedAt: now })
            .where(eq(conversation.id, conv.id))
            .returning();
          conv = u!;
          facts.push({ entity: 'conversation', id: conv.id });
        }
      }
    }
    if (keys.length > 0) {
      const [u] = await tx
        .update(conversation)
        .set({ escalations: [...conv.escalations, ...keys], updatedAt: now })
        .where(eq(conversation.id, conv.id))
        .returning();
      conv = u!;
      facts.push({ entity: 'conversation', id: conv.id });
    }
    // Store the states the timers moved to (ok → warning → breached).
    if (JSON.stringify(slaValue(timers)) !== JSON.stringify(conv.sla) || keys.length > 0) {
      await refreshSla(d, tx, settings, conv, facts);
    }
  });
  return fired;
}

/**
 * Conversations whose stored timer state is about to change: an `ok` timer whose warning time
 * (dueAt - warnBeforeMinutes of its workspace) has come, or a `warning` one past due. Handling
 * stores the new state, so a conversation is a candidate once per transition (breached ones do
 * not come back every tick and cannot starve the others).
 */
async function slaCandidates(d: InboxDeps, now: number, batch: number): Promise<string[]> {
  const rows = await d.db.execute(sql`
    select c.id from conversation c
    left join workspace_inbox_settings s on s.workspace_id = c.workspace_id
    where c.status in ('open', 'pending')
      and jsonb_path_exists(
        c.sla,
        '$[*] ? ((@.state == "ok" && @.dueAt <= $h) || (@.state == "warning" && @.dueAt <= $now))',
        jsonb_build_object(
          'now', ${now}::bigint,
          'h', ${now}::bigint
            + coalesce((s.settings -> 'sla' ->> 'warnBeforeMinutes')::bigint, 15) * 60000))
    order by c.updated_at
    limit ${batch}`);
  const list = Array.isArray(rows) ? rows : (rows as { rows: unknown[] }).rows;
  return (list as { id: string }[]).map((r) => r.id);
}

async function dueTasks(
  d: InboxDeps,
  settingsOf: (ws: string) => Promise<InboxSettings>,
  now: number,
  batch: number,
): Promise<number> {
  const due = await d.db
    .select({ id: task.id, workspaceId: task.workspaceId })
    .from(task)
    .where(
      and(
        eq(task.done, false),
        eq(task.deleted, false),
        lte(task.dueAt, now),
        sql`not exists (select 1 from queue_item q where q.task_id = ${task.id} and q.workspace_id = ${task.workspaceId})`,
      ),
    )
    .limit(batch);
  let n = 0;
  for (const t of due) {
    const settings = await settingsOf(t.workspaceId);
    await inboxTx(d, t.workspaceId, async (tx, facts) => {
      const [row] = await tx.select().from(task).where(eq(task.id, t.id)).for('update');
      if (!row || row.done || row.deleted || row.dueAt === null || row.dueAt > now) return;
      const [has] = await tx
        .select({ id: queueItem.id })
        .from(queueItem)
        .where(and(eq(queueItem.taskId, row.id), eq(queueItem.workspaceId, row.workspaceId)))
        .limit(1);
      if (has) return;
      const item = await addQueueItem(
        d,
        tx,
        settings,
        {
          workspaceId: row.workspaceId,
          kind: 'task_due',
          title: row.title,
          leadId: row.leadId,
          taskId: row.id,
          assigneeId: row.assigneeId,
          dueAt: row.dueAt,
        },
        facts,
      );
      if (row.assigneeId) {
        await addNotification(
          d,
          tx,
          {
            workspaceId: row.workspaceId,
            userId: row.assigneeId,
            category: 'task',
            title: 'Task due',
            body: row.title,
            leadId: row.leadId,
            queueItemId: item.id,
          },
          facts,
        );
      }
      n += 1;
    });
  }
  // Items of tasks done or deleted since they were queued.
  const stale = await d.db
    .select({ id: queueItem.id, workspaceId: queueItem.workspaceId })
    .from(queueItem)
    .innerJoin(task, eq(task.id, queueItem.taskId))
    .where(
      and(
        eq(queueItem.kind, 'task_due'),
        sql`${queueItem.state} <> 'done'`,
        sql`(${task.done} or ${task.deleted})`,
      ),
    )
    .limit(batch);
  const byWs = new Map<string, string[]>();
  for (const s of stale) byWs.set(s.workspaceId, [...(byWs.get(s.workspaceId) ?? []), s.id]);
  for (const [ws, ids] of byWs) {
    await inboxTx(d, ws, async (tx, facts) => {
      const rows = await tx
        .update(queueItem)
        .set({ state: 'done', doneAt: now, updatedAt: now })
        .where(and(inArray(queueItem.id, ids), sql`${queueItem.state} <> 'done'`))
        .returning({ id: queueItem.id });
      for (const r of rows) facts.push({ entity: 'queueItem', id: r.id });
    });
  }
  return n;
}

async function reopenSnoozed(
  d: InboxDeps,
  settingsOf: (ws: string) => Promise<InboxSettings>,
  now: number,
  batch: number,
): Promise<number> {
  const due = await d.db
    .select({ id: conversation.id, workspaceId: conversation.workspaceId })
    .from(conversation)
    .where(and(eq(conversation.status, 'snoozed'), lte(conversation.snoozedUntil, now)))
    .limit(batch);
  let n = 0;
  for (const c of due) {
    const settings = await settingsOf(c.workspaceId);
    await inboxTx(d, c.workspaceId, async (tx, facts) => {
      const conv = await lockConversation(tx, c.id);
      if (!conv || conv.status !== 'snoozed' || (conv.snoozedUntil ?? 0) > now) return;
      await recordStatusChanges(
        d,
        tx,
        [{ conv, to: 'open', byUserId: null, reason: 'snooze_ended' }],
        now,
      );
      const [u] = await tx
        .update(conversation)
        .set({ status: 'open', snoozedUntil: null, updatedAt: now })
        .where(eq(conversation.id, conv.id))
        .returning();
      facts.push({ entity: 'conversation', id: conv.id });
      await refreshSla(d, tx, settings, u!, facts);
      n += 1;
    });
  }
  return n;
}

/** One tick of the job (also what tests call with a fixed clock). */
export async function runInboxJobOnce(d: InboxDeps, batch = 500): Promise<InboxJobResult> {
  const now = d.now();
  const cache = new Map<string, Promise<InboxSettings>>();
  const settingsOf = (ws: string) => {
    let p = cache.get(ws);
    if (!p) {
      p = loadInboxSettings(d.db, ws).then((s) => s.settings);
      cache.set(ws, p);
    }
    return p;
  };
  const reopened = await reopenSnoozed(d, settingsOf, now, batch);
  const ids = await slaCandidates(d, now, batch);
  let escalations = 0;
  for (const id of ids) escalations += await checkConversation(d, id, settingsOf);
  const tasksDue = await dueTasks(d, settingsOf, now, batch);
  await pruneCommandResults(d, now);
  return { slaChecked: ids.length, escalations, tasksDue, reopened };
}

export function startInboxJob(d: InboxDeps, o: InboxJobOptions): InboxJob {
  let running: Promise<InboxJobResult> | null = null;
  const runOnce = () => {
    running ??= runInboxJobOnce(d, o.batch).finally(() => {
      running = null;
    });
    return running;
  };
  const settle = async () => {
    await running?.catch(() => {});
  };
  if (o.intervalMs <= 0) return { runOnce, stop: settle };
  const timer = setInterval(() => {
    runOnce().catch((err: unknown) => o.logger?.error({ err }, 'inbox job failed'));
  }, o.intervalMs);
  timer.unref();
  return {
    runOnce,
    stop: async () => {
      clearInterval(timer);
      await settle();
    },
  };
}
