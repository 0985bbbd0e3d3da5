/** y-protocols sync messages built from bytes (a state vector, an update), without a Y.Doc. */
import * as encoding from 'lib0/encoding';
import { messageYjsSyncStep1, messageYjsSyncStep2, messageYjsUpdate } from 'y-protocols/sync';

function message(type: number, body: Uint8Array): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, type);
  encoding.writeVarUint8Array(e, body);
  return encoding.toUint8Array(e);
}

export const syncStep1Bytes = (stateVector: Uint8Array): Uint8Array =>
  message(messageYjsSyncStep1, stateVector);
export const syncStep2Bytes = (update: Uint8Array): Uint8Array =>
  message(messageYjsSyncStep2, update);
export const syncUpdateBytes = (update: Uint8Array): Uint8Array =>
  message(messageYjsUpdate, update);
