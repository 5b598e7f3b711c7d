import { describe, expect, it } from 'vitest';
import { from, map, range, take, toArray, never, type Flow } from '@sluice/core';
import { TestPublisher, TestSubscriber } from '@sluice/core/testing';
import {
  ConnectionClosedError, ErrorCode, FrameType, RSocketError, dataString, payload, type Payload,
} from '@sluice/rsocket';
import { flush } from '../support/memory';
import { connectedPair, ofType } from '../support/pair';

const numbers = (n: number): Flow<Payload> => range(0, n).pipe(map((i) => payload(String(i))));
const texts = (s: TestSubscriber<Payload>) => s.values.map(dataString);

describe('requestStream', () => {
  it('sends the first request(n) as initial request N and each later request(n) as one REQUEST_N(n)', async () => {
    const { client, clientEnd } = await connectedPair({ responder: { requestStream: () => numbers(10) } });
    const subscriber = new TestSubscriber<Payload>(3);
    client.requestStream(payload('go')).subscribe(subscriber);
    await flush();
    expect(texts(subscriber)).toEqual(['0', '1', '2']);
    subscriber.request(2);
    await flush();
    subscriber.request(5);
    await flush();
    expect(texts(subscriber)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(subscriber.completed).toBe(true);
    expect(ofType(clientEnd.sent, FrameType.REQUEST_STREAM).map((f) => f.requestN)).toEqual([3]);
    expect(ofType(clientEnd.sent, FrameType.REQUEST_N).map((f) => f.requestN)).toEqual([2, 5]);
    expect(subscriber.violations).toEqual([]);
  });

  it('asks the responder publisher only for what the requester granted', async () => {
    const source = new TestPublisher<Payload>();
    const { client } = await connectedPair({ responder: { requestStream: () => source } });
    const subscriber = new TestSubscriber<Payload>(2);
    client.requestStream(payload()).subscribe(subscriber);
    await flush();
    expect(source.totalRequested).toBe(2);
    source.next(payload('a'), payload('b'));
    await flush();
    expect(source.totalRequested).toBe(2);
    subscriber.request(3);
    await flush();
    expect(source.totalRequested).toBe(5);
    expect(texts(subscriber)).toEqual(['a', 'b']);
  });

  it('maps an unbounded request to 2^31−1 and never sends REQUEST_N after it', async () => {
    const { client, clientEnd } = await connectedPair({ responder: { requestStream: () => numbers(100) } });
    const subscriber = new TestSubscriber<Payload>('unbounded');
    client.requestStream(payload()).subscribe(subscriber);
    await flush(50);
    subscriber.request(10);
    await flush(50);
    expect(subscriber.count).toBe(100);
    expect(ofType(clientEnd.sent, FrameType.REQUEST_STREAM)[0]!.requestN).toBe(2 ** 31 - 1);
    expect(ofType(clientEnd.sent, FrameType.REQUEST_N)).toEqual([]);
  });

  it('caps accumulated credit at 2^31−1: REQUEST_N carries only the part below the cap', async () => {
    const { client, clientEnd } = await connectedPair({ responder: { requestStream: () => never() } });
    const subscriber = new TestSubscriber<Payload>(2 ** 31 - 10);
    client.requestStream(payload()).subscribe(subscriber);
    await flush();
    subscriber.request(100);
    subscriber.request(100);
    await flush();
    expect(ofType(clientEnd.sent, FrameType.REQUEST_N).map((f) => f.requestN)).toEqual([9]);
    subscriber.cancel();
  });

  it('sums the request(n) calls of one event-loop turn into one REQUEST_N, exact in total (ADR 0003)', async () => {
    const source = new TestPublisher<Payload>();
    const { client, clientEnd, serverEnd } = await connectedPair({ responder: { requestStream: () => source } });
    const subscriber = new TestSubscriber<Payload>(2);
    client.requestStream(payload()).subscribe(subscriber);
    await flush();
    // a consumer that yields to the event loop per item: five request(1) in five setImmediate callbacks of one turn,
    // with a nextTick between them (a per-nextTick window would have sent five frames)
    await new Promise<void>((resolve) => {
      for (let i = 0; i < 5; i++) setImmediate(() => {
        subscriber.request(1);
        process.nextTick(() => {});
        if (i === 4) resolve();
      });
    });
    expect(ofType(clientEnd.sent, FrameType.REQUEST_N)).toEqual([]); // not yet: the turn is not over
    await flush();
    expect(ofType(clientEnd.sent, FrameType.REQUEST_N).map((f) => f.requestN)).toEqual([5]);
    expect(source.totalRequested).toBe(7); // the responder's publisher was asked exactly what was granted
    subscriber.request(3); // a later turn: its own frame
    await flush();
    expect(ofType(clientEnd.sent, FrameType.REQUEST_N).map((f) => f.requestN)).toEqual([5, 3]);
    expect(source.totalRequested).toBe(10);
    source.next(...Array.from({ length: 10 }, (_, i) => payload(String(i))));
    await flush();
    expect(subscriber.count).toBe(10);
    expect(ofType(serverEnd.sent, FrameType.PAYLOAD)).toHaveLength(10); // nothing beyond the credit
    expect(subscriber.violations).toEqual([]);
    subscriber.cancel();
  });

  it('sends no pending REQUEST_N after a CANCEL of the same turn, nor after the stream completed', async () => {
    const source = new TestPublisher<Payload>();
    const { client, clientEnd } = await connectedPair({ responder: { requestStream: () => source } });
    const cancelled = new TestSubscriber<Payload>(1);
    client.requestStream(payload()).subscribe(cancelled);
    await flush();
    cancelled.request(4);
    cancelled.cancel();
    await flush();
    expect(ofType(clientEnd.sent, FrameType.REQUEST_N)).toEqual([]);
    expect(ofType(clientEnd.sent, FrameType.CANCEL)).toHaveLength(1);

    const { client: client2, clientEnd: clientEnd2 } = await connectedPair({ responder: { requestStream: () => numbers(2) } });
    const completed = new TestSubscriber<Payload>(2);
    client2.requestStream(payload()).subscribe(completed);
    await flush();
    expect(completed.completed).toBe(true);
    completed.request(5); // after completion: §3.6 a no-op, and no frame
    await flush();
    expect(ofType(clientEnd2.sent, FrameType.REQUEST_N)).toEqual([]);
  });

  it('while the transport is not writable, sums every grant into one REQUEST_N sent when it drains', async () => {
    const source = new TestPublisher<Payload>();
    const { client, clientEnd, serverEnd } = await connectedPair({ responder: { requestStream: () => source }, highWaterMark: 1024 });
    const subscriber = new TestSubscriber<Payload>(1);
    client.requestStream(payload()).subscribe(subscriber);
    await flush();
    serverEnd.pause(); // the server stops reading: the client's transport fills
    await client.fireAndForget(payload('x'.repeat(2048)));
    expect(clientEnd.writable).toBe(false);
    for (let turn = 0; turn < 3; turn++) {
      subscriber.request(2);
      await flush();
    }
    expect(ofType(clientEnd.sent, FrameType.REQUEST_N)).toEqual([]);
    serverEnd.resume();
    await flush();
    expect(ofType(clientEnd.sent, FrameType.REQUEST_N).map((f) => f.requestN)).toEqual([6]);
    expect(source.totalRequested).toBe(7);
    subscriber.cancel();
  });

  it('sends CANCEL when the subscriber cancels, and the responder publisher is cancelled', async () => {
    const source = new TestPublisher<Payload>();
    const { client, clientEnd, serverConnection } = await connectedPair({ responder: { requestStream: () => source } });
    const subscriber = new TestSubscriber<Payload>(5);
    client.requestStream(payload()).subscribe(subscriber);
    await flush();
    subscriber.cancel();
    await flush();
    expect(ofType(clientEnd.sent, FrameType.CANCEL)).toHaveLength(1);
    expect(source.cancelled).toBe(true);
    expect(client.inspect().streams).toEqual([]);
    expect(serverConnection().inspect().streams).toEqual([]);
  });

  it('delivers a handler error as RSocketError[APPLICATION_ERROR], and an RSocketError with its own code', async () => {
    const { client } = await connectedPair({
      responder: {
        requestStream: (p) => {
          if (dataString(p) === 'throw') throw new Error('boom');
          return from(Promise.reject(new RSocketError(0x301, 'custom')));
        },
      },
    });
    const a = new TestSubscriber<Payload>(1);
    client.requestStream(payload('throw')).subscribe(a);
    const b = new TestSubscriber<Payload>(1);
    client.requestStream(payload('custom')).subscribe(b);
    await flush(40);
    expect(a.error).toBeInstanceOf(RSocketError);
    expect(a.error).toMatchObject({ code: ErrorCode.APPLICATION_ERROR, message: 'boom' });
    expect(b.error).toMatchObject({ code: 0x301, message: 'custom' });
  });

  it('rejects a request with no handler with REJECTED', async () => {
    const { client } = await connectedPair({ responder: {} });
    const subscriber = new TestSubscriber<Payload>(1);
    client.requestStream(payload()).subscribe(subscriber);
    await flush();
    expect(subscriber.error).toMatchObject({ code: ErrorCode.REJECTED });
  });

  it('signals §3.9 for request(0) and cancels the remote stream', async () => {
    const source = new TestPublisher<Payload>();
    const { client, clientEnd } = await connectedPair({ responder: { requestStream: () => source } });
    const subscriber = new TestSubscriber<Payload>(1);
    client.requestStream(payload()).subscribe(subscriber);
    await flush();
    subscriber.request(0);
    await flush();
    expect(subscriber.error?.message).toMatch(/^§3\.9:/);
    expect(ofType(clientEnd.sent, FrameType.CANCEL)).toHaveLength(1);
    expect(source.cancelled).toBe(true);
  });

  it('works with take(): the remote is asked for exactly the taken count and then cancelled', async () => {
    const { client, clientEnd } = await connectedPair({ responder: { requestStream: () => numbers(1000) } });
    const values = await toArray(client.requestStream(payload()).pipe(take(3)));
    expect(values.map(dataString)).toEqual(['0', '1', '2']);
    expect(ofType(clientEnd.sent, FrameType.REQUEST_STREAM)[0]!.requestN).toBe(3);
  });
});

describe('requestChannel', () => {
  it('sends outbound payloads only against the responder REQUEST_N and passes the rest both ways', async () => {
    const outbound = new TestPublisher<Payload>();
    let inbound: TestSubscriber<Payload> | null = null;
    const { client, clientEnd, serverEnd } = await connectedPair({
      responder: {
        requestChannel: (first, incoming) => {
          inbound = new TestSubscriber<Payload>(2);
          incoming.subscribe(inbound);
          return numbers(3).pipe(map((p) => payload(`${dataString(first)}:${dataString(p)}`)));
        },
      },
    });
    const subscriber = new TestSubscriber<Payload>(10);
    client.requestChannel(payload('hi'), outbound).subscribe(subscriber);
    await flush();
    expect(texts(subscriber)).toEqual(['hi:0', 'hi:1', 'hi:2']);
    expect(subscriber.completed).toBe(true);
    expect(ofType(serverEnd.sent, FrameType.REQUEST_N).map((f) => f.requestN)).toEqual([2]);
    expect(outbound.totalRequested).toBe(2);
    outbound.next(payload('x'), payload('y'));
    await flush();
    expect(texts(inbound!)).toEqual(['x', 'y']);
    inbound!.request(1);
    await flush();
    expect(outbound.totalRequested).toBe(3);
    outbound.complete();
    await flush();
    expect(inbound!.completed).toBe(true);
    expect(ofType(clientEnd.sent, FrameType.REQUEST_CHANNEL)[0]!.requestN).toBe(10);
    expect(client.inspect().streams).toEqual([]);
  });

  it('an outbound error terminates both sides with ERROR', async () => {
    const outbound = new TestPublisher<Payload>();
    let inbound: TestSubscriber<Payload> | null = null;
    const { client } = await connectedPair({
      responder: {
        requestChannel: (_p, incoming) => {
          inbound = new TestSubscriber<Payload>(1);
          incoming.subscribe(inbound);
          return never();
        },
      },
    });
    const subscriber = new TestSubscriber<Payload>(1);
    client.requestChannel(payload(), outbound).subscribe(subscriber);
    await flush();
    outbound.error(new Error('upload failed'));
    await flush();
    expect(subscriber.error?.message).toBe('upload failed');
    expect(inbound!.error).toMatchObject({ code: ErrorCode.APPLICATION_ERROR, message: 'upload failed' });
  });

  it('a requester cancel cancels the responder publisher and fails the handler inbound', async () => {
    const source = new TestPublisher<Payload>();
    let inbound: TestSubscriber<Payload> | null = null;
    const outbound = new TestPublisher<Payload>();
    const { client } = await connectedPair({
      responder: {
        requestChannel: (_p, incoming) => {
          inbound = new TestSubscriber<Payload>(1);
          incoming.subscribe(inbound);
          return source;
        },
      },
    });
    const subscriber = new TestSubscriber<Payload>(1);
    client.requestChannel(payload(), outbound).subscribe(subscriber);
    await flush();
    subscriber.cancel();
    await flush();
    expect(source.cancelled).toBe(true);
    expect(outbound.cancelled).toBe(true);
    expect(inbound!.error).toMatchObject({ code: ErrorCode.CANCELED });
  });
});

describe('requestResponse and fireAndForget', () => {
  it('resolves with the single response and cancels the handler publisher after one item', async () => {
    const { client } = await connectedPair({ responder: { requestResponse: (p) => numbers(5).pipe(map(() => payload(`re:${dataString(p)}`))) } });
    expect(dataString(await client.requestResponse(payload('q')))).toBe('re:q');
  });

  it('accepts a Promise or a Payload from the handler, and an empty response rejects the promise form with EmptyError', async () => {
    const { client } = await connectedPair({
      responder: { requestResponse: (p) => (dataString(p) === 'empty' ? from([]) : dataString(p) === 'promise' ? Promise.resolve(payload('p')) : payload('v')) },
    });
    expect(dataString(await client.requestResponse(payload('promise')))).toBe('p');
    expect(dataString(await client.requestResponse(payload('value')))).toBe('v');
    await expect(client.requestResponse(payload('empty'))).rejects.toThrow(/completed without emitting/);
    expect(await toArray(client.requestResponseFlow(payload('empty')))).toEqual([]);
  });

  it('delivers fire-and-forget to the handler with no stream left behind', async () => {
    const seen: string[] = [];
    const { client, serverConnection } = await connectedPair({ responder: { fireAndForget: (p) => void seen.push(dataString(p)) } });
    await client.fireAndForget(payload('one'));
    await flush();
    expect(seen).toEqual(['one']);
    expect(serverConnection().inspect().streams).toEqual([]);
  });

  it('delivers METADATA_PUSH', async () => {
    const seen: number[][] = [];
    const { client } = await connectedPair({ responder: { metadataPush: (m) => void seen.push([...m]) } });
    await client.metadataPush(new Uint8Array([1, 2]));
    await flush();
    expect(seen).toEqual([[1, 2]]);
  });
});

describe('connection close', () => {
  it('ends every open stream with ConnectionClosedError and releases them', async () => {
    const source = new TestPublisher<Payload>();
    const { client, serverConnection } = await connectedPair({ responder: { requestStream: () => source } });
    const a = new TestSubscriber<Payload>(1);
    const b = new TestSubscriber<Payload>(1);
    client.requestStream(payload()).subscribe(a);
    client.requestStream(payload()).subscribe(b);
    await flush();
    await client.close();
    await flush();
    expect(a.error).toBeInstanceOf(ConnectionClosedError);
    expect(b.error).toBeInstanceOf(ConnectionClosedError);
    expect(source.cancelled).toBe(true);
    expect(serverConnection().isClosed).toBe(true);
    expect(client.inspect().streams).toEqual([]);
    const late = new TestSubscriber<Payload>(1);
    client.requestStream(payload()).subscribe(late);
    expect(late.error).toBeInstanceOf(ConnectionClosedError);
  });
});

describe('stream ids', () => {
  it('allocates odd ids on the client and even ids on the server', async () => {
    const { client, clientEnd, serverEnd, serverConnection } = await connectedPair({
      responder: { requestStream: () => numbers(1) }, clientResponder: { requestStream: () => numbers(1) },
    });
    await toArray(client.requestStream(payload()));
    await toArray(client.requestStream(payload()));
    await toArray(serverConnection().requestStream(payload()));
    await toArray(serverConnection().requestStream(payload()));
    expect(ofType(clientEnd.sent, FrameType.REQUEST_STREAM).map((f) => f.streamId)).toEqual([1, 3]);
    expect(ofType(serverEnd.sent, FrameType.REQUEST_STREAM).map((f) => f.streamId)).toEqual([2, 4]);
  });
});

describe('fireAndForgetFlow', () => {
  it('sends REQUEST_FNF on the first request and completes empty; nothing is sent without a request', async () => {
    const seen: string[] = [];
    const { client, clientEnd } = await connectedPair({ responder: { fireAndForget: (p) => void seen.push(dataString(p)) } });
    const flow = client.fireAndForgetFlow(payload('f'));
    const idle = new TestSubscriber<Payload>();
    flow.subscribe(idle);
    await flush();
    expect(ofType(clientEnd.sent, FrameType.REQUEST_FNF)).toHaveLength(0);
    expect(await toArray(flow)).toEqual([]);
    await flush();
    expect(seen).toEqual(['f']);
    expect(ofType(clientEnd.sent, FrameType.REQUEST_FNF)).toHaveLength(1);
  });
});

describe('inspect', () => {
  it('reports per-stream credit both ways and frames and bytes in and out, per stream and per connection', async () => {
    const source = new TestPublisher<Payload>();
    const { client, serverConnection } = await connectedPair({ responder: { requestStream: () => source } });
    const subscriber = new TestSubscriber<Payload>(5);
    client.requestStream(payload('abc')).subscribe(subscriber);
    await flush();
    source.next(payload('x'), payload('y'));
    await flush();
    const [clientStream] = client.inspect().streams;
    const [serverStream] = serverConnection().inspect().streams;
    expect(clientStream).toMatchObject({ streamId: 1, kind: 'stream', role: 'requester', creditGranted: 3, framesOut: 1, framesIn: 2 });
    expect(serverStream).toMatchObject({ streamId: 1, role: 'responder', creditReceived: 3, upstreamRequested: 3, bufferedFrames: 0, framesIn: 1, framesOut: 2 });
    expect(clientStream!.bytesOut).toBe(6 + 4 + 3); // header, initial N, data
    expect(clientStream!.bytesIn).toBe(2 * (6 + 1));
    const connection = client.inspect();
    expect(connection).toMatchObject({ role: 'client', state: 'open', writable: true });
    expect(connection.framesOut).toBe(2); // SETUP and REQUEST_STREAM
    expect(connection.transport.framesOut).toBe(2);
    subscriber.cancel();
  });
});

describe('fire-and-forget without a handler', () => {
  it('is dropped and counted, with nothing reported and nothing sent back', async () => {
    const { client, serverConnection, serverEnd } = await connectedPair({ responder: {} });
    await client.fireAndForget(payload('lost'));
    await flush();
    expect(serverConnection().inspect().droppedFireAndForget).toBe(1);
    expect(serverEnd.sent.filter((f) => f.type === FrameType.ERROR)).toEqual([]);
  });
});
