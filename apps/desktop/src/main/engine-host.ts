/**
 * Runs the engine as an Electron utility process and speaks to it over its message port: contract
 * requests out, responses and events back, plus the engine's two asks of main, safeStorage for the
 * refresh token and OS notifications. Restarts the engine if it dies unexpectedly.
 */
import { Notification, safeStorage, utilityProcess, type UtilityProcess } from 'electron';
import type { EngineFrame, EventFrame, Result } from '../shared/contract.ts';
import { NotifyMessage, SecretRequest, type SecretResponse } from '../shared/engine-port.ts';
import type { Logger } from '../engine/logger.ts';
import { engineProcessEnv } from './env.ts';

export interface EngineHost {
  request(channel: string, input: unknown): Promise<Result<unknown>>;
  onEvent(listener: (frame: EventFrame) => void): () => void;
  stop(): void;
}

/** Real keychain encryption only: Linux's `basic_text` fallback is obfuscation, so store plainly. */
function keychainAvailable(): boolean {
  if (!safeStorage.isEncryptionAvailable()) return false;
  return process.platform !== 'linux' || safeStorage.getSelectedStorageBackend() !== 'basic_text';
}

function answerSecret(req: SecretRequest): SecretResponse {
  try {
    if (req.op === 'encrypt') {
      if (!keychainAvailable())
        return { type: 'secret-result', id: req.id, ok: true, value: req.value, encrypted: false };
      const value = safeStorage.encryptString(req.value).toString('base64');
      return { type: 'secret-result', id: req.id, ok: true, value, encrypted: true };
    }
    const value = safeStorage.decryptString(Buffer.from(req.value, 'base64'));
    return { type: 'secret-result', id: req.id, ok: true, value, encrypted: true };
  } catch (err) {
    return {
      type: 'secret-result',
      id: req.id,
      ok: false,
      message: err instanceof Error ? err.message : 'failed',
    };
  }
}

export function startEngineHost(opts: { entry: string; dataDir: string; log: Logger }): EngineHost {
  const { log } = opts;
  let child: UtilityProcess;
  let stopping = false;
  let recentCrashes: number[] = [];
  let nextId = 1;
  const pending = new Map<number, (result: Result<unknown>) => void>();
  const listeners = new Set<(frame: EventFrame) => void>();

  const onMessage = (message: unknown) => {
    const secret = SecretRequest.safeParse(message);
    if (secret.success) return child.postMessage(answerSecret(secret.data));
    const notify = NotifyMessage.safeParse(message);
    if (notify.success) {
      if (Notification.isSupported()) {
        const shown = new Notification({ title: notify.data.title, body: notify.data.body });
        const open = notify.data.open;
        // A click opens what it is about (the renderer's `notifications:open`).
        if (open) {
          shown.on('click', () => {
            const frame: EventFrame = { type: 'event', event: 'notifications:open', payload: open };
            for (const listener of listeners) listener(frame);
          });
        }
        shown.show();
      }
      return;
    }
    const frame = message as EngineFrame;
    if (frame?.type === 'response') {
      pending.get(frame.id)?.(frame.result);
      pending.delete(frame.id);
    } else if (frame?.type === 'event') {
      for (const listener of listeners) listener(frame);
    } else if (frame?.type === 'protocol-error') {
      log.error('engine could not read a request', { error: frame.error });
    }
  };

  const spawn = () => {
    child = utilityProcess.fork(opts.entry, [], {
      serviceName: 'SDR Engine',
      env: engineProcessEnv(opts.dataDir),
      stdio: 'inherit',
    });
    child.on('message', onMessage);
    child.on('exit', (code) => {
      for (const settle of pending.values()) {
        settle({
          ok: false,
          error: { code: 'internal', message: 'The engine stopped; try again' },
        });
      }
      pending.clear();
      if (stopping) return;
      const now = Date.now();
      recentCrashes = [...recentCrashes.filter((t) => now - t < 60_000), now];
      if (recentCrashes.length > 5) {
        log.error('engine keeps exiting; not restarting it again', { code });
        return;
      }
      log.error('engine exited; restarting', { code });
      setTimeout(spawn, 1000);
    });
  };
  spawn();

  return {
    request(channel, input) {
      const id = nextId++;
      return new Promise((resolve) => {
        pending.set(id, resolve);
        child.postMessage({ type: 'request', id, channel, input });
      });
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    stop() {
      stopping = true;
      child.kill();
    },
  };
}
