/**
 * The TCP connection of a pooled nodemailer transport (its `getSocket` option), opened here so
 * that what nodemailer writes in one go reaches the wire in one go.
 *
 * nodemailer writes each SMTP command, and a message's DATA in several pieces (headers, body,
 * the final `.`), as separate `socket.write`s. On a Nagle socket the second small write of a
 * round trip waits for the peer's delayed ACK (about 40 ms on Linux), so a connection managed
 * ~20 messages per second whatever the CPU; and each write is a syscall on both ends. Here
 * the socket has `noDelay` and coalesces the writes of one event-loop turn (cork on the first,
 * uncork on `setImmediate`): one write per SMTP round trip (MAIL, RCPT, DATA, the message).
 * TLS (implicit or STARTTLS) is negotiated by nodemailer on top of this socket as before.
 *
 * Errors before the connection is up are plain Node errors (`ECONNREFUSED`, …; a connect timeout
 * is `ETIMEDOUT` "Connection timeout"), i.e. what nodemailer reports for its own connections.
 */
import net from 'node:net';

/** Options nodemailer hands to `getSocket` (the transport's options). */
interface SocketTarget {
  host?: string;
  port?: number;
}

type GetSocketCallback = (err: Error | null, socketOptions?: { connection: net.Socket }) => void;

/** Writes of one event-loop turn leave in one syscall (see the file comment). */
export function coalesceWrites(socket: net.Socket): net.Socket {
  let corked = false;
  const uncork = () => {
    corked = false;
    socket.uncork();
  };
  const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
  socket.write = (...args: unknown[]) => {
    if (!corked) {
      corked = true;
      socket.cork();
      setImmediate(uncork);
    }
    return write(...args);
  };
  return socket;
}

/** nodemailer's `getSocket`: a connected, coalescing socket (`timeoutMs` to connect). */
export function coalescingSocket(timeoutMs: number) {
  return (o: SocketTarget, callback: GetSocketCallback): void => {
    const socket = net.connect({ host: o.host ?? 'localhost', port: o.port ?? 25, noDelay: true });
    let done = false;
    const finish = (err: Error | null) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.removeListener('error', finish);
      if (err) {
        socket.destroy();
        callback(err);
      } else callback(null, { connection: coalesceWrites(socket) });
    };
    const timer = setTimeout(
      () => finish(Object.assign(new Error('Connection timeout'), { code: 'ETIMEDOUT' })),
      timeoutMs,
    );
    socket.once('error', finish);
    socket.once('connect', () => {
      socket.setKeepAlive(true);
      finish(null);
    });
  };
}
