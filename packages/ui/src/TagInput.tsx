import { useId, useState } from 'react';
import type { KeyboardEvent, ReactNode } from 'react';
import { Icon } from './Icon.tsx';
import { FieldError } from './TextField.tsx';

export type TagInputProps = {
  label: ReactNode;
  values: readonly string[];
  /** Called with the new list; the caller validates and saves it. */
  onChange: (values: string[]) => void;
  /** Offered while typing (a `datalist`). */
  suggestions?: readonly string[];
  placeholder?: string;
  error?: string | undefined;
  hideLabel?: boolean;
  disabled?: boolean;
};

/**
 * A list of short values as removable chips, with a text box that adds one on Enter or comma
 * (pasting "a, b, c" adds three). Backspace in the empty box removes the last chip.
 */
export function TagInput({
  label,
  values,
  onChange,
  suggestions,
  placeholder = 'Add…',
  error,
  hideLabel = false,
  disabled = false,
}: TagInputProps) {
  const id = useId();
  const listId = `${id}-suggestions`;
  const errorId = `${id}-error`;
  const [draft, setDraft] = useState('');

  function commit(text: string) {
    const parts = text
      .split(/[,;\n]/)
      .map((part) => part.trim())
      .filter((part) => part.length > 0 && !values.includes(part));
    setDraft('');
    if (parts.length > 0) onChange([...values, ...new Set(parts)]);
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === 'Enter' || event.key === ',') {
      if (draft.trim() === '') return;
      event.preventDefault();
      commit(draft);
    } else if (event.key === 'Backspace' && draft === '' && values.length > 0) {
      onChange(values.slice(0, -1));
    }
  }

  return (
    <div className="ui-field">
      <label className={hideLabel ? 'ui-visually-hidden' : 'ui-field__label'} htmlFor={id}>
        {label}
      </label>
      <div className="ui-tags" aria-invalid={error ? true : undefined}>
        <ul className="ui-tags__list" aria-label="Current values">
          {values.map((value) => (
            <li key={value} className="ui-tag">
              <span>{value}</span>
              <button
                type="button"
                className="ui-tag__remove"
                aria-label={`Remove ${value}`}
                disabled={disabled}
                onClick={() => onChange(values.filter((v) => v !== value))}
              >
                <Icon name="x" size={12} />
              </button>
            </li>
          ))}
        </ul>
        <input
          id={id}
          className="ui-tags__input"
          value={draft}
          placeholder={placeholder}
          disabled={disabled}
          list={suggestions && suggestions.length > 0 ? listId : undefined}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? errorId : undefined}
          onChange={(event) => {
            const text = event.target.value;
            if (/[,;]/.test(text)) commit(text);
            else setDraft(text);
          }}
          onKeyDown={onKeyDown}
          onBlur={() => {
            if (draft.trim() !== '') commit(draft);
          }}
        />
        {suggestions && suggestions.length > 0 ? (
          <datalist id={listId}>
            {suggestions
              .filter((s) => !values.includes(s))
              .map((s) => (
                <option key={s} value={s} />
              ))}
          </datalist>
        ) : null}
      </div>
      <FieldError id={errorId} message={error} />
    </div>
  );
}
