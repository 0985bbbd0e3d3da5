import type { FormEvent, FormHTMLAttributes, ReactNode } from 'react';
import { Icon } from './Icon.tsx';

export type FormProps = Omit<FormHTMLAttributes<HTMLFormElement>, 'onSubmit'> & {
  /** Called with the form's values; the browser's own submission is always prevented. */
  onSubmit: (values: Record<string, string>, event: FormEvent<HTMLFormElement>) => void;
};

/**
 * A form that submits on Enter like any HTML form, skips the browser's validation bubbles (the
 * caller shows its own field errors) and hands over the named fields' values as strings.
 */
export function Form({ onSubmit, children, className, ...rest }: FormProps) {
  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const values: Record<string, string> = {};
    new FormData(event.currentTarget).forEach((value, key) => {
      if (typeof value === 'string') values[key] = value;
    });
    onSubmit(values, event);
  }
  return (
    <form
      noValidate
      className={className ? `ui-form ${className}` : 'ui-form'}
      onSubmit={handleSubmit}
      {...rest}
    >
      {children}
    </form>
  );
}

export function FormRow({ children }: { children: ReactNode }) {
  return <div className="ui-form-row">{children}</div>;
}

export function FormActions({ children }: { children: ReactNode }) {
  return <div className="ui-form-actions">{children}</div>;
}

export type AlertTone = 'error' | 'success' | 'info';

/** A message box. Errors are announced immediately (`role="alert"`), the rest politely. */
export function Alert({ tone = 'error', children }: { tone?: AlertTone; children: ReactNode }) {
  const className = tone === 'error' ? 'ui-alert' : `ui-alert ui-alert--${tone}`;
  return (
    <div className={className} role={tone === 'error' ? 'alert' : 'status'}>
      <Icon name={tone === 'success' ? 'check' : tone === 'info' ? 'info' : 'alert'} size={16} />
      <div>{children}</div>
    </div>
  );
}

/** The form-level error (one not tied to a field); renders nothing without a message. */
export function FormError({ message }: { message: string | null | undefined }) {
  if (!message) return null;
  return <Alert tone="error">{message}</Alert>;
}
