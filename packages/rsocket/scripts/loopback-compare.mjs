// A quick loopback comparison behind ADR 0001 (not a benchmark suite: W8 in packages/bench is that).
// requestStream of N small payloads over TCP on 127.0.0.1, consumer requesting everything up front:
//   sluice client ↔ sluice server  vs  rsocket-js 0.0.27 client ↔ rsocket-js 0.0.27 server.
// Run after `pnpm --filter @sluice/rsocket build`: node packages/rsocket/scripts/loopback-compare.mjs [N]
import { map, range } from '@sluice/core';
import { connect, payload, serve, tcpClientTransport, tcpServerTransport } from '@sluice/rsocket';
import jsCore from 'rsocket-core';
import jsFlowable from 'rsocket-flowable';
import jsTcpClient from 'rsocket-tcp-client';
import jsTcpServer from 'rsocket-tcp-server';

const N = Number(process.argv[2] ?? 200_000);
const item = new Uint8Array(16);

async function sluice() {
  const server = await serve({ transport: tcpServerTransport(), handler: { requestStream: () => range(0, N).pipe(map(() => payload(item))) } });
  const client = await connect({ transport: tcpClientTransport({ port: server.address.port }) });
  const start = performance.now();
  let count = 0;
  await new Promise((resolve, reject) => client.requestStream(payload()).subscribe({
    onSubscribe: (s) => s.request(Infinity), onNext: () => count++, onError: reject, onComplete: resolve,
  }));
  const ms = performance.now() - start;
  await client.close();
  await server.close();
  return { count, ms };
}

async function rsocketJs() {
  const { RSocketClient, RSocketServer, BufferEncoders } = jsCore;
  const { Flowable } = jsFlowable;
  const port = 40000 + Math.floor(Math.random() * 20000);
  const server = new RSocketServer({
    getRequestHandler: () => ({
      requestStream: () => new Flowable((subscriber) => {
        let i = 0;
        let cancelled = false;
        subscriber.onSubscribe({
          request(n) {
            while (n-- > 0 && i < N && !cancelled) { i++; subscriber.onNext({ data: Buffer.from(item), metadata: null }); }
            if (i === N) subscriber.onComplete();
          },
          cancel() { cancelled = true; },
        });
      }),
    }),
    transport: new jsTcpServer.default({ host: '127.0.0.1', port }, BufferEncoders),
  });
  server.start();
  await new Promise((r) => setTimeout(r, 100));
  const client = new RSocketClient({
    setup: { keepAlive: 60000, lifetime: 180000, dataMimeType: 'application/octet-stream', metadataMimeType: 'application/octet-stream' },
    transport: new jsTcpClient.default({ host: '127.0.0.1', port }, BufferEncoders),
  });
  const socket = await new Promise((ok, fail) => client.connect().subscribe({ onComplete: ok, onError: fail }));
  const start = performance.now();
  let count = 0;
  await new Promise((resolve, reject) => socket.requestStream({ data: Buffer.alloc(0), metadata: null }).subscribe({
    onSubscribe: (s) => s.request(2147483647), onNext: () => count++, onError: reject, onComplete: resolve,
  }));
  const ms = performance.now() - start;
  client.close();
  server.stop();
  return { count, ms };
}

for (const [name, run] of [['sluice', sluice], ['rsocket-js 0.0.27', rsocketJs], ['sluice', sluice], ['rsocket-js 0.0.27', rsocketJs]]) {
  const { count, ms } = await run();
  console.log(`${name.padEnd(18)} ${count} items in ${ms.toFixed(0)} ms = ${Math.round(count / (ms / 1000)).toLocaleString('en-US')} items/s`);
}
