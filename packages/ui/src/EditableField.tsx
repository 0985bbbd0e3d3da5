import { useId, useRef, useState } from 'react';
import type { ReactNode } from 'react';
import { FieldError } from './TextField.tsx';

export type EditableFieldProps = {
  label: ReactNode;
  /** The saved value. When it changes (e.g. someone else's edit), the field shows it unless the person typed something else. */
  value: string;
  /** Called with the typed text on Enter or when focus leaves, if it differs from `value`. */
  onCommit: (text: string) => void;
  /** What is wrong with the last commit; the typed text stays so it can be fixed. */
  error?: string | undefined;
  hint?: ReactNode;
  type?: string;
  placeholder?: string;
  multiline?: boolean;
  disabled?: boolean;
  /** Shows that a commit is on its way. */
  saving?: boolean;
};

/**
 * A field edited in place: it looks like text until focused, saves on Enter (Cmd/Ctrl+Enter when
 * multiline) or on blur, and Escape puts back the saved value.
 */
export function EditableField({
  label,
  value,
  onCommit,
  error,
  hint,
  type = 'text',
  placeholder = '—',
  multiline = false,
  disabled = false,
  saving = false,
}: EditableFieldProps) {
  const id = useId();
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
  const [draft, setDraft] = useState(value);
  const [editing, setEditing] = useState(false);
  const [seen, setSeen] = useState(value);
  /** True once the person typed; only typed text is ever saved. */
  const [dirty, setDirty] = useState(false);
  /** The text last handed to `onCommit` (Enter then blur must not save twice). */
  const [sent, setSent] = useState<string | null>(null);
  /** Escape: the blur that follows does not save. */
  const cancelled = useRef(false);
  // A new saved value (this field's save, or someone else's edit) replaces the text unless the
  // person has typed something else.
  if (value !== seen) {
    setSeen(value);
    // The answer to this field's own save (perhaps normalised) also replaces the text.
    if (!dirty || value === draft || sent === draft) {
      setDraft(value);
      setDirty(false);
      setSent(null);
    }
  }

  function commit() {
    setEditing(false);
    if (cancelled.current) {
      cancelled.current = false;
      return;
    }
    if (!dirty || draft === sent) return;
    if (draft === value) {
      setDirty(false);
      return;
    }
    setSent(draft);
    onCommit(draft);
  }

  function cancel() {
    cancelled.current = true;
    setSent(null);
    setDraft(value);
    setDirty(false);
  }

  // The hint shows while editing, so a column of fields stays compact.
  const showHint = !!hint && !error && editing;
  const describedBy = [error ? errorId : null, showHint ? hintId : null].filter(Boolean).join(' ');
  const common = {
    id,
    value: draft,
    placeholder,
    disabled,
    className: multiline ? 'ui-editable__input ui-editable__input--multi' : 'ui-editable__input',
    'aria-invalid': error ? true : undefined,
    'aria-describedby': describedBy || undefined,
    'aria-busy': saving || undefined,
    onFocus: () => {
      setEditing(true);
      cancelled.current = false;
    },
    onBlur: commit,
  };
  return (
    <div className="ui-editable">
      <label className="ui-editable__label" htmlFor={id}>
        {label}
      </label>
      {multiline ? (
        <textarea
          {...common}
          rows={4}
          onChange={(event) => {
            setSent(null);
            setDirty(true);
            setDraft(event.target.value);
          }}
          onKeyDown={(event) => {
            if (event.key === 'Enter' && (event.metaKey || event.ctrlKey)) {
              event.preventDefault();
              commit();
            } else if (event.key === 'Escape') {
              event.stopPropagation();
              cancel();
              event.currentTarget.blur();
            }
          }}
        />
      ) : (
        <input
          {...common}
          type={type}
          onChange={(event) => {
            setSent(null);
            setDirty(true);
            setDraft(event.target.value);
          }}
          onKeyDown={(event) => {
            if (event.key === 'Enter') {
              event.preventDefault();
              commit();
            } else if (event.key === 'Escape') {
              event.stopPropagation();
              cancel();
              event.currentTarget.blur();
            }
          }}
        />
      )}
      {showHint ? (
        <p id={hintId} className="ui-field__hint">
          {hint}
        </p>
      ) : null}
      <FieldError id={errorId} message={error} />
    </div>
  );
}
