import type { Fields } from '../src/index';
import { forEach, map, range } from '@sluice/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { readGroup, RedisStreamError, writeStream, type StreamEntry } from '../src/index';
import { startRedis, type RedisServer } from './support/redisServer';
import { eventually, freshKey, pendingOf, publish, recorder, sleep, watchReads } from './support/helpers';

// Bad input and faults against a live redis-server: missing stream or group, entries with missing fields, oversized
// entries, a dropped connection and a broker that crashes and restarts mid-stream.
let server: RedisServer;
beforeAll(async () => { server = await startRedis(); });
afterAll(async () => { await server?.stop(); });

const base = (stream: string) => ({ redis: server.url, stream, group: 'g', consumer: 'c1', blockMs: 200 });

async function failure(flow: { subscribe(s: never): void }, n = 1): Promise<Error> {
  const sub = recorder();
  flow.subscribe(sub as never);
  sub.subscription!.request(n);
  await eventually(() => sub.error !== null, 'onError');
  return sub.error!;
}

/** Kills the server-side connection(s) whose client name ends with `suffix` (CLIENT KILL ID). */
async function killClients(suffix: string): Promise<number> {
  const list = (await server.admin.client('LIST')) as string;
  let killed = 0;
  for (const line of list.split('\n')) {
    const id = /id=(\d+)/.exec(line)?.[1];
    const name = /name=(\S*)/.exec(line)?.[1] ?? '';
    if (id && name.endsWith(suffix)) killed += Number(await server.admin.client('KILL', 'ID', id));
  }
  return killed;
}

describe('readGroup: bad input', () => {
  it('a missing stream fails with NOGROUP and says how to create it', async () => {
    const error = await failure(readGroup(base(freshKey('missing'))));
    expect(error).toBeInstanceOf(RedisStreamError);
    expect((error as RedisStreamError).code).toBe('NOGROUP');
    expect(error.message).toMatch(/does not exist .*XGROUP CREATE .* MKSTREAM, or pass createGroup: true/);
  });

  it('a missing group on an existing stream fails the same way; createGroup creates it (MKSTREAM) and is idempotent', async () => {
    const stream = freshKey('nogroup');
    await publish(server.admin, stream, 2);
    expect(((await failure(readGroup(base(stream)))) as RedisStreamError).code).toBe('NOGROUP');
    for (const consumer of ['c1', 'c2']) {
      const sub = recorder();
      readGroup({ ...base(stream), consumer, createGroup: true }).subscribe(sub);
      sub.subscription!.request(1);
      await sub.next(1);
      sub.subscription!.cancel();
    }
    const fresh = freshKey('mkstream');
    const sub = recorder();
    readGroup({ ...base(fresh), createGroup: { startId: '$' } }).subscribe(sub);
    await eventually(async () => (await server.admin.exists(fresh)) === 1, 'MKSTREAM created the stream');
    sub.subscription!.cancel();
  });

  it('rejects bad options at call time', () => {
    expect(() => readGroup({ ...base('s'), maxBatch: 0 })).toThrow(RangeError);
    expect(() => readGroup({ ...base('s'), stream: '' })).toThrow(/stream must be a non-empty string/);
    expect(() => readGroup({ ...base('s'), onDisconnect: 'retry' as never })).toThrow(/onDisconnect/);
    expect(() => readGroup({ ...base('s'), deadLetter: { stream: 's' } })).toThrow(/deadLetter.stream must differ/);
    expect(() => readGroup({ ...base('s'), redis: 42 as never })).toThrow(/redis must be/);
  });

  it('an entry with a missing field: decode throws → dead-lettered with the reason, or the stream fails with DECODE', async () => {
    const stream = freshKey('fields');
    await server.admin.xadd(stream, '*', 'seq', '0', 'data', '{"n":0}');
    await server.admin.xadd(stream, '*', 'seq', '1'); // no "data"
    await server.admin.xadd(stream, '*', 'seq', '2', 'data', '{"n":2}');
    const decode = (fields: Record<string, string>) => {
      if (fields.data === undefined) throw new TypeError('field "data" is missing');
      return JSON.parse(fields.data) as { n: number };
    };
    const dead = `${stream}:dead`;
    const flow = readGroup({ ...base(stream), createGroup: true, decode, deadLetter: { stream: dead } });
    const sub = recorder<StreamEntry<{ n: number }>>();
    flow.subscribe(sub);
    sub.subscription!.request(3);
    await sub.next(2);
    expect(sub.items.map((e) => e.value.n)).toEqual([0, 2]);
    await eventually(async () => (await server.admin.xlen(dead)) === 1, 'the dead letter');
    const [[, fields]] = (await server.admin.xrange(dead, '-', '+')) as [string, string[]][];
    expect(fields).toContain('decode failed: field "data" is missing');
    sub.subscription!.cancel();

    const strict = freshKey('fields-strict');
    await server.admin.xadd(strict, '*', 'seq', '1');
    const error = await failure(readGroup({ ...base(strict), createGroup: true, decode }));
    expect((error as RedisStreamError).code).toBe('DECODE');
    expect(error.message).toMatch(/decode threw for entry .* field "data" is missing; it stays pending/);
    expect((await pendingOf(server.admin, strict, 'g')).count).toBe(1);
  });

  it('an oversized entry is dead-lettered (or fails with OVERSIZED); the sink refuses one before sending it', async () => {
    const stream = freshKey('big');
    await server.admin.xadd(stream, '*', 'data', 'x'.repeat(10_000));
    await server.admin.xadd(stream, '*', 'data', 'small');
    const dead = `${stream}:dead`;
    const sub = recorder();
    readGroup({ ...base(stream), createGroup: true, maxEntryBytes: 1_000, deadLetter: { stream: dead } }).subscribe(sub);
    sub.subscription!.request(2);
    await sub.next(1);
    expect(sub.items[0]!.fields.data).toBe('small');
    await eventually(async () => (await server.admin.xlen(dead)) === 1, 'the dead letter');
    const [[, fields]] = (await server.admin.xrange(dead, '-', '+')) as [string, string[]][];
    expect(fields).toContain('oversized: 10004 bytes, more than maxEntryBytes 1000');
    sub.subscription!.cancel();

    const strict = freshKey('big-strict');
    await server.admin.xadd(strict, '*', 'data', 'x'.repeat(10_000));
    const error = await failure(readGroup({ ...base(strict), createGroup: true, maxEntryBytes: 1_000 }));
    expect((error as RedisStreamError).code).toBe('OVERSIZED');

    const out = freshKey('big-out');
    const written = writeStream(range(0, 3).pipe(map((i) => ({ data: i === 1 ? 'y'.repeat(5_000) : 'ok' }))),
      { redis: server.url, stream: out, maxEntryBytes: 1_000, maxInFlight: 1 });
    await expect(written).rejects.toThrow(/item of 5004 bytes is larger than maxEntryBytes 1000; nothing of it was sent/);
    expect(await server.admin.xlen(out)).toBe(1);
  });

  it('pending entries deleted from the stream (trimmed) are acked and counted, not delivered', async () => {
    const stream = freshKey('trimmed');
    await publish(server.admin, stream, 3);
    const first = recorder();
    readGroup({ ...base(stream), createGroup: true }).subscribe(first);
    first.subscription!.request(3);
    await first.next(3);
    first.subscription!.cancel();
    await server.admin.xdel(stream, first.items[1]!.id);
    const flow = readGroup({ ...base(stream) });
    const sub = recorder();
    flow.subscribe(sub);
    sub.subscription!.request(3);
    await sub.next(2);
    expect(sub.items.map((e) => e.fields.seq)).toEqual(['0', '2']);
    await eventually(() => flow.metrics().trimmed === 1, 'the deleted entry counted');
    expect((await pendingOf(server.admin, stream, 'g')).count).toBe(2);
    sub.subscription!.cancel();
  });
});

