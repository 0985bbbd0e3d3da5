/**
 * Custom lead fields: a label, a type and (for selects) options. The key is derived from the label
 * when the field is added and kept afterwards (leads store values under it). Removing a saved field
 * warns: its values stay on the leads but are no longer shown.
 */
import { useState } from 'react';
import { Alert, Button, Icon, SelectField, TagInput, TextField } from '@sdr/ui';
import { CUSTOM_FIELD_TYPES, type CustomFieldDef, type CustomFieldType } from '@sdr/schema';
import { ConfirmDialog } from './ConfirmDialog.tsx';
import {
  issueAt,
  issuesUnder,
  keyFromLabel,
  newCustomField,
  removeAt,
  replaceAt,
  withType,
  type Issues,
} from './draft.ts';

const TYPE_LABELS: Record<CustomFieldType, string> = {
  text: 'Text',
  number: 'Number',
  date: 'Date',
  select: 'One of a list',
  multiselect: 'Several of a list',
  boolean: 'Yes / no',
};
const TYPE_OPTIONS = CUSTOM_FIELD_TYPES.map((t) => ({ value: t, label: TYPE_LABELS[t] }));
const hasOptions = (type: CustomFieldType) => type === 'select' || type === 'multiselect';

export type CustomFieldsEditorProps = {
  value: CustomFieldDef[];
  onChange: (next: CustomFieldDef[]) => void;
  issues: Issues;
  readOnly: boolean;
  /** Keys of the saved fields (removing one warns). */
  savedKeys: readonly string[];
};

export function CustomFieldsEditor({
  value,
  onChange,
  issues,
  readOnly,
  savedKeys,
}: CustomFieldsEditorProps) {
  const [label, setLabel] = useState('');
  const [type, setType] = useState<CustomFieldType>('text');
  const [options, setOptions] = useState<string[]>([]);
  const [addError, setAddError] = useState<string | undefined>();
  const [removing, setRemoving] = useState<number | null>(null);
  const at = (i: number, field: string) => issueAt(issues, `customFields.${i}.${field}`);
  const shown = value.flatMap((_, i) =>
    ['label', 'key', 'type', 'options', ''].map((f) => `customFields.${i}${f ? `.${f}` : ''}`),
  );
  const others = issuesUnder(issues, 'customFields', shown);

  function add() {
    if (label.trim() === '') return setAddError('Give the field a label');
    if (hasOptions(type) && options.length === 0) return setAddError('Add at least one option');
    onChange([...value, newCustomField(label, type, value, options)]);
    setLabel('');
    setOptions([]);
    setAddError(undefined);
  }

  function remove(i: number) {
    const field = value[i];
    if (field && savedKeys.includes(field.key)) setRemoving(i);
    else onChange(removeAt(value, i));
  }

  const removingField = removing === null ? undefined : value[removing];

  return (
    <div className="lead-settings__part">
      {others.map((message) => (
        <Alert key={message}>{message}</Alert>
      ))}
      {value.length === 0 ? (
        <p className="lead-settings__muted">No custom fields yet.</p>
      ) : (
        <ul className="lead-settings__list" aria-label="Custom fields">
          {value.map((field, i) => (
            <li
              key={field.key}
              className="lead-settings__item"
              role="group"
              aria-label={`Field ${field.label || field.key}`}
            >
              <div className="lead-settings__row">
                <TextField
                  label="Field label"
                  value={field.label}
                  disabled={readOnly}
                  hint={`Key: ${field.key}`}
                  error={at(i, 'label') ?? at(i, 'key')}
                  onChange={(e) =>
                    onChange(replaceAt(value, i, { ...field, label: e.target.value }))
                  }
                />
                <SelectField
                  label="Type"
                  value={field.type}
                  options={TYPE_OPTIONS}
                  disabled={readOnly}
                  error={at(i, 'type')}
                  onChange={(e) =>
                    onChange(
                      replaceAt(value, i, withType(field, e.target.value as CustomFieldType)),
                    )
                  }
                />
                {readOnly ? null : (
                  <div className="lead-settings__actions">
                    <Button
                      variant="ghost"
                      size="sm"
                      aria-label={`Remove field ${field.label}`}
                      onClick={() => remove(i)}
                    >
                      <Icon name="trash" size={14} />
                    </Button>
                  </div>
                )}
              </div>
              {hasOptions(field.type) ? (
                <TagInput
                  label="Options"
                  values={field.options ?? []}
                  disabled={readOnly}
                  error={at(i, 'options') ?? issueAt(issues, `customFields.${i}`)}
                  onChange={(next) => onChange(replaceAt(value, i, { ...field, options: next }))}
                />
              ) : null}
            </li>
          ))}
        </ul>
      )}
      {readOnly ? null : (
        <div className="lead-settings__add" role="group" aria-label="New field">
          <TextField
            label="New field"
            placeholder="e.g. Deal size"
            value={label}
            error={addError}
            hint={
              label.trim()
                ? `Key: ${keyFromLabel(
                    label,
                    value.map((f) => f.key),
                  )}`
                : undefined
            }
            onChange={(e) => setLabel(e.target.value)}
          />
          <SelectField
            label="Field type"
            value={type}
            options={TYPE_OPTIONS}
            onChange={(e) => setType(e.target.value as CustomFieldType)}
          />
          {hasOptions(type) ? (
            <TagInput label="Field options" values={options} onChange={setOptions} />
          ) : null}
          <Button icon={<Icon name="plus" size={14} />} onClick={add}>
            Add field
          </Button>
        </div>
      )}
      <ConfirmDialog
        open={removingField !== undefined}
        title={`Remove the field “${removingField?.label ?? ''}”?`}
        confirm="Remove field"
        onCancel={() => setRemoving(null)}
        onConfirm={() => {
          if (removing !== null) onChange(removeAt(value, removing));
          setRemoving(null);
        }}
      >
        Leads keep their values under the key “{removingField?.key}”, but the field disappears from
        the lead table, filters, imports and the lead panel. Adding a field with the same key later
        shows the values again. Nothing changes until you save.
      </ConfirmDialog>
    </div>
  );
}
