/**
 * The one error type of the HTTP API. Every failure a client can see has a code from this union;
 * `httpStatus` maps each code to its status with an exhaustive switch, so adding a code without a
 * status fails to compile.
 */
export type ApiErrorCode =
  | 'invalid_input'
  | 'malformed_json'
  | 'invalid_token'
  | 'unauthenticated'
  | 'invalid_credentials'
  | 'refresh_token_reused'
  | 'token_expired'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'email_taken'
  | 'last_admin'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'rate_limited'
  | 'mail_failed'
  | 'provider_failed'
  | 'internal';

export type ApiErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 429 | 500 | 502;

export function httpStatus(code: ApiErrorCode): ApiErrorStatus {
  switch (code) {
    case 'invalid_input':
    case 'malformed_json':
    case 'invalid_token':
      return 400;
    case 'unauthenticated':
    case 'invalid_credentials':
    case 'refresh_token_reused':
    case 'token_expired':
      return 401;
    case 'forbidden':
      return 403;
    case 'not_found':
      return 404;
    case 'conflict':
    case 'email_taken':
    case 'last_admin':
      return 409;
    case 'payload_too_large':
      return 413;
    case 'unsupported_media_type':
      return 415;
    case 'rate_limited':
      return 429;
    case 'mail_failed':
    case 'provider_failed':
      return 502;
    case 'internal':
      return 500;
  }
}

export interface Issue {
  path: string;
  message: string;
}

export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: ApiErrorStatus;
  readonly issues: Issue[] | undefined;

  constructor(
    readonly code: ApiErrorCode,
    message: string,
    options: { cause?: unknown; issues?: Issue[] } = {},
  ) {
    super(message, { cause: options.cause });
    this.status = httpStatus(code);
    this.issues = options.issues;
  }
}

export interface ErrorBodyShape {
  error: { code: ApiErrorCode; message: string; requestId?: string; issues?: Issue[] };
}

export function errorBody(err: ApiError, requestId: string | undefined): ErrorBodyShape {
  return {
    error: {
      code: err.code,
      message: err.message,
      ...(requestId ? { requestId } : {}),
      ...(err.issues ? { issues: err.issues } : {}),
    },
  };
}
