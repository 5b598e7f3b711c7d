import { describe, expect, it } from 'vitest';
import { map, range, toArray, type Flow } from '@sluice/core';
import { TestPublisher, TestSubscriber, VirtualTimeScheduler } from '@sluice/core/testing';
import {
  ConnectionClosedError, ErrorCode, FrameType, LeaseError, RSocketConnection, connect, dataString, encodeFrame, payload,
  type Frame, type Payload,
} from '@sluice/rsocket';
import { flush, memoryPair } from '../support/memory';
import { connectedPair, ofType } from '../support/pair';

const numbers = (n: number): Flow<Payload> => range(0, n).pipe(map((i) => payload(String(i))));
const setupFrame = (overrides: Partial<Extract<Frame, { type: 1 }>> = {}): Frame => ({
  type: FrameType.SETUP, streamId: 0, majorVersion: 1, minorVersion: 0, keepAlive: 1000, lifetime: 5000, resumeToken: null,
  lease: false, metadataMimeType: 'application/octet-stream', dataMimeType: 'application/octet-stream', data: new Uint8Array(), metadata: null,
  ...overrides,
} as Frame);

/** A raw peer talking to a sluice server connection. */
function rawServer(responder = {}, options = {}) {
  const ends = memoryPair();
  const server = new RSocketConnection(ends.server, 'server', options, null, null, () => responder);
  ends.client.setHandlers({ frame() {}, writable() {}, closed() {} });
  return { server, peer: ends.client, serverEnd: ends.server };
}

describe('SETUP', () => {
  it('rejects an unsupported major version with ERROR[INVALID_SETUP] and closes', async () => {
    const { server, peer, serverEnd } = rawServer();
    peer.sendRaw(encodeFrame(setupFrame({ majorVersion: 2 })));
    await flush();
    expect(serverEnd.sent).toEqual([expect.objectContaining({ type: FrameType.ERROR, streamId: 0, code: ErrorCode.INVALID_SETUP })]);
    expect((serverEnd.sent[0] as { message: string }).message).toMatch(/unsupported protocol version 2\.0/);
    expect(server.isClosed).toBe(true);
  });

  it('answers a first frame that is not SETUP with INVALID_SETUP, and RESUME with REJECTED_RESUME', async () => {
    const a = rawServer();
    a.peer.sendRaw(encodeFrame({ type: FrameType.REQUEST_N, streamId: 1, requestN: 1 }));
    await flush();
    expect(a.serverEnd.sent[0]).toMatchObject({ type: FrameType.ERROR, code: ErrorCode.INVALID_SETUP });
    const b = rawServer();
    b.peer.sendRaw(new Uint8Array([0, 0, 0, 0, FrameType.RESUME << 2, 0]));
    await flush();
    expect(b.serverEnd.sent[0]).toMatchObject({ type: FrameType.ERROR, code: ErrorCode.REJECTED_RESUME });
  });

  it('rejects a zero keepalive with INVALID_SETUP and a resume token with REJECTED_SETUP', async () => {
    const a = rawServer();
    a.peer.sendRaw(encodeFrame(setupFrame({ keepAlive: 0 })));
    const b = rawServer();
    b.peer.sendRaw(encodeFrame(setupFrame({ resumeToken: new Uint8Array([1]) })));
    await flush();
    expect(a.serverEnd.sent[0]).toMatchObject({ code: ErrorCode.INVALID_SETUP });
    expect(b.serverEnd.sent[0]).toMatchObject({ code: ErrorCode.REJECTED_SETUP });
  });

  it('hands the SETUP parameters to the server', async () => {
    const { serverConnection } = await connectedPair({ setup: { dataMimeType: 'application/json', keepAlive: 500, lifetime: 2000 } });
    expect(serverConnection().setupInfo).toMatchObject({ dataMimeType: 'application/json', keepAlive: 500, lifetime: 2000, majorVersion: 1 });
  });
});

