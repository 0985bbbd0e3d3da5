import { useState } from 'react';
import type { DragEvent } from 'react';
import { Alert, Button, Card, Spinner } from '@sdr/ui';
import { formatBytes, percentOf } from './model.ts';
import { useImport } from './store.ts';
import type { ImportStep } from './store.ts';

const ACCEPT = [
  '.csv',
  '.tsv',
  '.txt',
  '.xlsx',
  '.xls',
  'text/csv',
  'text/tab-separated-values',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
].join(',');

/** Step 1: a file from the file picker or dropped on the drop zone. */
export function ChooseStep({ problem }: { problem: string | null }) {
  const chooseFile = useImport((s) => s.chooseFile);
  const [over, setOver] = useState(false);

  function onDrop(event: DragEvent<HTMLDivElement>) {
    event.preventDefault();
    setOver(false);
    const file = event.dataTransfer.files[0];
    if (file) chooseFile(file);
  }

  return (
    <Card
      title="Import from a file"
      description="CSV, TSV or Excel (.xlsx) files up to 1 GB, with a header row. Contact exports from HubSpot and lead exports from Salesforce are recognised as they are."
    >
      <div
        className={over ? 'import-drop import-drop--over' : 'import-drop'}
        onDragOver={(event) => {
          if (!event.dataTransfer.types.includes('Files')) return;
          event.preventDefault();
          event.dataTransfer.dropEffect = 'copy';
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={onDrop}
      >
        <p className="import-drop__text">Drag a file here, or</p>
        <label className="ui-button ui-button--primary import-drop__pick">
          Choose a file
          <input
            type="file"
            className="ui-visually-hidden"
            accept={ACCEPT}
            onChange={(event) => {
              const file = event.target.files?.[0];
              event.target.value = '';
              if (file) chooseFile(file);
            }}
          />
        </label>
      </div>
      {problem ? <Alert>{problem}</Alert> : null}
    </Card>
  );
}

/** The upload's progress, then "reading" while the engine previews the file. */
export function UploadStep({ step }: { step: Extract<ImportStep, { kind: 'upload' }> }) {
  const cancelUpload = useImport((s) => s.cancelUpload);
  const percent = percentOf(step.loaded, step.size);
  return (
    <Card title={step.reading ? 'Reading the file' : 'Uploading'}>
      <p className="import-file">
        <strong>{step.name}</strong>{' '}
        <span className="import-muted">· {formatBytes(step.size)}</span>
      </p>
      {step.reading ? (
        <p className="import-busy" role="status">
          <Spinner decorative /> Reading the columns and the first rows…
        </p>
      ) : (
        <div className="import-progress">
          <progress aria-label="Upload progress" value={step.loaded} max={step.size} />
          <p className="import-progress__text">
            {percent}% · {formatBytes(step.loaded)} of {formatBytes(step.size)}
          </p>
        </div>
      )}
      <div className="import-actions">
        <Button onClick={cancelUpload}>Cancel</Button>
      </div>
    </Card>
  );
}
