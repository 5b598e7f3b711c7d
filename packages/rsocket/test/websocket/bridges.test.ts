import { afterEach, describe, expect, it } from 'vitest';
import * as wsModule from 'ws';
import { WebSocket, WebSocketServer } from 'ws';
import { map, range, type Inspectable } from '@sluice/core';
import { TestPublisher, TestSubscriber } from '@sluice/core/testing';
import { fromWebSocket, toWebSocket, type WebSocketMessage, type WebSocketOverflow } from '@sluice/rsocket';
import { settle, watchdog } from '../../../core/test/support/async';
import { eventually } from '../support/eventually';

// The plain WebSocket bridges against real `ws` sockets over loopback.

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A connected pair: `server` is the accepted socket, `client` the connecting one. */
async function socketPair(): Promise<{ server: WebSocket; client: WebSocket }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const accepted = new Promise<WebSocket>((resolve) => wss.once('connection', resolve));
  const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as { port: number }).port}/`);
  client.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    client.once('open', () => resolve());
    client.once('error', reject);
  });
  const server = await accepted;
  server.on('error', () => {});
  cleanups.push(() => new Promise<void>((resolve) => {
    for (const s of wss.clients) s.terminate();
    client.terminate();
    wss.close(() => resolve());
  }));
  return { server, client };
}

const closeCode = (socket: WebSocket) => new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));

/** Writes `count` text messages to the peer in one TCP write, so they reach its receiver in one chunk. */
function burst(socket: WebSocket, count: number): void {
  const frames: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    frames.push(...(wsModule as any).Sender.frame(Buffer.from(`m${i}`), { fin: true, opcode: 1, mask: false, readOnly: false, rsv1: false }));
  }
  (socket as any)._socket.write(Buffer.concat(frames));
}

/** The bridge's own snapshot (the subscription fromWebSocket hands out is Inspectable). */
const inspectOf = (s: TestSubscriber<WebSocketMessage>) => (s.subscription as unknown as Inspectable).inspect();

/**
 * Emits whatever the sink under test asks for until it stops asking: demand that stays at 0 across a few turns
 * means the socket is above the sink's bound and nothing drains (a paused or non-reading peer).
 */
async function feedUntilStalled<T>(source: TestPublisher<T>, item: T): Promise<void> {
  for (let round = 0; round < 200_000; round++) {
    if (source.outstanding > 0) {
      source.next(item);
      if (round % 16 === 0) await settle(1);
      continue;
    }
    await settle(10);
    if (source.outstanding === 0) return;
  }
  throw new Error('the sink never stopped asking');
}

const text = (m: WebSocketMessage) => (typeof m === 'string' ? m : m.toString('utf8'));

describe('fromWebSocket', () => {
  it('pauses the socket when its buffer is full, resumes at half, and loses nothing end to end', async () => {
    const { server, client } = await socketPair();
    const pad = 'x'.repeat(1_000);
    const sent = toWebSocket(range(0, 3_000).pipe(map((i) => `${i}:${pad}`)), server, { highWaterMark: 4 * 1024 });
    const subscriber = new TestSubscriber<WebSocketMessage>(1);
    fromWebSocket(client, { capacity: 8 }).subscribe(subscriber);
    await eventually(() => subscriber.count === 1 && client.isPaused, 'the socket to be paused');
    let maxBuffered = 0;
    let pausedSeen = 0;
    // a slow reader: a few items per turn; the buffer never holds more than its capacity
    for (let turn = 0; turn < 100_000 && !subscriber.completed && subscriber.error === null; turn++) {
      await settle(1);
      if (client.isPaused) pausedSeen++;
      maxBuffered = Math.max(maxBuffered, inspectOf(subscriber).buffered);
      subscriber.request(16);
    }
    await watchdog(sent.finished);
    expect(subscriber.error).toBeNull();
    expect(subscriber.values.map(text)).toEqual(Array.from({ length: 3_000 }, (_, i) => `${i}:${pad}`));
    expect(pausedSeen).toBeGreaterThan(0);
    // capacity, plus what ws had already read when it was paused: at most two 64 KiB reads of ~1 KiB messages
    expect(maxBuffered).toBeLessThanOrEqual(8 + Math.ceil((2 * 64 * 1024) / 1_000));
    expect(subscriber.violations).toEqual([]);
  });

  it('holds at most capacity messages without demand while the peer keeps sending; the sender sees the backlog', async () => {
    const { server, client } = await socketPair();
    const source = new TestPublisher<string>();
    const sink = toWebSocket(source, server, { highWaterMark: 16 * 1024, prefetch: 64 });
    const subscriber = new TestSubscriber<WebSocketMessage>(0);
    const flow = fromWebSocket(client, { capacity: 16 });
    flow.subscribe(subscriber);
    const chunk = 'x'.repeat(1024);
    // feed the sink whatever it asks for, until it stops asking: the paused reader's kernel buffers are full and the
    // backlog sits in the sender's socket buffer, above the sink's high-water mark
    await feedUntilStalled(source, chunk);
    expect(source.outstanding).toBe(0);
    expect(client.isPaused).toBe(true);
    const snapshot = sink.inspect();
    expect(snapshot.buffered).toBeGreaterThan(16 * 1024); // the backlog sits in the sender's socket buffer
    expect(snapshot.buffered).toBeLessThanOrEqual(16 * 1024 + 64 * 1024 + 64 * chunk.length);
    // and the reader held its capacity plus what ws had already read when it paused (two 64 KiB reads at most)
    const readerSnapshot = inspectOf(subscriber);
    expect(readerSnapshot.capacity).toBe(16);
    expect(readerSnapshot.buffered).toBeGreaterThanOrEqual(16);
    expect(readerSnapshot.buffered).toBeLessThanOrEqual(16 + Math.ceil((2 * 64 * 1024) / chunk.length));
    expect(readerSnapshot.dropped).toBe(0);
    const total = source.totalRequested;
    subscriber.request(Number.MAX_SAFE_INTEGER);
    await eventually(() => subscriber.count === total, 'every message once the reader reads');
    source.complete();
    await watchdog(sink.finished);
  });

  // [overflow, capacity (undefined: the default for it), kept, dropped]
  const overflowCases: [WebSocketOverflow, number | undefined, string[], number][] = [
    ['drop-newest', 2, ['m0', 'm1'], 48],
    ['drop-oldest', 2, ['m48', 'm49'], 48],
    ['latest', undefined, ['m49'], 49], // 'latest' means one message: its default capacity is 1
    ['latest', 1, ['m49'], 49],
    ['pause', 2, Array.from({ length: 50 }, (_, i) => `m${i}`), 0],
  ];
  for (const [overflow, capacity, kept, dropped] of overflowCases) {
    it(`overflow '${overflow}', capacity ${String(capacity)}: what ws had already read past the bound is handled as documented`, async () => {
      const { server, client } = await socketPair();
      const subscriber = new TestSubscriber<WebSocketMessage>(0);
      fromWebSocket(client, capacity === undefined ? { overflow } : { capacity, overflow }).subscribe(subscriber);
      burst(server, 50);
      await eventually(() => client.isPaused);
      await settle(5);
      const inspect = inspectOf(subscriber);
      expect(inspect).toMatchObject({ buffered: kept.length, dropped });
      subscriber.request(100);
      await eventually(() => subscriber.count === kept.length);
      expect(subscriber.values.map(text)).toEqual(kept);
      server.send('after');
      await eventually(() => subscriber.count === kept.length + 1, 'the socket to be resumed');
      expect(text(subscriber.values[kept.length]!)).toBe('after');
    });
  }

  it("overflow 'latest' with a capacity other than 1 is refused with a RangeError pointing to 'drop-oldest' (as in core)", async () => {
    const { client } = await socketPair();
    expect(() => fromWebSocket(client, { capacity: 3, overflow: 'latest' })).toThrow(RangeError);
    expect(() => fromWebSocket(client, { capacity: 3, overflow: 'latest' }))
      .toThrow("fromWebSocket: overflow 'latest' keeps only the newest waiting message, so capacity must be 1 (got 3); use 'drop-oldest' to keep the newest 3");
    expect(() => fromWebSocket(client, { capacity: 256, overflow: 'latest' })).toThrow(/use 'drop-oldest'/);
    // the socket was not touched: it can still be consumed, with the advice taken
    const subscriber = new TestSubscriber<WebSocketMessage>(1);
    fromWebSocket(client, { capacity: 3, overflow: 'drop-oldest' }).subscribe(subscriber);
    expect(subscriber.error).toBeNull();
    subscriber.cancel();
  });

  it("overflow 'error' fails with an OverflowError naming the capacity and closes the socket with 1008", async () => {
    const { server, client } = await socketPair();
    const subscriber = new TestSubscriber<WebSocketMessage>(0);
    fromWebSocket(client, { capacity: 2, overflow: 'error' }).subscribe(subscriber);
    const code = closeCode(server);
    burst(server, 50);
    await eventually(() => subscriber.error !== null);
    expect(subscriber.error!.name).toBe('OverflowError');
    expect(subscriber.error!.message).toMatch(/fromWebSocket: buffer overflow: capacity 2/);
    expect(subscriber.count).toBe(0);
    expect(await watchdog(code)).toBe(1008);
  });

  it('completes after the buffered messages when the peer closes cleanly; fails with the code when it drops', async () => {
    const first = await socketPair();
    const a = new TestSubscriber<WebSocketMessage>(0);
    fromWebSocket(first.client).subscribe(a);
    first.server.send('one');
    first.server.send(Buffer.from([1, 2, 3]));
    first.server.close(1000);
    await eventually(() => first.client.readyState === WebSocket.CLOSED);
    expect(a.completed).toBe(false); // the buffered messages come first
    a.request(5);
    await eventually(() => a.completed);
    expect(a.values[0]).toBe('one');
    expect([...(a.values[1] as Buffer)]).toEqual([1, 2, 3]);

    const second = await socketPair();
    const b = new TestSubscriber<WebSocketMessage>(5);
    fromWebSocket(second.client).subscribe(b);
    second.server.terminate();
    await eventually(() => b.error !== null);
    expect(b.error!.message).toMatch(/closed with code 1006/);
  });

  it('cancel closes the socket with 1000 and releases it; closeOnCancel false leaves it open and resumed', async () => {
    const first = await socketPair();
    const a = new TestSubscriber<WebSocketMessage>(1);
    fromWebSocket(first.client).subscribe(a);
    const code = closeCode(first.server);
    a.cancel();
    expect(await watchdog(code)).toBe(1000);
    expect(first.client.listenerCount('message')).toBe(0);

    const second = await socketPair();
    const b = new TestSubscriber<WebSocketMessage>(0);
    fromWebSocket(second.client, { capacity: 2, overflow: 'drop-newest', closeOnCancel: false }).subscribe(b);
    burst(second.server, 10);
    await eventually(() => second.client.isPaused);
    b.cancel();
    expect(second.client.isPaused).toBe(false);
    expect(second.client.readyState).toBe(WebSocket.OPEN);
    const later: string[] = [];
    second.client.on('message', (m) => later.push(String(m)));
    second.server.send('still open');
    await eventually(() => later.length === 1);
  });

  it('a closed socket fails at subscribe (§1.9), and a socket is consumed once', async () => {
    const { client } = await socketPair();
    const flow = fromWebSocket(client);
    const first = new TestSubscriber<WebSocketMessage>(1);
    flow.subscribe(first);
    const second = new TestSubscriber<WebSocketMessage>(1);
    flow.subscribe(second);
    expect(second.error!.message).toMatch(/consumed once/);
    client.terminate();
    await eventually(() => first.error !== null);
    const late = new TestSubscriber<WebSocketMessage>(1);
    fromWebSocket(client).subscribe(late);
    await eventually(() => late.error !== null);
    expect(late.error!.message).toMatch(/already closed/);
    expect(() => fromWebSocket(client, { capacity: 0 })).toThrow(/capacity/);
    expect(() => fromWebSocket(client, { overflow: 'block' as WebSocketOverflow })).toThrow(/fromWebSocket: overflow must be one of 'pause', 'error'/);
  });
});

describe('toWebSocket', () => {
  it('stops asking for items while bufferedAmount is above the bound; send callbacks resume it; closes 1000 after the last message', async () => {
    const { server, client } = await socketPair();
    client.pause(); // a peer that reads nothing
    const source = new TestPublisher<Uint8Array>();
    const highWaterMark = 32 * 1024;
    const sink = toWebSocket(source, server, { highWaterMark, prefetch: 8 });
    const item = new Uint8Array(4 * 1024);
    await feedUntilStalled(source, item);
    expect(source.outstanding).toBe(0);
    await settle(20);
    expect(source.outstanding).toBe(0); // nothing more asked while the peer does not read
    const requested = source.totalRequested;
    expect(sink.inspect().buffered).toBeLessThanOrEqual(highWaterMark + 8 * item.length);
    let received = 0;
    client.on('message', () => received++);
    const code = closeCode(client);
    client.resume();
    await eventually(() => source.totalRequested > requested, 'demand to resume once the peer reads');
    source.next(item);
    source.complete();
    await watchdog(sink.finished);
    expect(await watchdog(code)).toBe(1000);
    expect(received).toBe(source.totalRequested - source.outstanding);
  });

  it('a closed client cancels a quiet stream at once and releases the sink', async () => {
    const { server, client } = await socketPair();
    const source = new TestPublisher<string>();
    const listenersBefore = server.listenerCount('close');
    const sink = toWebSocket(source, server);
    expect(server.listenerCount('close')).toBe(listenersBefore + 1);
    await eventually(() => source.totalRequested === 32);
    client.close(1001);
    await eventually(() => source.cancelled, 'the quiet stream to be cancelled');
    await expect(sink.finished).rejects.toThrow(/closed with code 1001 before the flow completed/);
    expect(server.listenerCount('close')).toBe(listenersBefore); // §3.13 the socket no longer references the sink
  });

  it('a failing flow closes the socket with 1011 and its message; a bad item cancels the flow with a TypeError', async () => {
    const first = await socketPair();
    const source = new TestPublisher<string>();
    const sink = toWebSocket(source, first.server);
    const reason = new Promise<string>((resolve) => first.client.once('close', (_c, r) => resolve(r.toString())));
    await eventually(() => source.totalRequested > 0);
    source.error(new Error('upstream broke'));
    await expect(sink.finished).rejects.toThrow('upstream broke');
    expect(await watchdog(reason)).toBe('upstream broke');

    const second = await socketPair();
    const bad = new TestPublisher<any>();
    const badSink = toWebSocket(bad, second.server);
    await eventually(() => bad.totalRequested > 0);
    bad.next({ an: 'object' });
    await expect(badSink.finished).rejects.toThrow(/an item must be a string, a Uint8Array or an ArrayBuffer, got Object/);
    expect(bad.cancelled).toBe(true);
  });

  it('waits for the socket to open before requesting', async () => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
    cleanups.push(() => new Promise<void>((resolve) => wss.close(() => resolve())));
    const got: string[] = [];
    wss.on('connection', (s) => s.on('message', (m) => got.push(String(m))));
    const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as { port: number }).port}/`);
    cleanups.push(() => client.terminate());
    const source = new TestPublisher<string>();
    const sink = toWebSocket(source, client);
    expect(source.totalRequested).toBe(0);
    await eventually(() => source.totalRequested === 32);
    source.next('a', 'b');
    source.complete();
    await watchdog(sink.finished);
    await eventually(() => got.length === 2);
    expect(got).toEqual(['a', 'b']);
  });
});
