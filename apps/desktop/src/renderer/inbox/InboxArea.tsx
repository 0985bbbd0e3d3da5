/**
 * The Inbox area: filters (mine / unassigned / team with unread counts, status, channel,
 * priority, label, search) and the conversation list on the left, the open conversation's
 * thread (the lead's whole history across channels) with its composer on the right. Answers come
 * from the engine's local copy (`inbox:*`), reloaded on `inbox:changed`. Keyboard: j/k move,
 * Enter opens, r reply, e close, s snooze, `/` search.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { Badge, EmptyState, PageHeader, SelectField, useToast } from '@sdr/ui';
import type { ConversationDto, InboxCounts, InboxView } from '../../shared/contract.ts';
import { engine } from '../engine.ts';
import { errorMessage } from '../errors.ts';
import { isTypingTarget } from '../shortcuts.ts';
import { useSignedIn } from '../stores/auth.ts';
import { useInboxChanged, useNow } from './hooks.ts';
import {
  CHANNEL_LABELS,
  PRIORITY_LABELS,
  STATUS_LABELS,
  createInboxKeys,
  slaText,
} from './model.ts';
import { useInbox, type StatusFilter } from './store.ts';
import { ThreadView, type ThreadHandle } from './ThreadView.tsx';
import './inbox.css';

const VIEWS: { value: InboxView; label: string }[] = [
  { value: 'mine', label: 'Mine' },
  { value: 'unassigned', label: 'Unassigned' },
  { value: 'all', label: 'Team' },
];

const time = new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'short' });

export function InboxArea() {
  const { me } = useSignedIn();
  const s = useInbox();
  const toast = useToast();
  const now = useNow(1000);
  const [items, setItems] = useState<ConversationDto[] | null>(null);
  const [total, setTotal] = useState(0);
  const [counts, setCounts] = useState<InboxCounts | null>(null);
  const [error, setError] = useState<string | null>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  const listRef = useRef<HTMLUListElement>(null);
  const threadRef = useRef<ThreadHandle>(null);
  const seq = useRef(0);

  const load = useCallback(async () => {
    const mine = ++seq.current;
    const { view, status, channel, priority, label, q } = useInbox.getState();
    const [list, c] = await Promise.all([
      engine.invoke('inbox:conversations', {
        view,
        ...(status === 'active' ? {} : { status: [status] }),
        ...(channel ? { channel } : {}),
        ...(priority ? { priority } : {}),
        ...(label ? { label } : {}),
        ...(q.trim() ? { q: q.trim() } : {}),
        limit: 200,
      }),
      engine.invoke('inbox:counts', {}),
    ]);
    if (mine !== seq.current) return;
    if (list.ok) {
      setItems(list.data.items);
      setTotal(list.data.total);
      setError(null);
    } else setError(errorMessage(list.error));
    if (c.ok) setCounts(c.data);
  }, []);

  useEffect(() => {
    const t = window.setTimeout(() => void load(), s.q ? 150 : 0);
    return () => window.clearTimeout(t);
  }, [load, s.view, s.status, s.channel, s.priority, s.label, s.q, me.workspace.id]);
  useInboxChanged(() => void load());

  // The keyboard for the whole area (not while typing or while a dialog is open).
  const latest = useRef({ items, selectedId: s.selectedId });
  useEffect(() => {
    latest.current = { items, selectedId: s.selectedId };
  });
  useEffect(() => {
    const press = createInboxKeys();
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.isComposing) return;
      const command = press({
        key: event.key,
        ctrlKey: event.ctrlKey,
        metaKey: event.metaKey,
        altKey: event.altKey,
        at: event.timeStamp,
        typing: isTypingTarget(event.target),
      });
      if (!command || document.querySelector('dialog[open]')) return;
      const { items: list, selectedId } = latest.current;
      const store = useInbox.getState();
      const onButton = (event.target as Element | null)?.closest?.('button, a') != null;
      switch (command.type) {
        case 'move': {
          if (!list || list.length === 0) return;
          const at = list.findIndex((c) => c.id === selectedId);
          const next = Math.min(list.length - 1, Math.max(0, at + command.delta));
          const id = list[at < 0 ? 0 : next]?.id ?? null;
          store.select(id);
          listRef.current
            ?.querySelector<HTMLElement>(`[data-id="${CSS.escape(id ?? '')}"]`)
            ?.focus();
          break;
        }
        case 'open':
          if (onButton && !listRef.current?.contains(event.target as Node)) return;
          if (!selectedId && list?.[0]) store.select(list[0].id);
          threadRef.current?.focusThread();
          break;
        case 'reply':
          if (!selectedId) return;
          store.reply();
          break;
        case 'close':
          if (!selectedId) return;
          void threadRef.current?.close();
          break;
        case 'snooze':
          if (!selectedId) return;
          threadRef.current?.openSnooze();
          break;
        case 'search':
          searchRef.current?.focus();
          searchRef.current?.select();
          break;
      }
      event.preventDefault();
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);

  const viewCount = (v: InboxView) => counts?.views[v];
  const labels = counts?.labels ?? [];

  return (
    <div className="page inbox-page">
      <PageHeader
        title="Inbox"
        description="Every conversation with your leads, on every channel."
      />
      <div className="inbox">
        <aside className="inbox__side" aria-label="Conversations">
          <div className="inbox__views" role="tablist" aria-label="Whose conversations">
            {VIEWS.map((v) => {
              const c = viewCount(v.value);
              return (
                <button
                  key={v.value}
                  type="button"
                  role="tab"
                  aria-selected={s.view === v.value}
                  className={`inbox__view${s.view === v.value ? ' inbox__view--on' : ''}`}
                  onClick={() => s.set({ view: v.value })}
                >
                  {v.label}
                  {c && c.unread > 0 ? (
                    <span className="inbox__unread" aria-label={`${c.unread} unread`}>
                      {c.unread}
                    </span>
                  ) : null}
                </button>
              );
            })}
          </div>
          <div className="inbox__filters">
            <input
              ref={searchRef}
              className="ui-input inbox__search"
              type="search"
              placeholder="Search name, company, message…  ( / )"
              aria-label="Search conversations"
              value={s.q}
              onChange={(e) => s.set({ q: e.target.value })}
            />
            <div className="inbox__filter-row">
              <SelectField
                label="Status"
                compact
                value={s.status}
                onChange={(e) => s.set({ status: e.target.value as StatusFilter })}
                options={[
                  { value: 'active', label: 'Not closed' },
                  ...Object.entries(STATUS_LABELS).map(([value, label]) => ({ value, label })),
                ]}
              />
              <SelectField
                label="Channel"
                compact
                value={s.channel}
                onChange={(e) => s.set({ channel: e.target.value as typeof s.channel })}
                options={[
                  { value: '', label: 'Any' },
                  ...(['email', 'sms', 'whatsapp'] as const).map((c) => ({
                    value: c,
                    label: CHANNEL_LABELS[c],
                  })),
                ]}
              />
            </div>
            <div className="inbox__filter-row">
              <SelectField
                label="Priority"
                compact
                value={s.priority}
                onChange={(e) => s.set({ priority: e.target.value as typeof s.priority })}
                options={[
                  { value: '', label: 'Any' },
                  ...Object.entries(PRIORITY_LABELS).map(([value, label]) => ({ value, label })),
                ]}
              />
              <SelectField
                label="Label"
                compact
                value={s.label}
                onChange={(e) => s.set({ label: e.target.value })}
                options={[
                  { value: '', label: 'Any' },
                  ...labels.map((l) => ({ value: l, label: l })),
                ]}
              />
            </div>
          </div>
          {counts && (counts.pendingCommands > 0 || counts.failedCommands > 0) ? (
            <p className="inbox__outbox" role="status">
              {counts.pendingCommands > 0
                ? `${counts.pendingCommands} change(s) waiting to sync`
                : ''}
              {counts.failedCommands > 0 ? ` ${counts.failedCommands} refused by the server` : ''}
            </p>
          ) : null}
          {error ? <p className="inbox__error">{error}</p> : null}
          {items && items.length === 0 ? (
            <EmptyState
              icon="inbox"
              headingLevel={3}
              title={s.q ? 'No conversation matches' : 'No conversations here'}
              text={
                s.q
                  ? 'Try other words, or another view.'
                  : s.view === 'mine'
                    ? 'Replies from your leads arrive here as soon as the server receives them.'
                    : 'Nothing in this view right now.'
              }
            />
          ) : (
            <ul ref={listRef} className="inbox__list" aria-label={`${total} conversations`}>
              {(items ?? []).map((c) => {
                const sla = slaText(c.slaDueAt, now);
                const selected = c.id === s.selectedId;
                return (
                  <li key={c.id}>
                    <button
                      type="button"
                      data-id={c.id}
                      className={`inbox__item${selected ? ' inbox__item--on' : ''}${c.unreadCount > 0 ? ' inbox__item--unread' : ''}`}
                      aria-current={selected ? 'true' : undefined}
                      onClick={() => s.select(c.id)}
                    >
                      <span className="inbox__item-top">
                        <span className="inbox__item-name">
                          {c.leadName || c.leadAddress || 'Unknown lead'}
                        </span>
                        <span className="inbox__item-time">
                          {c.lastMessageAt ? time.format(c.lastMessageAt) : ''}
                        </span>
                      </span>
                      <span className="inbox__item-preview">
                        {c.subject ? `${c.subject} — ` : ''}
                        {c.lastMessagePreview ?? ''}
                      </span>
                      <span className="inbox__item-meta">
                        <Badge>{CHANNEL_LABELS[c.channel]}</Badge>
                        {c.status !== 'open' ? <Badge>{STATUS_LABELS[c.status]}</Badge> : null}
                        {c.priority === 'high' || c.priority === 'urgent' ? (
                          <Badge tone="warning">{PRIORITY_LABELS[c.priority]}</Badge>
                        ) : null}
                        {c.unreadCount > 0 ? (
                          <Badge tone="accent">{`${c.unreadCount} new`}</Badge>
                        ) : null}
                        {sla && c.status !== 'closed' ? (
                          <span className={`inbox__sla inbox__sla--${sla.tone}`}>{sla.text}</span>
                        ) : null}
                        {c.pending ? <span className="inbox__pending">syncing…</span> : null}
                      </span>
                    </button>
                  </li>
                );
              })}
            </ul>
          )}
        </aside>
        <section className="inbox__main" aria-label="Conversation">
          {s.selectedId ? (
            <ThreadView
              ref={threadRef}
              conversationId={s.selectedId}
              onError={(message) => toast(message, 'error')}
            />
          ) : (
            <EmptyState
              icon="mail"
              title="Pick a conversation"
              text="Choose one on the left (j/k and Enter work too) to read the lead's whole history and reply."
            />
          )}
        </section>
      </div>
    </div>
  );
}
