import type { Fields } from '../src/index';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readGroup, type StreamEntry } from '../src/index';
import { startRedis, type RedisServer } from './support/redisServer';
import { countOf, eventually, freshKey, groupInfo, pendingOf, publish, recorder, sleep, watchReads } from './support/helpers';

// Demand exactness against a live redis-server: what the source reads is what was requested, watched from the
// server's side (MONITOR for the COUNTs, XPENDING and XINFO GROUPS for what was delivered).
let server: RedisServer;
beforeAll(async () => { server = await startRedis(); });
afterAll(async () => { await server?.stop(); });

const source = (stream: string, extra: Partial<Parameters<typeof readGroup<Fields>>[0]> = {}) =>
  readGroup({ redis: server.url, stream, group: 'g', consumer: 'c1', createGroup: true, blockMs: 200, ...extra });

describe('readGroup demand', () => {
  it('request(3) reads exactly three entries (one XREADGROUP COUNT 3), and no more without demand', async () => {
    const stream = freshKey('demand3');
    await publish(server.admin, stream, 10);
    const watch = await watchReads(server);
    const sub = recorder();
    source(stream).subscribe(sub);
    sub.subscription!.request(3);
    await sub.next(3);
    await sleep(300); // longer than BLOCK: a read issued without demand would have returned by now
    watch.stop();
    expect(sub.items.map((e) => e.fields.seq)).toEqual(['0', '1', '2']);
    const newReads = watch.reads.filter((args) => args.at(-1) === '>');
    expect(newReads.map(countOf)).toEqual([3]);
    expect(await pendingOf(server.admin, stream, 'g')).toEqual({ count: 3, consumers: { c1: 3 } });
    const info = await groupInfo(server.admin, stream, 'g');
    expect(info?.['entries-read']).toBe(3);
    expect(info?.lag).toBe(7);
    sub.subscription!.cancel();
  });

  it('issues no read at all while nothing is requested', async () => {
    const stream = freshKey('nodemand');
    await publish(server.admin, stream, 5);
    const watch = await watchReads(server);
    const flow = source(stream);
    const sub = recorder();
    flow.subscribe(sub);
    await sleep(300);
    watch.stop();
    expect(watch.reads).toEqual([]);
    expect(flow.metrics().reads).toBe(0);
    expect((await pendingOf(server.admin, stream, 'g')).count).toBe(0);
    expect(sub.items).toEqual([]);
    sub.subscription!.cancel();
  });

  it('splits unbounded demand into reads of at most maxBatch, never more in the process than one batch', async () => {
    const stream = freshKey('batches');
    await publish(server.admin, stream, 35);
    const watch = await watchReads(server);
    const flow = source(stream, { maxBatch: 10 });
    let maxHeld = 0;
    const sub = recorder();
    const onNext = sub.onNext;
    sub.onNext = (x) => {
      const m = flow.metrics();
      maxHeld = Math.max(maxHeld, m.buffered + m.inFlightCount);
      onNext(x);
    };
    flow.subscribe(sub);
    sub.subscription!.request(Infinity);
    await sub.next(35);
    sub.subscription!.cancel();
    watch.stop();
    const counts = watch.reads.filter((a) => a.at(-1) === '>').map(countOf);
    expect(counts.slice(0, 4)).toEqual([10, 10, 10, 10]);
    expect(maxHeld).toBeLessThanOrEqual(10);
  });

  it('reads COUNT min(outstanding demand, maxBatch) as demand arrives in pieces', async () => {
    const stream = freshKey('pieces');
    await publish(server.admin, stream, 20);
    const watch = await watchReads(server);
    const sub = recorder();
    source(stream, { maxBatch: 4 }).subscribe(sub);
    sub.subscription!.request(2);
    await sub.next(2);
    sub.subscription!.request(7);
    await sub.next(9);
    await sleep(300);
    watch.stop();
    expect(watch.reads.filter((a) => a.at(-1) === '>').map(countOf)).toEqual([2, 4, 3]);
    expect((await pendingOf(server.admin, stream, 'g')).count).toBe(9);
    sub.subscription!.cancel();
  });

  it('cancel stops reading and leaves the unacknowledged entries pending', async () => {
    const stream = freshKey('cancel');
    await publish(server.admin, stream, 10);
    const flow = source(stream);
    const sub = recorder<StreamEntry>();
    flow.subscribe(sub);
    sub.subscription!.request(5);
    await sub.next(5);
    await sub.items[0]!.ack();
    await sub.items[1]!.ack();
    sub.subscription!.cancel();
    const watch = await watchReads(server);
    await publish(server.admin, stream, 5, 10);
    await sleep(300);
    watch.stop();
    expect(watch.reads).toEqual([]);
    expect(await pendingOf(server.admin, stream, 'g')).toEqual({ count: 3, consumers: { c1: 3 } });
    expect((await groupInfo(server.admin, stream, 'g'))?.lag).toBe(10);
    expect(flow.metrics()).toMatchObject({ delivered: 5, acked: 2, outstandingDemand: 0, inFlightReads: 0 });
  });

  it('a BLOCK read waits for entries that arrive later and delivers them without a new request', async () => {
    const stream = freshKey('block');
    const sub = recorder();
    source(stream, { blockMs: 5_000 }).subscribe(sub);
    sub.subscription!.request(2);
    await eventually(async () => (await groupInfo(server.admin, stream, 'g')) !== undefined, 'the group exists');
    await publish(server.admin, stream, 3);
    await sub.next(2);
    expect(sub.items.map((e) => e.fields.seq)).toEqual(['0', '1']);
    sub.subscription!.cancel();
  });

  it('lowTide holds small reads back while delivered elements are unacked, and reads at once when none are', async () => {
    const stream = freshKey('lowtide');
    await publish(server.admin, stream, 20);
    const watch = await watchReads(server);
    const sub = recorder<StreamEntry>();
    source(stream, { lowTide: 4 }).subscribe(sub);
    sub.subscription!.request(1); // nothing unacked: read at once
    await sub.next(1);
    sub.subscription!.request(1); // 1 < lowTide and one element unacked: wait
    await sleep(300);
    expect(sub.items).toHaveLength(1);
    await sub.items[0]!.ack(); // nothing unacked now: the waiting demand is read
    await sub.next(2);
    sub.subscription!.request(5); // ≥ lowTide: read at once although one is unacked
    await sub.next(7);
    watch.stop();
    expect(watch.reads.filter((a) => a.at(-1) === '>').map(countOf)).toEqual([1, 1, 5]);
    sub.subscription!.cancel();
  });
});
