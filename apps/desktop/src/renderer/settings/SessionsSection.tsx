import { useCallback, useEffect, useState } from 'react';
import { Alert, Badge, Button, Card, Icon, Spinner, useToast } from '@sdr/ui';
import type { OutputOf } from '../../shared/contract.ts';
import { engine } from '../engine.ts';
import { errorMessage } from '../errors.ts';
import { formatDateTime } from '../format.ts';

type Session = OutputOf<'auth:sessions'>[number];

/** The devices signed in to this account; any but this one can be signed out remotely. */
export function SessionsSection() {
  const [sessions, setSessions] = useState<Session[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [revoking, setRevoking] = useState<string | null>(null);
  const toast = useToast();

  const load = useCallback(async () => {
    const result = await engine.invoke('auth:sessions', {});
    if (result.ok) {
      setSessions(result.data);
      setError(null);
    } else setError(errorMessage(result.error));
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  async function revoke(session: Session) {
    setRevoking(session.id);
    const result = await engine.invoke('auth:revokeSession', { sessionId: session.id });
    setRevoking(null);
    if (!result.ok) {
      toast(errorMessage(result.error), 'error');
      return;
    }
    toast(`Signed out ${session.deviceName}`, 'success');
    await load();
  }

  return (
    <Card
      title="Sessions"
      description="Devices signed in to your account. Sign out any you do not recognise."
    >
      {error ? <Alert>{error}</Alert> : null}
      {!sessions && !error ? <Spinner label="Loading sessions" /> : null}
      {sessions ? (
        <ul className="list" aria-label="Sessions">
          {sessions.map((session) => (
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
