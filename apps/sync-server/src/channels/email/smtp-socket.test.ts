/**
 * The SMTP transport's socket: writes of one event-loop turn leave together (nothing reaches the
 * peer until the turn ends, then everything in order), a refused connection is the plain
 * `ECONNREFUSED` nodemailer reports for its own connections, and a pooled transport over it
 * delivers to the real SMTP server process.
 */
import net from 'node:net';
import nodemailer from 'nodemailer';
import { afterEach, describe, expect, it } from 'vitest';
import { useSmtpProcess } from '../../test/harness.ts';
import { coalesceWrites, coalescingSocket } from './smtp-socket.ts';

const smtp = useSmtpProcess();
const closers: (() => void)[] = [];
afterEach(() => {
  for (const c of closers.splice(0)) c();
});

function listen(onData: (chunk: Buffer) => void): Promise<number> {
  const server = net.createServer((s) => s.on('data', onData));
  closers.push(() => server.close());
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)),
  );
}

describe('SMTP socket', () => {
  it('holds the writes of one turn and sends them together, in order', async () => {
    const received: Buffer[] = [];
    const port = await listen((c) => received.push(c));
    const socket = coalesceWrites(net.connect({ host: '127.0.0.1', port }));
    closers.push(() => socket.destroy());
    await new Promise((r) => socket.once('connect', r));
    socket.write('MAIL FROM:<a@b>\r\n');
    socket.write(Buffer.from('RCPT TO:<c@d>\r\n'));
    socket.write('DATA\r\n');
    expect(socket.writableCorked).toBe(1);
    await new Promise((r) => setTimeout(r, 20));
    expect(socket.writableCorked).toBe(0);
    expect(Buffer.concat(received).toString()).toBe('MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\n');
    // The next turn is corked again.
    socket.write('QUIT\r\n');
    expect(socket.writableCorked).toBe(1);
  });

  it('reports a refused connection as ECONNREFUSED', async () => {
    const port = await listen(() => {});
    closers.pop()!(); // closed again: nothing listens on `port`
    const err = await new Promise<unknown>((resolve) =>
      coalescingSocket(5000)({ host: '127.0.0.1', port }, (e) => resolve(e)),
    );
    expect(err).toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('carries a pooled nodemailer transport to the SMTP server', async () => {
    const url = new URL(smtp.url);
    const transport = nodemailer.createTransport({
      pool: true,
      maxConnections: 2,
      host: url.hostname,
      port: Number(url.port),
      secure: false,
      auth: { user: 'test', pass: 'secret' },
      getSocket: coalescingSocket(5000),
    });
    closers.push(() => transport.close());
    const bodies = ['one', 'two', 'three'].map((w) => `Body ${w}\r\n.leading dot\r\n`);
    await Promise.all(
      bodies.map((text, i) =>
        transport.sendMail({
          from: 'rep@sdr.test',
          to: 'lea@lead.example',
          subject: `S${i}`,
          text,
          messageId: `<sock-${i}@sdr.test>`,
        }),
      ),
    );
    const got = await smtp.messages();
    for (const [i, text] of bodies.entries()) {
      const m = got.find((x) => x.raw.includes(`<sock-${i}@sdr.test>`));
      expect(m?.raw).toContain(text);
    }
  });
});
