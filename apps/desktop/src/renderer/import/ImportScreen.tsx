/**
 * The lead import screen (`#/leads/import`): choose a file → upload → map columns, options and a
 * preview → the job's progress → its summary; running imports and the recent ones below. Every
 * step's state lives in `store.ts`, so leaving and coming back loses nothing.
 */
import { useState } from 'react';
import { Alert, Button, PageHeader, Spinner } from '@sdr/ui';
import { ExportDialog } from '../export/ExportDialog.tsx';
import { ChooseStep, UploadStep } from './ChooseStep.tsx';
import { JobPanel } from './JobPanel.tsx';
import { MappingStep } from './MappingStep.tsx';
import { RecentImports } from './RecentImports.tsx';
import { closeImport } from './route.ts';
import { useImport } from './store.ts';
import type { ImportStep } from './store.ts';
import { useImportJobs } from './useImportJobs.ts';
import './import.css';

const STEPS = ['File', 'Columns and options', 'Import'] as const;

function stepIndex(step: ImportStep): number {
  if (step.kind === 'map') return 1;
  if (step.kind === 'job') return 2;
  return 0;
}

function Steps({ current }: { current: number }) {
  return (
    <ol className="import-steps" aria-label="Import steps">
      {STEPS.map((label, index) => (
        <li
          key={label}
          className={
            index === current
              ? 'import-steps__step is-current'
              : index < current
                ? 'import-steps__step is-done'
                : 'import-steps__step'
          }
          aria-current={index === current ? 'step' : undefined}
        >
          <span className="import-steps__n" aria-hidden="true">
            {index + 1}
          </span>
          {label}
        </li>
      ))}
    </ol>
  );
}

export function ImportScreen() {
  useImportJobs();
  const step = useImport((s) => s.step);
  const jobs = useImport((s) => s.jobs);
  const jobsLoaded = useImport((s) => s.jobsLoaded);
  const startOver = useImport((s) => s.startOver);
  const [exportOpen, setExportOpen] = useState(false);

  const current = step.kind === 'job' ? (jobs.find((job) => job.id === step.jobId) ?? null) : null;
  // Imports still running that this screen did not just start (e.g. after a reload).
  const others = jobs.filter((job) => job.state === 'running' && job.id !== current?.id);

  let body;
  if (step.kind === 'choose') body = <ChooseStep problem={step.problem} />;
  else if (step.kind === 'upload') body = <UploadStep step={step} />;
  else if (step.kind === 'map') body = <MappingStep preview={step.preview} />;
  else if (current) body = <JobPanel job={current} onAnother={startOver} />;
  else if (!jobsLoaded) body = <Spinner label="Loading the import" />;
  else {
    body = (
      <div className="import-start">
        <Alert>That import is no longer on this device.</Alert>
        <Button onClick={startOver}>Import a file</Button>
      </div>
    );
  }

  return (
    <div className="page import">
      <PageHeader
        title="Import leads"
        description="Bring leads in from a spreadsheet or another CRM. Nothing is written until you start the import."
        actions={
          <div className="import-actions">
            <Button onClick={() => setExportOpen(true)}>Export leads</Button>
            <Button variant="ghost" onClick={closeImport}>
              Back to leads
            </Button>
          </div>
        }
      />
      <Steps current={stepIndex(step)} />
      {others.map((job) => (
        <JobPanel key={job.id} job={job} />
      ))}
      {body}
      <RecentImports currentId={current?.id ?? null} />
      <ExportDialog open={exportOpen} onClose={() => setExportOpen(false)} selection={{}} />
    </div>
  );
}