describe('hostile input', () => {
  it('answers a malformed frame with ERROR[CONNECTION_ERROR] and closes; an ignorable one is ignored', async () => {
    const { server, peer, serverEnd } = rawServer();
    peer.sendRaw(encodeFrame(setupFrame()));
    peer.sendRaw(new Uint8Array([0, 0, 0, 1, (FrameType.REQUEST_N << 2) | 2, 0])); // truncated, I flag
    await flush();
    expect(server.isClosed).toBe(false);
    expect(server.inspect().ignoredFrames).toBe(1);
    peer.sendRaw(new Uint8Array([0, 0, 0, 1, FrameType.REQUEST_N << 2, 0])); // truncated, no I flag
    await flush();
    expect(serverEnd.sent.at(-1)).toMatchObject({ type: FrameType.ERROR, streamId: 0, code: ErrorCode.CONNECTION_ERROR });
    expect(server.isClosed).toBe(true);
  });

  it('ignores an unknown frame type with the I flag and closes on one without', async () => {
    const { server, peer, serverEnd } = rawServer();
    peer.sendRaw(encodeFrame(setupFrame()));
    peer.sendRaw(new Uint8Array([0, 0, 0, 0, (0x30 << 2) | 2, 0]));
    peer.sendRaw(encodeFrame({ type: FrameType.EXT, streamId: 0, ignore: true, extendedType: 5, body: new Uint8Array() }));
    await flush();
    expect(server.isClosed).toBe(false);
    peer.sendRaw(new Uint8Array([0, 0, 0, 0, 0x30 << 2, 0]));
    await flush();
    expect(serverEnd.sent.at(-1)).toMatchObject({ code: ErrorCode.CONNECTION_ERROR });
    expect(server.isClosed).toBe(true);
  });

  it('ignores frames for unknown or finished streams, and METADATA_PUSH on a stream', async () => {
    const { server, peer } = rawServer({ requestStream: () => numbers(1) });
    peer.sendRaw(encodeFrame(setupFrame()));
    peer.sendRaw(encodeFrame({ type: FrameType.REQUEST_STREAM, streamId: 1, follows: false, requestN: 5, data: new Uint8Array(), metadata: null }));
    await flush();
    for (const frame of [
      { type: FrameType.REQUEST_N, streamId: 1, requestN: 3 },
      { type: FrameType.CANCEL, streamId: 77 },
      { type: FrameType.PAYLOAD, streamId: 9, follows: false, complete: true, next: true, data: new Uint8Array(), metadata: null },
      { type: FrameType.ERROR, streamId: 5, code: ErrorCode.APPLICATION_ERROR, message: 'x' },
      { type: FrameType.METADATA_PUSH, streamId: 3, metadata: new Uint8Array([1]) },
    ] as Frame[]) peer.sendRaw(encodeFrame(frame));
    await flush();
    expect(server.isClosed).toBe(false);
    expect(server.inspect().ignoredFrames).toBe(5);
  });

  it('answers REQUEST_N of 0 or negative with ERROR[INVALID] on the stream and cancels the handler', async () => {
    const source = new TestPublisher<Payload>();
    const { server, peer, serverEnd } = rawServer({ requestStream: () => source });
    peer.sendRaw(encodeFrame(setupFrame()));
    peer.sendRaw(encodeFrame({ type: FrameType.REQUEST_STREAM, streamId: 1, follows: false, requestN: 1, data: new Uint8Array(), metadata: null }));
    peer.sendRaw(new Uint8Array([0, 0, 0, 1, FrameType.REQUEST_N << 2, 0, 0xff, 0xff, 0xff, 0xff]));
    await flush();
    expect(serverEnd.sent.at(-1)).toMatchObject({ type: FrameType.ERROR, streamId: 1, code: ErrorCode.INVALID });
    expect((serverEnd.sent.at(-1) as { message: string }).message).toMatch(/request N must be > 0, got -1/);
    expect(source.cancelled).toBe(true);
    expect(server.isClosed).toBe(false);
  });

  it('answers an initial request N of 0 with ERROR[INVALID] without calling the handler', async () => {
    let called = false;
    const { peer, serverEnd } = rawServer({ requestStream: () => ((called = true), numbers(1)) });
    peer.sendRaw(encodeFrame(setupFrame()));
    peer.sendRaw(encodeFrame({ type: FrameType.REQUEST_STREAM, streamId: 1, follows: false, requestN: 0, data: new Uint8Array(), metadata: null }));
    await flush();
    expect(serverEnd.sent.at(-1)).toMatchObject({ type: FrameType.ERROR, streamId: 1, code: ErrorCode.INVALID });
    expect(called).toBe(false);
  });

  it('treats credit past 2^31−1 as unbounded instead of overflowing', async () => {
    const source = new TestPublisher<Payload>();
    const { server, peer } = rawServer({ requestStream: () => source });
    peer.sendRaw(encodeFrame(setupFrame()));
    peer.sendRaw(encodeFrame({ type: FrameType.REQUEST_STREAM, streamId: 1, follows: false, requestN: 2 ** 31 - 1, data: new Uint8Array(), metadata: null }));
    peer.sendRaw(encodeFrame({ type: FrameType.REQUEST_N, streamId: 1, requestN: 2 ** 31 - 1 }));
    await flush();
    expect(server.inspect().streams[0]!.creditReceived).toBe(2 ** 31 - 1);
    expect(source.totalRequested).toBe(64); // prefetch: the producer is paced by batches, not by the unbounded credit
  });

  it('closes on a request on a stream id of the wrong parity', async () => {
    const { server, peer, serverEnd } = rawServer({ requestStream: () => numbers(1) });
    peer.sendRaw(encodeFrame(setupFrame()));
    peer.sendRaw(encodeFrame({ type: FrameType.REQUEST_STREAM, streamId: 2, follows: false, requestN: 1, data: new Uint8Array(), metadata: null }));
    await flush();
    expect(serverEnd.sent.at(-1)).toMatchObject({ code: ErrorCode.CONNECTION_ERROR });
    expect(server.isClosed).toBe(true);
  });

  it('fails the requester stream locally when the peer sends beyond the credit granted', async () => {
    const ends = memoryPair();
    ends.server.setHandlers({ frame() {}, writable() {}, closed() {} });
    const client = await connect({ transport: { connect: async () => ends.client } });
    const subscriber = new TestSubscriber<Payload>(1);
    client.requestStream(payload()).subscribe(subscriber);
    await flush();
    const next = (streamId: number): Frame => ({ type: FrameType.PAYLOAD, streamId, follows: false, complete: false, next: true, data: new Uint8Array(), metadata: null });
    ends.server.sendRaw(encodeFrame(next(1)));
    ends.server.sendRaw(encodeFrame(next(1)));
    await flush();
    expect(subscriber.count).toBe(1);
    expect(subscriber.error?.message).toMatch(/^§1\.1: the peer sent a PAYLOAD on stream 1 beyond the credit granted/);
    expect(ofType(ends.client.sent, FrameType.CANCEL)).toHaveLength(1);
    expect(subscriber.violations).toEqual([]);
  });
});

