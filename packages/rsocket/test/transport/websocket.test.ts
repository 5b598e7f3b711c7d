import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { generate, map, range } from '@sluice/core';
import {
  ConnectionClosedError, FrameType, connect, dataString, decodeFrame, encodeFrame, payload, serve, webSocketClientTransport,
  webSocketServerTransport, type FrameConnection, type Payload,
} from '@sluice/rsocket';
import { settle, watchdog } from '../../../core/test/support/async';
import { eventually } from '../support/eventually';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const setupBytes = () => encodeFrame({
  type: FrameType.SETUP, streamId: 0, majorVersion: 1, minorVersion: 0, keepAlive: 60_000, lifetime: 180_000, resumeToken: null, lease: false,
  metadataMimeType: 'application/octet-stream', dataMimeType: 'application/octet-stream', data: new Uint8Array(), metadata: null,
});

function rawClient(port: number): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`ws://127.0.0.1:${port}/`);
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
    cleanups.push(() => socket.terminate());
  });
}

interface Recorded {
  frames: number[][];
  writable: number;
  closed: (Error | undefined)[];
}
function record(connection: FrameConnection): Recorded {
  const r: Recorded = { frames: [], writable: 0, closed: [] };
  connection.setHandlers({ frame: (f) => r.frames.push([...f]), writable: () => r.writable++, closed: (e) => r.closed.push(e) });
  return r;
}

async function transportPair(options: Parameters<typeof webSocketServerTransport>[0] = {}) {
  const accepted: FrameConnection[] = [];
  const server = await webSocketServerTransport(options).listen((c) => accepted.push(c));
  cleanups.push(() => server.close());
  const client = await webSocketClientTransport({ port: server.address.port }).connect();
  cleanups.push(() => client.close());
  await eventually(() => accepted.length === 1, 'the server to accept');
  return { server, client, serverSide: accepted[0]! };
}

