#!/usr/bin/env node
// Fan-out over WebSocket: one producer, many clients, some of them slow. Run twice, each server in its own process:
//
//   sluice  RSocket over WebSocket (@sluice/rsocket). Every client grants credit (request(n)); the server's stream for
//           a client is a lane of core's `broadcast` with a small drop-oldest buffer, and the lane is asked only for
//           what that client granted, and only while its socket is writable. A slow client therefore gets fresh
//           items and skips the ones it had no credit for: its lag is bounded by its credit.
//   naive   a plain `ws` server that calls `ws.send` for every item to every client. A slow client's items pile up in
//           the kernel's socket buffers, then in the server's process (`bufferedAmount`): its lag grows for as long
//           as the run lasts, and so does the server's memory.
//
// Slow clients read one item every SLOW_MS milliseconds in both runs (the naive ones through `fromWebSocket`, which
// pauses their socket, so the backlog is the network's and the server's, not the client's). Lag is the age of the
// item being consumed, in milliseconds (`Date.now()` is shared by the processes) and in items (how far behind the
// newest item any client of this run has seen). Everything is on 127.0.0.1 and each run lasts `--seconds`.
//
//   node examples/fanout.mjs [--seconds 5] [--clients 20] [--slow 5] [--rate 2000] [--size 512] [--mode both|sluice|naive] [--json]
//
// With --json the last line of the output is a JSON summary (what examples/test/fanout.test.ts reads).
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { WebSocket, WebSocketServer } from 'ws';
import { RingBuffer, broadcast, create } from '@sluice/core';
import {
  connect, dataString, fromWebSocket, payload, route, routeMetadata, serve, webSocketClientTransport, webSocketServerTransport,
} from '@sluice/rsocket';

const { values: options } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    clients: { type: 'string', default: '20' },
    slow: { type: 'string', default: '5' },
    rate: { type: 'string', default: '2000' },
    size: { type: 'string', default: '512' },
    mode: { type: 'string', default: 'both' },
    json: { type: 'boolean', default: false },
    role: { type: 'string', default: 'main' },
  },
});
const SECONDS = Number(options.seconds);
const CLIENTS = Number(options.clients);
const SLOW = Math.min(Number(options.slow), CLIENTS);
const RATE = Number(options.rate); // items per second from the producer
const SIZE = Number(options.size); // bytes of padding per item, so that a backlog shows in memory quickly
const PAD = 'x'.repeat(SIZE);
const PERIOD_MS = 10; // the producer emits RATE / 100 items every 10 ms
const BATCH = Math.max(1, Math.round((RATE * PERIOD_MS) / 1000));
const SLOW_MS = 20; // a slow client consumes 50 items per second
const CREDIT = 8; // a slow client's credit window (sluice run)
const LANE = 8; // the server's per-client buffer beyond credit (sluice run), drop-oldest
const SAMPLE_MS = 250;

// ---- the server process ---------------------------------------------------------------------------------------------

async function runServer(mode) {
  const samples = [];
  let backlog = () => 0;
  let stop;
  if (mode === 'sluice') {
    // The producer: a hot source of { seq, at } ticks, started by the first subscriber, encoded once for everyone.
    const ticks = create((emitter) => {
      let seq = 0;
      const timer = setInterval(() => {
        const at = Date.now();
        for (let i = 0; i < BATCH; i++) emitter.next(payload(JSON.stringify({ seq: seq++, at, pad: PAD })));
      }, PERIOD_MS);
      emitter.onCancel(() => clearInterval(timer));
    }, { capacity: 256, overflow: 'drop-oldest' });
    const lanes = broadcast(ticks, { capacity: LANE, overflow: 'drop-oldest' });
    const server = await serve({ transport: webSocketServerTransport({ port: 0 }), router: [route('ticks', () => lanes)] });
    backlog = () => server.inspect().reduce((sum, c) => sum + c.transport.bufferedBytes, 0);
    stop = () => server.close();
    process.send({ type: 'listening', port: server.address.port });
  } else {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((resolve) => wss.once('listening', resolve));
    let seq = 0;
    const timer = setInterval(() => {
      const at = Date.now();
      for (let i = 0; i < BATCH; i++) {
        const message = JSON.stringify({ seq: seq++, at, pad: PAD });
        for (const client of wss.clients) client.send(message); // no look at bufferedAmount: the naive way
      }
    }, PERIOD_MS);
    backlog = () => { let sum = 0; for (const c of wss.clients) sum += c.bufferedAmount; return sum; };
    stop = () => { clearInterval(timer); for (const c of wss.clients) c.terminate(); wss.close(); };
    process.send({ type: 'listening', port: wss.address().port });
  }
  const started = Date.now();
  const sampler = setInterval(() => {
    globalThis.gc?.(); // live heap, not garbage
    const m = process.memoryUsage();
    samples.push({ t: Date.now() - started, heapUsed: m.heapUsed, external: m.external + m.arrayBuffers, backlog: backlog() });
  }, SAMPLE_MS);
  process.on('message', async (message) => {
    if (message !== 'stop') return;
    clearInterval(sampler);
    process.send({ type: 'samples', samples });
    await stop();
    process.exit(0);
  });
}

