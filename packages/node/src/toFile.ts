import { promises as fsp, type PathLike } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { nullArgumentError } from '@sluice/core/engine';
import { reportDroppedError, reportError, RingBuffer, type Inspectable, type StageSnapshot, type Subscriber, type Subscription } from '@sluice/core';
import { requirePositiveInteger, toError } from './internal/errors';

export interface ToFileOptions {
  /** `open` flags (default `'w'`: create or truncate; `'a'` appends, `'wx'` fails if the file exists). */
  flags?: string;
  /**
   * Items requested from upstream and not yet written (default 16): the bound of what this sink holds. Items
   * arriving while a write is in flight wait in a ring buffer of this size.
   */
  highWaterMark?: number;
}

/** A Subscriber that writes each chunk into a file; `finished` settles once, after the file is closed. */
export interface FileSink extends Subscriber<Uint8Array | string>, Inspectable {
  /**
   * Resolves once the flow completed, every chunk was written and the file closed; rejects (exactly once) with the
   * open, write or close error, or the flow's error. Marked as handled: await it to observe errors.
   */
  readonly finished: Promise<void>;
}

/**
 * A sink that writes `Uint8Array`/`Buffer` chunks (strings as UTF-8) into a file with `FileHandle.write`, no
 * `Writable` in between.
 *
 * ```
 * request:  16.               3.            1.
 * flow:     a b c             d             |
 * write:    [a] ok [b c] ok   [d] ok        close → finished resolves
 * ```
 *
 * **Demand and bound**: the file is opened on subscribe; only then are `highWaterMark` items requested. One write is
 * in flight at most (`write`, or `writev` of every item that queued meanwhile), in order, at the file's current
 * position (so `'a'` appends correctly). When a write completes, exactly as many items as it carried are requested
 * again, so items requested + queued + being written never exceed `highWaterMark`. An upstream that sends more than
 * it was asked for fails the sink (§1.1).
 *
 * **Errors**: an `open` error (`ENOENT` for a missing directory, `EISDIR`, `EEXIST` with `'wx'`) or a write error
 * cancels the flow and rejects `finished`; a flow error rejects it; an item that is neither bytes nor a string
 * cancels the flow with a TypeError. In every case the handle is closed (after the write in flight settles) before
 * `finished` settles; a close that fails after a success rejects `finished`.
 *
 * @example
 * const sink = toFile('out.log', { flags: 'a' });
 * range(0, 1000).pipe(map((n) => `${n}\n`)).subscribe(sink);
 * await sink.finished;
 */
export function toFile(path: PathLike, options: ToFileOptions = {}): FileSink {
  if (typeof path !== 'string' && !(path instanceof URL) && !Buffer.isBuffer(path)) {
    throw new TypeError(`toFile: expected a path (string, Buffer or URL), got ${String(path)}`);
  }
  const flags = options.flags ?? 'w';
  if (typeof flags !== 'string') throw new TypeError(`toFile: flags must be a string, got ${String(flags)}`);
  const highWaterMark =
    options.highWaterMark === undefined ? 16 : requirePositiveInteger('toFile', 'highWaterMark', options.highWaterMark);
  return new FileWriteSubscriber(path, flags, highWaterMark);
}

type State = 'idle' | 'active' | 'closing' | 'done';

class FileWriteSubscriber implements FileSink {
  readonly finished: Promise<void>;
  private readonly path: PathLike;
  private readonly flags: string;
  private readonly highWaterMark: number;
  private state: State = 'idle';
  private upstream: Subscription | null = null;
  private handle: FileHandle | null = null;
  /** Items waiting for the write in flight to finish; never more than highWaterMark (see onNext). */
  private readonly queue: RingBuffer<Uint8Array>;
  /** Requested from upstream and not yet received. */
  private outstanding = 0;
  /** An open or a write is in flight. */
  private busy = false;
  private completed = false;
  private failure: Error | null = null;
  private cancelledUpstream = false;
  private written = 0;
  private received = 0;
  private resolve!: () => void;
  private reject!: (error: Error) => void;

  constructor(path: PathLike, flags: string, highWaterMark: number) {
    this.path = path;
    this.flags = flags;
    this.highWaterMark = highWaterMark;
    this.queue = new RingBuffer<Uint8Array>(highWaterMark);
    this.finished = new Promise<void>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    this.finished.catch(() => {}); // the subscriber API cannot rethrow; errors surface through `finished` only
  }

  onSubscribe(subscription: Subscription): void {
    if (subscription == null) throw nullArgumentError('onSubscribe', subscription); // §2.13
    if (this.state !== 'idle') {
      subscription.cancel(); // §2.5 one subscription at a time; a second (or one after termination) is cancelled
      return;
    }
    this.upstream = subscription;
    this.state = 'active';
    this.busy = true;
    // fs.promises.open looked up at call time: tests observe the handles through it.
    fsp.open(this.path, this.flags).then(
      (handle) => {
        this.busy = false;
        this.handle = handle;
        if (this.state === 'active' && !this.completed) {
          this.outstanding = this.highWaterMark;
          this.upstream!.request(this.highWaterMark);
        }
        this.pump();
      },
      (error: unknown) => {
        this.busy = false;
        this.stop(toError(error), true);
      },
    );
  }

