/**
 * SLA policies (`SlaSettings` of @sdr/schema: first response, next response and resolution
 * targets in minutes, the channels and priorities a policy applies to (first match wins), business
 * hours only or wall-clock) with the warning threshold; and the escalation rules that fire on a
 * timer's warning or breach (notify the managers, reassign, raise the priority).
 */
import { Alert, Button, Checkbox, Icon, SelectField, TextField } from '@sdr/ui';
import {
  CHANNELS,
  ESCALATION_ACTIONS,
  PRIORITIES,
  SLA_TIMER_KINDS,
  type InboxSettings,
  type SlaPolicy,
} from '@sdr/schema';
import { issueAt, issuesUnder, move, removeAt, replaceAt, type Issues } from '../leads/draft.ts';
import { Checks, NumberField } from './fields.tsx';
import { newEscalation, newSlaPolicy } from './inbox-draft.ts';

const CHANNEL_LABELS: Record<(typeof CHANNELS)[number], string> = {
  email: 'Email',
  sms: 'SMS',
  whatsapp: 'WhatsApp',
  call: 'Call',
  note: 'Note',
};
const channelOptions = CHANNELS.filter((c) => c !== 'note').map((c) => ({
  value: c,
  label: CHANNEL_LABELS[c],
}));
const priorityOptions = PRIORITIES.map((p) => ({
  value: p,
  label: p[0]!.toUpperCase() + p.slice(1),
}));
export const TIMER_LABELS: Record<(typeof SLA_TIMER_KINDS)[number], string> = {
  first_response: 'First response',
  next_response: 'Next response',
  resolution: 'Resolution',
};
const ACTION_LABELS: Record<(typeof ESCALATION_ACTIONS)[number], string> = {
  notify_manager: 'Notify the managers',
  reassign: 'Reassign',
  raise_priority: 'Raise the priority',
};

export function SlaEditor({
  value,
  onChange,
  issues,
  readOnly,
}: {
  value: InboxSettings['sla'];
  onChange: (next: InboxSettings['sla']) => void;
  issues: Issues;
  readOnly: boolean;
}) {
  const policies = value.policies;
  const setPolicy = (i: number, next: SlaPolicy) =>
    onChange({ ...value, policies: replaceAt(policies, i, next) });
  const banner = issuesUnder(issues, 'sla', [
    'sla.warnBeforeMinutes',
    ...Object.keys(issues).filter((p) => p.startsWith('sla.policies.')),
  ]);
  return (
    <div className="lead-settings__part">
      {banner.map((message) => (
        <Alert key={message}>{message}</Alert>
      ))}
      <NumberField
        label="Warn when this many minutes are left"
        value={value.warnBeforeMinutes}
        readOnly={readOnly}
        className="inbox-settings__narrow"
        error={issueAt(issues, 'sla.warnBeforeMinutes')}
        onChange={(n) => onChange({ ...value, warnBeforeMinutes: n ?? 0 })}
      />
      <p className="lead-settings__muted">
        The first policy whose channels and priorities match a conversation applies (none ticked:
        any). Empty targets mean no such timer.
      </p>
      <ul className="lead-settings__list" aria-label="SLA policies">
        {policies.map((p, i) => {
          const path = `sla.policies.${i}`;
          return (
            <li
              key={p.id}
              className="lead-settings__item"
              role="group"
              aria-label={`SLA policy ${p.name || p.id}`}
            >
              <div className="lead-settings__row">
                <TextField
                  label="Policy name"
                  value={p.name}
                  disabled={readOnly}
                  error={issueAt(issues, `${path}.name`) ?? issueAt(issues, `${path}.id`)}
                  onChange={(e) => setPolicy(i, { ...p, name: e.target.value })}
                />
                {readOnly ? null : (
                  <div className="lead-settings__actions">
                    <Button
                      variant="ghost"
                      size="sm"
                      aria-label={`Move ${p.name} up`}
                      disabled={i === 0}
                      onClick={() => onChange({ ...value, policies: move(policies, i, -1) })}
                    >
                      ↑
                    </Button>
                    <Button
                      variant="ghost"
                      size="sm"
                      aria-label={`Move ${p.name} down`}
                      disabled={i === policies.length - 1}
                      onClick={() => onChange({ ...value, policies: move(policies, i, 1) })}
                    >
                      ↓
                    </Button>
                    <Button
                      variant="ghost"
                      size="sm"
                      aria-label={`Remove policy ${p.name}`}
                      onClick={() => onChange({ ...value, policies: removeAt(policies, i) })}
                    >
                      <Icon name="trash" size={14} />
                    </Button>
                  </div>
                )}
              </div>
              <div className="lead-settings__row">
                <NumberField
                  label="First response (minutes)"
                  nullable
                  value={p.firstResponseMinutes}
                  readOnly={readOnly}
                  error={issueAt(issues, `${path}.firstResponseMinutes`)}
                  onChange={(n) => setPolicy(i, { ...p, firstResponseMinutes: n })}
                />
                <NumberField
                  label="Next response (minutes)"
                  nullable
                  value={p.nextResponseMinutes}
                  readOnly={readOnly}
                  error={issueAt(issues, `${path}.nextResponseMinutes`)}
                  onChange={(n) => setPolicy(i, { ...p, nextResponseMinutes: n })}
                />
                <NumberField
                  label="Resolution (minutes)"
                  nullable
                  value={p.resolutionMinutes}
                  readOnly={readOnly}
                  error={issueAt(issues, `${path}.resolutionMinutes`)}
                  onChange={(n) => setPolicy(i, { ...p, resolutionMinutes: n })}
                />
              </div>
              <Checks
                legend="Channels"
                options={channelOptions}
                chosen={p.channels ?? []}
                readOnly={readOnly}
                error={issuesUnder(issues, `${path}.channels`, [])[0]}
                onChange={(channels) => {
                  const { channels: _c, ...rest } = p;
                  setPolicy(i, channels.length > 0 ? { ...rest, channels } : rest);
                }}
              />
              <Checks
                legend="Priorities"
                options={priorityOptions}
                chosen={p.priority ?? []}
                readOnly={readOnly}
                error={issuesUnder(issues, `${path}.priority`, [])[0]}
                onChange={(priority) => {
                  const { priority: _p, ...rest } = p;
                  setPolicy(i, priority.length > 0 ? { ...rest, priority } : rest);
                }}
              />
              <Checkbox
                label="Count business hours only"
                checked={p.businessHoursOnly}
                disabled={readOnly}
                onChange={(e) => setPolicy(i, { ...p, businessHoursOnly: e.target.checked })}
              />
            </li>
          );
        })}
      </ul>
      {readOnly ? null : (
        <Button
          icon={<Icon name="plus" size={14} />}
          onClick={() => onChange({ ...value, policies: [...policies, newSlaPolicy(policies)] })}
        >
          Add SLA policy
        </Button>
      )}
    </div>
  );
}

