import { concat, fail, map, range, tap } from '@sluice/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureReportedErrors } from '@sluice/core/testing';
import { RedisStreamError, toStream, writeStream } from '../src/index';
import { startRedis, type RedisServer } from './support/redisServer';
import { eventually, freshKey } from './support/helpers';

// The XADD sink against a live redis-server: order, encoding, MAXLEN trimming, and the bound on commands in flight
// (watched while the server holds its replies with CLIENT PAUSE WRITE).
let server: RedisServer;
beforeAll(async () => { server = await startRedis(); });
afterAll(async () => { await server?.stop(); });

describe('toStream', () => {
  it('drops a late error after it cancelled the flow itself, and reports one that follows completion (§1.7, ADR 0012)', async () => {
    const reported = captureReportedErrors();
    try {
      const stream = freshKey('late');
      let cancelled = false;
      const failing = toStream<string>({ redis: server.url, stream, encode: () => { throw new Error('encode refused'); } });
      failing.onSubscribe({ request: () => {}, cancel: () => { cancelled = true; } });
      failing.onNext('x');
      await expect(failing.finished).rejects.toThrow('encode refused');
      expect(cancelled).toBe(true);
      failing.onError(new Error('late after cancel'));
      const completed = toStream<string>({ redis: server.url, stream });
      completed.onSubscribe({ request: () => {}, cancel: () => {} });
      completed.onComplete();
      await completed.finished;
      completed.onError(new Error('late after complete'));
      expect(reported.dropped.map((e) => (e as Error).message)).toEqual(['late after cancel']);
      expect(reported.errors.map((e) => (e as Error).message)).toEqual(['late after complete']);
    } finally {
      reported.restore();
    }
  });

  it('appends every item in order and resolves with the count; string objects as fields, anything else as { data: JSON }', async () => {
    const stream = freshKey('sink');
    const items: unknown[] = [{ name: 'a', kind: 'x' }, { seq: 1 }, 'text', [1, 2]];
    expect(await writeStream(concat(...items.map((i) => range(0, 1).pipe(map(() => i)))), { redis: server.url, stream })).toBe(4);
    const entries = (await server.admin.xrange(stream, '-', '+')) as [string, string[]][];
    expect(entries.map(([, f]) => f)).toEqual([['name', 'a', 'kind', 'x'], ['data', '{"seq":1}'], ['data', '"text"'], ['data', '[1,2]']]);
  });

  it('MAXLEN ~ n keeps at least n entries (whole macro-nodes are trimmed); exactTrim keeps exactly n', async () => {
    const approx = freshKey('approx');
    await writeStream(range(0, 5_000).pipe(map((i) => ({ seq: String(i) }))), { redis: server.url, stream: approx, maxLen: 1_000 });
    const length = await server.admin.xlen(approx);
    expect(length).toBeGreaterThanOrEqual(1_000);
    expect(length).toBeLessThan(5_000);
    const exact = freshKey('exact');
    await writeStream(range(0, 2_000).pipe(map((i) => ({ seq: String(i) }))), { redis: server.url, stream: exact, maxLen: 1_000, exactTrim: true });
    expect(await server.admin.xlen(exact)).toBe(1_000);
    const [[, first]] = (await server.admin.xrange(exact, '-', '+', 'COUNT', 1)) as [string, string[]][];
    expect(first).toEqual(['seq', '1000']); // the oldest ones were deleted, read or not
  });

  it('never has more than maxInFlight XADDs unanswered: a stalled server stalls the producer', async () => {
    const stream = freshKey('inflight');
    let produced = 0;
    const sink = toStream<{ seq: string }>({ redis: server.url, stream, maxInFlight: 8 });
    await server.admin.client('PAUSE', 400, 'WRITE'); // writes get no reply until the pause ends
    range(0, 100).pipe(tap(() => { produced++; }), map((i) => ({ seq: String(i) }))).subscribe(sink);
    await eventually(() => produced >= 8, 'the first requests');
    await new Promise((r) => setTimeout(r, 150));
    expect(produced).toBe(8);
    expect(sink.inspect()).toMatchObject({ buffered: 8, upstreamRequested: 0 });
    expect(await sink.finished).toBe(100);
    expect(await server.admin.xlen(stream)).toBe(100);
  });

  it('a flow error rejects after the writes in flight were answered; what landed is counted', async () => {
    const stream = freshKey('flowerror');
    const sink = toStream({ redis: server.url, stream, maxInFlight: 4 });
    concat(range(0, 10).pipe(map((i) => ({ seq: String(i) }))), fail(new Error('upstream broke'))).subscribe(sink);
    await expect(sink.finished).rejects.toThrow('upstream broke');
    expect(sink.written).toBe(10);
    expect(await server.admin.xlen(stream)).toBe(10);
  });

  it('an error reply (WRONGTYPE) cancels the flow and rejects with REPLY', async () => {
    const stream = freshKey('wrongtype');
    await server.admin.set(stream, 'not a stream');
    let cancelled = false;
    const sink = toStream({ redis: server.url, stream });
    range(0, 1_000).pipe(map((i) => ({ seq: String(i) })), tap({ cancel: () => { cancelled = true; } })).subscribe(sink);
    const error = await sink.finished.catch((e: unknown) => e as RedisStreamError);
    expect(error).toBeInstanceOf(RedisStreamError);
    expect((error as RedisStreamError).code).toBe('REPLY');
    expect((error as Error).message).toMatch(/XADD to ".*" failed: WRONGTYPE/);
    expect(cancelled).toBe(true);
  });

  it('an abort signal cancels the flow and rejects with its reason', async () => {
    const stream = freshKey('abort');
    const controller = new AbortController();
    const sink = toStream({ redis: server.url, stream, signal: controller.signal });
    range(0, Infinity).pipe(map((i) => ({ seq: String(i) }))).subscribe(sink);
    await eventually(() => sink.written > 10, 'some writes');
    controller.abort(new Error('enough'));
    await expect(sink.finished).rejects.toThrow('enough');
  });

  it('rejects bad options at call time', () => {
    expect(() => toStream({ redis: server.url, stream: '' })).toThrow(TypeError);
    expect(() => toStream({ redis: server.url, stream: 's', maxInFlight: 0 })).toThrow(RangeError);
    expect(() => toStream({ redis: server.url, stream: 's', maxLen: -1 })).toThrow(RangeError);
  });
});
