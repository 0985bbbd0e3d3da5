/**
 * The Leads area's small dialogs: new lead, save a view, rename, new list, confirm a deletion.
 * Each calls the engine and shows its errors under the fields they belong to.
 */
import { useState } from 'react';
import {
  Alert,
  Button,
  Checkbox,
  Dialog,
  Form,
  FormActions,
  FormError,
  FormRow,
  SegmentedControl,
  TextField,
} from '@sdr/ui';
import type { FilterNode } from '@sdr/domain';
import type {
  LeadDto,
  LeadListDto,
  SavedViewDto,
  SortKey,
  ViewColumn,
} from '../../shared/contract.ts';
import { engine } from '../engine.ts';
import { useEngineForm } from '../hooks/useEngineForm.ts';
import { MATCH_ALL } from './query.ts';

const LEAD_FIELDS = ['firstName', 'lastName', 'email', 'phone', 'company', 'title'] as const;

/** `n`: a new lead from a few fields; the rest is edited in the detail panel. */
export function NewLeadDialog({
  open,
  onClose,
  onCreated,
}: {
  open: boolean;
  onClose: () => void;
  onCreated: (lead: LeadDto) => void;
}) {
  return (
    <Dialog open={open} onClose={onClose} title="New lead">
      {open ? <NewLeadForm onClose={onClose} onCreated={onCreated} /> : null}
    </Dialog>
  );
}

function NewLeadForm({
  onClose,
  onCreated,
}: {
  onClose: () => void;
  onCreated: (lead: LeadDto) => void;
}) {
  const form = useEngineForm(LEAD_FIELDS);
  async function onSubmit(values: Record<string, string>) {
    const fields: Record<string, string> = {};
    for (const key of LEAD_FIELDS) {
      const value = values[key]?.trim() ?? '';
      if (value !== '') fields[key] = value;
    }
    const lead = await form.submit(() => engine.invoke('leads:create', { fields }));
    if (lead) onCreated(lead);
  }
  return (
    <Form onSubmit={(values) => void onSubmit(values)} aria-label="New lead">
      <FormError message={form.formError} />
      <FormRow>
        <TextField
          label="First name"
          name="firstName"
          autoFocus
          error={form.fieldErrors.firstName}
        />
        <TextField label="Last name" name="lastName" error={form.fieldErrors.lastName} />
      </FormRow>
      <TextField label="Email" name="email" type="email" error={form.fieldErrors.email} />
      <FormRow>
        <TextField
          label="Phone"
          name="phone"
          type="tel"
          hint="With the country code"
          error={form.fieldErrors.phone}
        />
        <TextField label="Company" name="company" error={form.fieldErrors.company} />
      </FormRow>
      <TextField label="Title" name="title" error={form.fieldErrors.title} />
      <FormActions>
        <Button variant="ghost" onClick={onClose}>
          Cancel
        </Button>
        <Button type="submit" variant="primary" loading={form.pending}>
          Create lead
        </Button>
      </FormActions>
    </Form>
  );
}

export type ViewDraft = {
  filter: FilterNode | undefined;
  columns: ViewColumn[];
  sort: SortKey[];
  /** The search box (kept with the view). */
  search: string;
  /** The list the leads shown are scoped to (kept with the view). */
  listId: string | null;
};

/** Saves what is on screen as a new view, or over the open view. */
export function SaveViewDialog({
  open,
  onClose,
  draft,
  existing,
  onSaved,
}: {
  open: boolean;
  onClose: () => void;
  draft: ViewDraft;
  /** The open view, when saving changes to it is possible. */
  existing: SavedViewDto | null;
  onSaved: (view: SavedViewDto) => void;
}) {
  return (
    <Dialog open={open} onClose={onClose} title="Save view">
      {open ? (
        <SaveViewForm draft={draft} existing={existing} onClose={onClose} onSaved={onSaved} />
      ) : null}
    </Dialog>
  );
}

