/** Opens a raw WebSocket and resolves with how it closed (tests of refusals). */
import WebSocket from 'ws';

export function closeOf(url: string, timeoutMs = 5000): Promise<{ code: number; reason: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const t = setTimeout(() => {
      ws.terminate();
      reject(new Error(`${url} stayed open`));
    }, timeoutMs);
    ws.on('close', (code, reason) => {
      clearTimeout(t);
      resolve({ code, reason: reason.toString() });
    });
    ws.on('error', () => {});
  });
}
