/**
 * The Inbox area: filters (mine / unassigned / team with unread counts, status, channel,
 * priority, label, search) and the conversation list on the left, the open conversation's
 * thread (the lead's whole history across channels) with its composer on the right. Answers come
 * from the engine's local copy (`inbox:*`), reloaded on `inbox:changed`. The list is virtualised
 * (TanStack Virtual) over pages of 100 fetched around the viewport (the leads table's
 * `PageCache` over `inbox:conversations` offset/limit), so every conversation of a view is
 * reachable, and its length is the view's count. Keyboard: j/k move,
 * Enter opens, r reply, e close, s snooze, `/` search.
 */
import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { Badge, EmptyState, PageHeader, SelectField, Skeleton, useToast } from '@sdr/ui';
import type {
  ConversationDto,
  ConversationQuery,
  InboxCounts,
  InboxView,
} from '../../shared/contract.ts';
import { engine } from '../engine.ts';
import { PageCache, queryKey } from '../leads/page-cache.ts';
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

type ListQuery = Omit<ConversationQuery, 'limit' | 'offset'>;

const PAGE_SIZE = 100;
/** A row's height before it is measured (two lines and the badges). */
const ROW_ESTIMATE = 78;

/** Pages of the conversation list (`inbox:conversations` offset/limit) and its count. */
function createConversationPages() {
  const listeners = new Set<() => void>();
  const cache = new PageCache<ListQuery, ConversationDto>({
    pageSize: PAGE_SIZE,
    fetchPage: async (query, offset, limit) => {
      const r = await engine.invoke('inbox:conversations', { ...query, offset, limit });
      return r.ok
        ? { ok: true, data: r.data.items }
        : { ok: false, message: errorMessage(r.error) };
    },
    fetchCount: async (query) => {
      const r = await engine.invoke('inbox:conversations', { ...query, limit: 1 });
      return r.ok
        ? { ok: true, data: r.data.total }
        : { ok: false, message: errorMessage(r.error) };
    },
    onChange: () => {
      for (const listener of listeners) listener();
    },
  });
  return {
    cache,
    refresh: () => cache.refresh(),
    subscribe: (listener: () => void) => {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };
}

/** Where `id` is among the loaded rows (-1: not loaded or not in the list). */
function indexOf(
  cache: PageCache<ListQuery, ConversationDto>,
  total: number,
  id: string | null,
): number {
  if (id === null) return -1;
  for (let i = 0; i < total; i++) if (cache.row(i)?.id === id) return i;
  return -1;
}

function ConversationItem({
  c,
  now,
  selected,
  onSelect,
}: {
  c: ConversationDto;
  now: number;
  selected: boolean;
  onSelect: () => void;
}) {
  const sla = slaText(c.slaDueAt, now);
  return (
    <button
      type="button"
      data-id={c.id}
      className={`inbox__item${selected ? ' inbox__item--on' : ''}${c.unreadCount > 0 ? ' inbox__item--unread' : ''}`}
      aria-current={selected ? 'true' : undefined}
      onClick={onSelect}
    >
      <span className="inbox__item-top">
        <span className="inbox__item-name">{c.leadName || c.leadAddress || 'Unknown lead'}</span>
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
        {c.unreadCount > 0 ? <Badge tone="accent">{`${c.unreadCount} new`}</Badge> : null}
        {sla && c.status !== 'closed' ? (
          <span className={`inbox__sla inbox__sla--${sla.tone}`}>{sla.text}</span>
        ) : null}
        {c.pending ? <span className="inbox__pending">syncing…</span> : null}
      </span>
    </button>
  );
}

export function InboxArea() {
  const { me } = useSignedIn();
  const s = useInbox();
  const toast = useToast();
  const now = useNow(1000);
  const [counts, setCounts] = useState<InboxCounts | null>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  const listRef = useRef<HTMLDivElement>(null);
  const threadRef = useRef<ThreadHandle>(null);
  const seq = useRef(0);
  const [pages] = useState(createConversationPages);
  useSyncExternalStore(pages.subscribe, () => pages.cache.version);
  const { cache } = pages;

  const query = useMemo<ListQuery>(
    () => ({
      view: s.view,
      ...(s.status === 'active' ? {} : { status: [s.status] }),
      ...(s.channel ? { channel: s.channel } : {}),
      ...(s.priority ? { priority: s.priority } : {}),
      ...(s.label ? { label: s.label } : {}),
      ...(s.q.trim() ? { q: s.q.trim() } : {}),
    }),
    [s.view, s.status, s.channel, s.priority, s.label, s.q],
  );
  const key = `${me.workspace.id}:${queryKey(query)}`;
  useEffect(() => {
    const t = window.setTimeout(() => cache.setQuery(key, query), query.q ? 150 : 0);
    return () => window.clearTimeout(t);
    // `key` stands for `query`.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, cache]);

  const loadCounts = useCallback(async () => {
    const mine = ++seq.current;
    const c = await engine.invoke('inbox:counts', {});
    if (mine === seq.current && c.ok) setCounts(c.data);
  }, []);
  useEffect(() => {
    void loadCounts();
  }, [loadCounts, me.workspace.id]);
  useInboxChanged(() => {
    pages.refresh();
    void loadCounts();
  });

  const total = cache.total() ?? 0;
  const error = cache.error();
  // The app does not use the React Compiler; TanStack Virtual re-renders through its own state.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: total,
    getScrollElement: () => listRef.current,
    estimateSize: () => ROW_ESTIMATE,
    overscan: 8,
    getItemKey: (index) => cache.row(index)?.id ?? `row-${index}`,
  });
  const rows = virtualizer.getVirtualItems();
  const first = rows[0]?.index ?? 0;
  const last = rows.at(-1)?.index ?? 0;
  useEffect(() => {
    cache.ensure(first, Math.max(last, first + 20));
  }, [cache, first, last, key, total]);

  // The keyboard for the whole area (not while typing or while a dialog is open).
  const latest = useRef({ cache, total, virtualizer, selectedId: s.selectedId });
  useEffect(() => {
    latest.current = { cache, total, virtualizer, selectedId: s.selectedId };
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
      const { cache: rowsOf, total: count, virtualizer: v, selectedId } = latest.current;
      const store = useInbox.getState();
      const onButton = (event.target as Element | null)?.closest?.('button, a') != null;
      switch (command.type) {
        case 'move': {
          if (count === 0) return;
          const at = indexOf(rowsOf, count, selectedId);
          const next = at < 0 ? 0 : Math.min(count - 1, Math.max(0, at + command.delta));
          const id = rowsOf.row(next)?.id ?? null;
          if (!id) return;
          store.select(id);
          v.scrollToIndex(next, { align: 'auto' });
          window.requestAnimationFrame(() =>
            listRef.current
              ?.querySelector<HTMLElement>(`[data-id="${CSS.escape(id)}"]`)
              ?.focus({ preventScroll: true }),
          );
          break;
        }
        case 'open': {
          if (onButton && !listRef.current?.contains(event.target as Node)) return;
          const top = rowsOf.row(0);
          if (!selectedId && top) store.select(top.id);
          threadRef.current?.focusThread();
          break;
        }
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
          {cache.total() === 0 ? (
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
            <div ref={listRef} className="inbox__list">
              <ul
                className="inbox__list-inner"
                aria-label={`${total} conversations`}
                aria-busy={cache.loading() ? true : undefined}
                style={{ height: virtualizer.getTotalSize() }}
              >
                {rows.map((r) => {
                  const c = cache.row(r.index);
                  return (
                    <li
                      key={r.key}
                      data-index={r.index}
                      ref={virtualizer.measureElement}
                      className="inbox__row"
                      style={{ transform: `translateY(${r.start}px)` }}
                      aria-setsize={total}
                      aria-posinset={r.index + 1}
                    >
                      {c ? (
                        <ConversationItem
                          c={c}
                          now={now}
                          selected={c.id === s.selectedId}
                          onSelect={() => s.select(c.id)}
                        />
                      ) : (
                        <div className="inbox__item inbox__item--loading">
                          <Skeleton width="60%" />
                          <Skeleton width="85%" />
                        </div>
                      )}
                    </li>
                  );
                })}
              </ul>
            </div>
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
