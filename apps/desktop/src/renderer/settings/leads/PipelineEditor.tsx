/**
 * The pipeline: ordered stages (name, kind open/won/lost, the reasons offered when a lead enters
 * it). A stage's key is derived from its first name and then kept, because leads store it.
 */
import { useState } from 'react';
import { Alert, Button, Icon, SelectField, TagInput, TextField } from '@sdr/ui';
import { STAGE_KINDS, type Pipeline, type PipelineStage } from '@sdr/schema';
import { ConfirmDialog } from './ConfirmDialog.tsx';
import { issueAt, issuesUnder, move, newStage, removeAt, replaceAt, type Issues } from './draft.ts';

const KIND_LABELS: Record<PipelineStage['kind'], string> = {
  open: 'Open (being worked)',
  won: 'Won',
  lost: 'Lost (asks for a reason)',
};
const KIND_OPTIONS = STAGE_KINDS.map((k) => ({ value: k, label: KIND_LABELS[k] }));

export type PipelineEditorProps = {
  value: Pipeline;
  onChange: (next: Pipeline) => void;
  issues: Issues;
  readOnly: boolean;
  /** Stage keys of the saved settings (removing one of them warns: leads may use it). */
  savedKeys: readonly string[];
};

export function PipelineEditor({
  value,
  onChange,
  issues,
  readOnly,
  savedKeys,
}: PipelineEditorProps) {
  const [name, setName] = useState('');
  const [nameError, setNameError] = useState<string | undefined>();
  const [removing, setRemoving] = useState<number | null>(null);
  const stages = value.stages;
  const set = (next: PipelineStage[]) => onChange({ ...value, stages: next });
  const at = (i: number, field: string) => issueAt(issues, `pipeline.stages.${i}.${field}`);
  const shown = stages.flatMap((_, i) =>
    ['label', 'key', 'kind', 'reasons'].map((f) => `pipeline.stages.${i}.${f}`),
  );
  const others = issuesUnder(issues, 'pipeline', shown);

  function add() {
    if (name.trim() === '') return setNameError('Give the stage a name');
    set([...stages, newStage(name, stages)]);
    setName('');
    setNameError(undefined);
  }

  function remove(i: number) {
    const stage = stages[i];
    if (stage && savedKeys.includes(stage.key)) setRemoving(i);
    else set(removeAt(stages, i));
  }

  const removingStage = removing === null ? undefined : stages[removing];

  return (
    <div className="lead-settings__part">
      {others.map((message) => (
        <Alert key={message}>{message}</Alert>
      ))}
      <ol className="lead-settings__list" aria-label="Pipeline stages">
        {stages.map((stage, i) => (
          <li
            key={stage.key}
            className="lead-settings__item"
            role="group"
            aria-label={`Stage ${stage.label || stage.key}`}
          >
            <div className="lead-settings__row">
              <span className="lead-settings__order" aria-hidden="true">
                {i + 1}
              </span>
              <TextField
                label="Stage name"
                value={stage.label}
                disabled={readOnly}
                error={at(i, 'label') ?? at(i, 'key')}
                hint={`Key: ${stage.key}`}
                onChange={(e) => set(replaceAt(stages, i, { ...stage, label: e.target.value }))}
              />
              <SelectField
                label="Kind"
                value={stage.kind}
                options={KIND_OPTIONS}
                disabled={readOnly}
                error={at(i, 'kind')}
                onChange={(e) =>
                  set(
                    replaceAt(stages, i, {
                      ...stage,
                      kind: e.target.value as PipelineStage['kind'],
                    }),
                  )
                }
              />
              {readOnly ? null : (
                <div className="lead-settings__actions">
                  <Button
                    variant="ghost"
                    size="sm"
                    aria-label={`Move ${stage.label} up`}
                    disabled={i === 0}
                    onClick={() => set(move(stages, i, -1))}
                  >
                    ↑
                  </Button>
                  <Button
                    variant="ghost"
                    size="sm"
                    aria-label={`Move ${stage.label} down`}
                    disabled={i === stages.length - 1}
                    onClick={() => set(move(stages, i, 1))}
                  >
                    ↓
                  </Button>
                  <Button
                    variant="ghost"
                    size="sm"
                    aria-label={`Remove stage ${stage.label}`}
                    disabled={stages.length === 1}
                    onClick={() => remove(i)}
                  >
                    <Icon name="trash" size={14} />
                  </Button>
                </div>
              )}
            </div>
            <TagInput
              label={stage.kind === 'lost' ? 'Reasons (asked when a lead is lost)' : 'Reasons'}
              values={stage.reasons}
              disabled={readOnly}
              placeholder={readOnly ? '' : 'Add a reason…'}
              error={issuesUnder(issues, `pipeline.stages.${i}.reasons`, [])[0]}
              onChange={(reasons) => set(replaceAt(stages, i, { ...stage, reasons }))}
            />
          </li>
        ))}
      </ol>
      {readOnly ? null : (
        <div className="lead-settings__add">
          <TextField
            label="New stage"
            placeholder="e.g. Meeting booked"
            value={name}
            error={nameError}
            onChange={(e) => setName(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                add();
              }
            }}
          />
          <Button icon={<Icon name="plus" size={14} />} onClick={add}>
            Add stage
          </Button>
        </div>
      )}
      <ConfirmDialog
        open={removingStage !== undefined}
        title={`Remove the stage “${removingStage?.label ?? ''}”?`}
        confirm="Remove stage"
        onCancel={() => setRemoving(null)}
        onConfirm={() => {
          if (removing !== null) set(removeAt(stages, removing));
          setRemoving(null);
        }}
      >
        Leads in this stage keep it as their status and show it as an unknown stage until someone
        moves them. Nothing changes until you save.
      </ConfirmDialog>
    </div>
  );
}
