// W9 Redis: a backlog of N entries ({ data: '{"seq":i}' }) in a stream, consumed by one worker of a consumer group
// that parses each entry and acknowledges it after processing. sluice's readGroup → forEach(autoAck) against a
// hand-written XREADGROUP COUNT 100 + XACK loop on raw ioredis doing the same work with the same batch.
//
// Each process starts its own redis-server (loopback, free port, no persistence) on first use and stops it on exit.
// Publishing the backlog is set-up, not workload: each implementation times only the consumption (from the first
// read until the last ack was answered) and reports that time itself; the live heap is probed at 50% consumed.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { liveHeap, probe } from '../lib/probe.mjs';

export const BATCH = 100;
export const expected = (n) => (n * (n - 1)) / 2; // the sum of the seqs: every entry processed exactly once

let broker = null;

/** One redis-server per process, started on first use (the warm-up), killed when the process exits. */
export async function redisUrl() {
  if (broker !== null) return broker.url;
  const port = await new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => { const { port: p } = server.address(); server.close(() => resolve(p)); });
  });
  const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-redis-'));
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '',
    '--appendonly', 'no', '--loglevel', 'warning'], { stdio: 'ignore' });
  child.unref(); // the server must not keep the sample process alive; it is killed when the process exits
  process.once('exit', () => { child.kill('SIGKILL'); rmSync(dir, { recursive: true, force: true }); });
  const url = `redis://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    const probeClient = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probeClient.on('error', () => {});
    try { await probeClient.connect(); await probeClient.ping(); break; } catch (error) {
      if (i > 200) throw new Error(`redis-server did not start: ${error.message}`);
      await sleep(25);
    } finally { probeClient.disconnect(); }
  }
  broker = { url };
  return url;
}

let streams = 0;
/** A fresh stream with n entries and a group at 0 (untimed set-up). */
export async function backlog(n) {
  const url = await redisUrl();
  const stream = `w9:${process.pid}:${++streams}`;
  const admin = new Redis(url);
  for (let start = 0; start < n; start += 10_000) {
    const pipeline = admin.pipeline();
    for (let i = start; i < Math.min(n, start + 10_000); i++) pipeline.xadd(stream, '*', 'data', `{"seq":${i}}`);
    await pipeline.exec();
  }
  await admin.xgroup('CREATE', stream, 'g', '0');
  admin.disconnect();
  return { url, stream };
}

/** The work per entry, the same in every implementation: parse the payload and add its seq. */
const seqOf = (data) => JSON.parse(data).seq;

function report(n, start, sum, heap50) {
  const ms = performance.now() - start - probe.ms;
  return { value: sum, ms, itemsPerSec: (n / ms) * 1000, heap50 };
}

export const impls = {
  'raw ioredis XREADGROUP COUNT 100 + XACK loop': async (n) => {
    const { url, stream } = await backlog(n);
    const redis = new Redis(url);
    await redis.ping();
    probe.ms = 0;
    const start = performance.now();
    let sum = 0;
    let done = 0;
    let heap50;
    for (;;) {
      const reply = await redis.xreadgroup('GROUP', 'g', 'c', 'COUNT', BATCH, 'STREAMS', stream, '>');
      if (reply === null) break;
      const entries = reply[0][1];
      const ids = new Array(entries.length);
      for (let i = 0; i < entries.length; i++) {
        const [id, fields] = entries[i];
        sum += seqOf(fields[1]);
        ids[i] = id;
        if (++done === n >> 1) heap50 = liveHeap();
      }
      await redis.xack(stream, 'g', ...ids); // ack after processing, one XACK per batch
    }
    const result = report(n, start, sum, heap50);
    redis.disconnect();
    return result;
  },
  'sluice readGroup → forEach(autoAck), maxBatch 100': async (n) => {
    const { forEach } = await import('@sluice/core');
    const { readGroup, autoAck } = await import('@sluice/redis');
    const { url, stream } = await backlog(n);
    const flow = readGroup({ redis: url, stream, group: 'g', consumer: 'c', maxBatch: BATCH, completeWhenDrained: true, ackGraceMs: 0 });
    probe.ms = 0;
    const start = performance.now();
    let sum = 0;
    let done = 0;
    let heap50;
    // Ack after processing; acks of one tick share one XACK and the next entry does not wait for the reply.
    // prefetch 2 × BATCH: forEach re-requests 75% of its prefetch at a time, so with prefetch BATCH every read after
    // the first would be COUNT 75, a third more round trips than the raw loop's COUNT 100. With 2 × BATCH the
    // outstanding demand covers a full batch and the reads are COUNT 100 like the raw loop's. With this synchronous
    // handler the process still holds at most one batch: a read is only issued once the previous one was delivered,
    // and forEach queues nothing (a slow async handler could have up to the prefetch waiting in forEach).
    await forEach(flow, autoAck((entry) => {
      sum += seqOf(entry.fields.data);
      if (++done === n >> 1) heap50 = liveHeap();
    }, { awaitAck: false }), { prefetch: 2 * BATCH });
    while (flow.metrics().acked < n) await new Promise((resolve) => setImmediate(resolve)); // the last XACK answered
    return { ...report(n, start, sum, heap50), reads: flow.metrics().reads };
  },
};
