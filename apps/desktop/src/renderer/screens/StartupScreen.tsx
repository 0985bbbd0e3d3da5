import { Alert, Button, Spinner } from '@sdr/ui';
import { useAuth } from '../stores/auth.ts';
import { useConnection } from '../stores/connection.ts';
import { BrandMark } from './BrandMark.tsx';

/** Shown until the engine has said who is signed in. */
export function StartupScreen() {
  const connection = useConnection((store) => store.state);
  const loadError = useAuth((store) => store.loadError);
  const refresh = useAuth((store) => store.refresh);
  return (
    <main className="startup">
      <BrandMark size={40} />
      {loadError ? (
        <div className="startup__error">
          <Alert tone="error">The app could not start: {loadError}</Alert>
          <Button variant="primary" onClick={() => void refresh()}>
            Try again
          </Button>
        </div>
      ) : (
        <>
          <Spinner size="lg" label="Starting" />
          <p className="startup__text">
            {connection === 'reconnecting'
              ? 'Still trying to reach the local engine…'
              : 'Starting…'}
          </p>
        </>
      )}
    </main>
  );
}
