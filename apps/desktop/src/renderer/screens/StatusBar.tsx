import { Kbd, StatusIndicator } from '@sdr/ui';
import { ROLE_LABELS } from '../roles.ts';
import { useSignedIn } from '../stores/auth.ts';
import { useConnection } from '../stores/connection.ts';
import { SyncIndicator } from './SyncIndicator.tsx';

/** Bottom bar: whether the engine reaches the server, and whether the UI reaches the engine. */
export function StatusBar() {
  const { offline, me } = useSignedIn();
  const connection = useConnection((store) => store.state);
  return (
    <>
      {connection !== 'open' ? (
        <StatusIndicator tone="error">Reconnecting to the local engine…</StatusIndicator>
      ) : offline ? (
        <StatusIndicator tone="warn">Offline · showing what this device last saw</StatusIndicator>
      ) : (
        <StatusIndicator tone="ok">Online</StatusIndicator>
      )}
      {connection === 'open' ? <SyncIndicator /> : null}
      <span className="status__item">
        Signed in as {me.user.email} · {ROLE_LABELS[me.role]}
      </span>
      <span className="status__spacer" />
      <span className="status__item">
        <Kbd>?</Kbd> shortcuts
      </span>
    </>
  );
}