describe('WebSocket transport', () => {
  it('listens on loopback by default; one binary message per frame both ways; inspect counts them', async () => {
    const { server, client, serverSide } = await transportPair();
    expect(server.address.host).toBe('127.0.0.1');
    const atServer = record(serverSide);
    const atClient = record(client);
    expect(client.send(new Uint8Array([1, 2, 3, 4, 5, 6]))).toBe(true);
    expect(client.send(new Uint8Array([7, 7, 7, 7, 7, 7, 7]))).toBe(true);
    serverSide.send(new Uint8Array([9, 9, 9, 9, 9, 9]));
    await eventually(() => atServer.frames.length === 2 && atClient.frames.length === 1);
    expect(atServer.frames).toEqual([[1, 2, 3, 4, 5, 6], [7, 7, 7, 7, 7, 7, 7]]);
    expect(atClient.frames).toEqual([[9, 9, 9, 9, 9, 9]]);
    expect(client.inspect()).toMatchObject({ kind: 'websocket', writable: true, framesOut: 2, bytesOut: 13, framesIn: 1, bytesIn: 6, highWaterMark: 65_536 });
    expect(serverSide.inspect()).toMatchObject({ framesIn: 2, bytesIn: 13, framesOut: 1, bytesOut: 6 });
  });

  it('send returns false above highWaterMark while the peer does not read; writable() fires once it drained', async () => {
    const highWaterMark = 32 * 1024;
    const accepted: FrameConnection[] = [];
    const server = await webSocketServerTransport({ highWaterMark }).listen((c) => accepted.push(c));
    cleanups.push(() => server.close());
    const peer = await rawClient(server.address.port);
    peer.pause(); // a peer that reads nothing: the kernel buffers fill, then the socket's user-space buffer
    await eventually(() => accepted.length === 1);
    const sender = { connection: accepted[0]!, peer };
    const at = record(sender.connection);
    const frame = new Uint8Array(8 * 1024);
    // Send whenever the transport is writable. The frames of one tick are corked together, so `send` may report
    // false for a tick's batch and writable() follow once the kernel took it; the peer that never reads shows as a
    // transport that stays unwritable.
    let sent = 0;
    for (let round = 0; sent < 10_000 && round < 100_000; round++) {
      if (sender.connection.writable) {
        sender.connection.send(frame);
        sent++;
        if (sent % 16 === 0) await settle(1); // let the kernel take what it takes
      } else {
        await settle(5);
        if (!sender.connection.writable) break;
      }
    }
    expect(sent).toBeLessThan(10_000); // the bound was reached long before 10,000 frames (80 MB)
    expect(sender.connection.writable).toBe(false);
    const snapshot = sender.connection.inspect();
    expect(snapshot.writable).toBe(false);
    expect(snapshot.bufferedBytes).toBeGreaterThan(highWaterMark);
    expect(snapshot.bufferedBytes).toBeLessThanOrEqual(highWaterMark + frame.length);
    const writableCalls = at.writable;
    await settle(20);
    expect(at.writable).toBe(writableCalls); // nothing drained: the peer still reads nothing
    expect(sender.connection.inspect().bufferedBytes).toBeLessThanOrEqual(highWaterMark + frame.length);
    let received = 0;
    sender.peer.on('message', () => received++);
    sender.peer.resume();
    await eventually(() => at.writable === writableCalls + 1, 'writable() after the peer read');
    expect(sender.connection.writable).toBe(true);
    expect(sender.connection.inspect().bufferedBytes).toBeLessThanOrEqual(highWaterMark);
    expect(sender.connection.send(frame)).toBe(true);
    await eventually(() => received === sent + 1, 'every frame to arrive');
    expect(at.closed).toEqual([]);
  });

  it('a graceful close from the client reaches the server as a clean close (and the reverse)', async () => {
    const first = await transportPair();
    const a = record(first.client);
    const b = record(first.serverSide);
    first.client.send(new Uint8Array([1, 1, 1, 1, 1, 1]));
    first.client.close();
    await eventually(() => a.closed.length === 1 && b.closed.length === 1);
    expect(a.closed).toEqual([undefined]);
    expect(b.closed).toEqual([undefined]);
    expect(b.frames).toEqual([[1, 1, 1, 1, 1, 1]]); // what was sent before close() still arrived
    expect(first.client.send(new Uint8Array(6))).toBe(false);

    const second = await transportPair();
    const c = record(second.client);
    const d = record(second.serverSide);
    second.serverSide.close();
    await eventually(() => c.closed.length === 1 && d.closed.length === 1);
    expect(c.closed).toEqual([undefined]);
    expect(d.closed).toEqual([undefined]);
  });

  it('an abnormal end is reported as an error on the other side; close(error) reports it locally', async () => {
    const { client, serverSide } = await transportPair();
    const a = record(client);
    const b = record(serverSide);
    const boom = new Error('boom');
    client.close(boom);
    client.close(); // idempotent
    await eventually(() => b.closed.length === 1);
    expect(a.closed).toEqual([boom]);
    expect(b.closed[0]).toBeInstanceOf(Error);
    expect(b.closed[0]!.message).toMatch(/code 1006/);
  });

  it('closes a connection whose peer sends a message over maxMessageSize, without buffering it', async () => {
    const accepted: FrameConnection[] = [];
    const server = await webSocketServerTransport({ maxMessageSize: 1024 }).listen((c) => accepted.push(c));
    cleanups.push(() => server.close());
    const bystander = await rawClient(server.address.port);
    await eventually(() => accepted.length === 1);
    const r = record(accepted[0]!);
    const peer = await rawClient(server.address.port);
    await eventually(() => accepted.length === 2);
    const p = record(accepted[1]!);
    const closedCode = new Promise<number>((resolve) => peer.once('close', (code) => resolve(code)));
    peer.send(Buffer.alloc(4096));
    expect(await watchdog(closedCode)).toBe(1009); // ws refuses it while receiving: 'Message Too Big'
    await eventually(() => p.closed.length === 1);
    expect(p.closed[0]!.message).toMatch(/Max payload size exceeded|1009/);
    expect(p.frames).toEqual([]);
    expect(bystander.readyState).toBe(WebSocket.OPEN);
    expect(r.closed).toEqual([]); // the other connections are untouched
  });

  it('connects to a closed port with a rejection; bad options fail eagerly', async () => {
    const s = await webSocketServerTransport().listen(() => {});
    const port = s.address.port;
    await s.close();
    await expect(webSocketClientTransport({ port }).connect()).rejects.toThrow(/ECONNREFUSED/);
    expect(() => webSocketServerTransport({ highWaterMark: -1 })).toThrow(/highWaterMark/);
    expect(() => webSocketClientTransport({ port, maxMessageSize: 2 ** 24 })).toThrow(/maxMessageSize/);
    expect(() => webSocketClientTransport({ port, closeTimeout: 0 })).toThrow(/closeTimeout/);
  });
});

