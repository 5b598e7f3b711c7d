// W8 RSocket: requestStream of N payloads of 16 bytes over loopback, server and client in one process, sluice
// (@sluice/rsocket) against rsocket-js 0.0.27 (rsocket-core with rsocket-tcp-* and rsocket-websocket-*), over TCP and
// over WebSocket. Two consumers, the same code for both libraries:
// - fast: requests 256, then 128 more each time 128 arrived (a batching consumer); reports items/s;
// - slow: requests 64, then 1 per item after one setImmediate per item (a consumer that yields to the event loop
//   for every item, like an I/O write would); reports the live heap growth at 50% consumed, measured from just before
//   the request, which is what the "under 1 MiB while a 1,000,000-item stream feeds a slow consumer" means.
// Timing starts at the request and ends at onComplete; connection set-up is not counted.
import { createServer } from 'node:net';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { WebSocket } from 'ws';
import { liveHeap, probe } from '../lib/probe.mjs';

export const expected = (n) => n; // every item arrives exactly once

const ITEM = new Uint8Array(16);

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => { const { port } = server.address(); server.close(() => resolve(port)); });
  });
}

/**
 * Drives one Reactive Streams subscription (sluice Flow or rsocket-js Flowable: same shape) with the chosen
 * consumer; resolves with the count, the time and the live heap growth at 50%.
 */
function consume(publisher, n, kind) {
  return new Promise((resolve, reject) => {
    let count = 0;
    let subscription;
    let heap0 = 0;
    let heapGrowth;
    let start = 0;
    publisher.subscribe({
      onSubscribe(s) {
        subscription = s;
        heap0 = liveHeap();
        probe.ms = 0;
        start = performance.now();
        s.request(kind === 'fast' ? 256 : 64);
      },
      onNext() {
        count++;
        if (count === n >> 1) heapGrowth = liveHeap() - heap0;
        if (kind === 'fast') {
          if (count % 128 === 0) subscription.request(128);
        } else {
          setImmediate(() => subscription.request(1));
        }
      },
      onError: reject,
      onComplete() {
        const ms = performance.now() - start - probe.ms;
        resolve({ value: count, ms, itemsPerSec: (count / ms) * 1000, heapGrowth });
      },
    });
  });
}

// ---- sluice ---------------------------------------------------------------------------------------------------------

async function sluice(n, transport, kind) {
  const { map, range } = await import('@sluice/core');
  const rs = await import('@sluice/rsocket');
  const server = await rs.serve({
    transport: transport === 'tcp' ? rs.tcpServerTransport() : rs.webSocketServerTransport(),
    handler: { requestStream: () => range(0, n).pipe(map(() => rs.payload(ITEM))) },
  });
  const port = server.address.port;
  const client = await rs.connect({ transport: transport === 'tcp' ? rs.tcpClientTransport({ port }) : rs.webSocketClientTransport({ port }) });
  try {
    return await consume(client.requestStream(rs.payload()), n, kind);
  } finally {
    await client.close();
    await server.close();
  }
}

// ---- rsocket-js 0.0.27 ----------------------------------------------------------------------------------------------