// ---- the clients, in the main process -------------------------------------------------------------------------------

/** Per-client statistics: delivered, dropped (gaps in seq), lag in ms and in items at each consumption. */
function stats(kind) {
  return { kind, delivered: 0, dropped: 0, lastSeq: -1, maxLagMs: 0, maxLagItems: 0, lateMaxLagMs: 0, lateMaxLagItems: 0 };
}

function consume(s, tick, newest, runStart, runMs) {
  s.delivered++;
  if (s.lastSeq >= 0 && tick.seq > s.lastSeq + 1) s.dropped += tick.seq - s.lastSeq - 1;
  s.lastSeq = tick.seq;
  const lagMs = Date.now() - tick.at;
  const lagItems = Math.max(0, newest.seq - tick.seq);
  s.maxLagMs = Math.max(s.maxLagMs, lagMs);
  s.maxLagItems = Math.max(s.maxLagItems, lagItems);
  if (Date.now() - runStart > runMs / 2) { // the second half of the run: does lag keep growing?
    s.lateMaxLagMs = Math.max(s.lateMaxLagMs, lagMs);
    s.lateMaxLagItems = Math.max(s.lateMaxLagItems, lagItems);
  }
}

/** A slow consumer: one item every SLOW_MS, taken from a queue bounded by what it asked for. */
function slowConsumer(s, newest, runStart, runMs) {
  const queue = new RingBuffer(64);
  let subscription = null;
  const timer = setInterval(() => {
    const tick = queue.poll();
    if (tick === undefined) return;
    consume(s, tick, newest, runStart, runMs);
    subscription?.request(1);
  }, SLOW_MS);
  return {
    onSubscribe(sub, initial) { subscription = sub; sub.request(initial); },
    onNext(tick) { queue.offer(tick); },
    stop() { clearInterval(timer); subscription?.cancel(); subscription = null; },
  };
}

async function runClients(mode, port) {
  const newest = { seq: -1 };
  const runStart = Date.now();
  const runMs = SECONDS * 1000;
  const clients = [];
  const note = (tick) => { if (tick.seq > newest.seq) newest.seq = tick.seq; return tick; };
  for (let i = 0; i < CLIENTS; i++) {
    const slow = i < SLOW;
    const s = stats(slow ? 'slow' : 'fast');
    if (mode === 'sluice') {
      const rsocket = await connect({ transport: webSocketClientTransport({ port }) });
      const ticks = rsocket.requestStream(payload('', routeMetadata('ticks')));
      if (slow) {
        const consumer = slowConsumer(s, newest, runStart, runMs);
        ticks.subscribe({
          onSubscribe: (sub) => consumer.onSubscribe(sub, CREDIT), // the credit window: at most CREDIT in flight
          onNext: (p) => consumer.onNext(note(JSON.parse(dataString(p)))),
          onError() {}, onComplete() {},
        });
        clients.push({ s, close: async () => { consumer.stop(); await rsocket.close(); } });
      } else {
        let sub;
        let consumed = 0;
        ticks.subscribe({
          onSubscribe: (x) => { sub = x; x.request(256); },
          onNext: (p) => { consume(s, note(JSON.parse(dataString(p))), newest, runStart, runMs); if (++consumed % 128 === 0) sub.request(128); },
          onError() {}, onComplete() {},
        });
        clients.push({ s, close: () => rsocket.close() });
      }
    } else {
      const socket = new WebSocket(`ws://127.0.0.1:${port}/`);
      socket.on('error', () => {});
      await new Promise((resolve, reject) => { socket.once('open', resolve); socket.once('error', reject); });
      if (slow) {
        const consumer = slowConsumer(s, newest, runStart, runMs);
        fromWebSocket(socket, { capacity: 8 }).subscribe({ // pauses the socket: the backlog stays in the network
          onSubscribe: (sub) => consumer.onSubscribe(sub, 1),
          onNext: (m) => consumer.onNext(note(JSON.parse(String(m)))),
          onError() {}, onComplete() {},
        });
        clients.push({ s, close: () => { consumer.stop(); socket.terminate(); } });
      } else {
        socket.on('message', (m) => consume(s, note(JSON.parse(String(m))), newest, runStart, runMs));
        clients.push({ s, close: () => socket.terminate() });
      }
    }
  }
  await new Promise((resolve) => setTimeout(resolve, runMs));
  for (const c of clients) await c.close();
  return clients.map((c) => c.s);
}

