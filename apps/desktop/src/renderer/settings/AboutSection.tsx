import { Alert, Card, Spinner } from '@sdr/ui';
import { engine } from '../engine.ts';
import { useEngineQuery } from '../hooks/useEngineQuery.ts';

const SHELL_LABELS = { electron: 'Desktop app', web: 'Web shell in a browser' } as const;

/** Which version is running, how, and which sync server it talks to. */
export function AboutSection() {
  const info = useEngineQuery(() => engine.invoke('app:info', {}), 'app-info');
  return (
    <Card title="About" description="Useful when reporting a problem.">
      {info.error ? <Alert>{info.error}</Alert> : null}
      {!info.data && !info.error ? <Spinner label="Loading app information" /> : null}
      {info.data ? (
        <dl className="facts">
          <div>
            <dt>Version</dt>
            <dd>{info.data.version}</dd>
          </div>
          <div>
            <dt>Running as</dt>
            <dd>{SHELL_LABELS[info.data.shell]}</dd>
          </div>
          <div>
            <dt>Sync server</dt>
            <dd>{info.data.serverUrl}</dd>
          </div>
        </dl>
      ) : null}
    </Card>
  );
}
