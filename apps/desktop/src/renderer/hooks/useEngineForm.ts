import { useState } from 'react';
import type { Result } from '../../shared/contract.ts';
import { formErrors } from '../errors.ts';

/**
 * State for a form that calls the engine: whether it is submitting, the error under each field and
 * the form-level error. `submit` runs the call and returns its data, or null after showing errors.
 */
export function useEngineForm<F extends string>(fields: readonly F[]) {
  const [pending, setPending] = useState(false);
  const [fieldErrors, setFieldErrors] = useState<Partial<Record<F, string>>>({});
  const [formError, setFormError] = useState<string | null>(null);

  async function submit<T>(call: () => Promise<Result<T>>): Promise<T | null> {
    setPending(true);
    setFormError(null);
    try {
      const result = await call();
      if (result.ok) {
        setFieldErrors({});
        return result.data;
      }
      const errors = formErrors(result.error, fields);
      setFieldErrors(errors.fields);
      setFormError(errors.form);
      return null;
    } finally {
      setPending(false);
    }
  }

  return { pending, fieldErrors, formError, submit };
}
