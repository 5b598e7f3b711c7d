import { RSocketConnection, type ConnectionOptions, type ConnectionSnapshot, type LeaseOptions, type Responder, type SetupInfo } from './connection/RSocketConnection';
import { router as makeRouter, type Route } from './metadata/router';
import type { ServerTransport } from './transport/FrameConnection';

export interface ServeOptions extends ConnectionOptions {
  transport: ServerTransport;
  /** The responder for every connection, or a factory called once per accepted SETUP (throw to reject it). */
  handler?: Responder | ((setup: SetupInfo, connection: RSocketConnection) => Responder);
  /** Routes dispatched on routing metadata (see `route`); an alternative to `handler`. */
  router?: readonly Route[];
  /** Issue LEASEs to clients that asked to honour them, and reject requests beyond them with REJECTED. */
  lease?: LeaseOptions;
}

export interface RSocketServer {
  readonly address: { readonly host: string; readonly port: number };
  /** Connections that are open now. */
  readonly connections: ReadonlySet<RSocketConnection>;
  inspect(): ConnectionSnapshot[];
  /** Closes every connection (their streams end with ConnectionClosedError) and stops listening. */
  close(): Promise<void>;
}

/**
 * Serves RSocket on a transport.
 *
 * @example
 * const server = await serve({ transport: tcpServerTransport({ port: 7878 }), router: [route('numbers', numbers)] });
 */
export async function serve(options: ServeOptions): Promise<RSocketServer> {
  if ((options.handler === undefined) === (options.router === undefined)) throw new TypeError('serve: pass exactly one of handler and router');
  if (options.lease !== undefined) {
    const { ttl, requests } = options.lease;
    if (!Number.isInteger(ttl) || ttl <= 0 || !Number.isInteger(requests) || requests < 0) {
      throw new RangeError(`serve: lease needs an integer ttl > 0 and requests ≥ 0, got ${ttl} and ${requests}`);
    }
  }
  const connections = new Set<RSocketConnection>();
  const handler = options.handler;
  const routes = options.router;
  const onSetup = (setup: SetupInfo, connection: RSocketConnection): Responder => {
    if (routes !== undefined) return makeRouter(routes, setup);
    return typeof handler === 'function' ? handler(setup, connection) : handler!;
  };
  if (routes !== undefined) makeRouter(routes); // duplicate routes fail here, not per connection
  const listening = await options.transport.listen((transport) => {
    const connection = new RSocketConnection(transport, 'server', options, null, options.lease ?? null, onSetup);
    connections.add(connection);
    void connection.closed.then(() => connections.delete(connection));
  });
  return {
    address: listening.address,
    connections,
    inspect: () => [...connections].map((c) => c.inspect()),
    async close() {
      await Promise.all([...connections].map((c) => c.close()));
      await listening.close();
    },
  };
}
