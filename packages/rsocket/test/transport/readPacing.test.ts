import * as net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import {
  ErrorCode, FrameType, decodeFrame, encodeFrame, serve, tcpServerTransport, webSocketServerTransport, type Frame,
} from '@sluice/rsocket';
import { settle } from '../../../core/test/support/async';
import { eventually } from '../support/eventually';

// A peer that writes and never reads must not grow the server's outbound buffer without bound: replies to its input
// (KEEPALIVE echoes, ERROR for a refused request) are paced by it reading, because the server stops reading while its
// backlog is above the read-pause bound (README, Bounds).

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

/**
 * Loopback kernels buffer tens of MB each way (tcp_rmem up to 32 MiB here) before the server feels anything, so
 * the loops are bounded by frame count, not by a number small enough to stay under those buffers.
 *
 * Writes `next()` frames from a client that never reads until the client's own socket buffer holds `stuckBytes`
 * (the server stopped taking bytes) or `maxFrames` were written; returns the largest server backlog seen.
 */
async function flood(server: Awaited<ReturnType<typeof serve>>, client: net.Socket, next: (i: number) => Frame, maxFrames: number, stuckBytes: number, framesPerWrite: number) {
  client.pause(); // never reads: every reply stays in the server's buffers or the kernel's
  let maxBuffered = 0;
  let highWaterMark = 0;
  let i = 0;
  let refused = false;
  while (i < maxFrames && client.writableLength < stuckBytes) {
    const chunk: Buffer[] = [];
    for (let k = 0; k < framesPerWrite && i < maxFrames; k++) chunk.push(prefixed(encodeFrame(next(i++))));
    if (!client.write(Buffer.concat(chunk))) refused = true;
    await settle(2); // the server (same process) reads and replies
    for (const c of server.inspect()) {
      maxBuffered = Math.max(maxBuffered, c.transport.bufferedBytes);
      highWaterMark = c.transport.highWaterMark;
    }
  }
  return { maxBuffered, highWaterMark, refused, written: i };
}

describe('TCP transport: reading is paced by the peer reading', () => {
  it('a client sending KEEPALIVE(respond) without reading is no longer read; the server backlog stays bounded', async () => {
    const server = await serve({ transport: tcpServerTransport(), handler: {} });
    cleanups.push(() => server.close());
    const client = await rawClient(server.address.port);
    client.write(prefixed(setupBytes()));
    await eventually(() => server.inspect().length === 1, 'the server to accept the connection');
    const data = new Uint8Array(4096).fill(7);
    const result = await flood(server, client, () => ({ type: FrameType.KEEPALIVE, streamId: 0, respond: true, lastReceivedPosition: 0, data }), 16_000, 1 << 20, 16);
    // The server stopped reading: the client's writes were refused and pile up in its own buffer.
    expect(result.refused).toBe(true);
    expect(client.writableLength).toBeGreaterThanOrEqual(1 << 20);
    expect(result.written).toBeLessThan(16_000);
    const [connection] = server.inspect();
    expect(connection!.transport.readPaused).toBe(true);
    // Bound: the read-pause bound (4 × high-water mark) plus the replies to one read (≤ 64 KiB in, a reply per frame).
    expect(result.maxBuffered).toBeLessThanOrEqual(4 * result.highWaterMark + 65_536 + 4096 + 16);
    expect(connection!.transport.bufferedBytes).toBeLessThanOrEqual(4 * result.highWaterMark + 65_536 + 4096 + 16);
  });

  it('a client sending REQUEST_RESPONSE to a server with no handler, without reading, is no longer read', async () => {
    const server = await serve({ transport: tcpServerTransport(), handler: {} });
    cleanups.push(() => server.close());
    const client = await rawClient(server.address.port);
    client.write(prefixed(setupBytes()));
    await eventually(() => server.inspect().length === 1, 'the server to accept the connection');
    const result = await flood(server, client, (i) => ({ type: FrameType.REQUEST_RESPONSE, streamId: 2 * i + 1, follows: false, data: new Uint8Array(8), metadata: null }), 3_000_000, 1 << 20, 1024);
    expect(result.refused).toBe(true);
    expect(client.writableLength).toBeGreaterThanOrEqual(1 << 20);
    expect(result.written).toBeLessThan(3_000_000);
    const [connection] = server.inspect();
    expect(connection!.transport.readPaused).toBe(true);
    // An ERROR reply is a few times its request's size: one 64 KiB read may add up to ~8 × 64 KiB of replies.
    expect(result.maxBuffered).toBeLessThanOrEqual(4 * result.highWaterMark + 8 * 65_536);
    // Still open: pacing is not a close.
    expect(client.destroyed).toBe(false);
  });
});

function rawWsClient(port: number): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`ws://127.0.0.1:${port}/`);
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
    cleanups.push(() => socket.terminate());
  });
}

describe('WebSocket transport: reading is paced by the peer reading', () => {
  it('a client sending KEEPALIVE(respond) without reading is no longer read; the server backlog stays bounded', async () => {
    const server = await serve({ transport: webSocketServerTransport(), handler: {} });
    cleanups.push(() => server.close());
    const client = await rawWsClient(server.address.port);
    client.send(setupBytes());
    await eventually(() => server.inspect().length === 1, 'the server to accept the connection');
    client.pause(); // never reads
    const data = new Uint8Array(4096).fill(7);
    const frame = encodeFrame({ type: FrameType.KEEPALIVE, streamId: 0, respond: true, lastReceivedPosition: 0, data });
    let maxBuffered = 0;
    let highWaterMark = 0;
    let written = 0;
    while (written < 16_000 && client.bufferedAmount < 1 << 20) {
      for (let k = 0; k < 16; k++, written++) client.send(frame);
      await settle(2);
      for (const c of server.inspect()) {
        maxBuffered = Math.max(maxBuffered, c.transport.bufferedBytes);
        highWaterMark = c.transport.highWaterMark;
      }
    }
    expect(client.bufferedAmount).toBeGreaterThanOrEqual(1 << 20); // the server stopped taking bytes
    expect(written).toBeLessThan(16_000);
    const [connection] = server.inspect();
    expect(connection!.transport.readPaused).toBe(true);
    // Bound: the read-pause bound (4 × high-water mark) plus the replies to one read (≤ 64 KiB in) and one frame.
    expect(maxBuffered).toBeLessThanOrEqual(4 * highWaterMark + 65_536 + 2 * (4096 + 16));
  });

  async function expectConnectionError(send: (client: WebSocket) => void) {
    const server = await serve({ transport: webSocketServerTransport(), handler: {} });
    cleanups.push(() => server.close());
    const client = await rawWsClient(server.address.port);
    const received: Frame[] = [];
    let closed = false;
    client.on('message', (m: Buffer) => received.push(decodeFrame(m)));
    client.on('close', () => { closed = true; });
    client.send(setupBytes());
    await eventually(() => server.inspect().length === 1, 'the server to accept the connection');
    send(client);
    await eventually(() => closed, 'the server to close the connection');
    const errors = received.filter((f) => f.type === FrameType.ERROR);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ streamId: 0, code: ErrorCode.CONNECTION_ERROR });
  }

  it('answers a text message with ERROR[CONNECTION_ERROR] and closes', async () => {
    await expectConnectionError((client) => client.send('hello', { binary: false }));
  });

  it('answers a message shorter than a frame header with ERROR[CONNECTION_ERROR] and closes', async () => {
    await expectConnectionError((client) => client.send(new Uint8Array([0, 0, 0, 0, 0]), { binary: true }));
  });
});
