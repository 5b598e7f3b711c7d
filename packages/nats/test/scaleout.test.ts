import { forEach } from '@sluice/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { autoAck, pullConsumer, type JetStreamEntry } from '../src/index';
import { startNats, type NatsServer } from './support/natsServer';
import { consumerInfo, createConsumer, createStream, freshStream, publish, seqOf, sleep } from './support/helpers';

// Scale-out: workers of different speeds share one durable consumer in proportion to their capacity, because each
// pulls only what its own sink asked for; a slow worker never holds more than its own demand (its forEach prefetch).
let server: NatsServer;
beforeAll(async () => { server = await startNats(); });
afterAll(async () => { await server?.stop(); });

describe('pullConsumer scale-out', () => {
  it('three workers of different speeds share the stream by capacity; the slow one holds at most its prefetch', async () => {
    const { stream, subject } = freshStream('scale');
    await createStream(server, stream, subject);
    await createConsumer(server, stream, 'workers');
    const total = 600;
    await publish(server, subject, total);
    const prefetch = 4;
    const speeds = { fast: 0, medium: 4, slow: 25 }; // ms per message
    const counts: Record<string, number> = { fast: 0, medium: 0, slow: 0 };
    const seen = new Set<number>();
    let maxSlowHeld = 0;
    const stop = new AbortController();
    const flows = Object.fromEntries(Object.keys(speeds).map((name) => [name, pullConsumer({
      nats: server.url, stream, consumer: 'workers', maxBatch: 16, expiresMs: 1_000,
    })]));
    const sampler = setInterval(() => {
      const m = flows.slow!.metrics();
      maxSlowHeld = Math.max(maxSlowHeld, m.unacked + m.buffered + m.inFlightCount);
    }, 2);
    const runs = Object.entries(speeds).map(([name, ms]) => forEach(flows[name]!, autoAck(async (entry: JetStreamEntry) => {
      if (ms > 0) await sleep(ms);
      counts[name]!++;
      seen.add(seqOf(entry));
      if (seen.size === total) stop.abort(new Error('done'));
    }), { prefetch, signal: stop.signal }).catch((e: Error) => e.message));
    expect(await Promise.all(runs)).toEqual(['done', 'done', 'done']);
    clearInterval(sampler);
    const { fast, medium, slow } = counts;
    expect(seen.size).toBe(total);
    expect(fast! + medium! + slow!).toBeGreaterThanOrEqual(total);
    expect(fast).toBeGreaterThan(medium!);
    expect(medium).toBeGreaterThan(slow!);
    expect(slow).toBeGreaterThan(0);
    expect(maxSlowHeld).toBeLessThanOrEqual(prefetch);
    await sleep(100);
    expect((await consumerInfo(server, stream, 'workers')).num_pending).toBe(0);
    console.log(`scale-out counts (ms per message → messages): fast 0 → ${fast}, medium 4 → ${medium}, slow 25 → ${slow}; ` +
      `the slow worker held at most ${maxSlowHeld} (prefetch ${prefetch})`);
  });
});
