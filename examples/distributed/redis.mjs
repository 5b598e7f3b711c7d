// The Redis adapter of examples/distributed-workers.mjs (see the contract there), on @sluice/redis.
//
//   node examples/distributed/redis.mjs worker --url redis://127.0.0.1:6379 --stream jobs --group workers \
//        --name w1 --delay-ms 2
//
// A worker reads the group with readGroup (COUNT from its own demand: forEach's prefetch), processes each message
// (waits --delay-ms), acks it after processing (autoAck) and prints one JSON line per ack. Entries idle for more than
// a second on a consumer that died are claimed with XAUTOCLAIM by whoever reads next. SIGTERM stops reading, lets
// the message in hand finish and be acked, then exits 0.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { forEach, map, range } from '@sluice/core';
import { autoAck, readGroup, writeStream } from '@sluice/redis';
import { Redis } from 'ioredis';

export const name = 'redis';

/** How long an entry may sit unacked on a consumer before another claims it (the example's crash-recovery bound). */
const CLAIM_IDLE_MS = 1_000;

/** A redis-server of its own on a free loopback port, data in a temp dir (no persistence: the run is the data's life). */
export async function startBroker() {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'sluice-example-redis-'));
  const server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '',
    '--appendonly', 'no', '--loglevel', 'warning'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  server.stderr.on('data', (d) => { stderr += d; });
  const failed = new Promise((_, reject) => {
    server.once('error', (error) => reject(error.code === 'ENOENT'
      ? new Error('redis-server not found: install it with `apt-get install -y redis-server` (Debian/Ubuntu)')
      : error));
    server.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${stderr}`)));
  });
  failed.catch(() => {});
  const url = `redis://127.0.0.1:${port}`;
  await Promise.race([waitForPing(url), failed]);
  return {
    url,
    async stop() {
      if (server.exitCode === null) {
        const exited = new Promise((resolve) => server.once('exit', resolve));
        server.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function setup(url, { stream, group }) {
  await withClient(url, async (redis) => {
    // Start at 0: messages published before the first worker reads are part of the job.
    await redis.xgroup('CREATE', stream, group, '0', 'MKSTREAM').catch((error) => {
      if (!String(error.message).startsWith('BUSYGROUP')) throw error;
    });
  });
}

/** XADDs {"seq": i} as the field `data`, with at most 256 XADDs unanswered (toStream's bound). */
export async function publish(url, { stream, count }) {
  return writeStream(range(0, count).pipe(map((seq) => ({ data: JSON.stringify({ seq }) }))), { redis: url, stream, maxInFlight: 256 });
}

/**
 * What the server reports: `pending` from XPENDING. Redis keeps a delivery counter only while an entry is pending,
 * so `redeliveries` counts the pending entries delivered more than once (0 once everything is acked; the workers'
 * own "redelivered" flags are the history).
 */
export async function stats(url, { stream, group }) {
  return withClient(url, async (redis) => {
    const [count] = await redis.xpending(stream, group);
    let redeliveries = 0;
    if (Number(count) > 0) {
      for (const [, , , deliveries] of await redis.xpending(stream, group, '-', '+', 10_000)) if (deliveries > 1) redeliveries++;
    }
    return { pending: Number(count), redeliveries };
  });
}

async function worker(argv) {
  const { values } = parseArgs({
    args: argv,
    options: { url: { type: 'string' }, stream: { type: 'string' }, group: { type: 'string' }, name: { type: 'string' },
      'delay-ms': { type: 'string', default: '0' } },
  });
  for (const key of ['url', 'stream', 'group', 'name']) {
    if (!values[key]) throw new Error(`worker: --${key} is required`);
  }
  const delayMs = Number(values['delay-ms']);
  const jobs = readGroup({
    redis: values.url, stream: values.stream, group: values.group, consumer: values.name,
    blockMs: 500, claimIdleMs: CLAIM_IDLE_MS, claimEveryMs: 250,
    decode: (fields) => {
      const seq = JSON.parse(fields.data ?? 'null')?.seq;
      if (!Number.isInteger(seq)) throw new TypeError('no integer "seq" in field "data"');
      return seq;
    },
  });
  // Ack after processing; the next message does not wait for the XACK's reply (acks of one tick share one XACK).
  // The line is printed before the ack is sent, so the driver's ledger never
  // misses an ack the server applied: a worker killed between the two leaves its entry pending, and the entry's
  // redelivery prints it again (a duplicate, which the driver counts).
  // A write to a full pipe is queued inside this process and would die with a kill -9 while its ack went out, so
  // the handler resolves (and autoAck acks) only once the line has been handed to the pipe.
  const print = (job) => new Promise((resolve) => {
    process.stdout.write(`{"event":"ack","seq":${job.value},"worker":"${values.name}","redelivered":${job.redelivered}}\n`, resolve);
  });
  const handle = autoAck(delayMs > 0 ? (job) => sleep(delayMs).then(() => print(job)) : print, { awaitAck: false });
  const stop = new AbortController();
  process.once('SIGTERM', () => stop.abort(new Error('SIGTERM')));
  let inHand;
  const done = forEach(jobs, (job, index) => {
    const result = handle(job, index);
    if (result !== undefined) inHand = result;
    return result;
  }, { prefetch: 32, signal: stop.signal });
  try {
    await done;
  } catch (error) {
    if (!stop.signal.aborted) throw error;
  }
  await inHand; // the message in hand when SIGTERM came is finished and its ack sent
  await sleep(50); // let the last XACKs' replies arrive before the connections close
  await new Promise((resolve) => process.stdout.write('', resolve));
  process.exit(0);
}

async function withClient(url, fn) {
  const redis = new Redis(url, { maxRetriesPerRequest: 3 });
  redis.on('error', () => {});
  try {
    return await fn(redis);
  } finally {
    redis.disconnect();
  }
}

async function waitForPing(url) {
  for (let attempt = 0; ; attempt++) {
    const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    redis.on('error', () => {});
    try {
      await redis.connect();
      await redis.ping();
      return;
    } catch (error) {
      if (attempt > 200) throw new Error(`redis-server did not answer at ${url}: ${error.message}`);
      await sleep(25);
    } finally {
      redis.disconnect();
    }
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

if (process.argv[2] === 'worker') {
  worker(process.argv.slice(3)).catch((error) => {
    console.error(`redis worker: ${error.stack ?? error}`);
    process.exit(1);
  });
}
