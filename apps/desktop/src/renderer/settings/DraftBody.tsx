/**
 * The body of a settings card that edits a whole document saved to the server (Settings →
 * Leads, Settings → Inbox): the "offline, read-only" and "saved elsewhere meanwhile" notices, a
 * spinner (or the load error) until the settings are here, the part editors (`children`), the
 * form error, and Discard / Save. State lives in the section (see `settings-draft.ts`).
 */
import type { ReactNode } from 'react';
import { Alert, Button, FormActions, Spinner } from '@sdr/ui';
import { same, type Editing } from './settings-draft.ts';

export function DraftBody<T>({
  noun,
  mayEdit,
  online,
  syncKnown,
  editing,
  formError,
  saving,
  saveLabel,
  offlineNote = '',
  offlineEditable = false,
  status = null,
  onDiscard,
  onSave,
  children,
}: {
  /** What is edited, e.g. "lead settings". */
  noun: string;
  mayEdit: boolean;
  online: boolean;
  /** False until the sync status is known (no offline notice before). */
  syncKnown: boolean;
  editing: Editing<T> | null;
  formError: string | null;
  saving: boolean;
  saveLabel: string;
  /** Added to the offline notice (e.g. "never synced: the defaults"). */
  offlineNote?: string;
  /** Saved offline too (kept on the device, sent when back online): editable while offline. */
  offlineEditable?: boolean;
  /** Shown above the actions (e.g. a save waiting to be sent, or refused). */
  status?: ReactNode;
  onDiscard: () => void;
  onSave: () => void;
  children: ReactNode;
}) {
  const readOnly = !mayEdit || (!online && !offlineEditable);
  const dirty = editing !== null && !same(editing.draft, editing.saved);
  return (
    <>
      {mayEdit && !online && syncKnown && offlineEditable ? (
        <Alert tone="info">
          The server cannot be reached: these are the {noun} as last synced{offlineNote}. What you
          save is kept on this device and sent when the app is back online.
        </Alert>
      ) : null}
      {mayEdit && !online && syncKnown && !offlineEditable ? (
        <Alert tone="info">
          The server cannot be reached: these are the settings as last synced{offlineNote},
          read-only until the app is back online.
        </Alert>
      ) : null}
      {editing?.elsewhere ? (
        <Alert tone="info">
          Someone else saved the {noun} meanwhile. Saving yours replaces theirs;{' '}
          <button type="button" className="link-button" onClick={onDiscard}>
            load theirs
          </button>{' '}
          to start again from them.
        </Alert>
      ) : null}
      {!editing ? (
        formError ? (
          <Alert>{formError}</Alert>
        ) : (
          <Spinner label={`Loading ${noun}`} />
        )
      ) : (
        children
      )}
      {editing && formError ? <Alert>{formError}</Alert> : null}
      {editing ? status : null}
      {editing && !readOnly ? (
        <FormActions>
          <Button disabled={!dirty || saving} onClick={onDiscard}>
            Discard changes
          </Button>
          <Button variant="primary" loading={saving} disabled={!dirty} onClick={onSave}>
            {saveLabel}
          </Button>
        </FormActions>
      ) : null}
    </>
  );
}