export function EscalationsEditor({
  value,
  onChange,
  issues,
  readOnly,
}: {
  value: InboxSettings['escalations'];
  onChange: (next: InboxSettings['escalations']) => void;
  issues: Issues;
  readOnly: boolean;
}) {
  const banner = issuesUnder(
    issues,
    'escalations',
    Object.keys(issues).filter((p) => /^escalations\.\d+\./.test(p)),
  );
  return (
    <div className="lead-settings__part">
      {banner.map((message) => (
        <Alert key={message}>{message}</Alert>
      ))}
      <p className="lead-settings__muted">
        When a conversation&apos;s timer reaches its warning or breaches, each matching rule acts
        once.
      </p>
      <ul className="lead-settings__list" aria-label="Escalation rules">
        {value.map((rule, i) => {
          const path = `escalations.${i}`;
          const set = (next: typeof rule) => onChange(replaceAt(value, i, next));
          return (
            <li
              key={i}
              className="lead-settings__item"
              role="group"
              aria-label={`Escalation rule ${i + 1}`}
            >
              <div className="lead-settings__row">
                <SelectField
                  label="Timer"
                  value={rule.on}
                  disabled={readOnly}
                  options={SLA_TIMER_KINDS.map((k) => ({ value: k, label: TIMER_LABELS[k] }))}
                  error={issueAt(issues, `${path}.on`)}
                  onChange={(e) => set({ ...rule, on: e.target.value as typeof rule.on })}
                />
                <SelectField
                  label="When"
                  value={rule.after}
                  disabled={readOnly}
                  options={[
                    { value: 'warning', label: 'It is about to breach (warning)' },
                    { value: 'breach', label: 'It breaches' },
                  ]}
                  error={issueAt(issues, `${path}.after`)}
                  onChange={(e) => set({ ...rule, after: e.target.value as typeof rule.after })}
                />
                {readOnly ? null : (
                  <div className="lead-settings__actions">
                    <Button
                      variant="ghost"
                      size="sm"
                      aria-label={`Remove escalation rule ${i + 1}`}
                      onClick={() => onChange(removeAt(value, i))}
                    >
                      <Icon name="trash" size={14} />
                    </Button>
                  </div>
                )}
              </div>
              <Checks
                legend="Then"
                options={ESCALATION_ACTIONS.map((a) => ({ value: a, label: ACTION_LABELS[a] }))}
                chosen={rule.actions}
                readOnly={readOnly}
                error={issuesUnder(issues, `${path}.actions`, [])[0]}
                onChange={(actions) => set({ ...rule, actions })}
              />
            </li>
          );
        })}
      </ul>
      {readOnly ? null : (
        <Button
          icon={<Icon name="plus" size={14} />}
          onClick={() => onChange([...value, newEscalation()])}
        >
          Add escalation rule
        </Button>
      )}
    </div>
  );
}
