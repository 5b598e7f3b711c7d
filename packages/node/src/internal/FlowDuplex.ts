import { Duplex } from 'node:stream';
import { DrainSubscription, Flow, type Inspectable, type Publisher, type StageSnapshot, type Subscriber } from '@sluice/core';
import { ReadableBridge } from './ReadableBridge';
import { requireNonNegativeInteger, requireSignal } from './errors';

export interface DuplexBridgeOptions {
  /** Both sides in object mode (default `true`); overridden per side by the two options below. */
  objectMode?: boolean;
  readableObjectMode?: boolean;
  writableObjectMode?: boolean;
  readableHighWaterMark?: number;
  writableHighWaterMark?: number;
  /** Aborting destroys the stream with an AbortError, which cancels the pipeline. */
  signal?: AbortSignal;
}

type Callback = (error?: Error | null) => void;

/**
 * A Node Duplex whose writable side is a sluice source and whose readable side subscribes to `build(source)`.
 * Both sides are backpressured: a written chunk is handed on only against demand (its write callback waits until
 * then, so Node's writable buffer fills and `write()` returns false), and the readable side requests only what its
 * buffer can take.
 */
export class FlowDuplex<I, O> extends Duplex implements Inspectable {
  private build: ((input: Flow<I>) => Publisher<O>) | null;
  private readonly input: Flow<I>;
  private inputSubscription: WriteSubscription<I> | null = null;
  private readonly bridge: ReadableBridge<O>;
  private readonly stage: string;

  constructor(stage: string, build: (input: Flow<I>) => Publisher<O>, options: DuplexBridgeOptions) {
    const objectMode = options.objectMode ?? true;
    const signal = requireSignal(stage, options.signal);
    const duplexOptions: ConstructorParameters<typeof Duplex>[0] = {
      readableObjectMode: options.readableObjectMode ?? objectMode,
      writableObjectMode: options.writableObjectMode ?? objectMode,
    };
    if (options.readableHighWaterMark !== undefined) {
      duplexOptions.readableHighWaterMark = requireNonNegativeInteger(stage, 'readableHighWaterMark', options.readableHighWaterMark);
    }
    if (options.writableHighWaterMark !== undefined) {
      duplexOptions.writableHighWaterMark = requireNonNegativeInteger(stage, 'writableHighWaterMark', options.writableHighWaterMark);
    }
    if (signal !== undefined) duplexOptions.signal = signal;
    super(duplexOptions);
    this.stage = stage;
    this.build = build;
    this.bridge = new ReadableBridge<O>(this);
    let subscribed = false;
    this.input = new Flow<I>((subscriber) => {
      if (subscribed) {
        subscriber.onSubscribe({ request() {}, cancel() {} });
        subscriber.onError(new Error(`${stage}: the writable side can be subscribed once`));
        return;
      }
      subscribed = true;
      const subscription = new WriteSubscription<I>(subscriber, this);
      this.inputSubscription = subscription;
      subscriber.onSubscribe(subscription);
    });
  }

  override _read(): void {
    const build = this.build;
    if (build !== null) {
      this.build = null; // the pipeline is assembled and subscribed once, on the first read
      let output: Publisher<O>;
      try {
        output = build(this.input);
      } catch (error) {
        this.destroy(error as Error);
        return;
      }
      output.subscribe(this.bridge);
    }
    this.bridge.pull();
  }

  override _write(chunk: I, _encoding: BufferEncoding, callback: Callback): void {
    this.writeInput().offer(chunk, callback);
  }

  override _final(callback: Callback): void {
    this.writeInput().end(callback);
  }

  override _destroy(error: Error | null, callback: Callback): void {
    this.build = null;
    this.bridge.cancel(); // cancels the whole sluice pipeline, up to the writable side
    this.inputSubscription?.cancel();
    callback(error);
  }

  /** Writes can arrive before anyone reads: the input then waits (unrequested) for the pipeline to subscribe. */
  private writeInput(): WriteSubscription<I> | PendingInput<I> {
    return this.inputSubscription ?? (this.pendingInput ??= new PendingInput<I>());
  }

