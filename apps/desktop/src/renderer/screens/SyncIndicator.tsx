import { useEffect } from 'react';
import { StatusIndicator, useToast } from '@sdr/ui';
import type { SyncStatus } from '../../shared/contract.ts';
import { engine } from '../engine.ts';
import { useSyncStatus } from '../hooks/useSyncStatus.ts';

function changes(n: number): string {
  return n === 1 ? '1 change' : `${n.toLocaleString()} changes`;
}

function label(s: SyncStatus): { tone: 'ok' | 'warn' | 'error' | 'neutral'; text: string } {
  if (s.readOnly) return { tone: 'error', text: 'Read-only · update the app to make changes' };
  if (s.connection === 'online') {
    return s.pending > 0
      ? { tone: 'neutral', text: `Syncing ${changes(s.pending)}…` }
      : { tone: 'ok', text: 'All changes synced' };
  }
  const waiting = s.pending > 0 ? ` · ${changes(s.pending)} waiting` : '';
  return s.connection === 'connecting'
    ? { tone: 'neutral', text: `Connecting to sync${waiting}` }
    : { tone: 'warn', text: `Sync offline${waiting}` };
}

/**
 * Status-bar part of sync: connection and pending local changes, the initial sync's progress bar,
 * and a toast when the server put back part of a local edit.
 */
export function SyncIndicator() {
  const status = useSyncStatus();
  const toast = useToast();

  useEffect(
    () =>
      engine.on('sync:reverted', (r) => {
        const why = r.reasons.map((reason) => reason.message).join(' ');
        toast(`The server undid part of your change. ${why}`, 'error');
      }),
    [toast],
  );

  if (!status || status.workspaceId === null) return null;
  const { tone, text } = label(status);
  const { initialSync } = status;
  const showProgress = !initialSync.done && initialSync.total > 0;
  return (
    <>
      <StatusIndicator tone={tone}>{text}</StatusIndicator>
      {showProgress ? (
        <span className="status__item status__sync-progress">
          <progress
            max={initialSync.total}
            value={initialSync.received}
            aria-label="First sync of this workspace"
          />
          {initialSync.rows.toLocaleString()} leads
        </span>
      ) : null}
    </>
  );
}
