/**
 * The lead detail panel (beside the table; Esc closes it). Every field is edited in place and
 * saved with `leads:update` on Enter or blur; what is wrong shows under the field (parsed here
 * first, and the engine's `invalid_input` issues mapped to their fields). Status follows the
 * workspace pipeline and asks for a reason where the stage wants one. Also: SMS / WhatsApp / Email
 * buttons that start a conversation in the Inbox (`inbox/StartConversation.tsx`), notes
 * (`leads:editNotes`), tasks, the sync conflict log with "keep the other value", and the
 * server's reverts of local edits.
 */
import { useEffect, useId, useMemo, useState } from 'react';
import {
  Alert,
  Badge,
  Button,
  Checkbox,
  EditableField,
  FieldError,
  Icon,
  SelectField,
  Skeleton,
  TagInput,
  useToast,
} from '@sdr/ui';
import type { CustomFieldDef } from '@sdr/domain';
import type {
  LeadConflict,
  LeadDto,
  LeadReverted,
  OutputOf,
  TaskDto,
} from '../../shared/contract.ts';
import { LeadFieldChanges } from '../../shared/contract.ts';
import type { LeadFieldChanges as Changes } from '../../shared/contract.ts';
import { engine } from '../engine.ts';
import { errorMessage, formErrors } from '../errors.ts';
import {
  CONSENT_FIELDS,
  CONSENT_OPTIONS,
  editText,
  fullName,
  parseCustomField,
  parseStatusReason,
  parseTagInput,
  parseTextField,
  TEXT_FIELDS,
} from './lead-values.ts';
import { StartConversation } from '../inbox/StartConversation.tsx';
import { ScoreExplanation } from './score/ScoreExplanation.tsx';
import { useLeads } from './store.ts';
import type { LeadSettings } from './store.ts';
import { conflictField } from './conflict-field.ts';

type Lead = OutputOf<'leads:get'>;
type Stage = LeadSettings['pipeline']['stages'][number];

const when = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

function formatWhen(ms: number | null | undefined): string {
  return ms ? when.format(ms) : '—';
}

