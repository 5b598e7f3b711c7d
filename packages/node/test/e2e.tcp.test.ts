import { readFileSync } from 'node:fs';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { DrainSubscription, Flow, type Subscriber } from '@sluice/core';
import { pipeTo } from '@sluice/node';
import { outcome, settle, until, watchdog } from './helpers';

const ITEM = 4 * 1024;

/** The most the kernel may buffer on a loopback connection: send plus receive buffer maxima (Linux), else 64 MiB. */
const KERNEL_BUFFER_MAX = (() => {
  try {
    const max = (file: string) => Number(readFileSync(file, 'utf8').trim().split(/\s+/)[2]);
    const total = max('/proc/sys/net/ipv4/tcp_rmem') + max('/proc/sys/net/ipv4/tcp_wmem');
    return Number.isFinite(total) && total > 0 ? total : 64 * 1024 * 1024;
  } catch {
    return 64 * 1024 * 1024;
  }
})();

interface ProducerStats {
  produced: number;
  cancelled: boolean;
  maxServerWritableLength: number;
}

/** A demand-driven producer of `total` 4 KiB items (item i starts with i as a 32-bit integer). */
function producer(total: number, stats: ProducerStats, socketOf: () => net.Socket | null): Flow<Buffer> {
  return new Flow<Buffer>((subscriber) => {
    const subscription = new (class extends DrainSubscription<Buffer> {
      protected emitSome(downstream: Subscriber<Buffer>): void {
        while (this.requested > 0 && stats.produced < total) {
          const socket = socketOf();
          if (socket !== null) stats.maxServerWritableLength = Math.max(stats.maxServerWritableLength, socket.writableLength);
          const item = Buffer.alloc(ITEM, stats.produced & 0xff);
          item.writeUInt32BE(stats.produced, 0);
          stats.produced++;
          this.requested--;
          downstream.onNext(item);
          if (this.cancelled) return;
        }
        if (stats.produced === total) this.complete();
      }
      protected override dispose(): void {
        if (stats.produced < total) stats.cancelled = true;
      }
    })(subscriber);
    subscriber.onSubscribe(subscription);
  });
}

/** Turn-based "has it stopped?": true once `read()` has not changed for `turns` macrotask turns (no wall clock). */
async function untilStable(read: () => number, turns = 200): Promise<number> {
  let last = read();
  let stable = 0;
  for (let i = 0; i < 100_000 && stable < turns; i++) {
    await settle(1);
    const now = read();
    stable = now === last ? stable + 1 : 0;
    last = now;
  }
  return last;
}

let cleanup: Array<() => void> = [];
afterEach(() => {
  for (const fn of cleanup) fn();
  cleanup = [];
});

async function serve(onSocket: (socket: net.Socket) => void): Promise<number> {
  const server = net.createServer(onSocket);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanup.push(() => server.close());
  return (server.address() as net.AddressInfo).port;
}

describe('end to end: a sluice flow served over TCP (127.0.0.1) to a slow client', () => {
  it('suspends the producer while the client does not read, keeps socket.writableLength bounded, then completes', async () => {
    const TOTAL = 32 * 1024; // 128 MiB: far more than the kernel's loopback socket buffers can absorb
    const PREFETCH = 8;
    const stats: ProducerStats = { produced: 0, cancelled: false, maxServerWritableLength: 0 };
    let serverSocket: net.Socket | null = null;
    let served: Promise<void> | null = null;
    const port = await serve((socket) => {
      serverSocket = socket;
      served = pipeTo(producer(TOTAL, stats, () => serverSocket), socket, { prefetch: PREFETCH });
    });

    const client = net.connect(port, '127.0.0.1');
    client.pause();
    cleanup.push(() => client.destroy());
    await until(() => served !== null, 'the connection');

    // The client reads nothing: the producer must stop (kernel buffers + the socket's high-water mark + prefetch).
    const suspendedAt = await untilStable(() => stats.produced);
    expect(suspendedAt).toBeLessThan(TOTAL);
    const socket = serverSocket!;
    expect(socket.writableLength).toBeLessThanOrEqual(socket.writableHighWaterMark + PREFETCH * ITEM);
    expect(stats.maxServerWritableLength).toBeLessThanOrEqual(socket.writableHighWaterMark + PREFETCH * ITEM);
    expect(outcome(served!).settled).toBe(false);

    const aheadBound =
      Math.ceil((KERNEL_BUFFER_MAX + socket.writableHighWaterMark + client.readableHighWaterMark) / ITEM) + PREFETCH + 2;
    expect(suspendedAt).toBeLessThanOrEqual(aheadBound);

    // Now the client catches up, slowly: one read() per macrotask, checking order as it goes.
    let received = 0;
    let misordered = 0;
    let pending: Buffer = Buffer.alloc(0);
    let ended = false;
    client.on('end', () => (ended = true));
    client.on('readable', () => {}); // paused mode: we pull with read()
    while (!ended) {
      const chunk: Buffer | null = client.read();
      if (chunk !== null) {
        pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
        while (pending.length >= ITEM) {
          if (pending.readUInt32BE(0) !== received) misordered++;
          received++;
          pending = pending.subarray(ITEM);
        }
        // The producer never runs ahead of the reader by more than the bounded buffers in between (the kernel's
        // autotuned socket buffers may grow while data flows, up to their configured maximum).
        expect(stats.produced - received).toBeLessThanOrEqual(aheadBound);
      }
      await settle(1);
    }
    await watchdog(served!, 20_000, 'the server transfer');
    expect(received).toBe(TOTAL);
    expect(misordered).toBe(0);
    expect(stats.cancelled).toBe(false);
    expect(stats.maxServerWritableLength).toBeLessThanOrEqual(socket.writableHighWaterMark + PREFETCH * ITEM);
  });

  it('cancels the flow on the server when the client closes early, and rejects exactly once', async () => {
    const stats: ProducerStats = { produced: 0, cancelled: false, maxServerWritableLength: 0 };
    let served: Promise<void> | null = null;
    let serverSocket: net.Socket | null = null;
    const port = await serve((socket) => {
      serverSocket = socket;
      served = pipeTo(producer(1_000_000, stats, () => serverSocket), socket);
    });
    const client = net.connect(port, '127.0.0.1');
    cleanup.push(() => client.destroy());
    let bytes = 0;
    await new Promise<void>((resolve) => {
      client.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes >= 64 * ITEM) {
          client.destroy();
          resolve();
        }
      });
    });
    const result = outcome(served!);
    await expect(watchdog(served!, 10_000, 'the server rejection')).rejects.toBeInstanceOf(Error);
    expect(result.settled).toBe(true);
    expect(stats.cancelled).toBe(true);
    const producedAtCancel = stats.produced;
    await settle(20);
    expect(stats.produced).toBe(producedAtCancel); // nothing produced after cancellation
    expect(serverSocket!.destroyed).toBe(true);
    expect(serverSocket!.listenerCount('drain')).toBe(0);
  });
});
