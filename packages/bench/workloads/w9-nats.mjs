// W9 NATS: a backlog of N messages ('{"seq":i}') in a JetStream stream, consumed by one worker of a durable pull
// consumer that parses each message and acknowledges it after processing. sluice's pullConsumer → forEach(autoAck)
// against JetStream's own `consumer.consume({ max_messages: 100 })` loop doing the same work with the same batch.
//
// Acknowledgement differs in one way, shown by a third row: sluice's ack() is confirmed by the server (a "double
// ack", +ACK as a request), so `acked` counts only what the server applied; the plain consume() loop's m.ack() is a
// publish nobody confirms. The `consume() + ackAck()` row confirms every ack like sluice does by default; the
// `confirmAcks: false` row publishes its acks like m.ack() (settled once the connection flushed them).
//
// Each process starts its own nats-server -js (loopback, free port, temp store dir) on first use and stops it on exit.
// Publishing the backlog is set-up, not workload: each implementation times only the consumption (from the first
// pull until the last ack was sent, or confirmed where the row says so); the live heap is probed at 50% consumed.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { connect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { liveHeap, probe } from '../lib/probe.mjs';

export const BATCH = 100;
export const expected = (n) => (n * (n - 1)) / 2; // the sum of the seqs: every message processed exactly once

let broker = null;

/** One nats-server -js per process, started on first use (the warm-up), killed when the process exits. */
export async function natsUrl() {
  if (broker !== null) return broker.url;
  const port = await new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => { const { port: p } = server.address(); server.close(() => resolve(p)); });
  });
  const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-nats-'));
  const child = spawn('nats-server', ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', dir], { stdio: ['ignore', 'ignore', 'pipe'] });
  process.once('exit', () => { child.kill('SIGKILL'); rmSync(dir, { recursive: true, force: true }); });
  await new Promise((resolve, reject) => {
    let out = '';
    child.stderr.on('data', (d) => { out += d; if (out.includes('Server is ready')) resolve(); });
    child.once('exit', (code) => reject(new Error(`nats-server exited with ${code}: ${out}`)));
  });
  child.stderr.removeAllListeners('data');
  child.stderr.resume();
  child.unref();
  child.stderr.unref?.();
  broker = { url: `nats://127.0.0.1:${port}` };
  return broker.url;
}

let streams = 0;
/** A fresh stream with n messages and a durable consumer `c` (untimed set-up). */
export async function backlog(n) {
  const url = await natsUrl();
  const stream = `W9_${process.pid}_${++streams}`;
  const nc = await connect({ servers: url });
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name: stream, subjects: [`${stream}.>`] });
  const js = jetstream(nc);
  for (let start = 0; start < n; start += 1_000) {
    const acks = [];
    for (let i = start; i < Math.min(n, start + 1_000); i++) acks.push(js.publish(`${stream}.job`, `{"seq":${i}}`));
    await Promise.all(acks);
  }
  await jsm.consumers.add(stream, { durable_name: 'c', ack_policy: 'explicit', max_ack_pending: 10_000 });
  await nc.close();
  return { url, stream };
}

const decoder = new TextDecoder();
/** The work per message, the same in every implementation: parse the payload and add its seq. */
const seqOf = (data) => JSON.parse(decoder.decode(data)).seq;

function report(n, start, sum, heap50) {
  const ms = performance.now() - start - probe.ms;
  return { value: sum, ms, itemsPerSec: (n / ms) * 1000, heap50 };
}

async function rawConsume(n, confirm) {
  const { url, stream } = await backlog(n);
  const nc = await connect({ servers: url });
  const consumer = await jetstream(nc).consumers.get(stream, 'c');
  probe.ms = 0;
  const start = performance.now();
  let sum = 0;
  let done = 0;
  let heap50;
  const confirmations = [];
  const messages = await consumer.consume({ max_messages: BATCH });
  for await (const m of messages) {
    sum += seqOf(m.data);
    if (confirm) confirmations.push(m.ackAck());
    else m.ack(); // ack after processing
    if (++done === n >> 1) heap50 = liveHeap();
    if (done === n) break;
  }
  if (confirm) await Promise.all(confirmations);
  else await nc.flush();
  const result = report(n, start, sum, heap50);
  await nc.close();
  return result;
}

export const impls = {
  'raw JetStream consume({ max_messages: 100 }) + ack()': (n) => rawConsume(n, false),
  'raw JetStream consume({ max_messages: 100 }) + ackAck() (confirmed)': (n) => rawConsume(n, true),
  'sluice pullConsumer → forEach(autoAck), maxBatch 100 (confirmed acks)': (n) => sluice(n, true),
  'sluice pullConsumer → forEach(autoAck), maxBatch 100, confirmAcks: false': (n) => sluice(n, false),
};

async function sluice(n, confirmAcks) {
  const { forEach } = await import('@sluice/core');
  const { pullConsumer, autoAck } = await import('@sluice/nats');
  const { url, stream } = await backlog(n);
  const flow = pullConsumer({ nats: url, stream, consumer: 'c', maxBatch: BATCH, ackGraceMs: 5_000, confirmAcks });
  probe.ms = 0;
  const start = performance.now();
  let sum = 0;
  let done = 0;
  let heap50;
  const stop = new AbortController();
  // Ack after processing; the next message does not wait for the ack's confirmation.
  await forEach(flow, autoAck((entry) => {
    sum += seqOf(entry.data);
    if (++done === n >> 1) heap50 = liveHeap();
    if (done === n) stop.abort(new Error('drained'));
  }, { awaitAck: false }), { prefetch: BATCH, signal: stop.signal }).catch((error) => {
    if (!stop.signal.aborted) throw error;
  });
  while (flow.metrics().acked < n) await new Promise((resolve) => setTimeout(resolve, 1)); // every ack settled
  return { ...report(n, start, sum, heap50), pulls: flow.metrics().pulls };
}
