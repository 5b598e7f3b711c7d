import { forEach } from '@sluice/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { autoAck, readGroup, type StreamEntry } from '../src/index';
import { collectGarbage } from '../../core/test/support/collectGarbage';
import { startRedis, type RedisServer } from './support/redisServer';
import { freshKey, pendingOf, publish } from './support/helpers';

// Bounded memory: a backlog far larger than any buffer, consumed by a slow worker (one macrotask per message), keeps
// the worker's live heap flat, because the source reads only what the sink asked for. The suite runs 200,000
// messages to stay quick; `node packages/bench/soak-redis.mjs` (pnpm --filter @sluice/bench soak:redis) runs the same
// check on 1,000,000 (its result is in packages/bench/README.md).
let server: RedisServer;
beforeAll(async () => { server = await startRedis(); }, 60_000);
afterAll(async () => { await server?.stop(); });

const N = 200_000;

async function liveHeap(): Promise<number> {
  await collectGarbage();
  return process.memoryUsage().heapUsed;
}

describe('readGroup bounded memory', () => {
  it(`a ${N.toLocaleString('en')}-message backlog consumed by a slow worker: the live heap stays flat`, async () => {
    const stream = freshKey('backlog');
    await publish(server.admin, stream, N);
    const flow = readGroup({ redis: server.url, stream, group: 'g', consumer: 'slow', createGroup: true, maxBatch: 64 });
    const samples: number[] = [];
    const marks = new Set([N * 0.1, N * 0.5, N * 0.9].map(Math.floor));
    let heldMax = 0;
    let done = 0;
    const stop = new AbortController();
    const run = forEach(flow, autoAck(async (_entry: StreamEntry) => {
      await nextTurn(); // a slow consumer: one macrotask per message
      done++;
      const m = flow.metrics();
      // held for work: read and not delivered, asked for in the read in flight, delivered and not yet processed
      heldMax = Math.max(heldMax, m.buffered + m.inFlightCount + (m.delivered - done));
      if (marks.has(done)) samples.push(await liveHeap());
      if (done === N) stop.abort(new Error('consumed'));
    }, { awaitAck: false }), { prefetch: 64, signal: stop.signal });
    await expect(run).rejects.toThrow('consumed');
    const [at10, at50, at90] = samples;
    const mib = (b: number) => (b / 2 ** 20).toFixed(2);
    console.log(`live heap at 10% ${mib(at10!)} MiB, 50% ${mib(at50!)} MiB, 90% ${mib(at90!)} MiB; held at most ${heldMax} entries`);
    expect(samples).toHaveLength(3);
    expect(at90! - at10!).toBeLessThan(2 * 2 ** 20); // flat: no growth with the number of messages consumed
    expect(at50! - at10!).toBeLessThan(2 * 2 ** 20);
    expect(heldMax).toBeLessThanOrEqual(64 + 64); // forEach's prefetch + one read's COUNT
    await new Promise((r) => setTimeout(r, 50));
    expect((await pendingOf(server.admin, stream, 'g')).count).toBeLessThanOrEqual(64 + 1);
  }, 120_000);
});