describe('readGroup: connection faults', () => {
  async function consumeAll(stream: string, total: number, extra: object, fault: (seen: number) => Promise<void>) {
    const flow = readGroup({ ...base(stream), createGroup: true, maxBatch: 20, ...extra });
    const acked = new Map<string, number>();
    const deliveries = new Map<string, number>();
    let faulted = false;
    const stop = new AbortController();
    const run = forEach(flow, async (entry: StreamEntry) => {
      deliveries.set(entry.fields.seq!, (deliveries.get(entry.fields.seq!) ?? 0) + 1);
      if (!faulted && deliveries.size === Math.floor(total / 2)) {
        faulted = true;
        await fault(deliveries.size);
      }
      await entry.ack();
      acked.set(entry.fields.seq!, (acked.get(entry.fields.seq!) ?? 0) + 1);
      if (acked.size === total) stop.abort(new Error('all acked'));
    }, { prefetch: 16, signal: stop.signal });
    return { flow, run, acked, deliveries };
  }

  it("resumes after the read connection is killed: re-reads its pending entries, nothing skipped, nothing acked twice", async () => {
    const stream = freshKey('drop');
    await publish(server.admin, stream, 400);
    const { flow, run, acked } = await consumeAll(stream, 400, {}, async () => {
      expect(await killClients(':read')).toBe(1);
    });
    await expect(run).rejects.toThrow('all acked');
    expect(acked.size).toBe(400);
    expect([...acked.values()].every((n) => n === 1)).toBe(true);
    expect(flow.metrics().reconnects).toBeGreaterThanOrEqual(1);
    expect((await pendingOf(server.admin, stream, 'g')).count).toBe(0);
  });

  it('a connection killed under a blocking read: the source re-reads its pending entries (0) before new ones (>)', async () => {
    const stream = freshKey('dropread');
    await publish(server.admin, stream, 5);
    const flow = readGroup({ ...base(stream), createGroup: true, blockMs: 2_000 });
    const sub = recorder<StreamEntry>();
    flow.subscribe(sub);
    sub.subscription!.request(8);
    await sub.next(5);
    await eventually(() => flow.metrics().inFlightReads === 1, 'a blocking read in flight');
    const watch = await watchReads(server);
    expect(await killClients(':read')).toBe(1);
    await eventually(() => flow.metrics().inFlightReads === 1 && watch.reads.some((a) => a.at(-1) === '>'), 'reading again');
    await publish(server.admin, stream, 3, 5);
    await sub.next(8);
    watch.stop();
    // Own pending first (from 0, then on from the last id seen), then new entries: none lost, none delivered twice.
    const cursors = watch.reads.map((a) => a.at(-1)!);
    expect(cursors[0]).toBe('0');
    const firstNew = cursors.indexOf('>');
    expect(firstNew).toBeGreaterThan(0);
    expect(cursors.slice(1, firstNew).every((c) => /^\d+-\d+$/.test(c))).toBe(true);
    expect(cursors.slice(firstNew).every((c) => c === '>')).toBe(true);
    expect(sub.items.map((e) => e.fields.seq)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7']);
    expect(flow.metrics()).toMatchObject({ reconnects: 1, skippedInProcess: 5 });
    sub.subscription!.cancel();
  });

  it("with onDisconnect: 'fail' a dropped read connection fails the stream with DISCONNECTED; entries stay pending", async () => {
    const stream = freshKey('dropfail');
    await publish(server.admin, stream, 50);
    const flow = readGroup({ ...base(stream), createGroup: true, onDisconnect: 'fail', blockMs: 2_000 });
    const sub = recorder();
    flow.subscribe(sub);
    sub.subscription!.request(60); // 50 arrive, then a BLOCK read waits for 10 more
    await sub.next(50);
    await eventually(() => flow.metrics().inFlightReads === 1, 'a blocking read in flight');
    await killClients(':read');
    await eventually(() => sub.error !== null, 'onError');
    expect((sub.error as RedisStreamError).code).toBe('DISCONNECTED');
    expect(sub.error!.message).toMatch(/connection dropped mid-stream .* onDisconnect is 'fail'; entries delivered and not acked stay pending/);
    expect((await pendingOf(server.admin, stream, 'g')).count).toBe(50);
  });

  it('survives a broker crash (kill -9) and restart mid-stream: every entry acked, none twice, none skipped', async () => {
    const stream = freshKey('crash');
    await publish(server.admin, stream, 300);
    const { run, acked, deliveries } = await consumeAll(stream, 300, { reconnectTimeoutMs: 15_000 }, async () => {
      await server.crash();
      await sleep(100);
      await server.restart();
    });
    await expect(run).rejects.toThrow('all acked');
    expect(acked.size).toBe(300);
    // An ack in flight during the crash may fail (its entry then comes again: at-least-once), but no entry was
    // acked twice by this consumer's own bookkeeping, and the server has nothing pending.
    expect([...acked.values()].every((n) => n === 1)).toBe(true);
    expect(deliveries.size).toBe(300);
    expect((await pendingOf(server.admin, stream, 'g')).count).toBe(0);
  }, 30_000);

  it('fails with DISCONNECTED when the broker is not back within reconnectTimeoutMs', async () => {
    const stream = freshKey('gone');
    await publish(server.admin, stream, 5);
    const flow = readGroup({ ...base(stream), createGroup: true, reconnectTimeoutMs: 300 });
    const sub = recorder();
    flow.subscribe(sub);
    sub.subscription!.request(10);
    await sub.next(5);
    await server.crash();
    try {
      await eventually(() => sub.error !== null, 'onError');
      expect((sub.error as RedisStreamError).code).toBe('DISCONNECTED');
      expect(sub.error!.message).toMatch(/not back within reconnectTimeoutMs \(300 ms\)/);
    } finally {
      await server.restart();
    }
  });

  it('a blocking read the server does not answer within BLOCK + readTimeoutGraceMs counts as a dead connection (READ_TIMEOUT)', async () => {
    const stream = freshKey('paused');
    await publish(server.admin, stream, 1);
    const flow = readGroup({ ...base(stream), createGroup: true, onDisconnect: 'fail', blockMs: 100, readTimeoutGraceMs: 200 });
    const sub = recorder();
    flow.subscribe(sub);
    sub.subscription!.request(2);
    await sub.next(1);
    await eventually(() => flow.metrics().inFlightReads === 1, 'a blocking read in flight');
    await server.admin.client('PAUSE', 1_500, 'ALL'); // the server holds every reply
    await eventually(() => sub.error !== null, 'onError');
    await server.admin.client('UNPAUSE');
    expect((sub.error as RedisStreamError).code).toBe('READ_TIMEOUT');
    expect(sub.error!.message).toMatch(/not answered within blockMs \+ readTimeoutGraceMs \(300 ms\)/);
  });
});
