import { useEffect, useId, useRef } from 'react';
import type { InputHTMLAttributes, ReactNode } from 'react';

export type CheckboxProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'type' | 'id'> & {
  label: ReactNode;
  /** Keep the label for screen readers only (e.g. a row's selection box). */
  hideLabel?: boolean;
  /** The mixed state ("some selected"). */
  indeterminate?: boolean;
  hint?: ReactNode;
};

/** A native checkbox with its label; supports the indeterminate state. */
export function Checkbox({
  label,
  hideLabel = false,
  indeterminate = false,
  hint,
  className,
  ...rest
}: CheckboxProps) {
  const id = useId();
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (ref.current) ref.current.indeterminate = indeterminate;
  }, [indeterminate]);
  return (
    <span className={className ? `ui-checkbox ${className}` : 'ui-checkbox'}>
      <input ref={ref} id={id} type="checkbox" className="ui-checkbox__input" {...rest} />
      <label htmlFor={id} className={hideLabel ? 'ui-visually-hidden' : 'ui-checkbox__label'}>
        {label}
        {hint ? <span className="ui-checkbox__hint">{hint}</span> : null}
      </label>
    </span>
  );
}
