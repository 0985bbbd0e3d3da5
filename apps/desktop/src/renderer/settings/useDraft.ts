/**
 * The editing state of a settings document saved whole to the server (Settings → Leads,
 * Settings → Inbox): the draft (`settings-draft.ts`), the engine's field issues by path, the part
 * shown (the first one with issues after a refused save), the form error and saving flag.
 */
import { useMemo, useState } from 'react';
import type { Result } from '../../shared/contract.ts';
import { errorMessage } from '../errors.ts';
import type { Issues } from './leads/draft.ts';
import { received, refusedWithIssues, type Editing } from './settings-draft.ts';

export function useDraft<T, P extends string>(opts: {
  parts: readonly { value: P }[];
  countsOf: (issues: Issues) => Record<P, number>;
  /** Saves the draft; the stored settings on success. */
  save: (draft: T) => Promise<Result<T>>;
  onSaved: (saved: T) => void;
}) {
  const [editing, setEditing] = useState<Editing<T> | null>(null);
  const [issues, setIssues] = useState<Issues>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [part, setPart] = useState<P>(opts.parts[0]!.value);
  const { countsOf } = opts;
  const counts = useMemo(() => countsOf(issues), [countsOf, issues]);

  async function save() {
    if (!editing) return;
    setSaving(true);
    setFormError(null);
    const result = await opts.save(editing.draft);
    setSaving(false);
    if (result.ok) {
      setEditing({ saved: result.data, draft: result.data, elsewhere: false });
      setIssues({});
      opts.onSaved(result.data);
      return;
    }
    const refused =
      result.error.code === 'invalid_input'
        ? refusedWithIssues(result.error.issues, opts.parts, countsOf)
        : null;
    if (refused) {
      setIssues(refused.issues);
      if (refused.part) setPart(refused.part);
      setFormError(refused.message);
    } else setFormError(errorMessage(result.error));
  }

  return {
    editing,
    issues,
    formError,
    setFormError,
    saving,
    part,
    setPart,
    counts,
    save,
    /** Settings arrived (loaded, or saved elsewhere). */
    receive: (next: T) => setEditing((e) => received(e, next)),
    change: (draft: T) => setEditing((e) => (e ? { ...e, draft } : e)),
    discard: () => {
      setEditing((e) => (e ? { saved: e.saved, draft: e.saved, elsewhere: false } : e));
      setIssues({});
      setFormError(null);
    },
  };
}
