/**
 * The conversation's history in the thread header: who it was assigned to (by whom, with the
 * note) and every status change (closed, snoozed until when, reopened by a member, by a reply or
 * when the snooze ended), oldest first. Read from the server when opened: the history is not
 * kept on this device, so offline it says so.
 */
import { useState } from 'react';
import { Popover, Spinner } from '@sdr/ui';
import type { HistoryEntryDto } from '../../shared/contract.ts';
import { engine } from '../engine.ts';
import { errorMessage } from '../errors.ts';
import { historyText } from './model.ts';

export function ConversationHistory({
  conversationId,
  who,
  at,
}: {
  conversationId: string;
  who: (userId: string) => string;
  at: (ms: number) => string;
}) {
  const [items, setItems] = useState<HistoryEntryDto[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function load() {
    setItems(null);
    setError(null);
    const r = await engine.invoke('inbox:history', { conversationId });
    if (r.ok) setItems(r.data.items);
    else setError(errorMessage(r.error));
  }

  return (
    <Popover
      label="Conversation history"
      trigger="History"
      align="end"
      onOpenChange={(open) => {
        if (open) void load();
      }}
    >
      {() => (
        <div className="thread__changes">
          {error ? (
            <p role="alert" className="inbox__error">
              {error}
            </p>
          ) : items === null ? (
            <Spinner label="Loading the history" />
          ) : items.length === 0 ? (
            <p className="thread__empty">No assignments or status changes yet.</p>
          ) : (
            <ol aria-label="Assignments and status changes">
              {items.map((e) => (
                <li key={e.id}>
                  <time dateTime={new Date(e.at).toISOString()}>{at(e.at)}</time>{' '}
                  {historyText(e, who, at)}
                </li>
              ))}
            </ol>
          )}
        </div>
      )}
    </Popover>
  );
}
