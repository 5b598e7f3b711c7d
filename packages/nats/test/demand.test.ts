import type { Inspectable } from '@sluice/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pullConsumer, type JetStreamEntry, type PullConsumerOptions } from '../src/index';
import { startNats, type NatsServer } from './support/natsServer';
import { consumerInfo, createConsumer, createStream, eventually, freshStream, publish, recorder, seqOf, sleep, watchPulls } from './support/helpers';

// Demand exactness against a live nats-server -js: what the source pulls is what was requested, watched from the
// server's side (every pull request as the server receives it, and the consumer's num_ack_pending / num_pending).
let server: NatsServer;
beforeAll(async () => { server = await startNats(); });
afterAll(async () => { await server?.stop(); });

async function fixture(what: string, count: number, consumer: Record<string, unknown> = {}) {
  const { stream, subject } = freshStream(what);
  await createStream(server, stream, subject);
  await createConsumer(server, stream, 'workers', consumer);
  await publish(server, subject, count);
  return stream;
}

const source = (stream: string, extra: Partial<PullConsumerOptions> = {}) =>
  pullConsumer({ nats: server.url, stream, consumer: 'workers', expiresMs: 1_000, ackGraceMs: 0, ...extra });

describe('pullConsumer demand', () => {
  it('request(3) delivers exactly three (one pull of batch 3), visible as num_ack_pending 3; no pull without more demand', async () => {
    const stream = await fixture('demand3', 10);
    const watch = await watchPulls(server, stream);
    const sub = recorder();
    source(stream).subscribe(sub);
    sub.subscription!.request(3);
    await sub.next(3);
    await sleep(300);
    watch.stop();
    expect(sub.items.map(seqOf)).toEqual([0, 1, 2]);
    expect(watch.pulls.map((p) => p.batch)).toEqual([3]);
    expect(watch.pulls[0]).toMatchObject({ expires: 1_000_000_000, idle_heartbeat: 200_000_000 });
    const info = await consumerInfo(server, stream, 'workers');
    expect(info.num_ack_pending).toBe(3);
    expect(info.num_pending).toBe(7);
    expect(sub.items).toHaveLength(3);
    sub.subscription!.cancel();
  });

  it('inspect() and metrics() report demand, pulls and what is held; pending() is the server\'s consumer info', async () => {
    const stream = await fixture('inspect', 10);
    const flow = source(stream);
    const sub = recorder();
    flow.subscribe(sub);
    sub.subscription!.request(3);
    await sub.next(3);
    const snapshot = (sub.subscription as unknown as Inspectable).inspect();
    expect(snapshot).toMatchObject({ stage: 'nats.pullConsumer', requested: 0, upstreamRequested: 0, emitted: 3, received: 3,
      buffered: 0, inFlightPulls: 0, unacked: 3, phase: 'pulling', cancelled: false });
    expect(flow.metrics()).toMatchObject({ outstandingDemand: 0, inFlightPulls: 0, inFlightCount: 0, unacked: 3, pulls: 1,
      received: 3, delivered: 3, acked: 0, maxAckPending: 1000 });
    expect(await flow.pending()).toMatchObject({ numPending: 7, numAckPending: 3, maxAckPending: 1000, ackFloor: 0 });
    sub.subscription!.request(2);
    await sub.next(5);
    await sub.items[0]!.ack();
    expect(flow.metrics()).toMatchObject({ delivered: 5, acked: 1, unacked: 4 });
    expect(await flow.pending()).toMatchObject({ numPending: 5, numAckPending: 4, ackFloor: 1 });
    sub.subscription!.cancel();
    expect(flow.metrics()).toMatchObject({ outstandingDemand: 0, unacked: 0 }); // gauges of live subscriptions only
  });

  it('issues no pull at all while nothing is requested', async () => {
    const stream = await fixture('nodemand', 5);
    const watch = await watchPulls(server, stream);
    const flow = source(stream);
    const sub = recorder();
    flow.subscribe(sub);
    await sleep(300);
    watch.stop();
    expect(watch.pulls).toEqual([]);
    expect(flow.metrics()).toMatchObject({ pulls: 0, received: 0, outstandingDemand: 0 });
    expect((await consumerInfo(server, stream, 'workers')).num_ack_pending).toBe(0);
    sub.subscription!.cancel();
  });

  it('unbounded demand becomes pulls of at most maxBatch; received and pullable never exceed maxBatch × maxPulls', async () => {
    const stream = await fixture('batches', 60);
    const watch = await watchPulls(server, stream);
    const flow = source(stream, { maxBatch: 10, maxPulls: 2 });
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
    await sub.next(60);
    sub.subscription!.cancel();
    watch.stop();
    expect(new Set(sub.items.map(seqOf)).size).toBe(60);
    expect(watch.pulls.every((p) => p.batch === 10)).toBe(true);
    expect(maxHeld).toBeLessThanOrEqual(20);
  });

  it('pulls only the demand no open pull covers, re-pulling at the low tide', async () => {
    const { stream, subject } = freshStream('lowtide');
    await createStream(server, stream, subject);
    await createConsumer(server, stream, 'workers');
    const watch = await watchPulls(server, stream);
    const sub = recorder();
    source(stream, { lowTide: 3, expiresMs: 2_000 }).subscribe(sub);
    await sleep(100);
    sub.subscription!.request(2); // nothing open: pull 2 at once
    await eventually(() => watch.pulls.length === 1, 'the first pull');
    sub.subscription!.request(1); // 1 uncovered < lowTide 3 while a pull is open: wait
    await sleep(150);
    expect(watch.pulls.map((p) => p.batch)).toEqual([2]);
    sub.subscription!.request(2); // 3 uncovered: pull 3
    await eventually(() => watch.pulls.length === 2, 'the second pull');
    await publish(server, subject, 5);
    await sub.next(5);
    await sleep(200);
    watch.stop();
    expect(watch.pulls.map((p) => p.batch)).toEqual([2, 3]);
    expect(sub.items.map(seqOf)).toEqual([0, 1, 2, 3, 4]);
    sub.subscription!.cancel();
  });

  it('cancel stops pulling and leaves the unacknowledged messages pending', async () => {
    const stream = await fixture('cancel', 10);
    const flow = source(stream);
    const sub = recorder<JetStreamEntry>();
    flow.subscribe(sub);
    sub.subscription!.request(5);
    await sub.next(5);
    await sub.items[0]!.ack();
    await sub.items[1]!.ack();
    sub.subscription!.cancel();
    const watch = await watchPulls(server, stream);
    await sleep(300);
    watch.stop();
    expect(watch.pulls).toEqual([]);
    const info = await consumerInfo(server, stream, 'workers');
    expect(info.num_ack_pending).toBe(3);
    expect(info.num_pending).toBe(5);
    expect(flow.metrics()).toMatchObject({ delivered: 5, acked: 2, outstandingDemand: 0, inFlightPulls: 0 });
  });

  it('respects and reports max_ack_pending: with 4 allowed, request(10) pulls 4 and the next pull waits for acks', async () => {
    const stream = await fixture('maxack', 10, { max_ack_pending: 4 });
    const watch = await watchPulls(server, stream);
    const flow = source(stream);
    const sub = recorder<JetStreamEntry>();
    flow.subscribe(sub);
    sub.subscription!.request(10);
    await sub.next(4);
    await sleep(300);
    expect(sub.items).toHaveLength(4);
    expect(flow.metrics().maxAckPending).toBe(4);
    expect(watch.pulls.map((p) => p.batch)).toEqual([4]);
    expect((await consumerInfo(server, stream, 'workers')).num_ack_pending).toBe(4);
    await Promise.all(sub.items.slice(0, 2).map((e) => e.ack()));
    await sub.next(6);
    await sleep(200);
    watch.stop();
    // each ack opened room for one more: the later pulls together ask for exactly the two acked
    expect(watch.pulls[0]!.batch).toBe(4);
    expect(watch.pulls.slice(1).reduce((sum, p) => sum + p.batch!, 0)).toBe(2);
    expect(sub.items).toHaveLength(6);
    sub.subscription!.cancel();
  });

  it('a pull the server holds at max_ack_pending (other workers hold the rest) ends with 408 and is pulled again', async () => {
    const stream = await fixture('ack408', 6, { max_ack_pending: 2 });
    const other = recorder<JetStreamEntry>();
    source(stream).subscribe(other);
    other.subscription!.request(2);
    await other.next(2); // the consumer's whole max_ack_pending is held by another worker now
    const flow = source(stream, { expiresMs: 600, heartbeatMs: 250 });
    const sub = recorder<JetStreamEntry>();
    flow.subscribe(sub);
    sub.subscription!.request(2);
    await eventually(() => flow.metrics().pullsExpired >= 1, 'a 408 at expires');
    expect(sub.items).toHaveLength(0);
    await Promise.all(other.items.map((e) => e.ack()));
    await sub.next(2);
    expect(sub.items.map(seqOf)).toEqual([2, 3]);
    expect(flow.metrics().pullsLost).toBe(0);
    other.subscription!.cancel();
    sub.subscription!.cancel();
  });

  it('completeWhenDrained: no_wait pulls while another worker holds max_ack_pending wait (no reply, then 408), then drain and complete', async () => {
    // A bare no_wait pull gets no answer at all while max_ack_pending is full; the source's pulls carry expires
    // too, so the server ends them with a 408 (and a pull that got nothing by then is given up by its watchdog).
    const stream = await fixture('drainwait', 3, { max_ack_pending: 1 });
    const other = recorder<JetStreamEntry>();
    source(stream).subscribe(other);
    other.subscription!.request(1);
    await other.next(1);
    const flow = source(stream, { completeWhenDrained: true, expiresMs: 300, heartbeatMs: 100 });
    const sub = recorder<JetStreamEntry>();
    const onNext = sub.onNext;
    sub.onNext = (entry) => { onNext(entry); void entry.ack(); }; // this worker acks what it gets
    flow.subscribe(sub);
    sub.subscription!.request(5);
    await eventually(() => flow.metrics().pullsExpired + flow.metrics().pullsLost >= 1, 'a pull that could not be served');
    expect(sub.items).toHaveLength(0);
    expect(sub.completed).toBe(false);
    await other.items[0]!.ack();
    other.subscription!.cancel();
    await sub.terminated();
    expect(sub.error).toBeNull();
    expect(sub.items.map(seqOf)).toEqual([1, 2]);
    expect(sub.completed).toBe(true);
  });

  it('completeWhenDrained with every message delivered and held unacked up to max_ack_pending: completes, not waits for room', async () => {
    const stream = await fixture('drainheld', 2, { max_ack_pending: 2 });
    const sub = recorder<JetStreamEntry>();
    source(stream, { completeWhenDrained: true, expiresMs: 300, heartbeatMs: 100 }).subscribe(sub);
    sub.subscription!.request(5);
    await sub.terminated();
    expect([sub.items.map(seqOf), sub.completed, sub.error]).toEqual([[0, 1], true, null]);
  });

  it('max_bytes: the server ends a batch early with 409 and the rest of the demand is pulled again', async () => {
    const stream = await fixture('maxbytes', 8);
    const watch = await watchPulls(server, stream);
    const sub = recorder<JetStreamEntry>();
    const flow = source(stream, { maxBytes: 150 });
    flow.subscribe(sub);
    sub.subscription!.request(8);
    await sub.next(8);
    watch.stop();
    expect(sub.items.map(seqOf)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(watch.pulls.length).toBeGreaterThan(1);
    expect(watch.pulls.every((p) => p.max_bytes === 150)).toBe(true);
    expect(watch.pulls[0]!.batch).toBe(8);
    sub.subscription!.cancel();
  });

  it('idle heartbeats keep an open pull alive on an empty stream (no pull is given up)', async () => {
    const { stream, subject } = freshStream('heartbeat');
    await createStream(server, stream, subject);
    await createConsumer(server, stream, 'workers');
    const flow = source(stream, { expiresMs: 1_000, heartbeatMs: 200 });
    const sub = recorder();
    flow.subscribe(sub);
    sub.subscription!.request(1);
    await eventually(() => flow.metrics().heartbeats >= 3, 'three heartbeats');
    expect(flow.metrics().pullsLost).toBe(0);
    await publish(server, subject, 1);
    await sub.next(1);
    sub.subscription!.cancel();
  });
});
