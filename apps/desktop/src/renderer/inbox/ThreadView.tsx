/**
 * One conversation opened: the lead's whole history across channels and conversations (every
 * message, note and call in time order, with where each stands), the conversation's controls
 * (status, snooze, priority, labels, assign with a note, the assignment and status history) and
 * the composer. Opening it marks it read. Everything is a command in the engine's outbox, shown at
 * once. The header shows who else is viewing it (presence, `ViewersStrip.tsx`).
 */
import { useCallback, useEffect, useImperativeHandle, useRef, useState, type Ref } from 'react';
import { Badge, Button, Popover, SelectField, Spinner, TagInput } from '@sdr/ui';
import type { ConversationDto, ThreadDto } from '../../shared/contract.ts';
import { engine } from '../engine.ts';
import { errorMessage } from '../errors.ts';
import { useSignedIn } from '../stores/auth.ts';
import { Attachments } from './Attachments.tsx';
import { Composer } from './Composer.tsx';
import { ConversationHistory } from './ConversationHistory.tsx';
import { useInboxChanged, useNow } from './hooks.ts';
import { lastUsedFrom } from './sending-from.ts';
import {
  CHANNEL_LABELS,
  PRIORITY_LABELS,
  STATUS_LABELS,
  fromLocalInput,
  messageStatusText,
  slaText,
  snoozeChoices,
  toLocalInput,
} from './model.ts';
import { memberName, useMembers } from './useMembers.ts';
import { useViewing, ViewersStrip } from './ViewersStrip.tsx';

export type ThreadHandle = {
  focusThread: () => void;
  close: () => Promise<void>;
  openSnooze: () => void;
};

const time = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const fmt = (ms: number) => time.format(ms);