async function rsocketJs(n, transport, kind) {
  const { RSocketClient, RSocketServer, BufferEncoders } = (await import('rsocket-core')).default;
  const { Flowable } = (await import('rsocket-flowable')).default;
  const unwrap = (m) => m.default?.default ?? m.default ?? m;
  const port = await freePort();
  const ServerTransport = unwrap(await import(transport === 'tcp' ? 'rsocket-tcp-server' : 'rsocket-websocket-server'));
  const ClientTransport = unwrap(await import(transport === 'tcp' ? 'rsocket-tcp-client' : 'rsocket-websocket-client'));
  const server = new RSocketServer({
    getRequestHandler: () => ({
      requestStream: () => new Flowable((subscriber) => {
        let i = 0;
        let cancelled = false;
        let emitting = false;
        let demand = 0;
        subscriber.onSubscribe({
          request(k) {
            demand += k;
            if (emitting) return; // a request from inside onNext: the running loop picks it up
            emitting = true;
            while (demand > 0 && i < n && !cancelled) { demand--; i++; subscriber.onNext({ data: Buffer.from(ITEM), metadata: null }); }
            emitting = false;
            if (i === n && !cancelled) { cancelled = true; subscriber.onComplete(); }
          },
          cancel() { cancelled = true; },
        });
      }),
    }),
    transport: new ServerTransport({ host: '127.0.0.1', port }, BufferEncoders),
  });
  server.start();
  const options = transport === 'tcp'
    ? { host: '127.0.0.1', port }
    : { url: `ws://127.0.0.1:${port}/`, wsCreator: (url) => new WebSocket(url) };
  let client;
  let socket;
  for (let attempt = 0; socket === undefined; attempt++) { // the server binds asynchronously after start()
    client = new RSocketClient({
      setup: { keepAlive: 60_000, lifetime: 180_000, dataMimeType: 'application/octet-stream', metadataMimeType: 'application/octet-stream' },
      transport: new ClientTransport(options, BufferEncoders),
    });
    try {
      socket = await new Promise((ok, fail) => client.connect().subscribe({ onComplete: ok, onError: fail }));
    } catch (error) {
      if (attempt > 100) throw error;
      await sleep(10);
    }
  }
  try {
    return await consume(socket.requestStream({ data: Buffer.alloc(0), metadata: null }), n, kind);
  } finally {
    client.close();
    server.stop();
  }
}

export const impls = {
  'sluice TCP, fast consumer': (n) => sluice(n, 'tcp', 'fast'),
  'rsocket-js TCP, fast consumer': (n) => rsocketJs(n, 'tcp', 'fast'),
  'sluice WebSocket, fast consumer': (n) => sluice(n, 'websocket', 'fast'),
  'rsocket-js WebSocket, fast consumer': (n) => rsocketJs(n, 'websocket', 'fast'),
  'sluice TCP, slow consumer': (n) => sluice(n, 'tcp', 'slow'),
  'rsocket-js TCP, slow consumer': (n) => rsocketJs(n, 'tcp', 'slow'),
  'sluice WebSocket, slow consumer': (n) => sluice(n, 'websocket', 'slow'),
  'rsocket-js WebSocket, slow consumer': (n) => rsocketJs(n, 'websocket', 'slow'),
};

/** The baseline of a row: rsocket-js with the same transport and consumer. */
export const baselineOf = (impl) => impl.replace(/^sluice/, 'rsocket-js');

const fmt = (x) => (x >= 1e6 ? `${(x / 1e6).toFixed(1)} M` : x >= 1e3 ? `${(x / 1e3).toFixed(1)} k` : x.toFixed(1));
const mib = (bytes) => (bytes === undefined ? '–' : `${(bytes / 2 ** 20).toFixed(2)} MiB`);

/** The W8 table: items/s, the ratio to rsocket-js with the same transport and consumer, live heap growth at 50%. */
export function render(rows, median) {
  const rate = (row) => median(row.samples.map((s) => s.itemsPerSec));
  const lines = rows.map((row) => {
    if (row.failure) return [row.entry.impl, String(row.entry.n), `failed: ${row.failure}`, '', ''];
    const base = rows.find((r) => r.entry.impl === baselineOf(row.entry.impl) && !r.failure);
    const growth = row.samples.every((s) => s.heapGrowth !== undefined) ? median(row.samples.map((s) => s.heapGrowth)) : undefined;
    return [row.entry.impl, fmt(row.entry.n), fmt(rate(row)), base ? (rate(row) / rate(base)).toFixed(2) : '–', mib(growth)];
  });
  const header = ['implementation', 'N', 'items/s (median)', 'ratio to rsocket-js (same transport, same consumer)', 'live heap growth at 50%'];
  return [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...lines.map((l) => `| ${l.join(' | ')} |`)].join('\n');
}
