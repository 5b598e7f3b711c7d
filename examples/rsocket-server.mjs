#!/usr/bin/env node
// A runnable RSocket server: `node examples/rsocket-server.mjs --port <p> [--transport tcp|websocket]`.
//
// It serves one route, `numbers`, to any RSocket 1.0 client (rsocket-js, rsocket-java/Spring, rsocket-cli, …):
//   request   REQUEST_STREAM, routing metadata `numbers` (composite metadata, message/x.rsocket.routing.v0),
//             data UTF-8 JSON {"count": N}
//   response  N payloads whose data are the UTF-8 JSON numbers 0 … N−1, then complete
// Demand is the client's: the stream produces only what the client granted with its initial request N and its
// REQUEST_N frames, and pauses while the socket is not writable. It prints `listening <port>` when ready and runs
// until killed (SIGINT/SIGTERM close every connection first).
import { parseArgs } from 'node:util';
import { map, range } from '@sluice/core';
import * as rsocket from '@sluice/rsocket';

const { ErrorCode, RSocketError, dataJson, jsonPayload, route, serve, tcpServerTransport, webSocketServerTransport } = rsocket;

const { values } = parseArgs({
  options: { port: { type: 'string', default: '7878' }, transport: { type: 'string', default: 'tcp' }, host: { type: 'string', default: '127.0.0.1' } },
});
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be 0…65535, got ${values.port}`);

/** The numbers route: validates the request, then streams range(0, count) as JSON payloads. */
function numbers(request) {
  let count;
  try {
    ({ count } = dataJson(request));
  } catch {
    throw new RSocketError(ErrorCode.INVALID, 'numbers: the request data must be UTF-8 JSON {"count": N}');
  }
  if (!Number.isSafeInteger(count) || count < 0) {
    throw new RSocketError(ErrorCode.INVALID, `numbers: count must be a non-negative integer, got ${JSON.stringify(count)}`);
  }
  return range(0, count).pipe(map((i) => jsonPayload(i)));
}

function transportFor(kind) {
  if (kind === 'tcp') return tcpServerTransport({ host: values.host, port });
  // WebSocket: ws://host:port/, one binary message per RSocket frame; writing pauses while bufferedAmount is high.
  if (kind === 'websocket') return webSocketServerTransport({ host: values.host, port });
  fail(`--transport must be tcp or websocket, got ${kind}`);
}

const server = await serve({ transport: transportFor(values.transport), router: [route('numbers', numbers)] });
console.log(`listening ${server.address.port}`);

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, async () => {
    await server.close();
    process.exit(0);
  });
}

function fail(message) {
  console.error(message);
  process.exit(2);
}