const VIEW_FIELDS = ['name', 'scope', 'filter', 'columns', 'sort'] as const;

function SaveViewForm({
  draft,
  existing,
  onClose,
  onSaved,
}: {
  draft: ViewDraft;
  existing: SavedViewDto | null;
  onClose: () => void;
  onSaved: (view: SavedViewDto) => void;
}) {
  const form = useEngineForm(VIEW_FIELDS);
  const [scope, setScope] = useState<'personal' | 'shared'>(existing?.scope ?? 'personal');
  const [pinned, setPinned] = useState(existing?.pinned ?? true);
  const [asNew, setAsNew] = useState(existing === null);

  async function onSubmit(values: Record<string, string>) {
    const view = await form.submit(() =>
      engine.invoke('views:save', {
        ...(existing && !asNew ? { id: existing.id } : {}),
        name: values.name ?? '',
        scope,
        pinned,
        filter: draft.filter ?? MATCH_ALL,
        columns: draft.columns,
        sort: draft.sort,
        search: draft.search.trim().slice(0, 200),
        listId: draft.listId,
      }),
    );
    if (view) onSaved(view);
  }

  return (
    <Form onSubmit={(values) => void onSubmit(values)} aria-label="Save view">
      <FormError message={form.formError ?? form.fieldErrors.filter ?? form.fieldErrors.columns} />
      {existing ? (
        <SegmentedControl
          label="Save as"
          value={asNew ? 'new' : 'update'}
          options={[
            { value: 'update', label: `Update “${existing.name}”` },
            { value: 'new', label: 'A new view' },
          ]}
          onChange={(value) => setAsNew(value === 'new')}
        />
      ) : null}
      <TextField
        key={asNew ? 'new' : 'update'}
        label="Name"
        name="name"
        autoFocus
        defaultValue={existing && !asNew ? existing.name : ''}
        placeholder="e.g. Hot leads in EMEA"
        error={form.fieldErrors.name}
      />
      <SegmentedControl
        label="Who sees it"
        value={scope}
        options={[
          { value: 'personal', label: 'Only me' },
          { value: 'shared', label: 'Everyone in the workspace' },
        ]}
        onChange={setScope}
      />
      {form.fieldErrors.scope ? <Alert>{form.fieldErrors.scope}</Alert> : null}
      <Checkbox
        label="Pin to the sidebar"
        hint="Pinned views show their live count"
        checked={pinned}
        onChange={(event) => setPinned(event.target.checked)}
      />
      <FormActions>
        <Button variant="ghost" onClick={onClose}>
          Cancel
        </Button>
        <Button type="submit" variant="primary" loading={form.pending}>
          Save view
        </Button>
      </FormActions>
    </Form>
  );
}

/** Renames a view or a list. */
export function RenameDialog({
  target,
  onClose,
  onRenamed,
}: {
  target: { kind: 'view'; view: SavedViewDto } | { kind: 'list'; list: LeadListDto } | null;
  onClose: () => void;
  onRenamed: () => void;
}) {
  const form = useEngineForm(['name'] as const);
  const current = target?.kind === 'view' ? target.view.name : (target?.list.name ?? '');

  async function onSubmit(values: Record<string, string>) {
    if (!target) return;
    const name = values.name ?? '';
    const {
      ownerId: _o,
      updatedAt: _u,
      ...rest
    } = target.kind === 'view' ? target.view : target.list;
    const saved =
      target.kind === 'view'
        ? await form.submit(() =>
            engine.invoke('views:save', {
              ...(rest as Omit<SavedViewDto, 'ownerId' | 'updatedAt'>),
              name,
            }),
          )
        : await form.submit(() =>
            engine.invoke('lists:save', {
              ...(rest as Omit<LeadListDto, 'ownerId' | 'updatedAt'>),
              name,
            }),
          );
    if (saved) onRenamed();
  }

  return (
    <Dialog open={target !== null} onClose={onClose} title={`Rename “${current}”`}>
      {target ? (
        <Form onSubmit={(values) => void onSubmit(values)} aria-label="Rename">
          <FormError message={form.formError} />
          <TextField
            label="Name"
            name="name"
            autoFocus
            defaultValue={current}
            error={form.fieldErrors.name}
          />
          <FormActions>
            <Button variant="ghost" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" variant="primary" loading={form.pending}>
              Rename
            </Button>
          </FormActions>
        </Form>
      ) : null}
    </Dialog>
  );
}

