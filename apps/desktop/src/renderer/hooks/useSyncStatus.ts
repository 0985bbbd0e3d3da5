import { useEffect, useState } from 'react';
import type { SyncStatus } from '../../shared/contract.ts';
import { engine } from '../engine.ts';

/**
 * The engine's sync status (`sync:status`), kept fresh by the `sync:status` event and asked again
 * whenever the connection to the engine comes back. `null` until the first answer.
 */
export function useSyncStatus(): SyncStatus | null {
  const [status, setStatus] = useState<SyncStatus | null>(null);
  useEffect(() => {
    let current = true;
    const load = () =>
      void engine.invoke('sync:status', {}).then((r) => {
        if (current && r.ok) setStatus(r.data);
      });
    const offStatus = engine.on('sync:status', (s) => {
      if (current) setStatus(s);
    });
    const offConnection = engine.onConnection((c) => {
      if (c === 'open') load();
    });
    load();
    return () => {
      current = false;
      offStatus();
      offConnection();
    };
  }, []);
  return status;
}
