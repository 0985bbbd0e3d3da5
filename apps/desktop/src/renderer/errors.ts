/**
 * Turns engine errors into what a person reads: a sentence for the form, and `invalid_input`
 * issues placed under the field they belong to.
 */
import type { EngineError } from '../shared/contract.ts';

/** The fallback text for each code, used when the engine sends no message of its own. */
function fallbackText(code: EngineError['code']): string {
  switch (code) {
    case 'invalid_input':
      return 'Some fields need attention.';
    case 'unknown_channel':
      return 'This app and its engine are different versions. Restart the app.';
    case 'unauthenticated':
      return 'Your session has ended. Sign in again.';
    case 'forbidden':
      return 'Your role does not allow that.';
    case 'not_found':
      return 'That no longer exists.';
    case 'conflict':
      return 'That conflicts with something that already exists.';
    case 'rate_limited':
      return 'Too many attempts. Wait a minute and try again.';
    case 'server_unreachable':
      return 'The server cannot be reached. Check your connection and try again.';
    case 'server_error':
      return 'The server ran into a problem. Try again in a moment.';
    case 'internal':
      return 'Something went wrong in the app. Try again; if it keeps happening, restart the app.';
  }
}

/** One sentence for an error: the engine's own message when it has one, else the code's text. */
export function errorMessage(error: EngineError): string {
  if (error.code === 'internal') return fallbackText('internal');
  const message = error.message.trim();
  return message.length > 0 ? message : fallbackText(error.code);
}

export type FormErrors<F extends string> = {
  fields: Partial<Record<F, string>>;
  form: string | null;
};

/** Field name of an issue path such as `email`, `/email`, `input.email` or `["email"]`. */
function fieldOf<F extends string>(path: string, fields: readonly F[]): F | undefined {
  const segments = path.split(/[./[\]"']+/).filter(Boolean);
  return fields.find((field) => segments.includes(field));
}

/**
 * Splits an error between the form's fields and the form itself. Issues on known fields go under
 * those fields (first message wins); everything else becomes the form-level message.
 */
export function formErrors<F extends string>(
  error: EngineError,
  fields: readonly F[],
): FormErrors<F> {
  if (error.code !== 'invalid_input' || !error.issues?.length) {
    return { fields: {}, form: errorMessage(error) };
  }
  const byField: Partial<Record<F, string>> = {};
  const leftovers: string[] = [];
  for (const issue of error.issues) {
    const field = fieldOf(issue.path, fields);
    if (field === undefined) leftovers.push(issue.message);
    else byField[field] ??= issue.message;
  }
  return { fields: byField, form: leftovers.length > 0 ? leftovers.join(' ') : null };
}
