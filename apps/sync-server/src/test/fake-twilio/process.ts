/**
 * Runs the fake Twilio (`main.ts`) as a child process with tsx, like `../smtp.ts` does for SMTP:
 * for tests that want the fake outside their own event loop (e2e, benchmarks).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { connectFakeTwilio, type FakeTwilioRemote } from './control.ts';

export interface FakeTwilioProcess extends FakeTwilioRemote {
  pid: number;
  close(): Promise<void>;
}

const script = fileURLToPath(new URL('./main.ts', import.meta.url));
const tsxCli = createRequire(import.meta.url).resolve('tsx/cli');

export async function startFakeTwilioProcess(
  options: { port?: number; accounts?: { accountSid: string; authToken: string }[] } = {},
): Promise<FakeTwilioProcess> {
  const args = [tsxCli, script, '--port', String(options.port ?? 0), '--exit-with-stdin'];
  for (const a of options.accounts ?? []) args.push('--account', `${a.accountSid}:${a.authToken}`);
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  const { url } = await readUrl(child);
  return {
    ...connectFakeTwilio(url),
    pid: child.pid ?? -1,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

function readUrl(child: ChildProcess): Promise<{ url: string }> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(
      () => reject(new Error('fake Twilio did not start within 20 s')),
      20_000,
    );
    child.once('exit', (code) => reject(new Error(`fake Twilio exited early (code ${code})`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      const line = buffer.split('\n').find((l) => l.startsWith('{'));
      if (line) {
        clearTimeout(timer);
        resolve(JSON.parse(line) as { url: string });
      }
    });
  });
}
