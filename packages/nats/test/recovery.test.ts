import { forEach } from '@sluice/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jetstream } from '@nats-io/jetstream';
import { autoAck, pullConsumer, type JetStreamEntry, type PullConsumerOptions, type JetStreamSource } from '../src/index';
import { startNats, type NatsServer } from './support/natsServer';
import { consumerInfo, createConsumer, createStream, eventually, freshStream, publish, recorder, seqOf, sleep } from './support/helpers';

// Acknowledgement and recovery: ack/nak/term/working against the server's own bookkeeping, redelivery after ack_wait
// for a worker that went away, and the dead-letter bound for messages delivered too often or handlers that throw.
let server: NatsServer;
beforeAll(async () => { server = await startNats(); });
afterAll(async () => { await server?.stop(); });

const MS = 1_000_000;

async function fixture(what: string, count: number, consumer: Record<string, unknown> = {}) {
  const names = freshStream(what);
  await createStream(server, names.stream, names.subject);
  await createConsumer(server, names.stream, 'workers', consumer);
  await publish(server, names.subject, count);
  return names;
}

const source = (stream: string, extra: Partial<PullConsumerOptions> = {}) =>
  pullConsumer({ nats: server.url, stream, consumer: 'workers', expiresMs: 1_000, ackGraceMs: 0, ...extra });

async function take(flow: JetStreamSource, n: number) {
  const sub = recorder<JetStreamEntry>();
  flow.subscribe(sub);
  sub.subscription!.request(n);
  await sub.next(n);
  return sub;
}

/** The dead-letter stream's messages, as { headers, seq } records. */
async function deadLetters(subject: string, stream: string) {
  const jsm = server.jsm;
  const info = await jsm.streams.info(stream);
  const out: { reason: string; seq: string; deliveries: string; data: string }[] = [];
  for (let s = info.state.first_seq; s <= info.state.last_seq && info.state.messages > 0; s++) {
    const m = await jsm.streams.getMessage(stream, { seq: s });
    out.push({ reason: m!.header.get('Sluice-Dlq-Reason'), seq: m!.header.get('Sluice-Dlq-Seq'), deliveries: m!.header.get('Sluice-Dlq-Deliveries'), data: m!.string() });
  }
  void subject;
  return out;
}