export function ThreadView({
  conversationId,
  onError,
  ref,
}: {
  conversationId: string;
  onError: (message: string) => void;
  ref?: Ref<ThreadHandle>;
}) {
  const { me } = useSignedIn();
  const members = useMembers();
  const now = useNow(1000);
  const [thread, setThread] = useState<ThreadDto | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [snoozeOpen, setSnoozeOpen] = useState(false);
  const [customSnooze, setCustomSnooze] = useState('');
  const [assignTo, setAssignTo] = useState('');
  const [assignNote, setAssignNote] = useState('');
  const historyRef = useRef<HTMLOListElement>(null);
  const seq = useRef(0);
  const markedRead = useRef<string | null>(null);
  const presence = useViewing(conversationId);

  const load = useCallback(async () => {
    const mine = ++seq.current;
    const r = await engine.invoke('inbox:thread', { conversationId });
    if (mine !== seq.current) return;
    if (r.ok) {
      setThread(r.data);
      setError(null);
    } else setError(errorMessage(r.error));
  }, [conversationId]);

  useEffect(() => {
    const t = window.setTimeout(() => void load(), 0);
    return () => window.clearTimeout(t);
  }, [load]);
  useInboxChanged((change) => {
    if (!change || change.conversationIds === null) return void load();
    const ids = new Set(thread?.conversations.map((c) => c.id) ?? [conversationId]);
    if (change.conversationIds.some((id) => ids.has(id))) void load();
  });

  const conv = thread?.conversations.find((c) => c.id === conversationId) ?? null;

  // Opening an unread conversation marks it read (once per opening).
  useEffect(() => {
    if (!conv || conv.unreadCount === 0 || markedRead.current === conv.id) return;
    markedRead.current = conv.id;
    void engine.invoke('inbox:markRead', { conversationId: conv.id });
  }, [conv]);

  // Newest at the bottom, in view.
  const lastId = thread?.messages.at(-1)?.id;
  useEffect(() => {
    const el = historyRef.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [lastId]);

  async function run<T>(
    p: Promise<{ ok: true; data: T } | { ok: false; error: Parameters<typeof errorMessage>[0] }>,
  ) {
    const r = await p;
    if (!r.ok) onError(errorMessage(r.error));
    return r.ok;
  }

  const update = (
    patch: Omit<Parameters<typeof engine.invoke<'inbox:update'>>[1], 'conversationId'>,
  ) => run(engine.invoke('inbox:update', { conversationId, ...patch }));

  useImperativeHandle(ref, () => ({
    focusThread: () => historyRef.current?.focus(),
    close: async () => {
      await update({ status: 'closed' });
    },
    openSnooze: () => setSnoozeOpen(true),
  }));

  if (error) return <p className="inbox__error">{error}</p>;
  if (!thread || !conv) return <Spinner label="Loading the conversation" />;

  const lead = thread.lead;
  const name = lead ? `${lead.firstName} ${lead.lastName}`.trim() : conv.leadName;
  const sla = slaText(conv.slaDueAt, now);
  const byConv = new Map(thread.conversations.map((c) => [c.id, c]));

  return (
    <div className="thread">
      <header className="thread__header">
        <div className="thread__title">
          <h2>{name || conv.leadAddress || 'Unknown lead'}</h2>
          <p className="thread__sub">
            {[lead?.title, lead?.company, name ? conv.leadAddress : null]
              .filter(Boolean)
              .join(' · ')}
          </p>
        </div>
        <div className="thread__badges">
          <Badge>{CHANNEL_LABELS[conv.channel]}</Badge>
          <Badge tone={conv.status === 'open' ? 'accent' : 'neutral'}>
            {conv.status === 'snoozed' && conv.snoozedUntil
              ? `Snoozed until ${fmt(conv.snoozedUntil)}`
              : STATUS_LABELS[conv.status]}
          </Badge>
          {sla && conv.status !== 'closed' ? (
            <span className={`inbox__sla inbox__sla--${sla.tone}`} title="SLA">
              {sla.text}
            </span>
          ) : null}
          {conv.pending ? <span className="inbox__pending">syncing…</span> : null}
        </div>
        <ViewersStrip viewers={presence.viewers} />
      </header>

      <div className="thread__controls">
        <SelectField
          label="Status"
          compact
          value={conv.status === 'snoozed' ? 'snoozed' : conv.status}
          onChange={(e) => {
            const status = e.target.value as ConversationDto['status'];
            if (status === 'snoozed') setSnoozeOpen(true);
            else void update({ status });
          }}
          options={Object.entries(STATUS_LABELS).map(([value, label]) => ({ value, label }))}
        />
        <Popover label="Snooze" trigger="Snooze (s)" open={snoozeOpen} onOpenChange={setSnoozeOpen}>
          {(close) => (
            <div className="thread__snooze">
              {snoozeChoices(now).map((c) => (
                <Button
                  key={c.label}
                  size="sm"
                  variant="ghost"
                  onClick={() => {
                    void update({ status: 'snoozed', snoozedUntil: c.at });
                    close();
                  }}
                >
                  {c.label}
                </Button>
              ))}
              <label className="ui-field__label" htmlFor="snooze-until">
                Until
              </label>
              <input
                id="snooze-until"
                className="ui-input"
                type="datetime-local"
                min={toLocalInput(now)}
                value={customSnooze}
                onChange={(e) => setCustomSnooze(e.target.value)}
              />
              <Button
                size="sm"
                variant="primary"
                disabled={fromLocalInput(customSnooze) === null}
                onClick={() => {
                  const at = fromLocalInput(customSnooze);
                  if (at === null) return;
                  void update({ status: 'snoozed', snoozedUntil: at });
                  close();
                }}
              >
                Snooze
              </Button>
            </div>
          )}
        </Popover>
        <SelectField
          label="Priority"
          compact
          value={conv.priority}
          onChange={(e) => void update({ priority: e.target.value as ConversationDto['priority'] })}
          options={Object.entries(PRIORITY_LABELS).map(([value, label]) => ({ value, label }))}
        />
        <Popover
          label="Assign"
          trigger={`Assignee: ${memberName(members, conv.assigneeId, me.user.id)}`}
        >
          {(close) => (
            <div className="thread__assign">
              <SelectField
                label="Assign to"
                value={assignTo}
                onChange={(e) => setAssignTo(e.target.value)}
                options={[
                  { value: '', label: 'Choose…' },
                  { value: me.user.id, label: `Me (${me.user.name})` },
                  ...members
                    .filter((m) => m.userId !== me.user.id)
                    .map((m) => ({ value: m.userId, label: m.name })),
                  { value: '-', label: 'Nobody (unassigned)' },
                ]}
              />
              <label className="ui-field__label" htmlFor="assign-note">
                Note (kept in the assignment history)
              </label>
              <textarea
                id="assign-note"
                className="ui-input"
                rows={2}
                value={assignNote}
                onChange={(e) => setAssignNote(e.target.value)}
              />
              <Button
                size="sm"
                variant="primary"
                disabled={!assignTo}
                onClick={() => {
                  void run(
                    engine.invoke('inbox:assign', {
                      conversationId,
                      assigneeId: assignTo === '-' ? null : assignTo,
                      ...(assignNote.trim() ? { note: assignNote.trim() } : {}),
                    }),
                  );
                  setAssignNote('');
                  setAssignTo('');
                  close();
                }}
              >
                Assign
              </Button>
            </div>
          )}
        </Popover>
        <div className="thread__labels">
          <TagInput
            label="Labels"
            hideLabel
            placeholder="Add label…"
            values={conv.labels}
            onChange={(labels) => void update({ labels })}
          />
        </div>
        <ConversationHistory
          conversationId={conv.id}
          who={(id) => memberName(members, id, me.user.id)}
          at={fmt}
        />
      </div>

      <ol
        ref={historyRef}
        className="thread__history"
        tabIndex={-1}
        aria-label={`History with ${name || 'the lead'}`}
      >
        {thread.messages.length === 0 ? <li className="thread__empty">No messages yet.</li> : null}
        {thread.messages.map((m) => {
          const other = m.conversationId !== conv.id ? byConv.get(m.conversationId) : null;
          return (
            <li
              key={m.id}
              className={`msg msg--${m.direction} msg--${m.kind}${m.local ? ` msg--${m.local}` : ''}`}
              data-message-id={m.id}
            >
              <div className="msg__head">
                <span className="msg__who">
                  {m.direction === 'in'
                    ? name || m.fromAddress || 'Lead'
                    : memberName(members, m.authorId, me.user.id)}
                </span>
                <span className="msg__channel">
                  {m.kind === 'note'
                    ? 'Note'
                    : m.kind === 'call'
                      ? 'Call'
                      : CHANNEL_LABELS[m.channel]}
                  {other ? ' (other conversation)' : ''}
                </span>
                <time className="msg__time" dateTime={new Date(m.createdAt).toISOString()}>
                  {fmt(m.createdAt)}
                </time>
              </div>
              {m.subject ? <p className="msg__subject">{m.subject}</p> : null}
              <p className="msg__body">{m.body}</p>
              <Attachments items={m.attachments} onError={onError} />
              {m.kind === 'call' && (m.callDurationS !== null || m.callOutcome) ? (
                <p className="msg__call">
                  {m.callDurationS !== null ? `${Math.round(m.callDurationS / 60)} min` : ''}
                  {m.callOutcome ? ` · ${m.callOutcome}` : ''}
                </p>
              ) : null}
              <p className="msg__status">
                {messageStatusText(m, fmt)}
                {(m.status === 'scheduled' || (m.local === 'waiting' && m.sendAt)) &&
                m.direction === 'out' ? (
                  <Button
                    size="sm"
                    variant="ghost"
                    onClick={() =>
                      void run(engine.invoke('inbox:cancelMessage', { messageId: m.id }))
                    }
                  >
                    Cancel send
                  </Button>
                ) : null}
              </p>
            </li>
          );
        })}
      </ol>

      <div className="thread__composing" onInput={presence.keystroke}>
        <Composer
          key={conv.id}
          conversation={conv}
          lead={lead}
          members={members}
          lastFrom={lastUsedFrom(thread.messages, conv.id)}
          onError={onError}
        />
      </div>
    </div>
  );
}
