import { useState } from 'react';
import { Alert, Badge, Button, Card, Icon, Spinner, useToast } from '@sdr/ui';
import type { OutputOf } from '../../shared/contract.ts';
import { engine } from '../engine.ts';
import { errorMessage } from '../errors.ts';
import { formatDateTime } from '../format.ts';
import { useEngineQuery } from '../hooks/useEngineQuery.ts';

type Session = OutputOf<'auth:sessions'>[number];

/** The devices signed in to this account; any but this one can be signed out remotely. */
export function SessionsSection() {
  const sessions = useEngineQuery(() => engine.invoke('auth:sessions', {}), 'sessions');
  const [revoking, setRevoking] = useState<string | null>(null);
  const toast = useToast();

  async function revoke(session: Session) {
    setRevoking(session.id);
    const result = await engine.invoke('auth:revokeSession', { sessionId: session.id });
    setRevoking(null);
    if (!result.ok) {
      toast(errorMessage(result.error), 'error');
      return;
    }
    toast(`Signed out ${session.deviceName}`, 'success');
    sessions.reload();
  }

  return (
    <Card
      title="Sessions"
      description="Devices signed in to your account. Sign out any you do not recognise."
    >
      {sessions.error ? <Alert>{sessions.error}</Alert> : null}
      {!sessions.data && !sessions.error ? <Spinner label="Loading sessions" /> : null}
      {sessions.data ? (
        <ul className="list" aria-label="Sessions">
          {sessions.data.map((session) => (
            <li key={session.id} className="list__row">
              <span className="list__icon">
                <Icon name="laptop" size={18} />
              </span>
              <span className="list__main">
                <span className="list__title">
                  {session.deviceName}{' '}
                  {session.current ? <Badge tone="success">This device</Badge> : null}
                </span>
                <span className="list__sub">
                  Signed in {formatDateTime(session.createdAt)} · last active{' '}
                  {formatDateTime(session.lastUsedAt)}
                  {session.userAgent ? ` · ${session.userAgent}` : ''}
                </span>
              </span>
              {session.current ? null : (
                <Button
                  size="sm"
                  variant="danger"
                  loading={revoking === session.id}
                  aria-label={`Sign out ${session.deviceName}`}
                  onClick={() => void revoke(session)}
                >
                  Sign out
                </Button>
              )}
            </li>
          ))}
        </ul>
      ) : null}
    </Card>
  );
}
