/** Spawns `smtp-server.ts` in a child process with tsx and reads the mail it received. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { simpleParser, type ParsedMail } from 'mailparser';
import { afterAll, beforeAll } from 'vitest';

export interface ReceivedMail {
  from: string | null;
  to: string[];
  /** The SMTP AUTH user the message was sent with. */
  user: string | null;
  /** The SMTP session (connection) it came over. */
  session: string;
  /** The message as received (headers exactly as sent). */
  raw: string;
  parsed: ParsedMail;
}

export interface SmtpProcess {
  /** `smtp://test:secret@127.0.0.1:<port>`, for SMTP_URL. */
  url: string;
  pid: number;
  messages(): Promise<ReceivedMail[]>;
  /** Polls until a message to `to` arrives (the newest one if there are several). */
  waitForMail(to: string, timeoutMs?: number): Promise<ReceivedMail>;
  close(): Promise<void>;
}

const script = fileURLToPath(new URL('./smtp-server.ts', import.meta.url));
const tsxCli = createRequire(import.meta.url).resolve('tsx/cli');

/** One SMTP process for the calling test file: started before its tests, stopped after them. */
export function useSmtpProcess(): SmtpProcess {
  let proc: SmtpProcess | undefined;
  beforeAll(async () => {
    proc = await startSmtpProcess();
  });
  afterAll(async () => {
    await proc?.close();
  });
  const live = (): SmtpProcess => {
    if (!proc) throw new Error('the SMTP process is used before it started');
    return proc;
  };
  return {
    get url() {
      return live().url;
    },
    get pid() {
      return live().pid;
    },
    messages: () => live().messages(),
    waitForMail: (to, timeoutMs) => live().waitForMail(to, timeoutMs),
    close: () => live().close(),
  };
}

export async function startSmtpProcess(): Promise<SmtpProcess> {
  const child = spawn(process.execPath, [tsxCli, script], { stdio: ['pipe', 'pipe', 'inherit'] });
  const ports = await readPorts(child);
  const base = `http://127.0.0.1:${ports.httpPort}`;

  async function messages(): Promise<ReceivedMail[]> {
    const res = await fetch(`${base}/messages`);
    const list = (await res.json()) as {
      from: string | null;
      to: string[];
      user: string | null;
      raw: string;
      session: string;
    }[];
    return Promise.all(
      list.map(async (m) => ({
        from: m.from,
        to: m.to,
        user: m.user,
        session: m.session,
        raw: m.raw,
        parsed: await simpleParser(m.raw),
      })),
    );
  }

  return {
    url: `smtp://test:secret@127.0.0.1:${ports.smtpPort}`,
    pid: child.pid ?? -1,
    messages,
    async waitForMail(to, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = (await messages()).filter((m) => m.to.includes(to));
        const last = found.at(-1);
        if (last) return last;
        if (Date.now() > deadline) throw new Error(`no mail to ${to} within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

function readPorts(child: ChildProcess): Promise<{ smtpPort: number; httpPort: number }> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(
      () => reject(new Error('SMTP test server did not start within 20 s')),
      20_000,
    );
    child.once('exit', (code) => reject(new Error(`SMTP test server exited early (code ${code})`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      const line = buffer.split('\n').find((l) => l.startsWith('{'));
      if (line) {
        clearTimeout(timer);
        resolve(JSON.parse(line) as { smtpPort: number; httpPort: number });
      }
    });
  });
}

/** The token at the end of `${base}/<kind>/<token>` in a mail's text part. */
export function tokenFromMail(
  mail: ParsedMail,
  kind: 'invite' | 'reset-password',
  baseUrl: string,
): string {
  const escaped = baseUrl.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const match = new RegExp(`${escaped}/${kind}/([A-Za-z0-9_-]+)`).exec(mail.text ?? '');
  if (!match?.[1]) throw new Error(`no ${kind} link to ${baseUrl} in mail "${mail.subject ?? ''}"`);
  return match[1];
}
