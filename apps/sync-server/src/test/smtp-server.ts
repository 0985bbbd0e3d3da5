/**
 * A real SMTP server for tests, run as a separate process (`tsx smtp-server.ts`). It requires
 * AUTH (user `test`, password `secret`), keeps every message it receives, and serves them as JSON
 * at `GET /messages` on a small HTTP port. On start it prints one JSON line:
 * `{"smtpPort":…,"httpPort":…}`. Recipients starting with `reject-` are refused with 550 5.1.1,
 * `tempfail-` with 451 4.3.0 (to test how senders treat 5xx and 4xx replies); each message records
 * the id of the SMTP session it came over (a pooled client sends several over one).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export const SMTP_USER = 'test';
export const SMTP_PASSWORD = 'secret';

interface Received {
  from: string | null;
  to: string[];
  user: string | null;
  raw: string;
  session: string;
}

const received: Received[] = [];

const smtp = new SMTPServer({
  logger: false,
  secure: false,
  disabledCommands: ['STARTTLS'],
  allowInsecureAuth: true,
  authOptional: false,
  onAuth(auth, _session, callback) {
    if (auth.username === SMTP_USER && auth.password === SMTP_PASSWORD)
      callback(null, { user: auth.username });
    else callback(new Error('Invalid username or password'));
  },
  onRcptTo(address, _session, callback) {
    const local = address.address.toLowerCase();
    if (local.startsWith('reject-')) {
      callback(
        Object.assign(new Error('5.1.1 Recipient address rejected: User unknown'), {
          responseCode: 550,
        }),
      );
    } else if (local.startsWith('tempfail-')) {
      callback(Object.assign(new Error('4.3.0 Try again later'), { responseCode: 451 }));
    } else callback();
  },
  onData(stream, session, callback) {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => {
      const from = session.envelope.mailFrom;
      received.push({
        from: from ? from.address : null,
        to: session.envelope.rcptTo.map((r) => r.address),
        user: typeof session.user === 'string' ? session.user : null,
        raw: Buffer.concat(chunks).toString('utf8'),
        session: session.id,
      });
      callback();
    });
  },
});

const http = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/messages') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(received));
    return;
  }
  res.writeHead(404).end();
});

function listen(server: {
  listen(port: number, host: string, cb: () => void): unknown;
}): Promise<void> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
}

await listen(smtp.server);
await listen(http);
const smtpPort = (smtp.server.address() as AddressInfo).port;
const httpPort = (http.address() as AddressInfo).port;
process.stdout.write(`${JSON.stringify({ smtpPort, httpPort })}\n`);

// Exit with the parent: when stdin closes (parent gone) or on SIGTERM.
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