  onNext(value: Uint8Array | string): void {
    if (value == null) throw nullArgumentError('onNext', value); // §2.13
    if (this.state !== 'active' || this.completed) return; // §2.8 items in flight after a cancel are dropped
    this.received++;
    let chunk: Uint8Array;
    if (value instanceof Uint8Array) chunk = value;
    else if (typeof value === 'string') chunk = Buffer.from(value, 'utf8');
    else return this.stop(new TypeError(`toFile: expected a Uint8Array or a string, got ${typeof value}`), true);
    if (this.outstanding === 0 || !this.queue.offer(chunk)) {
      return this.stop(new Error('§1.1: toFile received more items than it requested'), true);
    }
    this.outstanding--;
    this.pump();
  }

  onError(error: Error): void {
    if (error == null) throw nullArgumentError('onError', error); // §2.13
    if (this.state !== 'active' || this.completed) {
      // ADR 0012: after toFile cut the flow short itself, a late error is dropped to the hook; otherwise it broke
      // §1.7 (an error after a terminal signal) and is reported, never swallowed
      if (this.cancelledUpstream) reportDroppedError(error);
      else reportError(error);
      return;
    }
    this.upstream = null; // §2.4 the subscription is over
    this.stop(error, false);
  }

  onComplete(): void {
    if (this.state !== 'active' || this.completed) return; // §1.7
    this.upstream = null;
    this.completed = true;
    this.pump();
  }

  /** Starts the next write (everything queued, in one writev) unless one is in flight; closes when all is written. */
  private pump(): void {
    if (this.busy) return;
    if (this.state === 'closing') return this.close();
    if (this.state !== 'active' || this.handle === null) return;
    const queued = this.queue.size;
    if (queued === 0) {
      if (this.completed) {
        this.state = 'closing';
        this.close();
      }
      return;
    }
    const chunks: Uint8Array[] = new Array(queued);
    for (let i = 0; i < queued; i++) chunks[i] = this.queue.poll()!;
    this.busy = true;
    writeAll(this.handle, chunks).then(
      () => {
        this.written += queued;
        // Demand follows completed writes: as many items as this write carried (nothing once the flow is over).
        if (this.state === 'active' && !this.completed && this.upstream !== null) {
          this.outstanding += queued;
          this.upstream.request(queued); // items a synchronous upstream sends now queue behind `busy`
        }
        this.busy = false;
        this.pump();
      },
      (error: unknown) => {
        this.busy = false;
        this.stop(toError(error), true);
      },
    );
  }

  /** Ends the transfer with an error: cancels upstream (unless it is the one failing), then closes and rejects. */
  private stop(error: Error, cancelUpstream: boolean): void {
    if (this.state === 'done' || this.failure !== null) return;
    this.failure = error;
    this.state = 'closing';
    const upstream = this.upstream;
    this.upstream = null;
    this.queue.clear();
    if (cancelUpstream && upstream !== null) {
      this.cancelledUpstream = true;
      upstream.cancel();
    }
    this.close();
  }

  /** Closes the handle once nothing is in flight, then settles `finished`. */
  private close(): void {
    if (this.busy || this.state === 'done') return; // the open or write in flight calls pump() → close() again
    const handle = this.handle;
    this.handle = null;
    if (handle === null) return this.settle(null);
    this.busy = true;
    handle.close().then(
      () => this.settle(null),
      (error: unknown) => this.settle(toError(error)),
    );
  }

  private settle(closeError: Error | null): void {
    this.busy = false;
    this.state = 'done';
    const error = this.failure ?? closeError;
    if (error === null) return this.resolve();
    if (closeError !== null && closeError !== error) reportDroppedError(closeError);
    this.reject(error);
  }

  inspect(): StageSnapshot {
    return {
      stage: 'toFile',
      capacity: this.highWaterMark,
      buffered: this.queue.size,
      requested: 0,
      upstreamRequested: this.outstanding,
      received: this.received,
      emitted: this.written,
      dropped: 0,
      terminated: this.state === 'done',
      cancelled: this.cancelledUpstream,
    };
  }
}

/** Writes every chunk at the file's current position, repeating the call for the rest after a short write. */
async function writeAll(handle: FileHandle, chunks: Uint8Array[]): Promise<void> {
  if (chunks.length === 1) {
    let chunk = chunks[0]!;
    while (chunk.length > 0) {
      const { bytesWritten } = await handle.write(chunk, 0, chunk.length, null);
      chunk = chunk.subarray(bytesWritten);
    }
    return;
  }
  let rest = chunks;
  for (;;) {
    let total = 0;
    for (const c of rest) total += c.length;
    if (total === 0) return;
    let { bytesWritten } = await handle.writev(rest); // no position: at the current one
    if (bytesWritten === total) return;
    let i = 0;
    while (bytesWritten >= rest[i]!.length) bytesWritten -= rest[i++]!.length;
    rest = [rest[i]!.subarray(bytesWritten), ...rest.slice(i + 1)];
  }
}
