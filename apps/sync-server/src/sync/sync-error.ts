/**
 * The one error type of the sync module. Expected refusals (a forbidden doc, a missing
 * dependency) are results, not throws; `SyncError` is for what a caller may map to a protocol
 * error frame, a WebSocket close code or an HTTP status.
 */
import type { ProtocolErrorCode } from '@sdr/schema/sync';

export type SyncErrorCode =
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'invalid_input'
  | 'read_only'
  | 'malformed_update'
  | 'missing_dependencies'
  | 'internal';

export class SyncError extends Error {
  override readonly name = 'SyncError';
  constructor(
    readonly code: SyncErrorCode,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
  }
}

/** The `error` frame code for a sync error code. */
export function protocolCode(code: SyncErrorCode): ProtocolErrorCode {
  switch (code) {
    case 'unauthorized':
      return 'unauthorized';
    case 'forbidden':
    case 'not_found':
    case 'conflict':
      return 'forbidden';
    case 'invalid_input':
    case 'malformed_update':
      return 'malformed_update';
    case 'read_only':
      return 'read_only';
    case 'missing_dependencies':
      return 'missing_dependencies';
    case 'internal':
      return 'internal';
  }
}

/** WebSocket close codes of `/sync` and `/yjs` (4000-4999 are free for applications). */
export const CLOSE_CODES = {
  /** Missing, bad or expired access token, or the session ended. */
  unauthorized: 4401,
  /** `/yjs`: the doc belongs to another workspace or is not visible to the user. */
  forbidden: 4403,
  /** `/sync`: unsupported protocol version in `hello`. */
  protocol: 4400,
  /** The server is shutting down. */
  goingAway: 1001,
} as const;
