// The NATS adapter of examples/distributed-workers.mjs (see the contract there), on @sluice/nats.
//
//   node examples/distributed/nats.mjs worker --url nats://127.0.0.1:4222 --stream jobs --group workers \
//        --name w1 --delay-ms 2
//
// The stream is a JetStream stream capturing `<stream>.>`; the "group" is one durable pull consumer that all workers
// share (JetStream hands each message to one of them). A worker pulls with pullConsumer (batch from its own demand:
// forEach's prefetch), processes each message (waits --delay-ms), acks it after processing (autoAck) and prints one
// JSON line per ack. Messages a dead worker held are redelivered by the server once ack_wait (one second here) has
// passed. SIGTERM stops pulling, lets the message in hand finish and be acked, then exits 0.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { forEach, map, range } from '@sluice/core';
import { autoAck, publishAll, pullConsumer } from '@sluice/nats';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';

export const name = 'nats';

/** How long a message may stay unacked on a worker before the server redelivers it (the crash-recovery bound). */
const ACK_WAIT_MS = 1_000;

/** A nats-server -js of its own on a free loopback port, its store in a temp dir. */
export async function startBroker() {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'sluice-example-nats-'));
  const server = spawn('nats-server', ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', dir], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  const ready = new Promise((resolve, reject) => {
    server.stderr.on('data', (d) => {
      stderr += d;
      if (stderr.includes('Server is ready')) resolve();
    });
    server.once('error', (error) => reject(error.code === 'ENOENT'
      ? new Error('nats-server not found: install it with `apt-get install -y nats-server` (Debian/Ubuntu)')
      : error));
    server.once('exit', (code) => reject(new Error(`nats-server exited with ${code}: ${stderr}`)));
  });
  await ready;
  return {
    url: `nats://127.0.0.1:${port}`,
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
  await withConnection(url, async (nc) => {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: stream, subjects: [`${stream}.>`] });
    // Deliver all: messages published before the first worker pulls are part of the job.
    await jsm.consumers.add(stream, { durable_name: group, ack_policy: 'explicit', ack_wait: ACK_WAIT_MS * 1_000_000, max_ack_pending: 10_000 });
  });
}

/** Publishes {"seq": i} to `<stream>.job`, with at most 256 publishes awaiting their PubAck (toJetStream's bound). */
export async function publish(url, { stream, count }) {
  return publishAll(range(0, count).pipe(map((seq) => ({ data: JSON.stringify({ seq }), msgId: `seq-${seq}` }))),
    { nats: url, subject: `${stream}.job`, maxInFlight: 256 });
}

/**
 * What the server reports for the consumer: `pending` is delivered-unacked plus not yet delivered; `redeliveries` is
 * its num_redelivered, the pending messages delivered more than once (0 once everything is acked; the workers' own
 * "redelivered" flags are the history).
 */
export async function stats(url, { stream, group }) {
  return withConnection(url, async (nc) => {
    const info = await (await jetstreamManager(nc)).consumers.info(stream, group);
    return { pending: info.num_ack_pending + info.num_pending, redeliveries: info.num_redelivered };
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
  const jobs = pullConsumer({
    nats: values.url, stream: values.stream, consumer: values.group, maxBatch: 64, expiresMs: 2_000,
    decode: ({ data }) => {
      const seq = JSON.parse(new TextDecoder().decode(data))?.seq;
      if (!Number.isInteger(seq)) throw new TypeError('no integer "seq" in the payload');
      return seq;
    },
  });
  // Ack after processing; the next message does not wait for the ack's confirmation. The handler resolves (and
  // autoAck acks) only once the line has been handed to the pipe (the write's callback): a write still queued inside
  // this process would die with a kill -9 while its ack went out, and the driver would count a message lost that
  // was acknowledged. A worker killed between the line and the ack leaves the message unacked; its redelivery prints
  // it again, which the driver counts as a duplicate.
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
  await sleep(100); // let the last acks' confirmations arrive before the connection closes
  await new Promise((resolve) => process.stdout.write('', resolve));
  process.exit(0);
}

async function withConnection(url, fn) {
  const nc = await connect({ servers: url });
  try {
    return await fn(nc);
  } finally {
    await nc.close();
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
    console.error(`nats worker: ${error.stack ?? error}`);
    process.exit(1);
  });
}
