import { useEffect, useState } from 'react';
import { Alert, Button, Card, Spinner, useToast } from '@sdr/ui';
import type { ImportJobDto, OutputOf } from '../../shared/contract.ts';
import { engine } from '../engine.ts';
import { errorMessage } from '../errors.ts';
import { formatDateTime } from '../format.ts';
import { useConnection } from '../stores/connection.ts';
import { countsText, formatBytes, hasProblems, isFinished, jobPercent } from './model.ts';
import { closeImport } from './route.ts';
import { useImport } from './store.ts';

type Issues = OutputOf<'import:issues'>;
const ISSUES_SHOWN = 100;

function Counts({ job }: { job: ImportJobDto }) {
  const n = (value: number) => value.toLocaleString();
  return (
    <dl className="import-counts" aria-label="Counts">
      <div>
        <dt>Rows read</dt>
        <dd>{n(job.rowsDone)}</dd>
      </div>
      <div>
        <dt>Created</dt>
        <dd>{n(job.created)}</dd>
      </div>
      <div>
        <dt>Updated</dt>
        <dd>{n(job.updated)}</dd>
      </div>
      <div>
        <dt>Skipped (duplicates)</dt>
        <dd>{n(job.skipped)}</dd>
      </div>
      <div>
        <dt>Refused</dt>
        <dd className={job.failed > 0 ? 'import-counts--bad' : undefined}>{n(job.failed)}</dd>
      </div>
      <div>
        <dt>Warnings</dt>
        <dd className={job.warnings > 0 ? 'import-counts--warn' : undefined}>{n(job.warnings)}</dd>
      </div>
    </dl>
  );
}

/** A job's progress while it runs (it survives leaving the screen and engine restarts), then its summary. */
export function JobPanel({ job, onAnother }: { job: ImportJobDto; onAnother?: () => void }) {
  const connection = useConnection((s) => s.state);
  const cancelJob = useImport((s) => s.cancelJob);
  const toast = useToast();
  const [cancelling, setCancelling] = useState(false);
  const finished = isFinished(job);
  const percent = jobPercent(job);
  const started = formatDateTime(new Date(job.createdAt).toISOString());

  async function cancel() {
    setCancelling(true);
    const problem = await cancelJob(job.id);
    setCancelling(false);
    if (problem) toast(`Could not cancel the import: ${problem}`, 'error');
  }

  return (
    <Card
      title={job.fileName}
      description={`Import started ${started}`}
      className="import-job"
      aria-busy={!finished || undefined}
    >
      {!finished ? (
        <>
          <div className="import-progress">
            <progress aria-label="Import progress" value={percent} max={100} />
            <p className="import-progress__text">
              {percent}% · {job.rowsDone.toLocaleString()} rows read · {formatBytes(job.bytesDone)}{' '}
              of {formatBytes(job.bytesTotal)}
            </p>
          </div>
          {connection !== 'open' ? (
            <Alert tone="info">
              The local engine is restarting. The import continues where it stopped once it is back.
            </Alert>
          ) : null}
          <Counts job={job} />
          <div className="import-actions">
            <Button onClick={() => void cancel()} loading={cancelling}>
              Cancel import
            </Button>
            <span className="import-muted">
              You can leave this screen; the import keeps running.
            </span>
          </div>
        </>
      ) : (
        <Summary job={job} onAnother={onAnother} />
      )}
    </Card>
  );
}

function Summary({ job, onAnother }: { job: ImportJobDto; onAnother?: (() => void) | undefined }) {
  const report = useImport((s) => s.reports[job.id]);
  const loadReport = useImport((s) => s.loadReport);
  const problems = hasProblems(job);
  const [issues, setIssues] = useState<Issues | null>(null);
  const [issuesError, setIssuesError] = useState<string | null>(null);

  useEffect(() => {
    if (!problems) return;
    void loadReport(job.id);
    let current = true;
    void engine
      .invoke('import:issues', { jobId: job.id, offset: 0, limit: ISSUES_SHOWN })
      .then((result) => {
        if (!current) return;
        if (result.ok) setIssues(result.data);
        else setIssuesError(errorMessage(result.error));
      });
    return () => {
      current = false;
    };
  }, [job.id, problems, loadReport]);

  const headline =
    job.state === 'done'
      ? `Import finished: ${countsText(job)}.`
      : job.state === 'cancelled'
        ? `Import cancelled after ${job.rowsDone.toLocaleString()} rows: ${countsText(job)}.`
        : `Import failed: ${job.error ?? 'unknown error'}`;

  return (
    <>
      <Alert tone={job.state === 'done' ? 'success' : job.state === 'failed' ? 'error' : 'info'}>
        {headline}
      </Alert>
      <Counts job={job} />
      <div className="import-actions">
        {problems ? (
          report?.status === 'ready' ? (
            <a
              className="ui-button ui-button--secondary"
              href={report.file.url}
              download={report.file.name}
            >
              Download problem report
            </a>
          ) : report?.status === 'error' ? (
            <Button onClick={() => void loadReport(job.id)}>Try the problem report again</Button>
          ) : (
            <span className="import-busy">
              <Spinner decorative /> Preparing the problem report…
            </span>
          )
        ) : null}
        {job.created + job.updated > 0 ? (
          <Button variant="primary" onClick={closeImport}>
            View imported leads
          </Button>
        ) : null}
        {onAnother ? <Button onClick={onAnother}>Import another file</Button> : null}
      </div>
      {report?.status === 'error' ? <Alert>{report.message}</Alert> : null}
      {issuesError ? <Alert>{issuesError}</Alert> : null}
      {issues && issues.items.length > 0 ? (
        <div className="import-issues">
          <h3 className="import-issues__title">
            Problems{' '}
            <span className="import-muted">
              {issues.total > issues.items.length
                ? `(the first ${issues.items.length} of ${issues.total.toLocaleString()}; the report has them all)`
                : `(${issues.total.toLocaleString()})`}
            </span>
          </h3>
          <div className="import-scroll">
            <table className="ui-table">
              <caption className="ui-visually-hidden">Problems of this import</caption>
              <thead>
                <tr>
                  <th scope="col">Row</th>
                  <th scope="col">Column</th>
                  <th scope="col">Value</th>
                  <th scope="col">Problem</th>
                </tr>
              </thead>
              <tbody>
                {issues.items.map((issue, index) => (
                  <tr key={`${issue.rowNumber}-${issue.column}-${index}`}>
                    <td>{issue.rowNumber}</td>
                    <td>{issue.column}</td>
                    <td className="import-issues__value">{issue.value}</td>
                    <td
                      className={
                        issue.kind === 'error' ? 'import-result--error' : 'import-result--warning'
                      }
                    >
                      {issue.kind === 'error' ? 'Refused: ' : 'Warning: '}
                      {issue.message}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      ) : null}
    </>
  );
}
