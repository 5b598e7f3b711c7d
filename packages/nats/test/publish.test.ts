import { Flow, map, range } from '@sluice/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureReportedErrors } from '@sluice/core/testing';
import { publishAll, toJetStream, type NatsStreamError } from '../src/index';
import { startNats, type NatsServer } from './support/natsServer';
import { createStream, freshStream } from './support/helpers';

// The publish sink: order, a bounded number of publishes awaiting their PubAck, Nats-Msg-Id de-duplication, and
// the failures (no stream for the subject, oversized items).
let server: NatsServer;
beforeAll(async () => { server = await startNats(); });
afterAll(async () => { await server?.stop(); });

async function streamData(stream: string): Promise<string[]> {
  const info = await server.jsm.streams.info(stream);
  const out: string[] = [];
  for (let s = info.state.first_seq; info.state.messages > 0 && s <= info.state.last_seq; s++) {
    out.push((await server.jsm.streams.getMessage(stream, { seq: s }))!.string());
  }
  return out;
}

describe('toJetStream', () => {
  it('drops a late error after it cancelled the flow itself, and reports one that follows completion (§1.7, ADR 0012)', async () => {
    const reported = captureReportedErrors();
    try {
      const { stream, subject } = freshStream('late');
      await createStream(server, stream, subject);
      let cancelled = false;
      const failing = toJetStream<string>({ nats: server.url, subject: `${subject}.a`, encode: () => { throw new Error('encode refused'); } });
      failing.onSubscribe({ request: () => {}, cancel: () => { cancelled = true; } });
      failing.onNext('x');
      await expect(failing.finished).rejects.toThrow('encode refused');
      expect(cancelled).toBe(true);
      failing.onError(new Error('late after cancel'));
      const completed = toJetStream<string>({ nats: server.url, subject: `${subject}.a` });
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

  it('publishes every item in order and resolves with the PubAck count', async () => {
    const { stream, subject } = freshStream('order');
    await createStream(server, stream, subject);
    const written = await publishAll(range(0, 50).pipe(map((seq) => JSON.stringify({ seq }))), { nats: server.url, subject: `${subject}.a` });
    expect(written).toBe(50);
    expect((await streamData(stream)).map((d) => JSON.parse(d).seq)).toEqual([...Array(50).keys()]);
  });

  it('never has more than maxInFlight publishes without a PubAck, and requests one more per PubAck', async () => {
    const { stream, subject } = freshStream('inflight');
    await createStream(server, stream, subject);
    const sink = toJetStream<string>({ nats: server.url, subject: `${subject}.a`, maxInFlight: 4 });
    let maxUnacked = 0;
    let maxRequestedAhead = 0;
    let emitted = 0;
    const flow = new Flow<string>((subscriber) => {
      let requested = 0;
      let done = false;
      subscriber.onSubscribe({
        request(n) {
          requested += n;
          maxRequestedAhead = Math.max(maxRequestedAhead, requested);
          while (requested > 0 && !done) {
            requested--;
            subscriber.onNext(`m${emitted++}`);
            maxUnacked = Math.max(maxUnacked, sink.inspect().buffered);
            if (emitted === 200) { done = true; subscriber.onComplete(); }
          }
        },
        cancel() { done = true; },
      });
    });
    flow.subscribe(sink);
    expect(await sink.finished).toBe(200);
    expect(maxUnacked).toBeLessThanOrEqual(4);
    expect(maxRequestedAhead).toBeLessThanOrEqual(4);
    expect((await server.jsm.streams.info(stream)).state.messages).toBe(200);
  });

  it('a msgId becomes Nats-Msg-Id: a repeat within the duplicate window is acknowledged as a duplicate and not stored', async () => {
    const { stream, subject } = freshStream('dedup');
    await createStream(server, stream, subject, { duplicate_window: 60_000 * 1_000_000 });
    const items = [0, 1, 2, 1, 0, 3].map((id) => ({ data: `order ${id}`, msgId: `order-${id}`, headers: { kind: 'order' } }));
    const sink = toJetStream<(typeof items)[number]>({ nats: server.url, subject: `${subject}.orders` });
    range(0, items.length).pipe(map((i) => items[i]!)).subscribe(sink);
    expect(await sink.finished).toBe(6);
    expect(sink.duplicates).toBe(2);
    expect(await streamData(stream)).toEqual(['order 0', 'order 1', 'order 2', 'order 3']);
    const first = await server.jsm.streams.getMessage(stream, { seq: 1 });
    expect([first!.header.get('Nats-Msg-Id'), first!.header.get('kind')]).toEqual(['order-0', 'order']);
  });

  it('a subject no stream captures fails with PUBLISH and cancels the flow', async () => {
    let cancelled = false;
    const flow = new Flow<string>((subscriber) => {
      subscriber.onSubscribe({ request() { subscriber.onNext('x'); }, cancel() { cancelled = true; } });
    });
    const sink = toJetStream<string>({ nats: server.url, subject: 'nobody.captures.this', timeoutMs: 1_000 });
    flow.subscribe(sink);
    const error = (await sink.finished.catch((e: unknown) => e)) as NatsStreamError;
    expect(error.code).toBe('PUBLISH');
    expect(error.message).toContain('toJetStream: publish to "nobody.captures.this" failed');
    expect(cancelled).toBe(true);
  });

  it('an item larger than maxMessageBytes fails the sink before anything of it is sent', async () => {
    const { stream, subject } = freshStream('big');
    await createStream(server, stream, subject);
    const sink = toJetStream<string>({ nats: server.url, subject: `${subject}.a`, maxMessageBytes: 100 });
    range(0, 3).pipe(map((i) => (i === 1 ? 'z'.repeat(101) : `small ${i}`))).subscribe(sink);
    const error = (await sink.finished.catch((e: unknown) => e)) as NatsStreamError;
    expect(error.code).toBe('OVERSIZED');
    expect(error.message).toBe('toJetStream: an item of 101 bytes is larger than maxMessageBytes 100; nothing of it was sent');
    expect(await streamData(stream)).toEqual(['small 0']);
  });

  it('an item over the server\'s max_payload fails with OVERSIZED by default', async () => {
    const { stream, subject } = freshStream('payload');
    await createStream(server, stream, subject);
    const sink = toJetStream<Uint8Array>({ nats: server.url, subject: `${subject}.a` });
    range(0, 1).pipe(map(() => new Uint8Array(2 * 1024 * 1024))).subscribe(sink);
    const error = (await sink.finished.catch((e: unknown) => e)) as NatsStreamError;
    expect(error.code).toBe('OVERSIZED');
    expect(error.message).toContain("larger than the server's max_payload 1048576");
  });
});
