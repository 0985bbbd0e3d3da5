import { describe, expect, it } from 'vitest';
import type { EngineError } from '../shared/contract.ts';
import { errorMessage, formErrors } from './errors.ts';

const FIELDS = ['email', 'password', 'workspaceName'] as const;

describe('formErrors', () => {
  it('puts each invalid_input issue under its field, whatever the path notation', () => {
    const error: EngineError = {
      code: 'invalid_input',
      message: 'Invalid input',
      issues: [
        { path: 'email', message: 'Enter a valid email address' },
        { path: 'input.password', message: 'Use at least 10 characters' },
        { path: '/workspaceName', message: 'Enter a workspace name' },
      ],
    };
    expect(formErrors(error, FIELDS)).toEqual({
      fields: {
        email: 'Enter a valid email address',
        password: 'Use at least 10 characters',
        workspaceName: 'Enter a workspace name',
      },
      form: null,
    });
  });

  it('keeps the first message per field and sends unknown paths to the form', () => {
    const error: EngineError = {
      code: 'invalid_input',
      message: 'Invalid input',
      issues: [
        { path: 'email', message: 'first' },
        { path: 'email', message: 'second' },
        { path: 'deviceName', message: 'Device name too long' },
        { path: '', message: 'Unrecognized key: "extra"' },
      ],
    };
    expect(formErrors(error, FIELDS)).toEqual({
      fields: { email: 'first' },
      form: 'Device name too long Unrecognized key: "extra"',
    });
  });

  it('does not mistake a field whose name contains another for it', () => {
    const error: EngineError = {
      code: 'invalid_input',
      message: 'Invalid input',
      issues: [{ path: 'emailConfirmation', message: 'Must match' }],
    };
    expect(formErrors(error, FIELDS)).toEqual({ fields: {}, form: 'Must match' });
  });

  it('shows any other error as a form-level message', () => {
    const error: EngineError = { code: 'unauthenticated', message: 'Wrong email or password' };
    expect(formErrors(error, FIELDS)).toEqual({ fields: {}, form: 'Wrong email or password' });
  });

  it('falls back to the message of the code for invalid_input without issues', () => {
    expect(formErrors({ code: 'invalid_input', message: '' }, FIELDS)).toEqual({
      fields: {},
      form: 'Some fields need attention.',
    });
  });
});

describe('errorMessage', () => {
  it.each([
    [
      { code: 'forbidden', message: 'Only admins can invite members' },
      'Only admins can invite members',
    ],
    [{ code: 'forbidden', message: '  ' }, 'Your role does not allow that.'],
    [{ code: 'rate_limited', message: '' }, 'Too many attempts. Wait a minute and try again.'],
    [
      { code: 'server_unreachable', message: '' },
      'The server cannot be reached. Check your connection and try again.',
    ],
    // Internal errors never show their details to the user.
    [
      { code: 'internal', message: 'TypeError: x is undefined' },
      'Something went wrong in the app. Try again; if it keeps happening, restart the app.',
    ],
  ] as const)('%o → %s', (error, text) => {
    expect(errorMessage(error)).toBe(text);
  });
});
