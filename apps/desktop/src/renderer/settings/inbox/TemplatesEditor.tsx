/**
 * Live-queue weights (`QueueWeights`: how much a lead's score and the channel move an item, the
 * deadline of items without one) and the workspace's shared reply templates (name, channel, body
 * with `{{variables}}`; offered in every member's composer).
 */
import { useRef } from 'react';
import { Alert, Button, Icon, SelectField, TextField } from '@sdr/ui';
import { TEMPLATE_VARIABLES } from '@sdr/domain';
import { QUEUE_ITEM_KINDS, type InboxSettings, type ReplyTemplate } from '@sdr/schema';
import { issueAt, issuesUnder, removeAt, replaceAt, type Issues } from '../leads/draft.ts';
import { NumberField } from './fields.tsx';
import { newTemplate } from './inbox-draft.ts';

const KIND_LABELS: Record<(typeof QUEUE_ITEM_KINDS)[number], string> = {
  inbound_message: 'New message',
  assigned_lead: 'Assigned lead',
  sla_breach: 'SLA breach',
  task_due: 'Task due',
};
const BONUS_CHANNELS = [
  { value: 'call', label: 'Call' },
  { value: 'sms', label: 'SMS' },
  { value: 'whatsapp', label: 'WhatsApp' },
  { value: 'email', label: 'Email' },
] as const;

export function QueueWeightsEditor({
  value,
  onChange,
  issues,
  readOnly,
}: {
  value: InboxSettings['queue'];
  onChange: (next: InboxSettings['queue']) => void;
  issues: Issues;
  readOnly: boolean;
}) {
  return (
    <div className="lead-settings__part">
      <p className="lead-settings__muted">
        Items are ordered by their deadline, moved earlier by the lead&apos;s score and the
        channel&apos;s bonus. Managers&apos; pins come first.
      </p>
      <NumberField
        label="Minutes earlier for a lead scored 100"
        value={value.scoreWeightMinutes}
        readOnly={readOnly}
        className="inbox-settings__narrow"
        error={issueAt(issues, 'queue.scoreWeightMinutes')}
        onChange={(n) => onChange({ ...value, scoreWeightMinutes: n ?? 0 })}
      />
      <h3 className="lead-settings__h3">Channel bonus (minutes earlier)</h3>
      <div className="lead-settings__row">
        {BONUS_CHANNELS.map((c) => (
          <NumberField
            key={c.value}
            label={c.label}
            nullable
            value={value.channelBonusMinutes[c.value] ?? null}
            readOnly={readOnly}
            error={issueAt(issues, `queue.channelBonusMinutes.${c.value}`)}
            onChange={(n) => {
              const next = { ...value.channelBonusMinutes };
              if (n === null) delete next[c.value];
              else next[c.value] = n;
              onChange({ ...value, channelBonusMinutes: next });
            }}
          />
        ))}
      </div>
      <h3 className="lead-settings__h3">Deadline of items without a due time (minutes)</h3>
      <div className="lead-settings__row">
        {QUEUE_ITEM_KINDS.map((k) => (
          <NumberField
            key={k}
            label={KIND_LABELS[k]}
            nullable
            value={value.kindDeadlineMinutes[k] ?? null}
            readOnly={readOnly}
            error={issueAt(issues, `queue.kindDeadlineMinutes.${k}`)}
            onChange={(n) => {
              const next = { ...value.kindDeadlineMinutes };
              if (n === null) delete next[k];
              else next[k] = n;
              onChange({ ...value, kindDeadlineMinutes: next });
            }}
          />
        ))}
      </div>
    </div>
  );
}