describe('fragmentation', () => {
  it('fragments payloads over the MTU (metadata first) and reassembles them', async () => {
    const data = new Uint8Array(10_000).map((_, i) => i & 0xff);
    const metadata = new Uint8Array(300).fill(7);
    const { client, clientEnd, serverEnd } = await connectedPair({
      responder: { requestStream: (p) => range(0, 2).pipe(map(() => ({ data: p.data, metadata: p.metadata }))) },
      client: { fragmentSize: 1024 }, server: { fragmentSize: 512 },
    });
    const values = await toArray(client.requestStream({ data, metadata }));
    expect(values).toHaveLength(2);
    for (const v of values) {
      expect(v.data).toEqual(data);
      expect(v.metadata).toEqual(metadata);
    }
    const requestFrames = clientEnd.sent.filter((f) => f.type === FrameType.REQUEST_STREAM || f.type === FrameType.PAYLOAD);
    expect(requestFrames.length).toBeGreaterThan(10);
    expect(requestFrames[0]).toMatchObject({ type: FrameType.REQUEST_STREAM, follows: true });
    expect(requestFrames.at(-1)).toMatchObject({ type: FrameType.PAYLOAD, follows: false });
    for (const frame of [...clientEnd.sent, ...serverEnd.sent]) expect(encodeFrame(frame).length).toBeLessThanOrEqual(1024);
    // one REQUEST_N credit per payload, however many fragments (RSocket "Fragmentation And Reassembly")
    expect(ofType(serverEnd.sent, FrameType.PAYLOAD).filter((f) => !f.follows && f.next)).toHaveLength(2);
    expect(ofType(serverEnd.sent, FrameType.REQUEST_N)).toHaveLength(0);
  });

  it('refuses a reassembled payload over maxPayloadSize: REJECTED to the requester, nothing processed', async () => {
    let called = false;
    const { client } = await connectedPair({
      responder: { requestResponse: () => ((called = true), payload('x')) },
      client: { fragmentSize: 256 }, server: { maxPayloadSize: 1000 },
    });
    await expect(client.requestResponse(payload(new Uint8Array(5000)))).rejects.toMatchObject({ code: ErrorCode.REJECTED, message: expect.stringMatching(/exceeds maxPayloadSize \(1000 bytes\)/) });
    expect(called).toBe(false);
  });
});

