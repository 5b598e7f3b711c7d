import { promises as fsp, type PathLike } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { DrainSubscription, Flow, reportDroppedError, type Inspectable, type StageSnapshot, type Subscriber } from '@sluice/core';
import { abortReason, requireNonNegativeInteger, requirePositiveInteger, requireSignal, toError } from './internal/errors';

export interface FromFileOptions {
  /** Bytes asked for by each `FileHandle.read` (default 65,536): each item is at most this long. */
  chunkSize?: number;
  /** First byte to read (default 0). */
  start?: number;
  /** Last byte to read, inclusive, like `fs.createReadStream` (default: to the end of the file). */
  end?: number;
  /** Aborting closes the file and fails the flow with the signal's reason. */
  signal?: AbortSignal;
}

/**
 * A Flow of a file's bytes read with `FileHandle.read` only against demand: no `Readable`, no buffer of its own.
 *
 * ```
 * request:   2.                 1.
 * read():    [0..64K) [64K..128K)   [128K..150K)  (0 bytes: end)
 * flow:        a        b              c           | (after the file is closed)
 * ```
 *
 * **Cold**: each subscriber opens the file (`open(path, 'r')`) on subscribe and reads it from `start`.
 *
 * **Demand and bound**: one `FileHandle.read` in flight at most, started only while downstream demand is
 * outstanding, and each read's chunk is delivered as soon as it lands (demand cannot shrink meanwhile), so
 * `reads ≤ items delivered + 1` (the one extra is the read that finds the end of the file; a range with a known
 * `end` needs none) and at most one chunk is ever held: the one a read completed with after a cancel, which is
 * dropped. Each item is a fresh `Buffer` of at most `chunkSize` bytes from `Buffer.allocUnsafe` (below 4 KiB a
 * slice of Node's shared pool, whose regions are handed out once and never reused; a short last read is a
 * `subarray` of its own buffer): this bridge never writes into memory it handed out, so downstream may keep chunks.
 *
 * **Errors**: a failed `open` (`ENOENT`, `EACCES`), a failed read (`EISDIR` when the path is a directory) or a
 * failed `close` after the last byte go downstream as `onError`, without waiting for demand (§1.4). The handle is
 * closed before `onComplete` or `onError` is signalled.
 *
 * **Cancellation** (§3.13): the file is closed at once, or as soon as the open or the read in flight settles; what
 * that read returned is dropped. A `close` that fails after a cancel goes to `onErrorDropped`.
 *
 * @example
 * const sink = toFile('copy.bin');
 * fromFile('in.bin', { chunkSize: 1 << 16 }).pipe(map(encrypt)).subscribe(sink);
 * await sink.finished;
 */
export function fromFile(path: PathLike, options: FromFileOptions = {}): Flow<Buffer> {
  if (typeof path !== 'string' && !(path instanceof URL) && !Buffer.isBuffer(path)) {
    throw new TypeError(`fromFile: expected a path (string, Buffer or URL), got ${String(path)}`);
  }
  const chunkSize = options.chunkSize === undefined ? 65_536 : requirePositiveInteger('fromFile', 'chunkSize', options.chunkSize);
  const start = options.start === undefined ? 0 : requireNonNegativeInteger('fromFile', 'start', options.start);
  const end = options.end === undefined ? Infinity : requireNonNegativeInteger('fromFile', 'end', options.end);
  if (end < start) throw new RangeError(`fromFile: end (${end}) must be at least start (${start})`);
  const signal = requireSignal('fromFile', options.signal);
  return new Flow<Buffer>((subscriber) => new FileReadSubscription(subscriber, path, chunkSize, start, end, signal).begin());
}

class FileReadSubscription extends DrainSubscription<Buffer> implements Inspectable {
  private readonly path: PathLike;
  private readonly chunkSize: number;
  /** Offset of the next read. */
  private position: number;
  /** Offset one past the last byte to read (Infinity: to the end of the file). */
  private readonly limit: number;
  private signal: AbortSignal | undefined;
  private handle: FileHandle | null = null;
  /** An open, a read or a close is in flight (never more than one of them). */
  private busy = false;
  /** The chunk the read in flight completed with, until the drain loop delivers it. */
  private ready: Buffer | null = null;
  /** The end of the range was reached: close, then complete. */
  private eof = false;
  /** The file was closed after eof or error: the terminal signal can go. */
  private closed = false;
  private error: Error | null = null;

