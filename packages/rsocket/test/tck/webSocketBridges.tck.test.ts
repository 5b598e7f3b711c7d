import { afterAll, beforeAll } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { Flow, map, range } from '@sluice/core';
import { BLACKBOX_RULES, PUBLISHER_RULES, type RuleEntry } from '@sluice/tck';
import { publisherVerification, subscriberBlackboxVerification } from '@sluice/tck/vitest';
import { fromWebSocket, toWebSocket, webSocketSink, type WebSocketMessage } from '@sluice/rsocket';

// The TCK over the plain WebSocket bridges, with real `ws` sockets on loopback:
// - publisher verification of fromWebSocket: each subscription opens a connection to a server that sends
//   range(0, n) through toWebSocket (so the sender, too, honours bufferedAmount) and closes with 1000;
// - blackbox subscriber verification of webSocketSink (toWebSocket's Subscriber) on a connection whose peer discards.

let server: WebSocketServer;
let port = 0;
const sockets = new Set<WebSocket>();

beforeAll(async () => {
  server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  port = (server.address() as { port: number }).port;
  server.on('connection', (socket, request) => {
    socket.on('error', () => {});
    const n = new URL(request.url ?? '/', 'ws://x').searchParams.get('n');
    if (n === null) return; // the sink's peer: reads and discards
    const count = n === 'unbounded' ? Infinity : Number(n);
    toWebSocket(range(0, count).pipe(map((i) => String(i))), socket).finished.catch(() => {}); // a cancelled client is normal here
  });
});

afterAll(async () => {
  for (const s of sockets) s.terminate();
  for (const s of server.clients) s.terminate();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function open(query: string): WebSocket {
  const socket = new WebSocket(`ws://127.0.0.1:${port}/${query}`);
  socket.on('error', () => {});
  sockets.add(socket);
  socket.once('close', () => sockets.delete(socket));
  return socket;
}

/** A publisher of exactly `n` messages: every subscriber gets its own connection (so it may be subscribed again). */
function remoteRange(n: number): Flow<WebSocketMessage> {
  return new Flow<WebSocketMessage>((subscriber) => {
    fromWebSocket(open(`?n=${n >= Number.MAX_SAFE_INTEGER ? 'unbounded' : n}`), { capacity: 16 }).subscribe(subscriber);
  });
}

/** A socket that is already closed: fromWebSocket signals onSubscribe, then onError (§1.9). */
function closedSocket(): WebSocket {
  const socket = open('');
  socket.terminate();
  return socket;
}

const env = { defaultTimeoutMillis: 1_000, defaultNoSignalsTimeoutMillis: 40, publisherReferenceGCTimeoutMillis: 50 };
const applicable = (rules: readonly RuleEntry[]) => rules.map((r) => r.id).filter((id) => !id.startsWith('untested_'));

publisherVerification<WebSocketMessage>('fromWebSocket over loopback ws', {
  createPublisher: (n) => remoteRange(n),
  createFailedPublisher: () => fromWebSocket(closedSocket()),
  env,
  only: applicable(PUBLISHER_RULES),
});

subscriberBlackboxVerification<string>('webSocketSink (toWebSocket) over loopback ws', {
  createSubscriber: () => webSocketSink<string>(open('')),
  createElement: (i) => String(i),
  env,
  only: applicable(BLACKBOX_RULES),
});
