/**
 * y-protocols sync messages for one doc, carried in `docSync` frames (and, unchanged, on the
 * standard y-websocket endpoint). Decoding here never applies anything: a step 2 or update from a
 * client is a write and must go through `validateAndCompensate` like any other.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import {
  messageYjsSyncStep1,
  messageYjsSyncStep2,
  messageYjsUpdate,
  writeSyncStep1,
  writeSyncStep2,
  writeUpdate,
} from 'y-protocols/sync';
import type * as Y from 'yjs';
import type { DecodeResult } from './protocol-types.ts';

export type SyncMessage =
  | { readonly kind: 'step1'; readonly stateVector: Uint8Array }
  | { readonly kind: 'step2'; readonly update: Uint8Array }
  | { readonly kind: 'update'; readonly update: Uint8Array };

/** "Here is what I have; send me what I lack." */
export function syncStep1Payload(doc: Y.Doc): Uint8Array {
  const e = encoding.createEncoder();
  writeSyncStep1(e, doc);
  return encoding.toUint8Array(e);
}

/** The answer to a step 1: everything in `doc` the peer's state vector lacks. */
export function syncStep2Payload(doc: Y.Doc, stateVector: Uint8Array): Uint8Array {
  const e = encoding.createEncoder();
  writeSyncStep2(e, doc, stateVector);
  return encoding.toUint8Array(e);
}

export function syncUpdatePayload(update: Uint8Array): Uint8Array {
  const e = encoding.createEncoder();
  writeUpdate(e, update);
  return encoding.toUint8Array(e);
}

/** Reads a y-protocols sync message without applying it. Never throws. */
export function decodeSyncPayload(payload: Uint8Array): DecodeResult<SyncMessage> {
  try {
    const d = decoding.createDecoder(payload);
    const type = decoding.readVarUint(d);
    const body = decoding.readVarUint8Array(d).slice();
    if (d.pos !== payload.length) {
      return {
        ok: false,
        error: { code: 'trailing_bytes', message: 'bytes after the sync message' },
      };
    }
    switch (type) {
      case messageYjsSyncStep1:
        return { ok: true, value: { kind: 'step1', stateVector: body } };
      case messageYjsSyncStep2:
        return { ok: true, value: { kind: 'step2', update: body } };
      case messageYjsUpdate:
        return { ok: true, value: { kind: 'update', update: body } };
      default:
        return {
          ok: false,
          error: { code: 'unknown_type', message: `unknown sync message ${type}` },
        };
    }
  } catch (e) {
    return {
      ok: false,
      error: { code: 'truncated', message: e instanceof Error ? e.message : String(e) },
    };
  }
}
