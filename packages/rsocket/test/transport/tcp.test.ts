import * as net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { generate } from '@sluice/core';
import {
  ErrorCode, FrameType, LengthPrefixedReader, ProtocolError, decodeFrame, encodeFrame, serve, tcpClientTransport, tcpServerTransport,
  type FrameConnection, type Payload,
} from '@sluice/rsocket';
import { settle } from '../../../core/test/support/async';
import { eventually } from '../support/eventually';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const prefixed = (frame: Uint8Array) => Buffer.concat([Buffer.from([frame.length >> 16, (frame.length >> 8) & 0xff, frame.length & 0xff]), frame]);
const setupBytes = () => encodeFrame({
  type: FrameType.SETUP, streamId: 0, majorVersion: 1, minorVersion: 0, keepAlive: 60_000, lifetime: 180_000, resumeToken: null, lease: false,
  metadataMimeType: 'application/octet-stream', dataMimeType: 'application/octet-stream', data: new Uint8Array(), metadata: null,
});

function rawClient(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port }, () => resolve(socket));
    socket.once('error', reject);
    cleanups.push(() => socket.destroy());
  });
}

describe('LengthPrefixedReader', () => {
  it('yields the same frames however the byte stream is chunked', () => {
    fc.assert(fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 8 }), fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 20 }), (frames, cuts) => {
      const stream = Buffer.concat(frames.map(prefixed));
      const reader = new LengthPrefixedReader(1000);
      const out: number[][] = [];
      let offset = 0;
      let i = 0;
      while (offset < stream.length) {
        const size = cuts[i++ % cuts.length]!;
        reader.push(stream.subarray(offset, offset + size), (f) => out.push([...f]));
        offset += size;
      }
      expect(out).toEqual(frames.map((f) => [...f]));
      expect(reader.bufferedBytes).toBe(0);
    }));
  });

  it('refuses a declared length over the limit before allocating for it', () => {
    const reader = new LengthPrefixedReader(100);
    expect(() => reader.push(new Uint8Array([0xff, 0xff, 0xff]), () => {})).toThrow(ProtocolError);
    expect(reader.bufferedBytes).toBe(0);
  });
});

describe('TCP transport', () => {
  it('listens on loopback by default and reassembles frames split across TCP chunks', async () => {
    const frames: number[][] = [];
    const server = await tcpServerTransport().listen((c) => c.setHandlers({ frame: (f) => frames.push([...f]), writable() {}, closed() {} }));
    cleanups.push(() => server.close());
    expect(server.address.host).toBe('127.0.0.1');
    const socket = await rawClient(server.address.port);
    const bytes = Buffer.concat([prefixed(new Uint8Array([1, 2, 3, 4, 5, 6, 7])), prefixed(new Uint8Array([9, 9, 9, 9, 9, 9]))]);
    for (const byte of bytes) {
      socket.write(Buffer.from([byte]));
      await settle(1);
    }
    await eventually(() => frames.length === 2);
    expect(frames).toEqual([[1, 2, 3, 4, 5, 6, 7], [9, 9, 9, 9, 9, 9]]);
  });

  it('answers a frame over maxFrameSize with ERROR[CONNECTION_ERROR] and closes', async () => {
    const server = await serve({ transport: tcpServerTransport({ maxFrameSize: 1024 }), handler: {} });
    cleanups.push(() => server.close());
    const socket = await rawClient(server.address.port);
    const received: Buffer[] = [];
    socket.on('data', (d) => received.push(d));
    const closed = new Promise((r) => socket.once('close', r));
    socket.write(prefixed(setupBytes()));
    socket.write(Buffer.from([0, 0x10, 0])); // declares 4096 bytes
    await closed;
    const reply = Buffer.concat(received);
    expect(decodeFrame(reply.subarray(3))).toMatchObject({ type: FrameType.ERROR, streamId: 0, code: ErrorCode.CONNECTION_ERROR });
  });

  it('send() returns false when socket.write() does, and writable() fires on drain', async () => {
    let connection: FrameConnection | null = null;
    let drains = 0;
    const server = await tcpServerTransport().listen((c) => {
      connection = c;
      c.setHandlers({ frame() {}, writable: () => drains++, closed() {} });
    });
    cleanups.push(() => server.close());
    const socket = await rawClient(server.address.port);
    socket.pause(); // a reader that does not read
    await eventually(() => connection !== null);
    const frame = new Uint8Array(64 * 1024);
    let sent = 0;
    while (connection!.send(frame)) sent++;
    expect(sent).toBeLessThan(1000);
    expect(connection!.writable).toBe(false);
    expect(connection!.inspect().bufferedBytes).toBeGreaterThan(connection!.inspect().highWaterMark);
    socket.resume();
    await eventually(() => drains === 1, 'drain');
    expect(connection!.writable).toBe(true);
  });

  it('a peer that never reads gets no more than the bounded batches from the producer', async () => {
    let requested = 0;
    const item: Payload = { data: new Uint8Array(1024), metadata: null };
    const server = await serve({
      transport: tcpServerTransport(), prefetch: 32,
      handler: { requestStream: () => generate(0, (n, emit) => (requested++, emit.next(item), n + 1)) },
    });
    cleanups.push(() => server.close());
    const socket = await rawClient(server.address.port);
    socket.pause();
    socket.write(prefixed(setupBytes()));
    socket.write(prefixed(encodeFrame({ type: FrameType.REQUEST_STREAM, streamId: 1, follows: false, requestN: 2 ** 31 - 1, data: new Uint8Array(), metadata: null })));
    await eventually(() => server.connections.size === 1 && !server.inspect()[0]!.writable, 'the server to stop writing');
    await settle(20);
    const before = requested;
    await settle(20);
    expect(requested).toBe(before); // nothing more is asked while the transport is above its bound
    const snapshot = server.inspect()[0]!;
    expect(snapshot.streams[0]!.bufferedFrames).toBeLessThanOrEqual(32);
    expect(snapshot.streams[0]!.upstreamRequested + snapshot.streams[0]!.bufferedFrames).toBeLessThanOrEqual(32);
    // what the kernel and the socket buffer hold is bounded too: far below the credit of 2^31−1 items
    expect(requested).toBeLessThan(20_000);
  });

  it('a client transport to a closed port rejects', async () => {
    const server = await tcpServerTransport().listen(() => {});
    const port = server.address.port;
    await server.close();
    await expect(tcpClientTransport({ port }).connect()).rejects.toThrow(/ECONNREFUSED/);
  });
});
