/**
 * The notification centre: a bell in the shell's top bar with my unread count, a list of recent
 * notifications (reply, assignment, SLA, mention, task), "Mark all read", and a click on one
 * opening its conversation (and marking it read). Read from the engine's local copy; reloaded on
 * `inbox:changed`.
 */
import { useCallback, useEffect, useState } from 'react';
import { Button, Popover } from '@sdr/ui';
import type { NotificationDto } from '../../shared/contract.ts';
import { engine } from '../engine.ts';
import { useInboxChanged } from '../inbox/hooks.ts';
import { useInbox } from '../inbox/store.ts';
import { useNav } from '../stores/nav.ts';
import { useSignedIn } from '../stores/auth.ts';
import '../inbox/inbox.css';

const time = new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'short' });

export function openNotification(n: Pick<NotificationDto, 'conversationId' | 'queueItemId'>) {
  if (n.conversationId) useInbox.getState().openConversation(n.conversationId);
  else if (n.queueItemId) useNav.getState().go('queue');
}

function BellIcon() {
  return (
    <svg width="16" height="16" viewBox="0 0 24 24" fill="none" aria-hidden="true">
      <path
        d="M6 8a6 6 0 1 1 12 0c0 7 3 9 3 9H3s3-2 3-9M10.3 21a1.94 1.94 0 0 0 3.4 0"
        stroke="currentColor"
        strokeWidth="2"
        strokeLinecap="round"
        strokeLinejoin="round"
      />
    </svg>
  );
}

export function NotificationBell() {
  const { me } = useSignedIn();
  const [items, setItems] = useState<NotificationDto[]>([]);
  const [unread, setUnread] = useState(0);

  const load = useCallback(async () => {
    const r = await engine.invoke('notifications:list', { limit: 30 });
    if (r.ok) {
      setItems(r.data.items);
      setUnread(r.data.unread);
    }
  }, []);
  useEffect(() => {
    const t = window.setTimeout(() => void load(), 0);
    return () => window.clearTimeout(t);
  }, [load, me.workspace.id]);
  useInboxChanged((change) => {
    if (!change || change.notifications) void load();
  });

  const markRead = (ids?: string[]) =>
    void engine.invoke('notifications:markRead', ids ? { ids } : {});

  return (
    <Popover
      label="Notifications"
      align="end"
      triggerClassName="ui-button ui-button--ghost ui-button--sm bell"
      triggerLabel={unread > 0 ? `Notifications, ${unread} unread` : 'Notifications'}
      trigger={
        <>
          <BellIcon />
          {unread > 0 ? (
            <span className="bell__count" data-testid="bell-count">
              {unread > 99 ? '99+' : unread}
            </span>
          ) : null}
        </>
      }
    >
      {(close) => (
        <div className="bell__panel">
          <div className="bell__head">
            <strong>Notifications</strong>
            <Button size="sm" variant="ghost" disabled={unread === 0} onClick={() => markRead()}>
              Mark all read
            </Button>
          </div>
          {items.length === 0 ? (
            <p className="bell__empty">
              Nothing yet. Replies, assignments, SLA warnings, mentions and due tasks show up here.
            </p>
          ) : (
            <ul className="bell__list">
              {items.map((n) => (
                <li key={n.id}>
                  <button
                    type="button"
                    className={`bell__item${n.readAt === null ? ' bell__item--unread' : ''}`}
                    onClick={() => {
                      if (n.readAt === null) markRead([n.id]);
                      openNotification(n);
                      close();
                    }}
                  >
                    <span className="bell__title">{n.title}</span>
                    <span className="bell__body">{n.body}</span>
                    <span className="bell__time">{time.format(n.createdAt)}</span>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </Popover>
  );
}
