/**
 * Settings → Leads: the workspace's lead settings (pipeline, custom fields, scoring, routing).
 * Managers and admins edit a draft and save it through the engine to the server
 * (`leadSettings:save`); what the engine or the server refuses shows under the field it is about.
 * SDRs see the settings read-only, and everyone does while the server cannot be reached.
 */
import { useEffect } from 'react';
import { Badge, Card, SegmentedControl, useToast } from '@sdr/ui';
import { canEditLeadSettings } from '@sdr/domain';
import type { LeadSettings, MemberDto } from '@sdr/schema';
import { engine } from '../../engine.ts';
import { errorMessage } from '../../errors.ts';
import { useEngineQuery } from '../../hooks/useEngineQuery.ts';
import { useSyncStatus } from '../../hooks/useSyncStatus.ts';
import { useLeads } from '../../leads/store.ts';
import { useSignedIn } from '../../stores/auth.ts';
import { CustomFieldsEditor } from './CustomFieldsEditor.tsx';
import { issueCounts, type Issues } from './draft.ts';
import { DraftBody } from '../DraftBody.tsx';
import type { Editing as GenericEditing } from '../settings-draft.ts';
import { useDraft } from '../useDraft.ts';
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
  const members = useEngineQuery(() => engine.invoke('members:list', {}), me.workspace.id);
  const d = useDraft<LeadSettings, Part>({
    parts: PARTS,
    countsOf: issueCounts,
    save: (draft) => engine.invoke('leadSettings:save', draft),
    onSaved: () => {
      toast('Lead settings saved', 'success');
      // The Leads area is not mounted to hear `leadSettings:changed`: its stages and fields.
      const leads = useLeads.getState();
      if (leads.workspaceId === me.workspace.id) {
        void leads.loadSettings();
        void leads.loadFields();
      }
    },
  });
  const { editing, receive, setFormError } = d;

  const mayEdit = canEditLeadSettings(me.role);
  const online = sync?.connection === 'online';
  const readOnly = !mayEdit || !online;

  useEffect(() => {
    let current = true;
    void engine.invoke('leadSettings:get', {}).then((r) => {
      if (!current) return;
      if (r.ok) receive(r.data);
      else setFormError(errorMessage(r.error));
    });
    // Saved elsewhere (another manager, another device of this user).
    const off = engine.on('leadSettings:changed', receive);
    return () => {
      current = false;
      off();
    };
    // Once: `receive` and `setFormError` only set state.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

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
      <DraftBody
        noun="lead settings"
        mayEdit={mayEdit}
        online={online}
        syncKnown={sync !== null}
        editing={editing}
        formError={d.formError}
        saving={d.saving}
        saveLabel="Save changes"
        onDiscard={d.discard}
        onSave={() => void d.save()}
      >
        {editing ? (
          <Editors
            editing={editing}
            part={d.part}
            onPart={d.setPart}
            counts={d.counts}
            issues={d.issues}
            readOnly={readOnly}
            members={members.data}
            onChange={d.change}
          />
        ) : null}
      </DraftBody>
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
