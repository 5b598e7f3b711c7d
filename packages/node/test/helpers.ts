import { readdirSync, readlinkSync } from 'node:fs';
import { Readable, Writable } from 'node:stream';
import { setImmediate as nextMacrotask } from 'node:timers/promises';

export { settle, watchdog } from '../../core/test/support/async';

/** Resolves once `predicate()` holds, checking after each macrotask; fails (a hang) after `turns` turns. */
export async function until(predicate: () => boolean, what: string, turns = 10_000): Promise<void> {
  for (let i = 0; i < turns; i++) {
    if (predicate()) return;
    await nextMacrotask();
  }
  throw new Error(`hang: ${what} did not happen`);
}

/** Records how a promise settled, so a test can assert it settled exactly once and how. */
export function outcome(promise: Promise<unknown>): { settled: boolean; error: unknown; value: unknown } {
  const state = { settled: false, error: undefined as unknown, value: undefined as unknown };
  promise.then(
    (value) => Object.assign(state, { settled: true, value }),
    (error) => Object.assign(state, { settled: true, error }),
  );
  return state;
}

/**
 * A byte Readable generating `total` bytes in memory, chunk by chunk (never on disk): byte i is `i & 0xff` xor a
 * per-chunk salt, so order errors change the checksum. `pushed` counts bytes produced so far.
 */
export class GeneratedBytes extends Readable {
  pushed = 0;
  reads = 0;
  constructor(
    readonly total: number,
    private readonly chunkSize = 64 * 1024,
    highWaterMark = 64 * 1024,
  ) {
    super({ highWaterMark });
  }
  override _read(): void {
    this.reads++;
    if (this.pushed >= this.total) {
      this.push(null);
      return;
    }
    const size = Math.min(this.chunkSize, this.total - this.pushed);
    this.push(chunkAt(this.pushed, size));
    this.pushed += size;
  }
}

/** The bytes [offset, offset + size) of the generated stream: byte i is (i * 31 + (i >>> 16)) & 0xff. */
export function chunkAt(offset: number, size: number): Buffer {
  const buffer = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i++) {
    const n = offset + i;
    buffer[i] = (n * 31 + (n >>> 16)) & 0xff;
  }
  return buffer;
}

/** A streaming, order-sensitive checksum (Fletcher-like over bytes). */
export class Checksum {
  private a = 1;
  private b = 0;
  length = 0;
  update(bytes: Uint8Array): void {
    let a = this.a;
    let b = this.b;
    for (let i = 0; i < bytes.length; i++) {
      a = (a + bytes[i]!) % 65521;
      b = (b + a) % 65521;
    }
    this.a = a;
    this.b = b;
    this.length += bytes.length;
  }
  get value(): number {
    return this.b * 65536 + this.a;
  }
}

/** An object-mode Readable of the given items, pushing one per _read (like an fs/socket source: asynchronously). */
export function objectSource<T>(items: T[], options: { highWaterMark?: number; async?: boolean } = {}): Readable & { reads: number } {
  let index = 0;
  const readable = new Readable({
    objectMode: true,
    highWaterMark: options.highWaterMark ?? 4,
    read() {
      (readable as any).reads++;
      const push = () => readable.push(index < items.length ? items[index++] : null);
      if (options.async === false) push();
      else setImmediate(push);
    },
  }) as Readable & { reads: number };
  readable.reads = 0;
  return readable;
}

/** The listener counts a bridge might leave behind. */
export function listenerCounts(emitter: NodeJS.EventEmitter, events = ['readable', 'data', 'end', 'error', 'close', 'drain', 'finish']) {
  const counts: Record<string, number> = {};
  for (const event of events) counts[event] = emitter.listenerCount(event);
  return counts;
}

/** A Writable that completes each write only when `release()` is called (or after `autoRelease` macrotasks). */
export class SlowWritable extends Writable {
  readonly chunks: unknown[] = [];
  private pending: Array<() => void> = [];
  maxWritableLength = 0;
  constructor(options: ConstructorParameters<typeof Writable>[0] & { keep?: boolean; onWrite?: (w: SlowWritable) => void } = {}) {
    super(options);
    this.keep = options.keep ?? true;
    this.onWrite = options.onWrite;
  }
  private readonly keep: boolean;
  private readonly onWrite: ((w: SlowWritable) => void) | undefined;
  override _write(chunk: unknown, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.keep) this.chunks.push(chunk);
    this.maxWritableLength = Math.max(this.maxWritableLength, this.writableLength);
    this.onWrite?.(this);
    this.pending.push(() => callback());
  }
  /** Completes up to `n` pending writes. */
  release(n = Infinity): number {
    let done = 0;
    while (done < n && this.pending.length > 0) {
      this.pending.shift()!();
      done++;
    }
    return done;
  }
  get waiting(): number {
    return this.pending.length;
  }
}

/** File descriptors of this process that point at `path` (Linux /proc): proves a handle was really closed. */
export function fdsOn(path: string): number {
  let count = 0;
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`) === path) count++;
    } catch {
      // the fd readdir itself used, closed by now
    }
  }
  return count;
}
