import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { freePort } from '../../../core/test/support/binaries';

/** A loopback TCP proxy in front of a server, whose connections a test can cut (a dropped connection, server alive). */
export interface CuttableProxy {
  readonly url: string;
  /** Destroys every connection through the proxy now; new ones are accepted again at once. */
  cut(): void;
  close(): Promise<void>;
}

export async function startProxy(targetPort: number): Promise<CuttableProxy> {
  const port = await freePort();
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = createConnection({ port: targetPort, host: '127.0.0.1' });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {});
    }
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `nats://127.0.0.1:${port}`,
    cut() {
      for (const s of [...sockets]) s.destroy();
    },
    close: () => new Promise<void>((resolve) => {
      for (const s of [...sockets]) s.destroy();
      server.close(() => resolve());
    }),
  };
}
