/**
 * Frames of the multiplexed sync socket (one WebSocket per client, many docs). Binary, lib0
 * encoded: a varUint frame type, then the fields in the order listed here. See README.md for the
 * conversation (hello → welcome → catch-up pages → live changes; updates → acks).
 */
import type { CompensationCode } from './decide.ts';

/**
 * The version this code speaks. 2 added rows shipped as JSON text (row flag 2, see `Change`);
 * a server still answers version-1 clients (`MIN_PROTOCOL_VERSION`) with row flag 1 only.
 */
export const PROTOCOL_VERSION = 2;
export const MIN_PROTOCOL_VERSION = 1;

/** Wire ids of the frame types. Never renumber; add new ones at the end. */
export const FRAME_TYPES = {
  hello: 0,
  welcome: 1,
  update: 2,
  ack: 3,
  catchupRequest: 4,
  catchupPage: 5,
  change: 6,
  evict: 7,
  docSync: 8,
  error: 9,
} as const;
export type FrameType = keyof typeof FRAME_TYPES;

export const COMPENSATION_CODES = [
  'invalid_value',
  'forbidden_field',
  'unknown_field',
  'notes_too_long',
  'schema_version',
] as const satisfies readonly CompensationCode[];

/** Codes of `error` frames (server → client). */
export const PROTOCOL_ERROR_CODES = [
  'unauthorized',
  'forbidden',
  'client_too_old',
  'read_only',
  'malformed_frame',
  'malformed_update',
  'missing_dependencies',
  'unknown_doc',
  'rate_limited',
  'internal',
] as const;
export type ProtocolErrorCode = (typeof PROTOCOL_ERROR_CODES)[number];

/** One entry of the workspace change log as a client sees it. */
export type Change =
  | {
      readonly kind: 'record';
      readonly seq: number;
      readonly docName: string;
      /** The Yjs update of this change; `null` when a row is shipped without its doc (initial sync). */
      readonly update: Uint8Array | null;
      /** The projected row values after this change; `null` when only the update is sent. */
      readonly row: Readonly<Record<string, unknown>> | null;
      /**
       * Encoding only (never set by `decodeFrame`): the row as JSON text, in place of `row`. Sent
       * as is to peers of protocol ≥ 2 (row flag 2); parsed and sent as `row` to older peers.
       */
      readonly rowJson?: string;
    }
  | { readonly kind: 'evict'; readonly seq: number; readonly docName: string }
  | {
      /** A server-owned fact (score, delivery status, ...): a plain row, never in Yjs. */
      readonly kind: 'fact';
      readonly seq: number;
      readonly entity: string;
      readonly id: string;
      readonly data: unknown;
    };

export interface Reason {
  readonly field: string;
  readonly code: CompensationCode;
  readonly message: string;
}

export type Frame =
  | {
      readonly type: 'hello';
      readonly protocolVersion: number;
      readonly clientVersion: string;
      readonly installationClientId: number;
      /** Last change-log seq the client has applied (0: none). */
      readonly cursor: number;
    }
  | {
      readonly type: 'welcome';
      readonly headSeq: number;
      readonly minClientVersion: string;
      /** True when the client is older than `minClientVersion`: it must not send updates. */
      readonly readOnly: boolean;
    }
  | {
      readonly type: 'update';
      readonly docName: string;
      /** Per-installation sequence of outbox entries; echoed in the `ack`. */
      readonly clientSeq: number;
      readonly payload: Uint8Array;
    }
  | {
      readonly type: 'ack';
      readonly clientSeq: number;
      readonly serverSeq: number;
      readonly compensation: Uint8Array | null;
      readonly reasons: readonly Reason[];
    }
  | { readonly type: 'catchupRequest'; readonly afterSeq: number; readonly limit: number }
  | {
      readonly type: 'catchupPage';
      readonly changes: readonly Change[];
      /** Ask for `afterSeq: nextSeq` next. */
      readonly nextSeq: number;
      readonly done: boolean;
    }
  | { readonly type: 'change'; readonly change: Change }
  | { readonly type: 'evict'; readonly docName: string }
  | {
      readonly type: 'docSync';
      readonly docName: string;
      /** A y-protocols sync message (step 1, step 2 or update) for this one doc. */
      readonly payload: Uint8Array;
    }
  | {
      readonly type: 'error';
      readonly code: ProtocolErrorCode;
      readonly message: string;
      /** The `update` this error answers, if any. */
      readonly clientSeq: number | null;
    };

export type FrameOf<T extends FrameType> = Extract<Frame, { type: T }>;

export type FrameErrorCode =
  'empty' | 'truncated' | 'unknown_type' | 'invalid_field' | 'trailing_bytes';

export type DecodeResult<T> =
  | { readonly ok: true; readonly value: T }
  | {
      readonly ok: false;
      readonly error: { readonly code: FrameErrorCode; readonly message: string };
    };

/** Bounds the decoder enforces on untrusted frames. */
export const PROTOCOL_LIMITS = {
  shortString: 200,
  message: 4_000,
  catchupLimit: 10_000,
  changesPerPage: 10_000,
  reasonsPerAck: 1_000,
  /** Characters of a row shipped as JSON text. */
  rowJson: 1_000_000,
} as const;