function summarize(list) {
  const pick = (key) => Math.max(0, ...list.map((s) => s[key]));
  const sum = (key) => list.reduce((t, s) => t + s[key], 0);
  return {
    clients: list.length, delivered: sum('delivered'), dropped: sum('dropped'),
    maxLagMs: pick('maxLagMs'), maxLagItems: pick('maxLagItems'), lateMaxLagMs: pick('lateMaxLagMs'), lateMaxLagItems: pick('lateMaxLagItems'),
  };
}

async function runMode(mode) {
  const child = fork(fileURLToPath(import.meta.url), ['--role', 'server', '--mode', mode, '--rate', String(RATE), '--size', String(SIZE)], {
    execArgv: ['--expose-gc'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const hardStop = setTimeout(() => child.kill('SIGKILL'), (SECONDS + 30) * 1000); // bounded even if something hangs
  try {
    const port = await new Promise((resolve, reject) => {
      child.on('message', (m) => m.type === 'listening' && resolve(m.port));
      child.once('exit', (code) => reject(new Error(`the ${mode} server exited with ${code}`)));
    });
    const perClient = await runClients(mode, port);
    const samples = await new Promise((resolve) => {
      child.on('message', (m) => m.type === 'samples' && resolve(m.samples));
      child.send('stop');
    });
    return { mode, perClient, slow: summarize(perClient.filter((s) => s.kind === 'slow')), fast: summarize(perClient.filter((s) => s.kind === 'fast')), samples };
  } finally {
    clearTimeout(hardStop);
    child.kill();
  }
}

const mib = (bytes) => `${(bytes / 1048576).toFixed(1)} MiB`;

function report(run) {
  console.log(`\n== ${run.mode}: ${CLIENTS} clients (${SLOW} slow, one item per ${SLOW_MS} ms), ${RATE} items/s of ${SIZE} bytes for ${SECONDS} s`);
  console.log('client  kind  delivered  dropped  max lag ms  max lag items');
  run.perClient.forEach((s, i) => {
    console.log(`${String(i).padStart(6)}  ${s.kind}  ${String(s.delivered).padStart(9)}  ${String(s.dropped).padStart(7)}  ${String(s.maxLagMs).padStart(10)}  ${String(s.maxLagItems).padStart(13)}`);
  });
  console.log(`slow: max lag ${run.slow.maxLagMs} ms / ${run.slow.maxLagItems} items (second half: ${run.slow.lateMaxLagMs} ms); fast: max lag ${run.fast.maxLagMs} ms`);
  console.log('server over time (live heap / external / send backlog):');
  console.log(run.samples.filter((_, i) => i % 2 === 1).map((x) => `  ${(x.t / 1000).toFixed(1)}s ${mib(x.heapUsed)} / ${mib(x.external)} / ${mib(x.backlog)}`).join('\n'));
}

async function main() {
  const modes = options.mode === 'both' ? ['sluice', 'naive'] : [options.mode];
  const runs = [];
  for (const mode of modes) {
    const run = await runMode(mode);
    report(run);
    runs.push(run);
  }
  if (options.json) {
    const summary = { rate: RATE, size: SIZE, seconds: SECONDS, clients: CLIENTS, slowClients: SLOW, slowMs: SLOW_MS, credit: CREDIT, lane: LANE, batch: BATCH, runs: {} };
    for (const run of runs) summary.runs[run.mode] = { slow: run.slow, fast: run.fast, samples: run.samples };
    console.log(JSON.stringify(summary));
  }
  process.exit(0);
}

if (options.role === 'server') await runServer(options.mode);
else await main();