describe('RSocket over WebSocket', () => {
  it('requestStream with exact demand end to end', async () => {
    const server = await serve({
      transport: webSocketServerTransport(),
      handler: { requestStream: (p: Payload) => range(0, Number(dataString(p))).pipe(map((n) => payload(String(n)))) },
    });
    cleanups.push(() => server.close());
    const rsocket = await connect({ transport: webSocketClientTransport({ port: server.address.port }) });
    cleanups.push(() => rsocket.close());
    const got: string[] = [];
    let sub!: { request(n: number): void; cancel(): void };
    let done = false;
    rsocket.requestStream(payload('5')).subscribe({
      onSubscribe: (s) => { sub = s; },
      onNext: (p) => got.push(dataString(p)),
      onError: (e) => { throw e; },
      onComplete: () => { done = true; },
    });
    sub.request(2);
    await eventually(() => got.length === 2);
    await settle(10);
    expect(got).toEqual(['0', '1']); // no more than asked
    sub.request(10);
    await eventually(() => done);
    expect(got).toEqual(['0', '1', '2', '3', '4']);
  });

  it('a peer that never reads: the server stops asking its producer and its buffers stay bounded', async () => {
    let produced = 0;
    const item: Payload = { data: new Uint8Array(1024), metadata: null };
    const highWaterMark = 16 * 1024;
    const server = await serve({
      transport: webSocketServerTransport({ highWaterMark }), prefetch: 32,
      handler: { requestStream: () => generate(0, (n, emit) => (produced++, emit.next(item), n + 1)) },
    });
    cleanups.push(() => server.close());
    const socket = await rawClient(server.address.port);
    socket.send(setupBytes());
    socket.send(encodeFrame({ type: FrameType.REQUEST_STREAM, streamId: 1, follows: false, requestN: 2 ** 31 - 1, data: new Uint8Array(), metadata: null }));
    await eventually(() => server.connections.size === 1 && produced > 0);
    socket.pause();
    await eventually(() => !server.inspect()[0]!.writable, 'the server to stop writing');
    await settle(20);
    const before = produced;
    await settle(20);
    expect(produced).toBe(before); // nothing more asked of the producer while the transport is above its bound
    const snapshot = server.inspect()[0]!;
    expect(snapshot.streams[0]!.bufferedFrames).toBeLessThanOrEqual(32);
    expect(produced).toBeLessThan(20_000); // kernel buffers + bound, far below the credit of 2^31−1
    // reading again resumes the stream
    let received = 0;
    socket.on('message', (m: Buffer) => {
      if (decodeFrame(m).type === FrameType.PAYLOAD) received++;
    });
    socket.resume();
    await eventually(() => produced > before + 100 && received > 0, 'the stream to resume');
  });

  it('closing the client ends the server side streams; closing the server ends the client streams with an error', async () => {
    const server = await serve({ transport: webSocketServerTransport(), handler: { requestStream: () => generate(0, (n, emit) => (emit.next(payload(String(n))), n + 1)) } });
    cleanups.push(() => server.close());
    const rsocket = await connect({ transport: webSocketClientTransport({ port: server.address.port }) });
    let error: Error | null = null;
    let sub!: { request(n: number): void };
    rsocket.requestStream(payload('')).subscribe({ onSubscribe: (s) => { sub = s; }, onNext() {}, onError: (e) => { error = e; }, onComplete() {} });
    sub.request(1);
    await eventually(() => server.connections.size === 1);
    await server.close();
    await eventually(() => error !== null, 'the client stream to fail');
    expect(error).toBeInstanceOf(ConnectionClosedError);
  });
});