  /** @internal holds the first write (and a possible end) until the pipeline subscribes to the input. */
  pendingInput: PendingInput<I> | null = null;

  inspect(): StageSnapshot {
    return {
      stage: this.stage,
      capacity: this.readableHighWaterMark,
      buffered: this.readableLength + this.writableLength + (this.inputSubscription?.holding ? 1 : 0),
      requested: this.inputSubscription?.demand ?? 0,
      upstreamRequested: this.bridge.requested,
      received: this.inputSubscription?.received ?? 0,
      emitted: this.bridge.pushed,
      dropped: 0,
      terminated: this.destroyed,
      cancelled: this.destroyed,
    };
  }
}

/** Before the input is subscribed: one write and/or the end, replayed into the subscription when it exists. */
class PendingInput<I> {
  write: { chunk: I; callback: Callback } | null = null;
  endCallback: Callback | null = null;
  offer(chunk: I, callback: Callback): void {
    this.write = { chunk, callback }; // Node never has two _write calls outstanding
  }
  end(callback: Callback): void {
    this.endCallback = callback;
  }
}

/** The writable side as a sluice source: at most one written chunk is held, released against demand. */
class WriteSubscription<I> extends DrainSubscription<I> {
  private duplex: FlowDuplex<I, unknown> | null;
  private pending: I | null = null;
  private pendingCallback: Callback | null = null;
  private ended = false;
  private endCallback: Callback | null = null;
  /** After cancellation (e.g. `take(n)` downstream) writes are accepted and discarded, as a Transform would. */
  private discarding = false;
  received = 0;

  constructor(downstream: Subscriber<I>, duplex: FlowDuplex<I, any>) {
    super(downstream);
    this.duplex = duplex;
    const early = duplex.pendingInput;
    duplex.pendingInput = null;
    if (early?.write) {
      this.pending = early.write.chunk;
      this.pendingCallback = early.write.callback;
    }
    if (early?.endCallback) {
      this.ended = true;
      this.endCallback = early.endCallback;
    }
  }

  /** Outstanding demand of the pipeline reading this side (for the duplex's snapshot). */
  get demand(): number {
    return this.requested;
  }

  get holding(): boolean {
    return this.pending !== null;
  }

  offer(chunk: I, callback: Callback): void {
    if (this.discarding) return callback();
    if (chunk == null) return callback(new TypeError('§2.13: a null or undefined chunk is not an element'));
    this.received++;
    this.pending = chunk;
    this.pendingCallback = callback;
    this.drain();
  }

  end(callback: Callback): void {
    if (this.discarding) return callback();
    this.ended = true;
    this.endCallback = callback;
    this.drain();
  }

  protected emitSome(downstream: Subscriber<I>): void {
    if (this.pending !== null) {
      if (this.requested === 0) return; // the write callback waits: Node's writable buffer takes the backpressure
      const chunk = this.pending;
      const callback = this.pendingCallback!;
      this.pending = null;
      this.pendingCallback = null;
      this.requested--;
      downstream.onNext(chunk);
      callback(); // lets Node hand us the next buffered write (possibly right now, re-entering drain safely)
      if (this.cancelled) return;
    }
    if (this.ended && this.pending === null) {
      const callback = this.endCallback;
      this.endCallback = null;
      this.complete();
      callback?.();
    }
  }

  protected override dispose(): void {
    const duplex = this.duplex;
    this.duplex = null;
    // Normal completion: emitSome already ran the end callback. An end that arrived while the last chunk was being
    // delivered (Node calls _final from inside that chunk's write callback) and was cancelled there (take(n)) still
    // holds its callback: it is released below, or the writable side never finishes.
    if (this.ended && this.pending === null && this.endCallback === null) return;
    // Cancelled from inside the pipeline: release the writer instead of blocking it forever.
    this.discarding = true;
    const callback = this.pendingCallback;
    const endCallback = this.endCallback;
    this.pending = null;
    this.pendingCallback = null;
    this.endCallback = null;
    if (duplex !== null && !duplex.destroyed) {
      callback?.();
      endCallback?.();
    }
  }
}
