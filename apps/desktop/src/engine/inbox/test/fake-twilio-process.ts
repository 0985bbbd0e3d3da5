/**
 * The sync server's fake Twilio (apps/sync-server/src/test/fake-twilio/main.ts) as a child
 * process, driven through its `/__fake/*` control routes over HTTP, for the engine's inbox tests:
 * it receives the server's outbound SMS (Twilio's Messages API) and posts signed inbound-message
 * webhooks as Twilio does. Nothing of the sync server's code is imported.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(
  new URL('../../../../../sync-server/src/test/fake-twilio/main.ts', import.meta.url),
);
const tsxCli = createRequire(import.meta.url).resolve('tsx/cli');

export interface FakeSms {
  sid: string;
  to: string;
  from: string;
  body: string;
  /** The `MediaUrl` parameters of the create request. */
  mediaUrls: string[];
}

export interface FakeTwilioProcess {
  url: string;
  /** A new Twilio account the fake accepts (one per workspace: an account SID is unique). */
  newAccount(): Promise<{ accountSid: string; authToken: string }>;
  /** Messages the server created through the Messages API (outbound). */
  messages(): Promise<FakeSms[]>;
  /** POSTs a signed inbound SMS webhook to `url`, signed for `signUrl` (the server's public URL). */
  sendInbound(input: {
    accountSid: string;
    url: string;
    signUrl: string;
    from: string;
    to: string;
    body: string;
  }): Promise<{ status: number }>;
  close(): Promise<void>;
}

export async function startFakeTwilio(): Promise<FakeTwilioProcess> {
  const child = spawn(process.execPath, [tsxCli, script, '--port', '0', '--exit-with-stdin'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(() => reject(new Error('fake Twilio did not start')), 30_000);
    child.once('exit', (code) => reject(new Error(`fake Twilio exited (${code})`)));
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      const line = buffer.split('\n').find((l) => l.startsWith('{'));
      if (line) {
        clearTimeout(timer);
        resolve((JSON.parse(line) as { url: string }).url);
      }
    });
  });
  const control = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${url}/__fake/${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`fake Twilio ${path}: ${res.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
  return {
    url,
    async newAccount() {
      const account = {
        accountSid: `AC${randomBytes(16).toString('hex')}`,
        authToken: randomBytes(16).toString('hex'),
      };
      await control('POST', 'accounts', account);
      return account;
    },
    async messages() {
      const state = await control<{
        messages: {
          sid: string;
          to: string;
          from: string;
          body: string;
          params: Record<string, string | string[]>;
        }[];
      }>('GET', 'state');
      return state.messages.map((m) => {
        const media = m.params['MediaUrl'];
        return {
          sid: m.sid,
          to: m.to,
          from: m.from,
          body: m.body,
          mediaUrls: media === undefined ? [] : Array.isArray(media) ? media : [media],
        };
      });
    },
    sendInbound: (input) => control('POST', 'inbound', input),
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
