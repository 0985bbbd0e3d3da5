/**
 * Settings → Inbox: the workspace's inbox settings (routing, business hours, SLA, escalation,
 * queue weights, shared templates). Managers and admins edit a draft and save it through the
 * engine to the server (`inbox:saveSettings` → `PUT /api/v1/inbox/settings`; online only); what
 * the engine's schema check or the server refuses shows under the field it is about. SDRs see
 * the settings read-only, and everyone does while the server cannot be reached (the engine's
 * cached copy). Same draft state machine and part editors' building blocks as Settings → Leads.
 */
import { useEffect, useMemo, useState } from 'react';
import {
  Alert,
  Badge,
  Button,
  Card,
  FormActions,
  SegmentedControl,
  Spinner,
  useToast,
} from '@sdr/ui';
import type { InboxSettings, MemberDto } from '@sdr/schema';
import type { InboxSettingsDto } from '../../../shared/contract.ts';
import { engine } from '../../engine.ts';
import { errorMessage } from '../../errors.ts';
import { useEngineQuery } from '../../hooks/useEngineQuery.ts';
import { useSyncStatus } from '../../hooks/useSyncStatus.ts';
import { useSignedIn } from '../../stores/auth.ts';
import { issuesByPath, type Issues } from '../leads/draft.ts';
import { issuesSummary, received, same, type Editing } from '../settings-draft.ts';
import { HoursEditor } from './HoursEditor.tsx';
import { INBOX_PARTS, inboxIssueCounts, type InboxPart } from './inbox-draft.ts';
import { InboxRoutingEditor } from './InboxRoutingEditor.tsx';
import { EscalationsEditor, SlaEditor } from './SlaEditor.tsx';
import { QueueWeightsEditor, TemplatesEditor } from './TemplatesEditor.tsx';
import '../leads/lead-settings.css';
import './inbox-settings.css';

export function InboxSection() {
  const { me } = useSignedIn();
  // A workspace switch starts over (its own settings, nothing of the other's draft).
  return <InboxSettingsCard key={me.workspace.id} />;
}

