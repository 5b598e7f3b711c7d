import { createMetricsRegistry, metrics, name } from '@sluice/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readGroup, type ReadGroupSnapshot, type StreamEntry } from '../src/index';
import { startRedis, type RedisServer } from './support/redisServer';
import { eventually, freshKey, pendingOf, publish, recorder } from './support/helpers';

// inspect() and metrics(): outstanding demand, reads in flight, unacked, acked, claimed, dead-lettered, and the
// server's pending count (XPENDING) next to the process's own view.
let server: RedisServer;
beforeAll(async () => { server = await startRedis(); });
afterAll(async () => { await server?.stop(); });

describe('readGroup metrics', () => {
  it('reports demand, the read in flight, unacked and acked, and XPENDING through pending()', async () => {
    const stream = freshKey('metrics');
    await publish(server.admin, stream, 4);
    const flow = readGroup({ redis: server.url, stream, group: 'g', consumer: 'c1', createGroup: true, blockMs: 5_000, maxBatch: 50 });
    const sub = recorder<StreamEntry>();
    flow.subscribe(sub);
    sub.subscription!.request(10);
    await sub.next(4);
    await eventually(() => flow.metrics().inFlightReads === 1, 'the BLOCK read for the other 6');
    expect(flow.metrics()).toMatchObject({
      outstandingDemand: 6, inFlightReads: 1, inFlightCount: 6, buffered: 0, unacked: 4, delivered: 4, acked: 0, claimed: 0, deadLettered: 0,
    });
    const snapshot = (sub.subscription as unknown as { inspect(): ReadGroupSnapshot }).inspect();
    expect(snapshot).toMatchObject({ stage: 'redis.readGroup', capacity: 50, requested: 6, upstreamRequested: 6, emitted: 4, unacked: 4, phase: 'new' });
    expect(await flow.pending()).toEqual({ count: 4, consumers: { c1: 4 } });
    await sub.items[0]!.ack();
    await sub.items[1]!.ack();
    expect(flow.metrics()).toMatchObject({ unacked: 2, acked: 2 });
    expect(await flow.pending()).toEqual(await pendingOf(server.admin, stream, 'g'));
    expect((await flow.pending()).count).toBe(2);
    sub.subscription!.cancel();
    expect(flow.metrics()).toMatchObject({ outstandingDemand: 0, inFlightReads: 0, unacked: 0, delivered: 4, acked: 2 });
    expect(await flow.pending()).toEqual({ count: 2, consumers: { c1: 2 } }); // a short-lived connection of its own
  });

  it('is visible through a core metrics registry with name()', async () => {
    const stream = freshKey('registry');
    await publish(server.admin, stream, 3);
    const registry = createMetricsRegistry();
    const flow = readGroup({ redis: server.url, stream, group: 'g', consumer: 'c1', createGroup: true, blockMs: 200 })
      .pipe(name('jobs'), metrics(registry));
    const sub = recorder<StreamEntry>();
    flow.subscribe(sub);
    sub.subscription!.request(2);
    await sub.next(2);
    expect(registry.stage('jobs')).toMatchObject({ stage: 'jobs', capacity: 100, emitted: 2 });
    sub.subscription!.cancel();
  });
});