/** `datetime-local` text ↔ epoch ms, in the user's zone. */
function toLocalInput(ms: number | null): string {
  if (!ms) return '';
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
function fromLocalInput(text: string): number | null {
  if (!text) return null;
  const ms = new Date(text).getTime();
  return Number.isFinite(ms) ? ms : null;
}

function showValue(value: unknown): string {
  if (value === null || value === undefined || value === '') return '(empty)';
  if (Array.isArray(value)) return value.length ? value.join(', ') : '(none)';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

export function LeadDetail({ id, onClose }: { id: string; onClose: () => void }) {
  const settings = useLeads((s) => s.settings.data);
  const members = useLeads((s) => s.members);
  const toast = useToast();
  const titleId = useId();
  const [lead, setLead] = useState<Lead | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saving, setSaving] = useState<string | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const [reverted, setReverted] = useState<LeadReverted[]>([]);
  const [version, setVersion] = useState(0);

  useEffect(() => {
    let current = true;
    void engine.invoke('leads:get', { id }).then((result) => {
      if (!current) return;
      if (result.ok) {
        setLead(result.data);
        setLoadError(null);
      } else setLoadError(errorMessage(result.error));
    });
    return () => {
      current = false;
    };
  }, [id, version]);

  useEffect(() => {
    const offChanged = engine.on('leads:changed', ({ ids }) => {
      if (ids === null || ids.includes(id)) setVersion((v) => v + 1);
    });
    const offReverted = engine.on('sync:reverted', (event) => {
      if (event.leadId !== id) return;
      setReverted((list) => [event, ...list].slice(0, 5));
      setVersion((v) => v + 1);
    });
    let current = true;
    void engine.invoke('sync:status', {}).then((result) => {
      if (current && result.ok) setReverted(result.data.reverted.filter((r) => r.leadId === id));
    });
    return () => {
      current = false;
      offChanged();
      offReverted();
    };
  }, [id]);

  const memberNames = useMemo(() => new Map(members.map((m) => [m.userId, m.name])), [members]);

  async function save(key: string, changes: Changes): Promise<boolean> {
    setSaving(key);
    setFormError(null);
    const result = await engine.invoke('leads:update', { id, changes });
    setSaving(null);
    if (result.ok) {
      setLead((old) => ({ ...result.data, notes: old?.notes ?? '' }));
      setErrors((old) => {
        const next = { ...old };
        delete next[key];
        return next;
      });
      return true;
    }
    const mapped = formErrors(result.error, Object.keys(changes));
    const messages = Object.values(mapped.fields).filter((m): m is string => !!m);
    if (messages.length > 0 || result.error.code === 'invalid_input') {
      setErrors((old) => ({
        ...old,
        [key]: messages[0] ?? mapped.form ?? errorMessage(result.error),
      }));
    } else setFormError(mapped.form);
    return false;
  }

  function fail(key: string, message: string) {
    setErrors((old) => ({ ...old, [key]: message }));
  }

  if (loadError && !lead) {
    return (
      <aside className="lead-detail" aria-label="Lead details">
        <div className="lead-detail__head">
          <h2 className="lead-detail__title">Lead</h2>
          <Button variant="ghost" size="sm" aria-label="Close details" onClick={onClose}>
            <Icon name="x" />
          </Button>
        </div>
        <Alert>{loadError}</Alert>
      </aside>
    );
  }

  if (!lead) {
    return (
      <aside className="lead-detail" aria-label="Lead details" aria-busy="true">
        <div className="lead-detail__skeleton">
          <Skeleton width="60%" height={20} />
          {Array.from({ length: 8 }, (_, i) => (
            <Skeleton key={i} width={`${50 + ((i * 17) % 40)}%`} />
          ))}
        </div>
      </aside>
    );
  }

  const stages = settings?.pipeline.stages ?? [];
  const customDefs = settings?.customFields ?? [];

  return (
    <aside className="lead-detail" aria-labelledby={titleId}>
      <div className="lead-detail__head">
        <div className="lead-detail__heading">
          <h2 id={titleId} className="lead-detail__title">
            {fullName(lead)}
          </h2>
          <p className="lead-detail__sub">
            {[lead.title, lead.company].filter(Boolean).join(' · ') || 'No company yet'}
            {lead.pending ? (
              <Badge tone="warning">
                <Icon name="clock" size={12} /> Waiting to sync
              </Badge>
            ) : null}
          </p>
        </div>
        <Button
          variant="ghost"
          size="sm"
          aria-label="Close details"
          title="Close (Esc)"
          onClick={onClose}
        >
          <Icon name="x" />
        </Button>
      </div>

      <div className="lead-detail__body">
        {reverted.map((r) => (
          <Alert key={`${r.at}`} tone="error">
            <strong>Reverted by the server</strong> ({formatWhen(r.at)}):{' '}
            {r.reasons.map((reason) => `${reason.field}: ${reason.message}`).join('; ')}
            <button
              type="button"
              className="link-button lead-detail__dismiss"
              onClick={() => setReverted((list) => list.filter((x) => x !== r))}
            >
              Dismiss
            </button>
          </Alert>
        ))}
        <FieldError id={`${titleId}-form`} message={formError ?? undefined} />
        <StartConversation lead={lead} />

        <section className="lead-detail__section" aria-label="Status and owner">
          <StatusEditor
            lead={lead}
            stages={stages}
            error={errors.status}
            onSave={(status, statusReason) => save('status', { status, statusReason })}
          />
          <SelectField
            label="Owner"
            compact
            value={lead.ownerId ?? ''}
            options={[
              { value: '', label: 'Unassigned' },
              ...members.map((m) => ({ value: m.userId, label: m.name })),
              ...(lead.ownerId && !memberNames.has(lead.ownerId)
                ? [{ value: lead.ownerId, label: lead.ownerId }]
                : []),
            ]}
            error={errors.ownerId}
            onChange={(event) => void save('ownerId', { ownerId: event.target.value || null })}
          />
        </section>

        <ScoreExplanation leadId={lead.id} />

        <section className="lead-detail__section" aria-label="Contact and company">
          {TEXT_FIELDS.map((field) => (
            <EditableField
              key={field.key}
              label={field.label}
              type={'type' in field ? field.type : 'text'}
              hint={'hint' in field ? field.hint : undefined}
              value={editText(lead[field.key])}
              error={errors[field.key]}
              saving={saving === field.key}
              onCommit={(text) => {
                const parsed = parseTextField(field.key, text);
                if (!parsed.ok) fail(field.key, parsed.message);
                else void save(field.key, parsed.changes);
              }}
            />
          ))}
          <EditableField
            label="Last contacted"
            type="datetime-local"
            value={toLocalInput(lead.lastContactedAt)}
            error={errors.lastContactedAt}
            onCommit={(text) =>
              void save('lastContactedAt', { lastContactedAt: fromLocalInput(text) })
            }
          />
        </section>

        <section className="lead-detail__section" aria-label="Tags">
          <TagInput
            label="Tags"
            values={lead.tags}
            error={errors.tags}
            onChange={(tags) => {
              const parsed = parseTagInput(tags.join(','));
              if (!parsed.ok) fail('tags', parsed.message);
              else void save('tags', { tags: parsed.value });
            }}
          />
        </section>

        <section className="lead-detail__section" aria-label="Consent">
          <h3 className="lead-detail__h3">Consent</h3>
          {CONSENT_FIELDS.map((field) => (
            <SelectField
              key={field.key}
              label={field.label}
              compact
              value={lead[field.key]}
              options={CONSENT_OPTIONS}
              error={errors[field.key]}
              onChange={(event) => void save(field.key, { [field.key]: event.target.value })}
            />
          ))}
          <Checkbox
            label="Do not contact"
            hint="Excluded from every campaign and call list"
            checked={lead.doNotContact}
            onChange={(event) => void save('doNotContact', { doNotContact: event.target.checked })}
          />
          <FieldError id={`${titleId}-dnc`} message={errors.doNotContact} />
        </section>

        {customDefs.length > 0 ? (
          <section className="lead-detail__section" aria-label="Custom fields">
            <h3 className="lead-detail__h3">Custom fields</h3>
            {customDefs.map((def) => (
              <CustomEditor
                key={def.key}
                def={def}
                value={lead.custom[def.key] ?? null}
                error={errors[`custom.${def.key}`]}
                onSave={(text) => {
                  const parsed = parseCustomField(def, text);
                  if (!parsed.ok) fail(`custom.${def.key}`, parsed.message);
                  else
                    void save(`custom.${def.key}`, {
                      custom: { ...lead.custom, [def.key]: parsed.value },
                    });
                }}
              />
            ))}
          </section>
        ) : null}

        <NotesEditor lead={lead} onSaved={(next) => setLead(next)} />
        <TasksSection leadId={lead.id} />
        <ConflictLog
          lead={lead}
          customDefs={customDefs}
          memberNames={memberNames}
          onResolved={() => setVersion((v) => v + 1)}
        />

        <section className="lead-detail__section lead-detail__meta" aria-label="Record">
          <dl className="facts">
            <div>
              <dt>Created</dt>
              <dd>{formatWhen(lead.createdAt)}</dd>
            </div>
            <div>
              <dt>Last change</dt>
              <dd>{formatWhen(lead.updatedAt)}</dd>
            </div>
          </dl>
          <Button
            variant="danger"
            size="sm"
            icon={<Icon name="trash" size={14} />}
            onClick={() => {
              void engine.invoke('leads:delete', { id: lead.id }).then((result) => {
                if (!result.ok) toast(errorMessage(result.error), 'error');
                else {
                  toast(`Deleted ${fullName(lead)}`, 'success');
                  onClose();
                }
              });
            }}
          >
            Delete lead
          </Button>
        </section>
      </div>
    </aside>
  );
}

/** Status from the pipeline; a stage with reasons (or a lost stage) asks why first. */
function StatusEditor({
  lead,
  stages,
  error,
  onSave,
}: {
  lead: LeadDto;
  stages: readonly Stage[];
  error: string | undefined;
  onSave: (status: string, reason: string) => Promise<boolean>;
}) {
  const [asking, setAsking] = useState<Stage | null>(null);
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string | undefined>();
  const known = stages.some((s) => s.key === lead.status);
  const current = stages.find((s) => s.key === lead.status);
  const options = [
    ...stages.map((s) => ({ value: s.key, label: s.label })),
    ...(known ? [] : [{ value: lead.status, label: lead.status }]),
  ];

  function choose(key: string) {
    const stage = stages.find((s) => s.key === key);
    if (!stage) return;
    if (stage.kind === 'lost' || stage.reasons.length > 0) {
      setAsking(stage);
      setReason(stage.reasons[0] ?? '');
      setReasonError(undefined);
    } else void onSave(stage.key, '');
  }

  async function confirm() {
    if (!asking) return;
    const parsed = parseStatusReason(reason);
    if (!parsed.ok) return setReasonError(parsed.message);
    if (asking.kind === 'lost' && parsed.value === '') return setReasonError('Say why');
    if (await onSave(asking.key, parsed.value)) setAsking(null);
  }

  return (
    <div className="status-editor">
      <SelectField
        label="Status"
        compact
        value={asking?.key ?? lead.status}
        options={options}
        error={error}
        onChange={(event) => choose(event.target.value)}
      />
      {current && lead.statusReason && !asking ? (
        <p className="ui-field__hint">Reason: {lead.statusReason}</p>
      ) : null}
      {asking ? (
        <div
          className="status-editor__reason"
          role="group"
          aria-label={`Reason for ${asking.label}`}
        >
          {asking.reasons.length > 0 ? (
            <SelectField
              label={`Why ${asking.label}?`}
              compact
              value={asking.reasons.includes(reason) ? reason : '__other'}
              options={[
                ...asking.reasons.map((r) => ({ value: r, label: r })),
                { value: '__other', label: 'Something else…' },
              ]}
              onChange={(event) =>
                setReason(event.target.value === '__other' ? '' : event.target.value)
              }
            />
          ) : null}
          {asking.reasons.length === 0 || !asking.reasons.includes(reason) ? (
            <label className="ui-field">
              <span className="ui-field__label">Reason</span>
              <input
                className="ui-input ui-input--sm"
                value={reason}
                autoFocus
                aria-invalid={reasonError ? true : undefined}
                onChange={(event) => setReason(event.target.value)}
              />
            </label>
          ) : null}
          <FieldError id="status-reason-error" message={reasonError} />
          <div className="status-editor__actions">
            <Button size="sm" variant="ghost" onClick={() => setAsking(null)}>
              Cancel
            </Button>
            <Button size="sm" variant="primary" onClick={() => void confirm()}>
              Set status
            </Button>
          </div>
        </div>
      ) : null}
    </div>
  );
}

function CustomEditor({
  def,
  value,
  error,
  onSave,
}: {
  def: CustomFieldDef;
  value: unknown;
  error: string | undefined;
  onSave: (text: string) => void;
}) {
  switch (def.type) {
    case 'text':
    case 'number':
    case 'date':
      return (
        <EditableField
          label={def.label}
          type={def.type === 'date' ? 'date' : 'text'}
          value={editText(value)}
          error={error}
          onCommit={onSave}
        />
      );
    case 'select':
      return (
        <SelectField
          label={def.label}
          compact
          value={typeof value === 'string' ? value : ''}
          options={[
            { value: '', label: '—' },
            ...(def.options ?? []).map((o) => ({ value: o, label: o })),
          ]}
          error={error}
          onChange={(event) => onSave(event.target.value)}
        />
      );
    case 'boolean':
      return (
        <SelectField
          label={def.label}
          compact
          value={value === true ? 'yes' : value === false ? 'no' : ''}
          options={[
            { value: '', label: '—' },
            { value: 'yes', label: 'Yes' },
            { value: 'no', label: 'No' },
          ]}
          error={error}
          onChange={(event) => onSave(event.target.value)}
        />
      );
    case 'multiselect':
      return (
        <TagInput
          label={def.label}
          values={Array.isArray(value) ? (value as string[]) : []}
          suggestions={def.options}
          error={error}
          onChange={(values) => onSave(values.join(', '))}
        />
      );
  }
}

/** Notes: edited as text; the engine merges the edit with others' concurrent changes. */
function NotesEditor({ lead, onSaved }: { lead: Lead; onSaved: (lead: Lead) => void }) {
  const id = useId();
  /** The notes the edit started from, and the edit; null when not editing. */
  const [edit, setEdit] = useState<{ base: string; text: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function saveNotes() {
    if (!edit) return;
    setPending(true);
    const result = await engine.invoke('leads:editNotes', {
      id: lead.id,
      base: edit.base,
      text: edit.text,
    });
    setPending(false);
    if (result.ok) {
      setEdit(null);
      setError(null);
      onSaved(result.data);
    } else setError(errorMessage(result.error));
  }

  return (
    <section className="lead-detail__section" aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`} className="lead-detail__h3">
        Notes
      </h3>
      <textarea
        className="ui-input lead-detail__notes"
        aria-labelledby={`${id}-h`}
        rows={5}
        value={edit?.text ?? lead.notes}
        placeholder="What you learned about this lead…"
        onChange={(event) => {
          const text = event.target.value;
          setEdit((old) => ({ base: old?.base ?? lead.notes, text }));
        }}
        onKeyDown={(event) => {
          if (event.key === 'Enter' && (event.metaKey || event.ctrlKey)) {
            event.preventDefault();
            void saveNotes();
          }
        }}
      />
      <FieldError id={`${id}-error`} message={error ?? undefined} />
      {edit ? (
        <div className="status-editor__actions">
          <span className="ui-field__hint">Others' edits made meanwhile are kept.</span>
          <Button size="sm" variant="ghost" onClick={() => setEdit(null)}>
            Discard
          </Button>
          <Button size="sm" variant="primary" loading={pending} onClick={() => void saveNotes()}>
            Save notes
          </Button>
        </div>
      ) : null}
    </section>
  );
}

/** The lead's tasks: list, add with a due time, complete. */
function TasksSection({ leadId }: { leadId: string }) {
  const id = useId();
  const toast = useToast();
  const [tasks, setTasks] = useState<TaskDto[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  const [title, setTitle] = useState('');
  const [due, setDue] = useState('');
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let current = true;
    void engine.invoke('tasks:list', { leadId }).then((result) => {
      if (!current) return;
      if (result.ok) {
        setTasks(result.data);
        setLoadError(null);
      } else setLoadError(errorMessage(result.error));
    });
    return () => {
      current = false;
    };
  }, [leadId, version]);

  useEffect(
    () =>
      engine.on('tasks:changed', ({ leadIds }) => {
        if (leadIds === null || leadIds.includes(leadId)) setVersion((v) => v + 1);
      }),
    [leadId],
  );

  async function add() {
    const result = await engine.invoke('tasks:save', {
      leadId,
      title,
      dueAt: fromLocalInput(due),
      done: false,
    });
    if (result.ok) {
      setTitle('');
      setDue('');
      setError(null);
      setVersion((v) => v + 1);
    } else
      setError(
        formErrors(result.error, ['title', 'dueAt'] as const).fields.title ??
          errorMessage(result.error),
      );
  }

  /** Ticked at once; put back if the engine refuses. */
  async function toggle(task: TaskDto) {
    const flip = (done: boolean) =>
      setTasks((list) => list?.map((t) => (t.id === task.id ? { ...t, done } : t)) ?? list);
    flip(!task.done);
    const { updatedAt: _u, ...input } = task;
    const result = await engine.invoke('tasks:save', { ...input, done: !task.done });
    if (!result.ok) {
      flip(task.done);
      toast(errorMessage(result.error), 'error');
    } else setVersion((v) => v + 1);
  }

  const sorted = [...(tasks ?? [])].sort(
    (a, b) => Number(a.done) - Number(b.done) || (a.dueAt ?? Infinity) - (b.dueAt ?? Infinity),
  );

  return (
    <section className="lead-detail__section" aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`} className="lead-detail__h3">
        Tasks
      </h3>
      {loadError ? <Alert>{loadError}</Alert> : null}
      {tasks && tasks.length === 0 ? (
        <p className="ui-field__hint">No tasks for this lead.</p>
      ) : null}
      <ul className="lead-tasks" aria-label="Tasks">
        {sorted.map((task) => (
          <li
            key={task.id}
            className={task.done ? 'lead-tasks__item lead-tasks__item--done' : 'lead-tasks__item'}
          >
            <Checkbox
              label={task.title}
              hint={task.dueAt ? `Due ${formatWhen(task.dueAt)}` : undefined}
              checked={task.done}
              onChange={() => void toggle(task)}
            />
          </li>
        ))}
      </ul>
      <form
        className="lead-tasks__add"
        aria-label="Add a task"
        onSubmit={(event) => {
          event.preventDefault();
          void add();
        }}
      >
        <input
          className="ui-input ui-input--sm"
          aria-label="Task"
          placeholder="Add a task, e.g. Call back"
          value={title}
          aria-invalid={error ? true : undefined}
          onChange={(event) => setTitle(event.target.value)}
        />
        <input
          className="ui-input ui-input--sm"
          aria-label="Due"
          type="datetime-local"
          value={due}
          onChange={(event) => setDue(event.target.value)}
        />
        <Button size="sm" type="submit" disabled={title.trim() === ''}>
          Add
        </Button>
      </form>
      <FieldError id={`${id}-error`} message={error ?? undefined} />
    </section>
  );
}

/** Same-field concurrent overwrites the server recorded, with a one-click undo of the outcome. */
function ConflictLog({
  lead,
  customDefs,
  memberNames,
  onResolved,
}: {
  lead: LeadDto;
  customDefs: readonly { key: string; label: string }[];
  memberNames: ReadonlyMap<string, string>;
  onResolved: () => void;
}) {
  const id = useId();
  const toast = useToast();
  const [conflicts, setConflicts] = useState<LeadConflict[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [version, setVersion] = useState(0);

  useEffect(() => {
    let current = true;
    void engine.invoke('leads:conflicts', { id: lead.id }).then((result) => {
      if (!current) return;
      if (result.ok) {
        setConflicts(result.data);
        setError(null);
      } else setError(errorMessage(result.error));
    });
    return () => {
      current = false;
    };
    // A synced change (seq) may come with a new conflict.
  }, [lead.id, lead.seq, version]);

  const who = (userId: string | null) =>
    userId ? (memberNames.get(userId) ?? 'another member') : 'someone';
  const shown = (conflicts ?? []).filter((c) => !c.sameValue);

  async function keepOther(conflict: LeadConflict) {
    const other = conflict.winner === 'incoming' ? conflict.previousValue : conflict.incomingValue;
    const target = conflictField(conflict.field, lead, customDefs);
    const changes = LeadFieldChanges.safeParse(target.changesFor(other));
    if (!changes.success) {
      toast(`That value cannot be written back to ${target.label}`, 'error');
      return;
    }
    const result = await engine.invoke('leads:update', { id: lead.id, changes: changes.data });
    if (!result.ok) toast(errorMessage(result.error), 'error');
    else {
      toast(`Kept the other value of ${target.label}`, 'success');
      onResolved();
      setVersion((v) => v + 1);
    }
  }

  return (
    <section className="lead-detail__section" aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`} className="lead-detail__h3">
        Sync conflicts
      </h3>
      {error ? <p className="ui-field__hint">The conflict log needs the server: {error}</p> : null}
      {conflicts && shown.length === 0 ? (
        <p className="ui-field__hint">No conflicting edits of this lead.</p>
      ) : null}
      <ul className="lead-conflicts" aria-label="Conflicts">
        {shown.map((c) => {
          const kept = c.winner === 'incoming' ? c.incomingValue : c.previousValue;
          const other = c.winner === 'incoming' ? c.previousValue : c.incomingValue;
          const keptBy = c.winner === 'incoming' ? c.incomingUserId : c.previousUserId;
          const otherBy = c.winner === 'incoming' ? c.previousUserId : c.incomingUserId;
          const target = conflictField(c.field, lead, customDefs);
          const alreadyOther = JSON.stringify(target.current) === JSON.stringify(other ?? null);
          return (
            <li key={`${c.seq}-${c.field}`} className="lead-conflicts__item">
              <div>
                <strong>{target.label}</strong> · {new Date(c.createdAt).toLocaleString()}
              </div>
              <div className="lead-conflicts__values">
                <span>
                  Kept: <code>{showValue(kept)}</code> ({who(keptBy)})
                </span>
                <span>
                  Overwritten: <code>{showValue(other)}</code> ({who(otherBy)})
                </span>
              </div>
              <Button size="sm" disabled={alreadyOther} onClick={() => void keepOther(c)}>
                {alreadyOther ? 'The other value is current' : 'Keep the other value'}
              </Button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
