import { useMemo, useState } from 'react';
import { Alert, Button, Card, SelectField, Spinner, TextField } from '@sdr/ui';
import type { ImportPreview } from '../../shared/contract.ts';
import { engine } from '../engine.ts';
import { useEngineQuery } from '../hooks/useEngineQuery.ts';
import { useSignedIn } from '../stores/auth.ts';
import { countryOptions, formatBytes, parseTags, sampleValues } from './model.ts';
import { PreviewTable } from './PreviewTable.tsx';
import { useImport } from './store.ts';
import type { DedupeMode } from './store.ts';

const DEDUPE: { value: DedupeMode; label: string; text: string }[] = [
  {
    value: 'skip',
    label: 'Skip the row',
    text: 'The existing lead stays as it is; the row is counted as skipped.',
  },
  {
    value: 'update',
    label: 'Update the existing lead',
    text: 'The row’s non-empty values replace the lead’s; tags are added, nothing is erased.',
  },
  {
    value: 'create',
    label: 'Create a new lead anyway',
    text: 'Every row becomes a new lead, even when it duplicates one (merge them later).',
  },
];

function describeFile(preview: ImportPreview): string {
  const parts = [preview.file.name, formatBytes(preview.file.size)];
  if (preview.format === 'xlsx') parts.push('Excel workbook');
  else {
    const delimiter =
      preview.delimiter === '\t'
        ? 'tab-separated'
        : preview.delimiter
          ? `“${preview.delimiter}”-separated`
          : null;
    parts.push(['CSV', preview.encoding?.toUpperCase(), delimiter].filter(Boolean).join(', '));
  }
  return parts.join(' · ');
}

/** Step 2: what each column becomes, the import's options, and the first rows as they would import. */
export function MappingStep({ preview }: { preview: ImportPreview }) {
  const { me } = useSignedIn();
  const draft = useImport((s) => s.draft);
  const previewing = useImport((s) => s.previewing);
  const previewError = useImport((s) => s.previewError);
  const starting = useImport((s) => s.starting);
  const startError = useImport((s) => s.startError);
  const { setMapping, setDraft, start, startOver } = useImport.getState();
  const [tagText, setTagText] = useState(() => draft.tags.join(', '));
  const tagCheck = parseTags(tagText);
  const members = useEngineQuery(() => engine.invoke('members:list', {}), me.workspace.id);

  const countries = useMemo(
    () => [
      { value: '', label: 'None: numbers must include their country code' },
      ...countryOptions(),
    ],
    [],
  );
  const owners = [
    { value: 'me', label: `Me (${me.user.name})` },
    { value: 'none', label: 'Nobody (unassigned)' },
    ...(members.data ?? [])
      .filter((m) => m.userId !== me.user.id)
      .map((m) => ({ value: m.userId, label: m.name })),
  ];
  const mapped = preview.headers.filter((h) => (draft.mapping[h] ?? 'ignore') !== 'ignore');

  return (
    <>
      <Card
        title="Columns"
        description={`${describeFile(preview)}. ${mapped.length} of ${preview.headers.length} columns will be imported; check what each one fills.`}
        actions={
          <Button variant="ghost" size="sm" onClick={startOver}>
            Choose another file
          </Button>
        }
      >
        <div className="import-scroll">
          <table className="ui-table import-mapping">
            <caption className="ui-visually-hidden">Column mapping</caption>
            <thead>
              <tr>
                <th scope="col">Column in the file</th>
                <th scope="col">Sample values</th>
                <th scope="col">Import as</th>
              </tr>
            </thead>
            <tbody>
              {preview.headers.map((header, index) => {
                const samples = sampleValues(preview.rows, index);
                const target = draft.mapping[header] ?? 'ignore';
                return (
                  <tr
                    key={header}
                    className={target === 'ignore' ? 'import-mapping--ignored' : undefined}
                  >
                    <th scope="row">{header}</th>
                    <td className="import-mapping__samples">
                      {samples.length > 0 ? (
                        samples.map((sample) => (
                          <span key={sample} className="import-sample">
                            {sample}
                          </span>
                        ))
                      ) : (
                        <span className="import-muted">empty in the first rows</span>
                      )}
                    </td>
                    <td className="import-mapping__target">
                      <SelectField
                        label={`Import column “${header}” as`}
                        hideLabel
                        compact
                        options={preview.targets}
                        value={target}
                        onChange={(event) => setMapping(header, event.target.value)}
                      />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </Card>

      <Card title="Options">
        <div className="import-options">
          <SelectField
            label="Default country"
            options={countries}
            value={draft.defaultCountry}
            onChange={(event) => setDraft({ defaultCountry: event.target.value })}
          />
          <p className="ui-field__hint import-options__hint">
            Phone numbers without a country code are read in the row’s country, else in this one.
          </p>
          <fieldset className="import-dedupe">
            <legend className="ui-field__label">
              When a row matches an existing lead (same email, else same phone)
            </legend>
            {DEDUPE.map((option) => (
              <label key={option.value} className="import-dedupe__option">
                <input
                  type="radio"
                  name="import-dedupe"
                  value={option.value}
                  checked={draft.dedupe === option.value}
                  onChange={() => setDraft({ dedupe: option.value })}
                />
                <span>
                  <span className="import-dedupe__label">{option.label}</span>
                  <span className="import-dedupe__text">{option.text}</span>
                </span>
              </label>
            ))}
          </fieldset>
          <SelectField
            label="Owner of new leads"
            options={owners}
            value={owners.some((o) => o.value === draft.owner) ? draft.owner : 'me'}
            onChange={(event) => setDraft({ owner: event.target.value })}
          />
          <p className="ui-field__hint import-options__hint">
            Used for rows without an owner column value.
          </p>
          <TextField
            label="Tags to add"
            value={tagText}
            placeholder="e.g. Web Summit 2026"
            hint="Comma-separated; added to every imported lead."
            error={tagCheck.error ?? undefined}
            onChange={(event) => {
              setTagText(event.target.value);
              const next = parseTags(event.target.value);
              if (!next.error) setDraft({ tags: next.tags });
            }}
          />
        </div>
      </Card>

      <Card
        title="Preview"
        description="Problems are marked on their cell; hover a cell to read it."
      >
        {previewError ? <Alert>{previewError}</Alert> : null}
        <PreviewTable preview={preview} mapping={draft.mapping} stale={previewing} />
      </Card>

      <div className="import-start">
        {startError ? <Alert>{startError}</Alert> : null}
        <div className="import-actions">
          <Button
            variant="primary"
            loading={starting}
            disabled={
              previewing || previewError !== null || tagCheck.error !== null || mapped.length === 0
            }
            onClick={() => void start()}
          >
            Start import
          </Button>
          {previewing ? (
            <span className="import-busy">
              <Spinner decorative /> Checking the mapping…
            </span>
          ) : mapped.length === 0 ? (
            <span className="import-muted">Map at least one column.</span>
          ) : null}
        </div>
      </div>
    </>
  );
}
