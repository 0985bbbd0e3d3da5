/**
 * Export leads to CSV, Excel or JSON: pick the format and the columns (all by default), the engine
 * writes the file (`export:leads`, cells that look like formulas neutralised), then a link
 * downloads it. Mount it with `ids` (hand-picked leads) or `selection` (a view, a filter, a list;
 * `{}` is every lead).
 */
import { useEffect, useState } from 'react';
import { Alert, Button, Dialog, SegmentedControl, Spinner } from '@sdr/ui';
import type { EXPORT_FORMATS, InputOf, OutputOf } from '../../shared/contract.ts';
import { engine } from '../engine.ts';
import { errorMessage } from '../errors.ts';
import { formatBytes } from '../import/model.ts';
import { exportColumns, type ExportColumn } from './columns.ts';
import './export.css';

export type ExportFormat = (typeof EXPORT_FORMATS)[number];
/** A `LeadSelection` (`includeDeleted` may be left out). */
export type ExportSelection = NonNullable<InputOf<'export:leads'>['selection']>;

export type ExportDialogProps = {
  open: boolean;
  onClose: () => void;
  /** Hand-picked leads (wins over `selection`). */
  ids?: string[];
  /** A view, a filter or a list; `{}` or nothing: every lead. */
  selection?: ExportSelection;
  /** What is exported, in words (default: from `ids` / `selection`). */
  scope?: string;
};

const FORMATS: { value: ExportFormat; label: string }[] = [
  { value: 'csv', label: 'CSV' },
  { value: 'xlsx', label: 'Excel (.xlsx)' },
  { value: 'json', label: 'JSON' },
];

type Phase =
  | { kind: 'choose' }
  | { kind: 'exporting' }
  | { kind: 'done'; file: OutputOf<'export:leads'> }
  | { kind: 'error'; message: string };

function describeScope(ids: string[] | undefined, selection: ExportSelection | undefined): string {
  if (ids) return `${ids.length.toLocaleString()} selected ${ids.length === 1 ? 'lead' : 'leads'}`;
  if (!selection || (!selection.filter && !selection.search && !selection.listId)) {
    return 'All leads in this workspace';
  }
  if (selection.listId && !selection.filter && !selection.search) return 'The leads of this list';
  return 'The leads in the current view';
}

export function ExportDialog({ open, onClose, ids, selection, scope }: ExportDialogProps) {
  return (
    <Dialog open={open} onClose={onClose} title="Export leads">
      {open ? (
        <ExportForm
          ids={ids}
          selection={selection}
          scope={scope ?? describeScope(ids, selection)}
          onClose={onClose}
        />
      ) : null}
    </Dialog>
  );
}

function ExportForm({
  ids,
  selection,
  scope,
  onClose,
}: {
  ids: string[] | undefined;
  selection: ExportSelection | undefined;
  scope: string;
  onClose: () => void;
}) {
  const [format, setFormat] = useState<ExportFormat>('csv');
  const [columns, setColumns] = useState<ExportColumn[]>(() => exportColumns(null));
  const [chosen, setChosen] = useState<Set<string> | null>(null); // null: every column
  const [phase, setPhase] = useState<Phase>({ kind: 'choose' });

  // Labels and custom fields as the lead table shows them (the built-ins work without).
  useEffect(() => {
    let current = true;
    void engine.invoke('leads:fields', {}).then((result) => {
      if (current && result.ok) setColumns(exportColumns(result.data));
    });
    return () => {
      current = false;
    };
  }, []);

  const picked = chosen ?? new Set(columns.map((c) => c.key));
  const pickedList = columns.filter((c) => picked.has(c.key)).map((c) => c.key);

  function toggle(key: string, on: boolean) {
    const next = new Set(picked);
    if (on) next.add(key);
    else next.delete(key);
    setChosen(next.size === columns.length ? null : next);
  }

  async function run() {
    if (pickedList.length === 0) return;
    setPhase({ kind: 'exporting' });
    const result = await engine.invoke('export:leads', {
      ...(ids ? { ids } : { selection: selection ?? {} }),
      format,
      columns: pickedList,
    });
    setPhase(
      result.ok
        ? { kind: 'done', file: result.data }
        : { kind: 'error', message: errorMessage(result.error) },
    );
  }

  if (phase.kind === 'done') {
    const { file } = phase;
    return (
      <div className="export">
        <Alert tone="success">
          Exported {file.rows.toLocaleString()} {file.rows === 1 ? 'lead' : 'leads'} (
          {formatBytes(file.size)}).
        </Alert>
        <div className="export__actions">
          <a className="ui-button ui-button--primary" href={file.url} download={file.name}>
            Download {file.name}
          </a>
          <Button onClick={() => setPhase({ kind: 'choose' })}>Export again</Button>
          <Button variant="ghost" onClick={onClose}>
            Close
          </Button>
        </div>
      </div>
    );
  }

  const busy = phase.kind === 'exporting';
  return (
    <div className="export">
      <p className="export__scope">{scope}</p>
      <div className="export__field">
        <span className="ui-field__label" aria-hidden="true">
          Format
        </span>
        <SegmentedControl
          label="Format"
          options={FORMATS}
          value={format}
          onChange={setFormat}
          disabled={busy}
        />
        <p className="ui-field__hint">
          {format === 'csv'
            ? 'UTF-8 with a byte order mark, so Excel opens accents correctly. Cells that look like formulas start with an apostrophe.'
            : format === 'xlsx'
              ? 'One sheet; every cell is text, so nothing is evaluated as a formula.'
              : 'An array of objects, one per lead.'}
        </p>
      </div>
      <fieldset className="export__columns" disabled={busy}>
        <legend className="ui-field__label">Columns</legend>
        <label className="export__check export__check--all">
          <input
            type="checkbox"
            checked={chosen === null}
            onChange={(event) => setChosen(event.target.checked ? null : new Set())}
          />
          All columns ({columns.length})
        </label>
        <div className="export__list" role="group" aria-label="Columns to export">
          {columns.map((column) => (
            <label key={column.key} className="export__check">
              <input
                type="checkbox"
                checked={picked.has(column.key)}
                onChange={(event) => toggle(column.key, event.target.checked)}
              />
              {column.label}
            </label>
          ))}
        </div>
        {pickedList.length === 0 ? (
          <p className="ui-field__error">Choose at least one column.</p>
        ) : null}
      </fieldset>
      {phase.kind === 'error' ? <Alert>{phase.message}</Alert> : null}
      {busy ? (
        <p className="export__busy" role="status">
          <Spinner decorative /> Writing the file…
        </p>
      ) : null}
      <div className="export__actions">
        <Button
          variant="primary"
          loading={busy}
          disabled={pickedList.length === 0}
          onClick={() => void run()}
        >
          Export
        </Button>
        <Button variant="ghost" onClick={onClose}>
          Cancel
        </Button>
      </div>
    </div>
  );
}
