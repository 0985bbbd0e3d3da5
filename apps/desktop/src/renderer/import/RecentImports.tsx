import { Alert, Badge, Button, Card, Spinner } from '@sdr/ui';
import type { ImportJobDto } from '../../shared/contract.ts';
import { formatDateTime } from '../format.ts';
import { countsText, JOB_STATE_LABELS, jobPercent } from './model.ts';
import { useImport } from './store.ts';

const TONES: Record<ImportJobDto['state'], 'neutral' | 'accent' | 'success' | 'warning'> = {
  running: 'accent',
  paused: 'neutral',
  done: 'success',
  failed: 'warning',
  cancelled: 'neutral',
};

/** The workspace's last imports on this device (the engine keeps 50), newest first. */
export function RecentImports({ currentId }: { currentId: string | null }) {
  const jobs = useImport((s) => s.jobs);
  const loaded = useImport((s) => s.jobsLoaded);
  const error = useImport((s) => s.jobsError);
  const openJob = useImport((s) => s.openJob);

  return (
    <Card
      title="Recent imports"
      description="Imports run on this device and continue after a restart."
    >
      {error ? <Alert>{error}</Alert> : null}
      {!loaded ? <Spinner label="Loading imports" /> : null}
      {loaded && !error && jobs.length === 0 ? (
        <p className="import-muted">No imports yet in this workspace.</p>
      ) : null}
      {jobs.length > 0 ? (
        <div className="import-scroll">
          <table className="ui-table import-recent">
            <caption className="ui-visually-hidden">Recent imports</caption>
            <thead>
              <tr>
                <th scope="col">File</th>
                <th scope="col">Started</th>
                <th scope="col">State</th>
                <th scope="col">Rows</th>
                <th scope="col">Result</th>
                <th scope="col">
                  <span className="ui-visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {jobs.map((job) => (
                <tr key={job.id} aria-current={job.id === currentId ? 'true' : undefined}>
                  <td className="import-recent__file">{job.fileName}</td>
                  <td>{formatDateTime(new Date(job.createdAt).toISOString())}</td>
                  <td>
                    <Badge tone={TONES[job.state]}>
                      {job.state === 'running'
                        ? `${JOB_STATE_LABELS.running} ${jobPercent(job)}%`
                        : JOB_STATE_LABELS[job.state]}
                    </Badge>
                  </td>
                  <td>{job.rowsDone.toLocaleString()}</td>
                  <td>{countsText(job)}</td>
                  <td>
                    {job.id !== currentId ? (
                      <Button
                        size="sm"
                        variant="ghost"
                        aria-label={`Open the import of ${job.fileName}`}
                        onClick={() => openJob(job.id)}
                      >
                        Open
                      </Button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </Card>
  );
}
