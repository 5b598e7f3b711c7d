import { forEach } from '@sluice/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { autoAck, readGroup, type StreamEntry } from '../src/index';
import { startRedis, type RedisServer } from './support/redisServer';
import { freshKey, pendingOf, publish, sleep } from './support/helpers';

// Scale-out: consumers of different speeds share one group in proportion to their capacity, because each one reads
// only what its own sink asked for; a slow consumer never holds more than its own demand (its forEach prefetch).
let server: RedisServer;
beforeAll(async () => { server = await startRedis(); });
afterAll(async () => { await server?.stop(); });

describe('readGroup scale-out', () => {
  it('three consumers of different speeds share the stream by capacity; the slow one holds at most its prefetch', async () => {
    const stream = freshKey('scale');
    const total = 600;
    await publish(server.admin, stream, total);
    const prefetch = 4;
    const speeds = { fast: 0, medium: 4, slow: 25 }; // ms per message
    const counts: Record<string, number> = { fast: 0, medium: 0, slow: 0 };
    const seen = new Set<string>();
    let maxSlowPending = 0;
    let maxSlowUnacked = 0;
    const stop = new AbortController();
    const flows = Object.fromEntries(Object.keys(speeds).map((name) => [name, readGroup({
      redis: server.url, stream, group: 'g', consumer: name, createGroup: true, blockMs: 100, maxBatch: 16,
    })]));
    const sampler = setInterval(() => {
      maxSlowUnacked = Math.max(maxSlowUnacked, flows.slow!.metrics().unacked);
      pendingOf(server.admin, stream, 'g').then((p) => { maxSlowPending = Math.max(maxSlowPending, p.consumers.slow ?? 0); }, () => {});
    }, 5);
    const runs = Object.entries(speeds).map(([name, ms]) => forEach(flows[name]!, autoAck(async (entry: StreamEntry) => {
      if (ms > 0) await sleep(ms);
      counts[name]!++;
      seen.add(entry.fields.seq!);
      if (seen.size === total) stop.abort(new Error('done'));
    }), { prefetch, signal: stop.signal }).catch((e: Error) => e.message));
    expect(await Promise.all(runs)).toEqual(['done', 'done', 'done']);
    clearInterval(sampler);
    const { fast, medium, slow } = counts;
    expect(fast! + medium! + slow!).toBeGreaterThanOrEqual(total);
    expect(seen.size).toBe(total);
    expect(fast).toBeGreaterThan(medium!);
    expect(medium).toBeGreaterThan(slow!);
    expect(slow).toBeGreaterThan(0);
    expect(maxSlowUnacked).toBeLessThanOrEqual(prefetch);
    expect(maxSlowPending).toBeLessThanOrEqual(prefetch);
    console.log(`scale-out counts (ms per message → messages): fast 0 → ${fast}, medium 4 → ${medium}, slow 25 → ${slow}; ` +
      `slow consumer's pending peaked at ${maxSlowPending} (prefetch ${prefetch})`);
  });
});