export function TemplatesEditor({
  value,
  onChange,
  issues,
  readOnly,
}: {
  value: InboxSettings['templates'];
  onChange: (next: InboxSettings['templates']) => void;
  issues: Issues;
  readOnly: boolean;
}) {
  const banner = issuesUnder(
    issues,
    'templates',
    Object.keys(issues).filter((p) => /^templates\.\d+\./.test(p)),
  );
  return (
    <div className="lead-settings__part">
      {banner.map((message) => (
        <Alert key={message}>{message}</Alert>
      ))}
      <p className="lead-settings__muted">
        Shared with everyone in the composer. Variables are filled in from the lead and the sender:{' '}
        <code>{'{{lead.firstName}}'}</code>, with a fallback{' '}
        <code>{'{{lead.firstName | "there"}}'}</code>.
      </p>
      <ul className="lead-settings__list" aria-label="Reply templates">
        {value.map((t, i) => (
          <TemplateItem
            key={t.id}
            template={t}
            index={i}
            issues={issues}
            readOnly={readOnly}
            onChange={(next) => onChange(replaceAt(value, i, next))}
            onRemove={() => onChange(removeAt(value, i))}
          />
        ))}
      </ul>
      {readOnly ? null : (
        <Button
          icon={<Icon name="plus" size={14} />}
          onClick={() => onChange([...value, newTemplate(value)])}
        >
          Add template
        </Button>
      )}
    </div>
  );
}

function TemplateItem({
  template: t,
  index,
  issues,
  readOnly,
  onChange,
  onRemove,
}: {
  template: ReplyTemplate;
  index: number;
  issues: Issues;
  readOnly: boolean;
  onChange: (next: ReplyTemplate) => void;
  onRemove: () => void;
}) {
  const path = `templates.${index}`;
  const bodyRef = useRef<HTMLTextAreaElement>(null);
  const bodyError = issueAt(issues, `${path}.body`);
  function insert(variable: string) {
    const el = bodyRef.current;
    const text = `{{${variable}}}`;
    const start = el?.selectionStart ?? t.body.length;
    const end = el?.selectionEnd ?? t.body.length;
    onChange({ ...t, body: t.body.slice(0, start) + text + t.body.slice(end) });
  }
  return (
    <li className="lead-settings__item" role="group" aria-label={`Template ${t.name || t.id}`}>
      <div className="lead-settings__row">
        <TextField
          label="Template name"
          value={t.name}
          disabled={readOnly}
          error={issueAt(issues, `${path}.name`) ?? issueAt(issues, `${path}.id`)}
          onChange={(e) => onChange({ ...t, name: e.target.value })}
        />
        <SelectField
          label="Channel"
          value={t.channel ?? ''}
          disabled={readOnly}
          options={[
            { value: '', label: 'Every channel' },
            { value: 'email', label: 'Email' },
            { value: 'sms', label: 'SMS' },
            { value: 'whatsapp', label: 'WhatsApp' },
          ]}
          error={issueAt(issues, `${path}.channel`)}
          onChange={(e) =>
            onChange({ ...t, channel: (e.target.value || null) as ReplyTemplate['channel'] })
          }
        />
        {readOnly ? null : (
          <div className="lead-settings__actions">
            <Button
              variant="ghost"
              size="sm"
              aria-label={`Remove template ${t.name}`}
              onClick={onRemove}
            >
              <Icon name="trash" size={14} />
            </Button>
          </div>
        )}
      </div>
      <div className="ui-field">
        <label className="ui-field__label" htmlFor={`${t.id}-body`}>
          Template text
        </label>
        <textarea
          id={`${t.id}-body`}
          ref={bodyRef}
          className="ui-input inbox-settings__body"
          rows={4}
          value={t.body}
          disabled={readOnly}
          aria-invalid={bodyError ? true : undefined}
          onChange={(e) => onChange({ ...t, body: e.target.value })}
        />
        {bodyError ? <p className="ui-field__error">{bodyError}</p> : null}
      </div>
      {readOnly ? null : (
        <select
          className="ui-input inbox-settings__var"
          aria-label={`Insert a variable into ${t.name || 'the template'}`}
          value=""
          onChange={(e) => e.target.value && insert(e.target.value)}
        >
          <option value="">Insert a variable…</option>
          {TEMPLATE_VARIABLES.map((v) => (
            <option key={v} value={v}>
              {`{{${v}}}`}
            </option>
          ))}
        </select>
      )}
    </li>
  );
}
