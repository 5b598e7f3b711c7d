import { RingBuffer } from '@sluice/core';
import { decodeFrame, type Frame, type FrameConnection, type FrameHandlers, type TransportSnapshot } from '@sluice/rsocket';

/** One end of an in-memory transport pair: frames are delivered on a microtask; the reader can pause. */
export class MemoryEnd implements FrameConnection {
  peer!: MemoryEnd;
  private handlers: FrameHandlers | null = null;
  private readonly inbox = new RingBuffer<Uint8Array>(1_000_000);
  private scheduled = false;
  private closedOnce = false;
  paused = false;
  writable = true;
  /** Bytes sent by this end that the peer has not read yet. */
  buffered = 0;
  readonly highWaterMark: number;
  /** Every frame this end sent, decoded. */
  readonly sent: Frame[] = [];
  framesIn = 0;
  framesOut = 0;
  bytesIn = 0;
  bytesOut = 0;

  constructor(highWaterMark: number) {
    this.highWaterMark = highWaterMark;
  }

  setHandlers(handlers: FrameHandlers): void {
    this.handlers = handlers;
    this.pump();
  }

  send(frame: Uint8Array): boolean {
    if (this.closedOnce) return false;
    const copy = frame.slice();
    this.sent.push(decodeFrame(copy));
    this.framesOut++;
    this.bytesOut += copy.length;
    this.buffered += copy.length;
    this.peer.deliver(copy);
    if (this.buffered > this.highWaterMark) this.writable = false;
    return this.writable;
  }

  /** Raw bytes straight to the peer, bypassing the codec (for hostile-peer tests). */
  sendRaw(bytes: Uint8Array): void {
    this.buffered += bytes.length;
    this.peer.deliver(bytes);
  }

  close(error?: Error): void {
    if (this.closedOnce) return;
    this.finish(error);
    this.peer.finish();
  }

  inspect(): TransportSnapshot {
    return {
      kind: 'memory', writable: this.writable, bufferedBytes: this.buffered, highWaterMark: this.highWaterMark,
      framesIn: this.framesIn, framesOut: this.framesOut, bytesIn: this.bytesIn, bytesOut: this.bytesOut,
    };
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.pump();
  }

  get closed(): boolean {
    return this.closedOnce;
  }

  private deliver(bytes: Uint8Array): void {
    if (this.closedOnce) return;
    this.inbox.offer(bytes);
    this.pump();
  }

  private pump(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      while (!this.paused && !this.closedOnce && this.handlers !== null && !this.inbox.isEmpty) {
        const bytes = this.inbox.poll()!;
        this.framesIn++;
        this.bytesIn += bytes.length;
        this.peer.consumed(bytes.length);
        this.handlers.frame(bytes);
      }
    });
  }

  private consumed(bytes: number): void {
    this.buffered -= bytes;
    if (!this.writable && this.buffered <= this.highWaterMark && !this.closedOnce) {
      this.writable = true;
      queueMicrotask(() => this.handlers?.writable());
    }
  }

  private finish(error?: Error): void {
    if (this.closedOnce) return;
    this.closedOnce = true;
    this.inbox.clear();
    const handlers = this.handlers;
    this.handlers = null;
    handlers?.closed(error);
  }
}

/** A connected pair: `client` and `server` ends. */
export function memoryPair(highWaterMark = 1 << 20): { client: MemoryEnd; server: MemoryEnd } {
  const client = new MemoryEnd(highWaterMark);
  const server = new MemoryEnd(highWaterMark);
  client.peer = server;
  server.peer = client;
  return { client, server };
}

/**
 * Lets queued frame deliveries (microtasks) run, and the end-of-turn REQUEST_N flush (a `setImmediate`, ADR 0003):
 * microtasks, then two macrotask turns each followed by microtasks again.
 */
export async function flush(rounds = 20): Promise<void> {
  for (let turn = 0; turn < 3; turn++) {
    if (turn > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    for (let i = 0; i < rounds; i++) await Promise.resolve();
  }
}