/** A new list: hand-picked (static) or every lead matching the current filter (dynamic). */
export function NewListDialog({
  open,
  onClose,
  filter,
  onCreated,
}: {
  open: boolean;
  onClose: () => void;
  /** The filter on screen; a dynamic list needs one. */
  filter: FilterNode | undefined;
  onCreated: (list: LeadListDto) => void;
}) {
  return (
    <Dialog open={open} onClose={onClose} title="New list">
      {open ? <NewListForm filter={filter} onClose={onClose} onCreated={onCreated} /> : null}
    </Dialog>
  );
}

function NewListForm({
  filter,
  onClose,
  onCreated,
}: {
  filter: FilterNode | undefined;
  onClose: () => void;
  onCreated: (list: LeadListDto) => void;
}) {
  const form = useEngineForm(['name', 'filter'] as const);
  const [kind, setKind] = useState<'static' | 'dynamic'>('static');
  async function onSubmit(values: Record<string, string>) {
    const list = await form.submit(() =>
      engine.invoke('lists:save', {
        name: values.name ?? '',
        kind,
        filter: kind === 'dynamic' ? (filter ?? null) : null,
      }),
    );
    if (list) onCreated(list);
  }
  return (
    <Form onSubmit={(values) => void onSubmit(values)} aria-label="New list">
      <FormError message={form.formError ?? form.fieldErrors.filter} />
      <TextField label="Name" name="name" autoFocus error={form.fieldErrors.name} />
      <SegmentedControl
        label="Kind"
        value={kind}
        options={[
          { value: 'static', label: 'Hand-picked leads' },
          { value: 'dynamic', label: 'Leads matching the filter' },
        ]}
        onChange={setKind}
      />
      {kind === 'dynamic' && !filter ? (
        <Alert tone="info">
          Build a filter first: a dynamic list holds every lead matching it, now and later.
        </Alert>
      ) : null}
      {kind === 'static' ? (
        <p className="dialog-note">
          Add leads to it from the table: select them, then “Add to list”.
        </p>
      ) : null}
      <FormActions>
        <Button variant="ghost" onClick={onClose}>
          Cancel
        </Button>
        <Button
          type="submit"
          variant="primary"
          loading={form.pending}
          disabled={kind === 'dynamic' && !filter}
        >
          Create list
        </Button>
      </FormActions>
    </Form>
  );
}

/** "Delete X?" with the engine's error shown when it refuses. */
export function ConfirmDialog({
  open,
  title,
  text,
  confirm,
  onClose,
  onConfirm,
}: {
  open: boolean;
  title: string;
  text: string;
  confirm: string;
  onClose: () => void;
  onConfirm: () => Promise<string | null>;
}) {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <Dialog
      open={open}
      onClose={() => {
        setError(null);
        onClose();
      }}
      title={title}
    >
      <div className="dialog-stack">
        <FormError message={error} />
        <p>{text}</p>
        <FormActions>
          <Button variant="ghost" onClick={onClose}>
            Cancel
          </Button>
          <Button
            variant="danger"
            loading={pending}
            onClick={() => {
              setPending(true);
              void onConfirm().then((message) => {
                setPending(false);
                setError(message);
              });
            }}
          >
            {confirm}
          </Button>
        </FormActions>
      </div>
    </Dialog>
  );
}