  private readonly onAbort = (): void => {
    if (this.error === null) this.error = abortReason(this.signal!);
    this.drain();
  };

  constructor(downstream: Subscriber<Buffer>, path: PathLike, chunkSize: number, start: number, end: number, signal: AbortSignal | undefined) {
    super(downstream);
    this.path = path;
    this.chunkSize = chunkSize;
    this.position = start;
    this.limit = end + 1;
    this.signal = signal;
  }

  protected override onBegin(): void {
    const signal = this.signal;
    if (signal?.aborted) return this.onAbort();
    signal?.addEventListener('abort', this.onAbort);
    this.busy = true;
    // fs.promises.open looked up at call time: tests observe the handles through it.
    fsp.open(this.path, 'r').then(
      (handle) => {
        this.busy = false;
        if (this.cancelled) return this.closeDropped(handle); // §3.13 cancelled while opening
        this.handle = handle;
        this.drain();
      },
      (error: unknown) => {
        this.busy = false;
        if (this.error === null) this.error = toError(error);
        this.closed = true; // nothing to close
        this.drain();
      },
    );
  }

  protected emitSome(downstream: Subscriber<Buffer>): void {
    if (this.error === null && this.ready !== null && this.requested > 0) {
      const chunk = this.ready;
      this.ready = null;
      this.requested--;
      this.emittedItems++;
      downstream.onNext(chunk);
      if (this.cancelled) return;
    }
    if (this.error !== null || this.eof) {
      if (this.busy) return; // the open, read or close in flight comes back here
      if (!this.closed && this.handle !== null) return this.closeThenDrain();
      return this.error !== null ? this.fail(this.error) : this.complete();
    }
    if (this.requested > 0 && !this.busy && this.ready === null && this.handle !== null) this.readOne(this.handle);
  }

  /** One read of at most chunkSize bytes, started only against outstanding demand. */
  private readOne(handle: FileHandle): void {
    const length = Math.min(this.chunkSize, this.limit - this.position);
    if (length <= 0) {
      this.eof = true;
      return this.drain();
    }
    this.busy = true;
    const buffer = Buffer.allocUnsafe(length); // fresh memory per chunk: downstream may keep it
    handle.read(buffer, 0, length, this.position).then(
      ({ bytesRead }) => {
        this.busy = false;
        if (this.cancelled) return this.closeDropped(handle); // §3.13 the chunk is dropped with the handle
        if (bytesRead === 0) this.eof = true;
        else {
          this.position += bytesRead;
          this.ready = bytesRead === length ? buffer : buffer.subarray(0, bytesRead);
          if (this.position >= this.limit) this.eof = true;
        }
        this.drain();
      },
      (error: unknown) => {
        this.busy = false;
        if (this.cancelled) return this.closeDropped(handle);
        if (this.error === null) this.error = toError(error);
        this.drain();
      },
    );
  }

  /** Closes the handle before the terminal signal; a failing close becomes the flow's error. */
  private closeThenDrain(): void {
    const handle = this.handle!;
    this.handle = null;
    this.busy = true;
    handle.close().then(
      () => {
        this.busy = false;
        this.closed = true;
        this.drain();
      },
      (error: unknown) => {
        this.busy = false;
        this.closed = true;
        if (this.error === null) this.error = toError(error);
        this.drain();
      },
    );
  }

  /** A close after the subscriber left: its failure has nobody to go to but onErrorDropped. */
  private closeDropped(handle: FileHandle): void {
    handle.close().catch(reportDroppedError);
  }

  protected override dispose(): void {
    this.signal?.removeEventListener('abort', this.onAbort);
    this.signal = undefined;
    this.ready = null; // §3.13
    const handle = this.handle;
    this.handle = null;
    // Cancelled with the file open and nothing in flight: close now. An open or a read in flight closes it when it
    // settles (it sees `cancelled`); after eof or an error the handle was already closed.
    if (handle !== null && !this.busy) this.closeDropped(handle);
  }

  inspect(): StageSnapshot {
    return this.snapshot('fromFile');
  }

  protected override get capacity(): number {
    return 1;
  }

  protected override get buffered(): number {
    return this.ready === null ? 0 : 1;
  }
}
