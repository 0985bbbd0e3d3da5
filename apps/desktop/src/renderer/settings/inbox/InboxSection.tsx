/**
 * Settings → Inbox: the workspace's inbox settings (routing, business hours, SLA, escalation,
 * queue weights, shared templates). Managers and admins edit a draft and save it through the
 * engine's command outbox (`inbox:saveSettings` → `PUT /api/v1/inbox/settings`), offline too:
 * the save shows as waiting until the server has it, and as refused with the server's reason
 * (dismissable). What the engine's schema check refuses shows under the field it is about. SDRs
 * see the settings read-only. Same draft state machine and part editors' building blocks as Settings → Leads.
 */
import { useEffect, useState } from 'react';
import { Alert, Badge, Button, Card, SegmentedControl, useToast } from '@sdr/ui';
import type { InboxSettings, MemberDto } from '@sdr/schema';
import type { InboxSettingsDto } from '../../../shared/contract.ts';
import { engine } from '../../engine.ts';
import { errorMessage } from '../../errors.ts';
import { useEngineQuery } from '../../hooks/useEngineQuery.ts';
import { useSyncStatus } from '../../hooks/useSyncStatus.ts';
import { useSignedIn } from '../../stores/auth.ts';
import type { Issues } from '../leads/draft.ts';
import { DraftBody } from '../DraftBody.tsx';
import { useDraft } from '../useDraft.ts';
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
  const [source, setSource] = useState<InboxSettingsDto['source'] | null>(null);
  const [outbox, setOutbox] = useState<InboxSettingsDto['save']>(null);
  const members = useEngineQuery(() => engine.invoke('members:list', {}), me.workspace.id);
  const d = useDraft<InboxSettings, InboxPart>({
    parts: INBOX_PARTS,
    countsOf: inboxIssueCounts,
    save: async (draft) => {
      const r = await engine.invoke('inbox:saveSettings', draft);
      if (!r.ok) return r;
      setSource(r.data.source);
      setOutbox(r.data.save);
      return { ok: true, data: r.data.settings };
    },
    onSaved: () =>
      toast(
        online
          ? 'Inbox settings saved'
          : 'Inbox settings saved on this device; they are sent when the app is back online',
        'success',
      ),
  });
  const { editing, receive, setFormError } = d;

  const mayEdit = me.role === 'manager' || me.role === 'admin';
  const online = sync?.connection === 'online';
  const readOnly = !mayEdit;

  useEffect(() => {
    let current = true;
    void engine.invoke('inbox:settings', {}).then((r) => {
      if (!current) return;
      if (r.ok) {
        receive(r.data.settings);
        setSource(r.data.source);
        setOutbox(r.data.save);
      } else setFormError(errorMessage(r.error));
    });
    // Saved elsewhere (another manager, another device), read when the engine refreshed them.
    const off = engine.on('inbox:settingsChanged', (next) => {
      receive(next.settings);
      setSource(next.source);
      setOutbox(next.save);
    });
    return () => {
      current = false;
      off();
    };
    // Again when back online (fresh from the server); `receive`/`setFormError` only set state.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [online]);

  const description = !mayEdit
    ? 'Who gets new conversations, business hours, response targets, escalation and shared templates. Only managers and admins change these.'
    : 'Who gets new conversations, business hours, response targets (SLA), escalation, queue order and shared reply templates for everyone in this workspace.';

  return (
    <Card
      title="Inbox"
      description={description}
      className="lead-settings inbox-settings"
      actions={
        readOnly ? (
          <Badge>Read-only</Badge>
        ) : outbox?.state === 'pending' ? (
          <Badge>Pending</Badge>
        ) : null
      }
    >
      <DraftBody
        noun="inbox settings"
        mayEdit={mayEdit}
        online={online}
        syncKnown={sync !== null}
        editing={editing}
        formError={d.formError}
        saving={d.saving}
        saveLabel="Save inbox settings"
        offlineNote={source === 'defaults' ? ' (never synced: the defaults)' : ''}
        offlineEditable
        status={
          outbox?.state === 'pending' ? (
            <Alert tone="info">Your last save is waiting to be sent to the server.</Alert>
          ) : outbox?.state === 'failed' ? (
            <Alert>
              The server refused your last save: {outbox.error}{' '}
              <Button
                size="sm"
                onClick={() =>
                  void engine
                    .invoke('inbox:dismissCommand', { id: outbox.commandId })
                    .then(() => setOutbox(null))
                }
              >
                Dismiss
              </Button>
            </Alert>
          ) : null
        }
        onDiscard={d.discard}
        onSave={() => void d.save()}
      >
        {editing ? (
          <Editors
            draft={editing.draft}
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
