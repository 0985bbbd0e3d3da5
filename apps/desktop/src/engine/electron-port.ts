/**
 * The engine's only piece that knows it may run inside Electron: a utility process talks to main over
 * `process.parentPort`. Typed structurally so the engine never imports `electron`.
 */
import { SecretResponse, type NotifyMessage, type SecretRequest } from '../shared/engine-port.ts';
import type { EngineFrame } from '../shared/contract.ts';
import type { Engine } from './engine.ts';
import { handleRequest } from './frames.ts';
import type { Logger } from './logger.ts';
import { remoteSecretBox, type SecretBox } from './secret-box.ts';

export interface ParentPortLike {
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

/** The parent port when running as an Electron utility process, else undefined. */
export function findParentPort(): ParentPortLike | undefined {
  return (process as { parentPort?: ParentPortLike }).parentPort;
}

type Outgoing = EngineFrame | SecretRequest | NotifyMessage;

/**
 * Splits the port's traffic: secret results settle pending requests, everything else is a contract
 * request. Returns the secret box (backed by main's safeStorage) and a function to start serving.
 */
export function connectParentPort(port: ParentPortLike, log: Logger) {
  const post = (message: Outgoing) => port.postMessage(message);
  let nextId = 1;
  const pending = new Map<number, (res: SecretResponse) => void>();
  let engine: Engine | null = null;
  const early: unknown[] = [];

  const serve = (data: unknown) => {
    if (!engine) return void early.push(data);
    handleRequest(engine.dispatch, data)
      .then(post)
      .catch((err: unknown) => log.error('request failed', { err }));
  };

  port.on('message', ({ data }) => {
    const secret = SecretResponse.safeParse(data);
    if (secret.success) {
      pending.get(secret.data.id)?.(secret.data);
      pending.delete(secret.data.id);
      return;
    }
    serve(data);
  });

  const box: SecretBox = remoteSecretBox(
    (op, value) =>
      new Promise((resolve, reject) => {
        const id = nextId++;
        pending.set(id, (res) =>
          res.ok
            ? resolve({ value: res.value, encrypted: res.encrypted })
            : reject(new Error(res.message)),
        );
        post({ type: 'secret', id, op, value });
      }),
  );

  return {
    box,
    notify: (
      title: string,
      body: string,
      open?: { conversationId: string | null; queueItemId: string | null },
    ) =>
      post({
        type: 'notify',
        title: title.slice(0, 200),
        body: body.slice(0, 1000),
        ...(open ? { open } : {}),
      }),
    /** Starts answering contract requests (queued ones first) and forwarding events. */
    attach(ready: Engine) {
      engine = ready;
      ready.subscribe((event, payload) => post({ type: 'event', event, payload }));
      for (const data of early.splice(0)) serve(data);
    },
  };
}
