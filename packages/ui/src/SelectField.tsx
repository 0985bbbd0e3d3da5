import { useId } from 'react';
import type { ReactNode, SelectHTMLAttributes } from 'react';
import { FieldError } from './TextField.tsx';

export type SelectOption = { value: string; label: string };

export type SelectFieldProps = Omit<SelectHTMLAttributes<HTMLSelectElement>, 'id'> & {
  label: ReactNode;
  options: readonly SelectOption[];
  error?: string | undefined;
  /** Hide the label visually (it stays available to screen readers), e.g. inside a table row. */
  hideLabel?: boolean;
  /** A smaller control, e.g. inside a table row. */
  compact?: boolean;
};

/** A labelled native `<select>`: keyboard and screen-reader behaviour come from the platform. */
export function SelectField({
  label,
  options,
  error,
  hideLabel = false,
  compact = false,
  ...rest
}: SelectFieldProps) {
  const id = useId();
  const errorId = `${id}-error`;
  return (
    <div className="ui-field">
      <label className={hideLabel ? 'ui-visually-hidden' : 'ui-field__label'} htmlFor={id}>
        {label}
      </label>
      <select
        id={id}
        className={compact ? 'ui-select ui-select--sm' : 'ui-select'}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? errorId : undefined}
        {...rest}
      >
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
      <FieldError id={errorId} message={error} />
    </div>
  );
}
