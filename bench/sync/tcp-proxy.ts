/**
 * A loopback TCP proxy in front of a server: the network cable of an "offline" engine. `cut()`
 * drops every connection and refuses new ones (the engine sees its socket die and its reconnects
 * fail); `restore()` lets connections through again and records when the first one arrives.
 */
import net from 'node:net';

export class TcpProxy {
  private cutOff = false;
  private readonly open = new Set<net.Socket>();
  /** performance.now() of the first connection accepted after the last `restore()`. */
  firstConnectionAt: number | null = null;

  private constructor(
    private readonly server: net.Server,
    readonly port: number,
  ) {}

  static async start(targetPort: number): Promise<TcpProxy> {
    let proxy: TcpProxy | null = null;
    const server = net.createServer((client) => proxy!.accept(client, targetPort));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    proxy = new TcpProxy(server, (server.address() as net.AddressInfo).port);
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  cut(): void {
    this.cutOff = true;
    for (const s of this.open) s.destroy();
    this.open.clear();
  }

  restore(): void {
    this.cutOff = false;
    this.firstConnectionAt = null;
  }

  close(): Promise<void> {
    this.cut();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: net.Socket, targetPort: number): void {
    if (this.cutOff) {
      client.destroy();
      return;
    }
    this.firstConnectionAt ??= performance.now();
    const upstream = net.connect(targetPort, '127.0.0.1');
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    for (const s of [client, upstream]) {
      this.open.add(s);
      s.on('error', () => {});
      s.on('close', () => {
        this.open.delete(s);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  }
}
