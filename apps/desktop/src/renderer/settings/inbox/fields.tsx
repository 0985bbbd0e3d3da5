/**
 * Small inputs of the inbox settings editor: a whole-number field (empty allowed where the
 * setting may be "none"), and a row of checkboxes over a fixed list of values.
 */
import { useState } from 'react';
import { Checkbox, TextField } from '@sdr/ui';
import { toggled } from './inbox-draft.ts';

/**
 * A number typed as text: the setting changes only when the text is a number (or empty, when
 * `nullable`: null); otherwise the field says why. `error` is the engine's issue for the path.
 */
export function NumberField({
  label,
  value,
  onChange,
  nullable = false,
  error,
  hint,
  readOnly,
  className,
}: {
  label: string;
  value: number | null;
  onChange: (next: number | null) => void;
  nullable?: boolean;
  error?: string | undefined;
  hint?: string;
  readOnly: boolean;
  className?: string;
}) {
  const [text, setText] = useState(value === null ? '' : String(value));
  const [local, setLocal] = useState<string | undefined>(undefined);
  const [shown, setShown] = useState(value);
  // The value changed elsewhere (discard, settings saved elsewhere): show it (adjusted while
  // rendering, not in an effect).
  if (shown !== value) {
    setShown(value);
    const same = text.trim() !== '' && Number(text) === value;
    if (!same) setText(value === null ? '' : String(value));
    setLocal(undefined);
  }
  return (
    <TextField
      label={label}
      inputMode="numeric"
      value={text}
      disabled={readOnly}
      hint={hint}
      className={className}
      error={local ?? error}
      onChange={(e) => {
        const t = e.target.value;
        setText(t);
        if (t.trim() === '') {
          if (nullable) {
            setLocal(undefined);
            onChange(null);
          } else setLocal('Enter a number');
          return;
        }
        const n = Number(t);
        if (!Number.isFinite(n)) {
          setLocal('Enter a number');
          return;
        }
        setLocal(undefined);
        onChange(n);
      }}
    />
  );
}

/** Checkboxes over `options`; `chosen` in the order ticked. */
export function Checks<T extends string>({
  legend,
  options,
  chosen,
  onChange,
  readOnly,
  error,
  hint,
}: {
  legend: string;
  options: readonly { value: T; label: string }[];
  chosen: readonly T[];
  onChange: (next: T[]) => void;
  readOnly: boolean;
  error?: string | undefined;
  hint?: string;
}) {
  return (
    <fieldset className="lead-settings__checks">
      <legend className="ui-field__label">{legend}</legend>
      {options.map((o) => (
        <Checkbox
          key={o.value}
          label={o.label}
          checked={chosen.includes(o.value)}
          disabled={readOnly}
          onChange={(e) => onChange(toggled(chosen, o.value, e.target.checked))}
        />
      ))}
      {hint ? <p className="lead-settings__muted inbox-settings__hint">{hint}</p> : null}
      {error ? <p className="ui-field__error">{error}</p> : null}
    </fieldset>
  );
}
