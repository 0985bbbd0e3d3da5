/**
 * Settings → Leads: the workspace's lead settings (pipeline, custom fields, scoring, routing).
 * Managers and admins edit a draft and save it through the engine to the server
 * (`leadSettings:save`); what the engine or the server refuses shows under the field it is about.
 * SDRs see the settings read-only, and everyone does while the server cannot be reached.
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
import { canEditLeadSettings } from '@sdr/domain';
import type { LeadSettings, MemberDto } from '@sdr/schema';
import { engine } from '../../engine.ts';
import { errorMessage } from '../../errors.ts';
import { useEngineQuery } from '../../hooks/useEngineQuery.ts';
import { useSyncStatus } from '../../hooks/useSyncStatus.ts';
import { useLeads } from '../../leads/store.ts';
import { useSignedIn } from '../../stores/auth.ts';
import { CustomFieldsEditor } from './CustomFieldsEditor.tsx';
import { issueCounts, issuesByPath, type Issues } from './draft.ts';
import {
  issuesSummary,
  received,
  same,
  type Editing as GenericEditing,
} from '../settings-draft.ts';
import { PipelineEditor } from './PipelineEditor.tsx';
import { RoutingEditor } from './RoutingEditor.tsx';
import { ScoringEditor } from './ScoringEditor.tsx';
import './lead-settings.css';

type Part = keyof LeadSettings;
const PARTS: readonly { value: Part; label: string }[] = [
  { value: 'pipeline', label: 'Pipeline' },
  { value: 'customFields', label: 'Custom fields' },
  { value: 'scoring', label: 'Scoring' },
  { value: 'routing', label: 'Routing' },
];

type Editing = GenericEditing<LeadSettings>;

export function LeadsSection() {
  const { me } = useSignedIn();
  // A workspace switch starts over (its own settings, nothing of the other's draft).
  return <LeadSettingsCard key={me.workspace.id} />;
}

function LeadSettingsCard() {
  const { me } = useSignedIn();
  const sync = useSyncStatus();
  const toast = useToast();
  const [editing, setEditing] = useState<Editing | null>(null);
  const [issues, setIssues] = useState<Issues>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [part, setPart] = useState<Part>('pipeline');
  const members = useEngineQuery(() => engine.invoke('members:list', {}), me.workspace.id);

  const mayEdit = canEditLeadSettings(me.role);
  const online = sync?.connection === 'online';
  const readOnly = !mayEdit || !online;
  const dirty = editing !== null && !same(editing.draft, editing.saved);

  useEffect(() => {
    let current = true;
    void engine.invoke('leadSettings:get', {}).then((r) => {
      if (!current) return;
      if (r.ok) setEditing({ saved: r.data, draft: r.data, elsewhere: false });
      else setFormError(errorMessage(r.error));
    });
    // Saved elsewhere (another manager, another device of this user).
    const off = engine.on('leadSettings:changed', (next) => setEditing((e) => received(e, next)));
    return () => {
      current = false;
      off();
    };
  }, []);

  const counts = useMemo(() => issueCounts(issues), [issues]);

  async function save() {
    if (!editing) return;
    setSaving(true);
    setFormError(null);
    const result = await engine.invoke('leadSettings:save', editing.draft);
    setSaving(false);
    if (result.ok) {
      setEditing({ saved: result.data, draft: result.data, elsewhere: false });
      setIssues({});
      toast('Lead settings saved', 'success');
      // The Leads area is not mounted to hear `leadSettings:changed`: its stages and fields.
      const leads = useLeads.getState();
      if (leads.workspaceId === me.workspace.id) {
        void leads.loadSettings();
        void leads.loadFields();
      }
      return;
    }
    const { error } = result;
    if (error.code === 'invalid_input' && error.issues?.length) {
      const byPath = issuesByPath(error.issues);
      setIssues(byPath);
      const first = PARTS.find((p) => issueCounts(byPath)[p.value] > 0);
      if (first) setPart(first.value);
      setFormError(issuesSummary(error.issues.length));
    } else setFormError(errorMessage(error));
  }

  function change(draft: LeadSettings) {
    setEditing((e) => (e ? { ...e, draft } : e));
  }

  function discard() {
    setEditing((e) => (e ? { saved: e.saved, draft: e.saved, elsewhere: false } : e));
    setIssues({});
    setFormError(null);
  }

  const description = !mayEdit
    ? 'How leads move through the pipeline, their custom fields, scoring and routing. Only managers and admins change these.'
    : 'The pipeline, custom fields, scoring rules and routing of new leads for everyone in this workspace.';

  return (
    <Card
      title="Leads"
      description={description}
      className="lead-settings"
      actions={readOnly ? <Badge>Read-only</Badge> : null}
    >
      {mayEdit && !online && sync !== null ? (
        <Alert tone="info">
          The server cannot be reached: these are the settings as last synced, read-only until the
          app is back online.
        </Alert>
      ) : null}
      {editing?.elsewhere ? (
        <Alert tone="info">
          Someone else saved the lead settings meanwhile. Saving yours replaces theirs;{' '}
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
          <Spinner label="Loading lead settings" />
        )
      ) : (
        <Editors
          editing={editing}
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
            Save changes
          </Button>
        </FormActions>
      ) : null}
    </Card>
  );
}

function Editors({
  editing: { saved, draft },
  part,
  onPart,
  counts,
  issues,
  readOnly,
  members,
  onChange: change,
}: {
  editing: Editing;
  part: Part;
  onPart: (part: Part) => void;
  counts: Record<Part, number>;
  issues: Issues;
  readOnly: boolean;
  members: MemberDto[] | null;
  onChange: (next: LeadSettings) => void;
}) {
  return (
    <>
      <SegmentedControl
        label="Lead settings part"
        value={part}
        onChange={onPart}
        options={PARTS.map((p) => ({
          value: p.value,
          label: counts[p.value] > 0 ? `${p.label} (${counts[p.value]} to fix)` : p.label,
        }))}
      />
      {part === 'pipeline' ? (
        <PipelineEditor
          value={draft.pipeline}
          onChange={(pipeline) => change({ ...draft, pipeline })}
          issues={issues}
          readOnly={readOnly}
          savedKeys={saved.pipeline.stages.map((s) => s.key)}
        />
      ) : null}
      {part === 'customFields' ? (
        <CustomFieldsEditor
          value={draft.customFields}
          onChange={(customFields) => change({ ...draft, customFields })}
          issues={issues}
          readOnly={readOnly}
          savedKeys={saved.customFields.map((f) => f.key)}
        />
      ) : null}
      {part === 'scoring' ? (
        <ScoringEditor
          value={draft.scoring}
          onChange={(scoring) => change({ ...draft, scoring })}
          issues={issues}
          readOnly={readOnly}
        />
      ) : null}
      {part === 'routing' ? (
        <RoutingEditor
          value={draft.routing}
          onChange={(routing) => change({ ...draft, routing })}
          issues={issues}
          readOnly={readOnly}
          members={members}
        />
      ) : null}
    </>
  );
}
