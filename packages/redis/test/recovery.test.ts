import type { Fields } from '../src/index';
import { forEach } from '@sluice/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { autoAck, readGroup, type StreamEntry } from '../src/index';
import { startRedis, type RedisServer } from './support/redisServer';
import { eventually, freshKey, pendingOf, publish, recorder, sleep, watchReads } from './support/helpers';

// Recovery: a restarted consumer re-reads its own pending entries first, idle entries of a dead consumer are claimed,
// and an entry delivered too often (or a handler that keeps throwing) ends in the dead-letter stream with its reason.
let server: RedisServer;
beforeAll(async () => { server = await startRedis(); });
afterAll(async () => { await server?.stop(); });

const base = (stream: string) => ({ redis: server.url, stream, group: 'g', createGroup: true, blockMs: 200 });

/** Reads `n` elements with a fresh subscription, leaves them unacked and cancels. */
async function readAndDrop(flow: ReturnType<typeof readGroup<Fields>>, n: number): Promise<StreamEntry[]> {
  const sub = recorder();
  flow.subscribe(sub);
  sub.subscription!.request(n);
  await sub.next(n);
  sub.subscription!.cancel();
  return sub.items as StreamEntry[];
}

describe('readGroup recovery', () => {
  it('a restarted consumer first re-reads its own pending entries (0), then new ones (>)', async () => {
    const stream = freshKey('restart');
    await publish(server.admin, stream, 8);
    const first = await readAndDrop(readGroup({ ...base(stream), consumer: 'c1' }), 3);
    expect(first.map((e) => [e.fields.seq, e.deliveries, e.redelivered])).toEqual([['0', 1, false], ['1', 1, false], ['2', 1, false]]);
    const watch = await watchReads(server);
    const sub = recorder();
    readGroup({ ...base(stream), consumer: 'c1' }).subscribe(sub);
    sub.subscription!.request(5);
    await sub.next(5);
    watch.stop();
    expect(sub.items.map((e) => [e.fields.seq, e.deliveries, e.redelivered])).toEqual(
      [['0', 2, true], ['1', 2, true], ['2', 2, true], ['3', 1, false], ['4', 1, false]]);
    expect(watch.reads.map((a) => a.at(-1))).toEqual(['0', '1', '>'].map((x, i) => (i === 1 ? first[2]!.id : x)));
    await Promise.all(sub.items.map((e) => e.ack()));
    expect(await pendingOf(server.admin, stream, 'g')).toEqual({ count: 0, consumers: {} });
    sub.subscription!.cancel();
  });

  it('claims entries idle longer than claimIdleMs on a dead consumer (XAUTOCLAIM), with their delivery count', async () => {
    const stream = freshKey('claim');
    await publish(server.admin, stream, 6);
    await readAndDrop(readGroup({ ...base(stream), consumer: 'dead' }), 4);
    await sleep(150);
    const flow = readGroup({ ...base(stream), consumer: 'live', claimIdleMs: 100 });
    const sub = recorder();
    flow.subscribe(sub);
    sub.subscription!.request(6);
    await sub.next(6);
    const seen = sub.items.map((e) => [e.fields.seq, e.deliveries]).sort();
    expect(seen).toEqual([['0', 2], ['1', 2], ['2', 2], ['3', 2], ['4', 1], ['5', 1]]);
    expect(flow.metrics().claimed).toBe(4);
    await Promise.all(sub.items.map((e) => e.ack()));
    expect((await pendingOf(server.admin, stream, 'g')).count).toBe(0);
    sub.subscription!.cancel();
  });

  it('does not claim entries that are not idle long enough (a live, slow consumer keeps its work)', async () => {
    const stream = freshKey('noclaim');
    await publish(server.admin, stream, 4);
    const slow = recorder();
    readGroup({ ...base(stream), consumer: 'slow' }).subscribe(slow);
    slow.subscription!.request(2);
    await slow.next(2);
    const flow = readGroup({ ...base(stream), consumer: 'other', claimIdleMs: 60_000 });
    const sub = recorder();
    flow.subscribe(sub);
    sub.subscription!.request(4);
    await sub.next(2);
    await sleep(300);
    expect(sub.items.map((e) => e.fields.seq)).toEqual(['2', '3']);
    expect(flow.metrics().claimed).toBe(0);
    expect((await pendingOf(server.admin, stream, 'g')).consumers).toEqual({ slow: 2, other: 2 });
    slow.subscription!.cancel();
    sub.subscription!.cancel();
  });

  it('dead-letters an entry delivered more than maxDeliveries times, with the reason, and acks the original', async () => {
    const stream = freshKey('dlq');
    const dead = `${stream}:dead`;
    await publish(server.admin, stream, 2);
    const options = { ...base(stream), consumer: 'c1', deadLetter: { stream: dead, maxDeliveries: 2 } };
    await readAndDrop(readGroup(options), 1); // delivery 1 of seq 0
    await readAndDrop(readGroup(options), 1); // delivery 2 of seq 0 (re-read of pending)
    const flow = readGroup(options);
    const sub = recorder();
    flow.subscribe(sub);
    sub.subscription!.request(1);
    await sub.next(1);
    expect(sub.items[0]!.fields.seq).toBe('1'); // seq 0's third delivery went to the dead-letter stream instead
    expect(flow.metrics().deadLettered).toBe(1);
    const [[, fields]] = (await server.admin.xrange(dead, '-', '+')) as [string, string[]][];
    const record = Object.fromEntries(fields!.reduce<string[][]>((pairs, v, i) => (i % 2 ? pairs[pairs.length - 1]!.push(v) : pairs.push([v]), pairs), []));
    expect(record).toMatchObject({ seq: '0', 'dlq:stream': stream, 'dlq:group': 'g', 'dlq:consumer': 'c1', 'dlq:deliveries': '3',
      'dlq:reason': 'delivered 3 times, more than maxDeliveries 2' });
    expect(await pendingOf(server.admin, stream, 'g')).toEqual({ count: 1, consumers: { c1: 1 } }); // seq 1, in hand
    sub.subscription!.cancel();
  });

  it('a handler that keeps throwing: the entry is never acked, is redelivered by claims, then dead-lettered; the rest is acked', async () => {
    const stream = freshKey('throwing');
    const dead = `${stream}:dead`;
    await publish(server.admin, stream, 10);
    const flow = readGroup({ ...base(stream), consumer: 'c1', claimIdleMs: 50, claimEveryMs: 20,
      deadLetter: { stream: dead, maxDeliveries: 3 } });
    const attempts: number[] = [];
    const failures: string[] = [];
    const done = new AbortController();
    const run = forEach(flow, autoAck(async (entry: StreamEntry) => {
      if (entry.fields.seq === '7') {
        attempts.push(entry.deliveries);
        throw new Error('cannot handle 7');
      }
    }, { onError: (error, entry) => failures.push(`${entry.fields.seq}: ${(error as Error).message}`) }), { prefetch: 4, signal: done.signal });
    await eventually(() => flow.metrics().deadLettered === 1 && flow.metrics().acked === 9, 'seq 7 dead-lettered, the rest acked');
    done.abort(new Error('test over'));
    await expect(run).rejects.toThrow('test over');
    expect(attempts).toEqual([1, 2, 3]);
    expect(failures).toEqual(['7: cannot handle 7', '7: cannot handle 7', '7: cannot handle 7']);
    const [[, fields]] = (await server.admin.xrange(dead, '-', '+')) as [string, string[]][];
    expect(fields).toContain('delivered 4 times, more than maxDeliveries 3');
    expect((await pendingOf(server.admin, stream, 'g')).count).toBe(0);
  });

  it('autoAck acks only after the handler resolved; a throwing handler fails forEach and leaves its entry pending', async () => {
    const stream = freshKey('autoack');
    await publish(server.admin, stream, 5);
    const flow = readGroup({ ...base(stream), consumer: 'c1' });
    const order: string[] = [];
    const run = forEach(flow, autoAck(async (entry: StreamEntry) => {
      order.push(`start ${entry.fields.seq}`);
      await sleep(5);
      if (entry.fields.seq === '2') throw new Error('boom');
      order.push(`end ${entry.fields.seq} acked=${entry.acked}`);
    }), { prefetch: 2 });
    await expect(run).rejects.toThrow('boom');
    expect(order).toEqual(['start 0', 'end 0 acked=false', 'start 1', 'end 1 acked=false', 'start 2']);
    await eventually(async () => (await pendingOf(server.admin, stream, 'g')).count <= 2, 'acks of 0 and 1 landed');
    const pending = (await server.admin.xpending(stream, 'g', '-', '+', 10)) as [string, string, number, number][];
    const ids = new Set(pending.map(([id]) => id));
    const entries = (await server.admin.xrange(stream, '-', '+')) as [string, string[]][];
    const pendingSeqs = entries.filter(([id]) => ids.has(id)).map(([, f]) => f[1]);
    expect(pendingSeqs[0]).toBe('2'); // the failed one stays pending (and the one prefetched after it, unprocessed)
    expect(pendingSeqs.length).toBeLessThanOrEqual(2);
    expect(flow.metrics().acked).toBe(2);
  });

  it('a read of new entries (>) that returns an id this process still holds (group recreated under it) skips it, not delivers it twice', async () => {
    const stream = freshKey('recreated');
    await publish(server.admin, stream, 3);
    const flow = readGroup({ ...base(stream), consumer: 'c1' });
    const sub = recorder();
    flow.subscribe(sub);
    sub.subscription!.request(1);
    await sub.next(1);
    const held = sub.items[0] as StreamEntry;
    expect([held.fields.seq, held.deliveries]).toEqual(['0', 1]);
    // A group destroyed and created again at 0 hands the held entry out again, as new (>).
    await server.admin.xgroup('DESTROY', stream, 'g');
    await server.admin.xgroup('CREATE', stream, 'g', '0');
    sub.subscription!.request(2);
    await sub.next(3);
    expect(sub.items.map((e) => (e as StreamEntry).fields.seq)).toEqual(['0', '1', '2']);
    expect(flow.metrics().skippedInProcess).toBe(1);
    await Promise.all(sub.items.map((e) => (e as StreamEntry).ack()));
    expect(flow.metrics().acked).toBe(3);
    expect(await pendingOf(server.admin, stream, 'g')).toEqual({ count: 0, consumers: {} });
    sub.subscription!.cancel();
  });

  it('ack() is idempotent: a second call sends nothing and returns the same promise', async () => {
    const stream = freshKey('ackonce');
    await publish(server.admin, stream, 1);
    const flow = readGroup({ ...base(stream), consumer: 'c1' });
    const sub = recorder();
    flow.subscribe(sub);
    sub.subscription!.request(1);
    await sub.next(1);
    const entry = sub.items[0]!;
    const first = entry.ack();
    expect(entry.ack()).toBe(first);
    await first;
    expect(entry.acked).toBe(true);
    expect(flow.metrics().acked).toBe(1);
    sub.subscription!.cancel();
  });
});
