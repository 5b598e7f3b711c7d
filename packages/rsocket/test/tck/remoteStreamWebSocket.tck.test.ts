import { afterAll, beforeAll } from 'vitest';
import { map, range } from '@sluice/core';
import { publisherVerification } from '@sluice/tck/vitest';
import {
  connect, dataJson, jsonPayload, serve, webSocketClientTransport, webSocketServerTransport, type Payload, type RSocketConnection, type RSocketServer,
} from '@sluice/rsocket';

// The TCK's publisher verification of a remote stream: a loopback RSocket server serves range(0, n) over WebSocket, and
// the publisher under test is the client's requestStream. Every request(n) of the TCK crosses the wire as initial
// request N / REQUEST_N, every cancel as CANCEL.

let server: RSocketServer;
let client: RSocketConnection;
let closedClient: RSocketConnection;

beforeAll(async () => {
  server = await serve({
    transport: webSocketServerTransport(),
    handler: { requestStream: (p) => range(0, dataJson<{ n: number | null }>(p).n ?? Infinity).pipe(map((i) => jsonPayload(i))) },
  });
  client = await connect({ transport: webSocketClientTransport({ port: server.address.port }) });
  closedClient = await connect({ transport: webSocketClientTransport({ port: server.address.port }) });
  await closedClient.close();
});

afterAll(async () => {
  await client.close();
  await server.close();
});

publisherVerification<Payload>('rsocket requestStream over WebSocket', {
  // Number.MAX_SAFE_INTEGER means unbounded; JSON null carries it as "no end"
  createPublisher: (n) => client.requestStream(jsonPayload({ n: n >= Number.MAX_SAFE_INTEGER ? null : n })),
  createFailedPublisher: () => closedClient.requestStream(jsonPayload({ n: 1 })),
  env: { defaultTimeoutMillis: 2_000, defaultNoSignalsTimeoutMillis: 40, publisherReferenceGCTimeoutMillis: 50 },
});