function InboxSettingsCard() {
  const { me } = useSignedIn();
  const sync = useSyncStatus();
  const toast = useToast();
  const [editing, setEditing] = useState<Editing<InboxSettings> | null>(null);
  const [source, setSource] = useState<InboxSettingsDto['source'] | null>(null);
  const [issues, setIssues] = useState<Issues>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [part, setPart] = useState<InboxPart>('routing');
  const members = useEngineQuery(() => engine.invoke('members:list', {}), me.workspace.id);

  const mayEdit = me.role === 'manager' || me.role === 'admin';
  const online = sync?.connection === 'online';
  const readOnly = !mayEdit || !online;
  const dirty = editing !== null && !same(editing.draft, editing.saved);

  useEffect(() => {
    let current = true;
    void engine.invoke('inbox:settings', {}).then((r) => {
      if (!current) return;
      if (r.ok) {
        setEditing((e) => received(e, r.data.settings));
        setSource(r.data.source);
      } else setFormError(errorMessage(r.error));
    });
    // Saved elsewhere (another manager, another device), read when the engine refreshed them.
    const off = engine.on('inbox:settingsChanged', (next) => {
      setEditing((e) => received(e, next.settings));
      setSource(next.source);
    });
    return () => {
      current = false;
      off();
    };
  }, [online]);

  const counts = useMemo(() => inboxIssueCounts(issues), [issues]);

  async function save() {
    if (!editing) return;
    setSaving(true);
    setFormError(null);
    const result = await engine.invoke('inbox:saveSettings', editing.draft);
    setSaving(false);
    if (result.ok) {
      setEditing({ saved: result.data.settings, draft: result.data.settings, elsewhere: false });
      setSource(result.data.source);
      setIssues({});
      toast('Inbox settings saved', 'success');
      return;
    }
    const { error } = result;
    if (error.code === 'invalid_input' && error.issues?.length) {
      const byPath = issuesByPath(error.issues);
      setIssues(byPath);
      const first = INBOX_PARTS.find((p) => inboxIssueCounts(byPath)[p.value] > 0);
      if (first) setPart(first.value);
      setFormError(issuesSummary(error.issues.length));
    } else setFormError(errorMessage(error));
  }

  const change = (draft: InboxSettings) => setEditing((e) => (e ? { ...e, draft } : e));

  function discard() {
    setEditing((e) => (e ? { saved: e.saved, draft: e.saved, elsewhere: false } : e));
    setIssues({});
    setFormError(null);
  }

  const description = !mayEdit
    ? 'Who gets new conversations, business hours, response targets, escalation and shared templates. Only managers and admins change these.'
    : 'Who gets new conversations, business hours, response targets (SLA), escalation, queue order and shared reply templates for everyone in this workspace.';

  return (
    <Card
      title="Inbox"
      description={description}
      className="lead-settings inbox-settings"
      actions={readOnly ? <Badge>Read-only</Badge> : null}
    >
      {mayEdit && !online && sync !== null ? (
        <Alert tone="info">
          The server cannot be reached: these are the inbox settings as last synced
          {source === 'defaults' ? ' (never synced: the defaults)' : ''}, read-only until the app is
          back online.
        </Alert>
      ) : null}
      {editing?.elsewhere ? (
        <Alert tone="info">
          Someone else saved the inbox settings meanwhile. Saving yours replaces theirs;{' '}
          <button type="button" className="link-button" onClick={discard}>
            load theirs
          </button>{' '}
          to start again from them.
        </Alert>
      ) : null}
      {!editing ? (
        formError ? (
          <Alert>{formError}</Alert>
        ) : (
          <Spinner label="Loading inbox settings" />
        )
      ) : (
        <Editors
          draft={editing.draft}
          part={part}
          onPart={setPart}
          counts={counts}
          issues={issues}
          readOnly={readOnly}
          members={members.data}
          onChange={change}
        />
      )}
      {editing && formError ? <Alert>{formError}</Alert> : null}
      {editing && !readOnly ? (
        <FormActions>
          <Button disabled={!dirty || saving} onClick={discard}>
            Discard changes
          </Button>
          <Button variant="primary" loading={saving} disabled={!dirty} onClick={() => void save()}>
            Save inbox settings
          </Button>
        </FormActions>
      ) : null}
    </Card>
  );
}

function Editors({
  draft,
  part,
  onPart,
  counts,
  issues,
  readOnly,
  members,
  onChange: change,
}: {
  draft: InboxSettings;
  part: InboxPart;
  onPart: (part: InboxPart) => void;
  counts: Record<InboxPart, number>;
  issues: Issues;
  readOnly: boolean;
  members: MemberDto[] | null;
  onChange: (next: InboxSettings) => void;
}) {
  const common = { issues, readOnly };
  return (
    <>
      <SegmentedControl
        label="Inbox settings part"
        value={part}
        onChange={onPart}
        options={INBOX_PARTS.map((p) => ({
          value: p.value,
          label: counts[p.value] > 0 ? `${p.label} (${counts[p.value]} to fix)` : p.label,
        }))}
      />
      {part === 'routing' ? (
        <InboxRoutingEditor
          {...common}
          value={draft.routing}
          members={members}
          onChange={(routing) => change({ ...draft, routing })}
        />
      ) : null}
      {part === 'hours' ? (
        <HoursEditor
          {...common}
          value={draft.businessHours}
          onChange={(businessHours) => change({ ...draft, businessHours })}
        />
      ) : null}
      {part === 'sla' ? (
        <SlaEditor {...common} value={draft.sla} onChange={(sla) => change({ ...draft, sla })} />
      ) : null}
      {part === 'escalations' ? (
        <EscalationsEditor
          {...common}
          value={draft.escalations}
          onChange={(escalations) => change({ ...draft, escalations })}
        />
      ) : null}
      {part === 'queue' ? (
        <QueueWeightsEditor
          {...common}
          value={draft.queue}
          onChange={(queue) => change({ ...draft, queue })}
        />
      ) : null}
      {part === 'templates' ? (
        <TemplatesEditor
          {...common}
          value={draft.templates}
          onChange={(templates) => change({ ...draft, templates })}
        />
      ) : null}
    </>
  );
}