describe('lease', () => {
  it('the client honours the lease and fails a request beyond it locally; the server rejects excess with REJECTED', async () => {
    const scheduler = new VirtualTimeScheduler();
    const { client, clientEnd, serverConnection } = await connectedPair({
      responder: { requestResponse: () => payload('ok') }, setup: { lease: true }, lease: { ttl: 1000, requests: 2 },
      client: { scheduler }, server: { scheduler },
    });
    expect(dataString(await client.requestResponse(payload()))).toBe('ok');
    expect(dataString(await client.requestResponse(payload()))).toBe('ok');
    await expect(client.requestResponse(payload())).rejects.toThrow(LeaseError);
    await expect(client.requestResponse(payload())).rejects.toThrow(/lease of 2 requests per 1000 ms is used up/);
    expect(ofType(clientEnd.sent, FrameType.REQUEST_RESPONSE)).toHaveLength(2);
    scheduler.advanceBy(1000);
    await flush();
    expect(dataString(await client.requestResponse(payload()))).toBe('ok');
    expect(serverConnection().inspect().leaseRejected).toBe(0);
    await client.close();
  });

  it('a server rejects requests beyond its lease with ERROR[REJECTED] even from a requester that ignores it', async () => {
    const scheduler = new VirtualTimeScheduler();
    const ends = memoryPair();
    const server = new RSocketConnection(ends.server, 'server', { scheduler }, null, { ttl: 1000, requests: 1, renew: false }, () => ({ requestResponse: () => payload('ok') }));
    ends.client.setHandlers({ frame() {}, writable() {}, closed() {} });
    ends.client.sendRaw(encodeFrame(setupFrame({ lease: true })));
    for (const id of [1, 3]) ends.client.sendRaw(encodeFrame({ type: FrameType.REQUEST_RESPONSE, streamId: id, follows: false, data: new Uint8Array(), metadata: null }));
    await flush();
    expect(ofType(ends.server.sent, FrameType.LEASE)).toEqual([expect.objectContaining({ ttl: 1000, requestCount: 1 })]);
    const errors = ofType(ends.server.sent, FrameType.ERROR);
    expect(errors).toEqual([expect.objectContaining({ streamId: 3, code: ErrorCode.REJECTED })]);
    expect(errors[0]!.message).toMatch(/exceeds the lease of 1 requests per 1000 ms/);
    expect(server.inspect().leaseRejected).toBe(1);
  });
});

describe('keepalive', () => {
  it('the client sends KEEPALIVE with respond every interval and the server echoes it', async () => {
    const scheduler = new VirtualTimeScheduler();
    const { clientEnd, serverEnd } = await connectedPair({ setup: { keepAlive: 100, lifetime: 1000 }, client: { scheduler }, server: { scheduler } });
    for (let i = 0; i < 3; i++) {
      scheduler.advanceBy(100);
      await flush();
    }
    expect(ofType(clientEnd.sent, FrameType.KEEPALIVE).map((f) => f.respond)).toEqual([true, true, true]);
    expect(ofType(serverEnd.sent, FrameType.KEEPALIVE).map((f) => f.respond)).toEqual([false, false, false]);
  });

  it('detects a dead server after the max lifetime and fails open streams with a clear error', async () => {
    const scheduler = new VirtualTimeScheduler();
    const ends = memoryPair();
    ends.server.setHandlers({ frame() {}, writable() {}, closed() {} }); // a peer that never answers
    const client = await connect({ transport: { connect: async () => ends.client }, setup: { keepAlive: 100, lifetime: 350 }, scheduler });
    const subscriber = new TestSubscriber<Payload>(1);
    client.requestStream(payload()).subscribe(subscriber);
    for (let i = 0; i < 4; i++) scheduler.advanceBy(100);
    await flush();
    expect(client.isClosed).toBe(true);
    expect(subscriber.error).toBeInstanceOf(ConnectionClosedError);
    expect(subscriber.error!.message).toMatch(/nothing received from the peer for 400 ms \(max lifetime 350 ms\)/);
  });
});

describe('credit meets writability', () => {
  it('stops asking the responder publisher while the transport is above its bound and resumes on writable', async () => {
    const source = new TestPublisher<Payload>();
    const { client, clientEnd, serverEnd, serverConnection } = await connectedPair({ responder: { requestStream: () => source }, highWaterMark: 2000, server: { prefetch: 8 } });
    const subscriber = new TestSubscriber<Payload>('unbounded');
    client.requestStream(payload()).subscribe(subscriber);
    await flush();
    expect(source.totalRequested).toBe(8);
    clientEnd.pause(); // the client stops reading
    const big = payload(new Uint8Array(1500));
    source.next(big, big, big);
    await flush();
    const stream = serverConnection().inspect().streams[0]!;
    expect(serverConnection().inspect().writable).toBe(false);
    expect(stream.bufferedFrames).toBe(1); // the first two were written (the second crossed the bound); the third waits
    source.next(big, big, big, big, big);
    await flush();
    expect(source.totalRequested).toBe(8); // no new demand while unwritable
    expect(serverConnection().inspect().streams[0]!.bufferedFrames).toBe(6);
    expect(ofType(serverEnd.sent, FrameType.PAYLOAD)).toHaveLength(2);
    clientEnd.resume();
    await flush(100);
    expect(subscriber.count).toBe(8);
    expect(source.totalRequested).toBeGreaterThan(8);
    subscriber.cancel();
  });
});

