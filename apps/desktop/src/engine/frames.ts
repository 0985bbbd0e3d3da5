/**
 * Turns one raw transport frame into the engine's answer. Shared by the WebSocket and the Electron
 * parent port. Never throws: a malformed frame gets a typed error back.
 */
import { RequestFrame, type ResponseFrame, type ProtocolErrorFrame } from '../shared/contract.ts';
import type { Dispatch } from './router.ts';

export async function handleFrame(
  dispatch: Dispatch,
  raw: string | null,
): Promise<ResponseFrame | ProtocolErrorFrame> {
  if (raw === null) return protocolError('Frames must be JSON text');
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return protocolError('Frames must be JSON text');
  }
  return handleRequest(dispatch, json);
}

export async function handleRequest(
  dispatch: Dispatch,
  json: unknown,
): Promise<ResponseFrame | ProtocolErrorFrame> {
  const frame = RequestFrame.safeParse(json);
  if (!frame.success) {
    const id = idOf(json);
    const message = 'Malformed request frame';
    if (id === null) return protocolError(message);
    return {
      type: 'response',
      id,
      result: { ok: false, error: { code: 'invalid_input', message } },
    };
  }
  const { id, channel, input } = frame.data;
  return { type: 'response', id, result: await dispatch(channel, input) };
}

function idOf(json: unknown): number | null {
  if (typeof json !== 'object' || json === null || !('id' in json)) return null;
  const { id } = json;
  return typeof id === 'number' && Number.isInteger(id) && id >= 0 ? id : null;
}

function protocolError(message: string): ProtocolErrorFrame {
  return { type: 'protocol-error', error: { code: 'invalid_input', message } };
}