describe('pullConsumer acknowledgement and recovery', () => {
  it('ack() is confirmed by the server and idempotent; num_ack_pending and the ack floor follow', async () => {
    const { stream } = await fixture('ack', 3);
    const flow = source(stream);
    const sub = await take(flow, 3);
    const first = sub.items[0]!.ack();
    expect(sub.items[0]!.ack()).toBe(first);
    await first;
    await sub.items[1]!.ack();
    expect(sub.items[0]!.acked).toBe(true);
    const info = await consumerInfo(server, stream, 'workers');
    expect(info.num_ack_pending).toBe(1);
    expect(info.ack_floor.stream_seq).toBe(2);
    expect(flow.metrics()).toMatchObject({ acked: 2, unacked: 1, delivered: 3 });
    sub.subscription!.cancel();
  });

  it('confirmAcks: false publishes acks like m.ack() without a round trip; the server applies them all', async () => {
    const { stream } = await fixture('noconfirm', 20);
    const flow = source(stream, { confirmAcks: false });
    const sub = await take(flow, 20);
    await Promise.all(sub.items.map((e) => e.ack()));
    expect(flow.metrics()).toMatchObject({ acked: 20, unacked: 0 });
    await eventually(async () => (await consumerInfo(server, stream, 'workers')).num_ack_pending === 0, 'the server applied the acks');
    expect((await consumerInfo(server, stream, 'workers')).ack_floor.stream_seq).toBe(20);
    sub.subscription!.cancel();
  });

  it('nak(delay) redelivers after the delay; term() never redelivers; working() keeps a slow message from redelivery', async () => {
    // ack_wait is ten working() periods, so a loaded machine's late timers cannot let c's ack_wait lapse
    const { stream } = await fixture('nak', 3, { ack_wait: 1000 * MS });
    const flow = source(stream);
    const sub = recorder<JetStreamEntry>();
    flow.subscribe(sub);
    sub.subscription!.request(3);
    await sub.next(3);
    const [a, b, c] = sub.items;
    a!.nak(100);
    await b!.term();
    const keepAlive = setInterval(() => c!.working(), 100);
    sub.subscription!.request(1);
    await sub.next(4);
    const again = sub.items[3]!;
    expect([seqOf(again), again.deliveries, again.redelivered]).toEqual([0, 2, true]);
    await again.ack();
    await sleep(2100); // more than two ack_waits: b (termed) and c (working) must not come back
    clearInterval(keepAlive);
    sub.subscription!.request(2);
    await sleep(300);
    expect(sub.items.map(seqOf)).toEqual([0, 1, 2, 0]);
    await c!.ack();
    const info = await consumerInfo(server, stream, 'workers');
    expect(info.num_ack_pending).toBe(0);
    expect(info.num_pending).toBe(0);
    expect(flow.metrics()).toMatchObject({ naked: 1, termed: 1, acked: 2, redelivered: 1 });
    sub.subscription!.cancel();
  });

  it('a worker that went away without acking: its messages come back to another worker after ack_wait, with their delivery count', async () => {
    const { stream } = await fixture('ackwait', 5, { ack_wait: 300 * MS });
    const gone = await take(source(stream), 3);
    gone.subscription!.cancel(); // unacked, as if the process died
    const flow = source(stream);
    const sub = await take(flow, 5);
    const seen = sub.items.map((e) => [seqOf(e), e.deliveries]).sort((x, y) => x[0]! - y[0]!);
    expect(seen).toEqual([[0, 2], [1, 2], [2, 2], [3, 1], [4, 1]]);
    expect(flow.metrics().redelivered).toBe(3);
    await Promise.all(sub.items.map((e) => e.ack()));
    expect((await consumerInfo(server, stream, 'workers')).num_ack_pending).toBe(0);
    sub.subscription!.cancel();
  });

  it('a message redelivered (ack_wait passed) while this process still holds it is not delivered twice; its ack settles it', async () => {
    const { stream } = await fixture('held', 2, { ack_wait: 300 * MS });
    const flow = source(stream);
    const sub = recorder<JetStreamEntry>();
    flow.subscribe(sub);
    sub.subscription!.request(1);
    await sub.next(1);
    await sleep(400); // past ack_wait: seq 0 is due again, and this process still holds it
    sub.subscription!.request(1);
    await sub.next(2);
    expect(sub.items.map(seqOf)).toEqual([0, 1]);
    expect(flow.metrics().skippedInProcess).toBe(1);
    await Promise.all(sub.items.map((e) => e.ack()));
    const info = await consumerInfo(server, stream, 'workers');
    expect([info.num_ack_pending, info.num_pending, info.ack_floor.stream_seq]).toEqual([0, 0, 2]);
    sub.subscription!.cancel();
  });

  it('dead-letters a message delivered more than maxDeliveries times, with the reason, and terms the original', async () => {
    const { stream } = await fixture('dlq', 2, { ack_wait: 200 * MS });
    const dead = freshStream('dead');
    await createStream(server, dead.stream, dead.subject);
    const options = { deadLetter: { subject: `${dead.subject}.jobs`, maxDeliveries: 2 } };
    for (let i = 0; i < 2; i++) {
      const s = await take(source(stream, options), 1); // delivery i+1 of seq 0, never acked
      expect([seqOf(s.items[0]!), s.items[0]!.deliveries]).toEqual([0, i + 1]);
      s.subscription!.cancel();
      await sleep(300); // past ack_wait: seq 0 is due for redelivery (redeliveries go first)
    }
    const flow = source(stream, options);
    const sub = await take(flow, 1);
    expect(seqOf(sub.items[0]!)).toBe(1); // seq 0's third delivery went to the dead-letter subject instead
    await eventually(() => flow.metrics().deadLettered === 1, 'one dead letter');
    const letters = await deadLetters(dead.subject, dead.stream);
    expect(letters).toEqual([{ reason: 'delivered 3 times, more than maxDeliveries 2', seq: '1', deliveries: '3', data: '{"seq":0}' }]);
    await sub.items[0]!.ack();
    await sleep(400); // longer than ack_wait: a termed message does not come back
    const info = await consumerInfo(server, stream, 'workers');
    expect(info.num_ack_pending).toBe(0);
    sub.subscription!.cancel();
  });

  it('a handler that keeps throwing: never acked, nak\'ed and redelivered, then dead-lettered; the rest is acked', async () => {
    const { stream } = await fixture('throwing', 10);
    const dead = freshStream('dead');
    await createStream(server, dead.stream, dead.subject);
    const flow = source(stream, { deadLetter: { subject: `${dead.subject}.jobs`, maxDeliveries: 3 } });
    const attempts: number[] = [];
    const failures: string[] = [];
    const done = new AbortController();
    const run = forEach(flow, autoAck(async (entry: JetStreamEntry) => {
      if (seqOf(entry) === 7) {
        attempts.push(entry.deliveries);
        throw new Error('cannot handle 7');
      }
    }, { onError: (error, entry) => failures.push(`${seqOf(entry)}: ${(error as Error).message}`), nakDelayMs: 20 }), { prefetch: 4, signal: done.signal });
    await eventually(() => flow.metrics().deadLettered === 1 && flow.metrics().acked === 9, 'seq 7 dead-lettered, the rest acked');
    done.abort(new Error('test over'));
    await expect(run).rejects.toThrow('test over');
    expect(attempts).toEqual([1, 2, 3]);
    expect(failures).toEqual(['7: cannot handle 7', '7: cannot handle 7', '7: cannot handle 7']);
    expect((await deadLetters(dead.subject, dead.stream)).map((l) => l.reason)).toEqual(['delivered 4 times, more than maxDeliveries 3']);
    const info = await consumerInfo(server, stream, 'workers');
    expect([info.num_ack_pending, info.num_pending]).toEqual([0, 0]);
  });

  it('autoAck acks only after the handler resolved; a throwing handler fails forEach and leaves its message unacked', async () => {
    const { stream } = await fixture('autoack', 5);
    const flow = source(stream);
    const order: string[] = [];
    const run = forEach(flow, autoAck(async (entry: JetStreamEntry) => {
      order.push(`start ${seqOf(entry)}`);
      await sleep(5);
      if (seqOf(entry) === 2) throw new Error('boom');
      order.push(`end ${seqOf(entry)} acked=${entry.acked}`);
    }), { prefetch: 2 });
    await expect(run).rejects.toThrow('boom');
    expect(order).toEqual(['start 0', 'end 0 acked=false', 'start 1', 'end 1 acked=false', 'start 2']);
    expect(flow.metrics().acked).toBe(2);
    const info = await consumerInfo(server, stream, 'workers');
    expect(info.ack_floor.stream_seq).toBe(2); // 0 and 1 acked; 2 (the failed one) is not
    expect(info.num_ack_pending).toBeGreaterThanOrEqual(1);
  });

  it('an ephemeral consumer per subscription reads the whole stream and is deleted when the subscription ends', async () => {
    const names = freshStream('ephemeral');
    await createStream(server, names.stream, names.subject);
    await publish(server, names.subject, 4);
    const flow = pullConsumer({ nats: server.url, stream: names.stream, ephemeral: { filter_subject: `${names.subject}.job` }, expiresMs: 1_000, ackGraceMs: 0 });
    const a = await take(flow, 4);
    const b = await take(flow, 4);
    expect(a.items.map(seqOf)).toEqual([0, 1, 2, 3]);
    expect(b.items.map(seqOf)).toEqual([0, 1, 2, 3]);
    expect((await flow.pending()).numAckPending).toBe(4);
    await Promise.all([...a.items, ...b.items].map((e) => e.ack()));
    a.subscription!.cancel();
    b.subscription!.cancel();
    await eventually(async () => (await server.jsm.streams.info(names.stream)).state.consumer_count === 0, 'ephemeral consumers deleted');
    void jetstream;
  });
});
