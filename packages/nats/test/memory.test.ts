import { forEach } from '@sluice/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { autoAck, pullConsumer, type JetStreamEntry } from '../src/index';
import { collectGarbage } from '../../core/test/support/collectGarbage';
import { startNats, type NatsServer } from './support/natsServer';
import { consumerInfo, createConsumer, createStream, freshStream, publish } from './support/helpers';

// Bounded memory: a backlog far larger than any buffer, consumed by a slow worker (one macrotask per message), keeps
// the worker's live heap flat, because the source pulls only what the sink asked for and the backlog stays in the
// server. The suite runs 40,000 messages to stay within its time budget (vitest runs with --expose-gc);
// `node packages/bench/soak-nats.mjs` (pnpm --filter @sluice/bench soak:nats) runs the same check on 1,000,000 (its
// result is in packages/nats/README.md).
let server: NatsServer;
beforeAll(async () => { server = await startNats(); }, 60_000);
afterAll(async () => { await server?.stop(); });

const N = 40_000;

async function liveHeap(): Promise<number> {
  await collectGarbage();
  return process.memoryUsage().heapUsed;
}

describe('pullConsumer bounded memory', () => {
  it(`a ${N.toLocaleString('en')}-message backlog consumed by a slow worker: the live heap stays flat`, async () => {
    const { stream, subject } = freshStream('backlog');
    await createStream(server, stream, subject);
    await createConsumer(server, stream, 'workers');
    await publish(server, subject, N);
    const flow = pullConsumer({ nats: server.url, stream, consumer: 'workers', maxBatch: 64 });
    const samples: number[] = [];
    const marks = new Set([N * 0.1, N * 0.5, N * 0.9].map(Math.floor));
    let heldMax = 0;
    let done = 0;
    const stop = new AbortController();
    const run = forEach(flow, autoAck(async (_entry: JetStreamEntry) => {
      await nextTurn(); // a slow consumer: one macrotask per message
      done++;
      const m = flow.metrics();
      heldMax = Math.max(heldMax, m.buffered + m.inFlightCount + (m.delivered - done));
      if (marks.has(done)) samples.push(await liveHeap());
      if (done === N) stop.abort(new Error('consumed'));
    }, { awaitAck: false }), { prefetch: 64, signal: stop.signal });
    await expect(run).rejects.toThrow('consumed');
    const [at10, at50, at90] = samples;
    const mib = (b: number) => (b / 2 ** 20).toFixed(2);
    console.log(`live heap at 10% ${mib(at10!)} MiB, 50% ${mib(at50!)} MiB, 90% ${mib(at90!)} MiB; held at most ${heldMax} messages`);
    expect(samples).toHaveLength(3);
    expect(at90! - at10!).toBeLessThan(2 * 2 ** 20); // flat: no growth with the number of messages consumed
    expect(at50! - at10!).toBeLessThan(2 * 2 ** 20);
    expect(heldMax).toBeLessThanOrEqual(64 + 64); // forEach's prefetch + the pulls for its next request
    await new Promise((r) => setTimeout(r, 200));
    expect((await consumerInfo(server, stream, 'workers')).num_ack_pending).toBeLessThanOrEqual(64 + 1);
  }, 60_000);
});
