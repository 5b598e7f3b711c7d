import { nullArgumentError } from '@sluice/core/engine';
import { Flow, toFlow, type AnyStage, type CheckedChain, type InputOf, type Operator, type Publisher, type Subscriber, type Subscription } from '@sluice/core';
import { fromWebReadable } from './fromWebReadable';
import { abortReason, requireSignal, toError } from './internal/errors';
import { toWebReadable } from './toWebReadable';
import { toWebWritable } from './toWebWritable';

export interface ToWebTransformOptions<I = unknown, O = unknown> {
  /** The writable side's queue (default `{ highWaterMark: 1 }`): how many written chunks may wait for the operators. */
  writableStrategy?: QueuingStrategy<I>;
  /** The readable side's queue (default `{ highWaterMark: 1 }`), as in `toWebReadable`. */
  readableStrategy?: QueuingStrategy<O>;
  /** Aborting errors the readable side with the signal's reason, cancels the operators and errors the writable side. */
  signal?: AbortSignal;
}

/** What `readable.pipeThrough(...)` takes: a writable side for the input and a readable side for the output. */
export interface WebTransformPair<I, O> {
  readonly writable: WritableStream<I>;
  readonly readable: ReadableStream<O>;
}

/**
 * A WHATWG transform pair (`{ writable, readable }`, what `readable.pipeThrough()` takes) that runs the written chunks
 * through sluice operators and makes the results readable.
 *
 * ```
 * write:  a b c (close)
 * ops:    map(f)
 * read:   f(a) f(b) f(c) (done)
 * ```
 *
 * **Demand**: backpressured end to end. A written chunk is passed to the operators only against their demand, and its
 * `write()` promise waits until then, so the writable queue (bounded by `writableStrategy`) fills and a pipe into it
 * waits on `writer.ready`; the readable side requests only what its queue can take (`readableStrategy`, as
 * `toWebReadable`). Between the two queues at most one chunk waits in the bridge.
 *
 * **Errors**: an operator error (or an aborted writable side) errors the readable side with that error and errors
 * the writable side too, as a `TransformStream` does. Unlike a `TransformStream`, `writer.abort()` goes through while
 * a write waits for demand (the waiting write is rejected). A `null`/`undefined` chunk rejects its `write()` with a
 * `TypeError` (§2.13) and fails the operators the same way.
 *
 * **Cancellation**: cancelling the readable side cancels the operators, and errors the writable side, so a pipe into
 * it stops and cancels its source. Operators that stop early (`take(n)`) close the readable side and error the
 * writable side with a reason saying so: the source of a pipe is cancelled instead of being read for nothing.
 *
 * Options may be passed as the first argument. Each call makes one pair, for one use.
 *
 * @example
 * const lines = response.body!
 *   .pipeThrough(new TextDecoderStream())
 *   .pipeThrough(toWebTransform(filter((line: string) => line.length > 0), map((line) => JSON.parse(line))));
 */
export function toWebTransform<T>(options?: ToWebTransformOptions<T, T>): WebTransformPair<T, T>;
export function toWebTransform<T, A>(op1: Operator<T, A>): WebTransformPair<T, A>;
export function toWebTransform<T, A, B>(op1: Operator<T, A>, op2: Operator<A, B>): WebTransformPair<T, B>;
export function toWebTransform<T, A, B, C>(op1: Operator<T, A>, op2: Operator<A, B>, op3: Operator<B, C>): WebTransformPair<T, C>;
export function toWebTransform<T, A, B, C, D>(op1: Operator<T, A>, op2: Operator<A, B>, op3: Operator<B, C>, op4: Operator<C, D>): WebTransformPair<T, D>;
export function toWebTransform<T, A, B, C, D, E>(op1: Operator<T, A>, op2: Operator<A, B>, op3: Operator<B, C>, op4: Operator<C, D>, op5: Operator<D, E>): WebTransformPair<T, E>;
export function toWebTransform<T, A, B, C, D, E, F>(op1: Operator<T, A>, op2: Operator<A, B>, op3: Operator<B, C>, op4: Operator<C, D>, op5: Operator<D, E>, op6: Operator<E, F>): WebTransformPair<T, F>;
export function toWebTransform<T, A>(options: ToWebTransformOptions<T, A>, op1: Operator<T, A>): WebTransformPair<T, A>;
export function toWebTransform<T, A, B>(options: ToWebTransformOptions<T, B>, op1: Operator<T, A>, op2: Operator<A, B>): WebTransformPair<T, B>;
export function toWebTransform<T, A, B, C>(options: ToWebTransformOptions<T, C>, op1: Operator<T, A>, op2: Operator<A, B>, op3: Operator<B, C>): WebTransformPair<T, C>;
export function toWebTransform<T, A, B, C, D>(options: ToWebTransformOptions<T, D>, op1: Operator<T, A>, op2: Operator<A, B>, op3: Operator<B, C>, op4: Operator<C, D>): WebTransformPair<T, D>;
export function toWebTransform<const Ops extends readonly AnyStage[]>(...operators: Ops & CheckedChain<InputOf<Ops>, Ops>): WebTransformPair<InputOf<Ops>, unknown>;
export function toWebTransform(...args: unknown[]): WebTransformPair<unknown, unknown> {
  let options: ToWebTransformOptions = {};
  let operators = args as Operator<any, any>[];
  if (args.length > 0 && typeof args[0] !== 'function') {
    if (args[0] === null || typeof args[0] !== 'object') {
      throw new TypeError(`toWebTransform: expected operator functions or an options object first, got ${String(args[0])}`);
    }
    options = args[0] as ToWebTransformOptions;
    operators = args.slice(1) as Operator<any, any>[];
  }
  for (const op of operators) {
    if (typeof op !== 'function') throw new TypeError(`toWebTransform: expected operator functions, got ${typeof op}`);
  }
  const signal = requireSignal('toWebTransform', options.signal);
  const input = new WritableInput<unknown>();
  const chain = input.flow.pipe(...operators) as Flow<unknown>;
  // The writable side is errored with the operators' own error when they fail (they cancel the input first, then
  // signal onError downstream: the input waits a microtask for it before choosing the reason).
  const output = new Flow<unknown>((subscriber) => {
    chain.subscribe({
      onSubscribe: (s) => subscriber.onSubscribe(s),
      onNext: (x) => subscriber.onNext(x),
      onError: (e) => {
        input.failure ??= e;
        subscriber.onError(e);
      },
      onComplete: () => subscriber.onComplete(),
    });
  });
  if (signal !== undefined) input.abortSignal = signal;
  const writable = new WritableStream<unknown>(
    {
      start: (controller) => {
        input.controller = controller;
        // abort() waits for the write in flight, which may wait for demand that never comes: the controller's signal
        // fires at once, so the waiting write is given up and the abort goes through (a TransformStream hangs there)
        controller.signal?.addEventListener('abort', () => input.abort(controller.signal.reason), { once: true });
      },
      write: (chunk) => input.write(chunk),
      close: () => input.close(),
      abort: (reason) => input.abort(reason),
    },
    options.writableStrategy ?? { highWaterMark: 1 },
  );
  const readable = toWebReadable(output, options.readableStrategy, signal === undefined ? {} : { signal });
  return { writable, readable };
}

/**
 * The writable side as the operators' upstream: one subscription; a written chunk waits (one at a time: the
 * WritableStream never calls `write` again before the last one settled) until it is requested.
 */
class WritableInput<T> implements Subscription {
  readonly flow: Flow<T>;
  controller: WritableStreamDefaultController | null = null;
  abortSignal: AbortSignal | undefined;
  failure: Error | undefined;
  private subscriber: Subscriber<T> | null = null;
  private subscribed = false;
  private requested = 0;
  private pending: { chunk: T; resolve: () => void; reject: (error: Error) => void } | null = null;
  private ended: Error | null = null;

  constructor() {
    this.flow = new Flow<T>((subscriber) => {
      if (this.subscribed) {
        // §1.9 then reject: the pair's writable side feeds one pipeline only
        subscriber.onSubscribe({ request() {}, cancel() {} });
        subscriber.onError(new Error('toWebTransform: the writable side already feeds its operators'));
        return;
      }
      this.subscribed = true;
      this.subscriber = subscriber;
      subscriber.onSubscribe(this);
    });
  }

  request(n: number): void {
    const subscriber = this.subscriber;
    if (subscriber === null) return; // §3.6
    if (typeof n !== 'number' || !(n > 0) || (!Number.isInteger(n) && n !== Infinity)) {
      const error = new RangeError(`§3.9: toWebTransform: request(${String(n)}) needs a positive integer`);
      this.stop(error);
      subscriber.onError(error); // §3.16: never thrown
      return;
    }
    this.requested = this.requested + n >= Number.MAX_SAFE_INTEGER ? Infinity : this.requested + n; // §3.17
    const pending = this.pending;
    if (pending !== null && this.requested > 0) {
      this.pending = null;
      this.deliver(pending.chunk);
      pending.resolve();
    }
  }

  cancel(): void {
    if (this.subscriber === null) return; // §3.7
    this.subscriber = null; // §3.13
    // wait a microtask: an operator that failed cancels its input before its onError reaches the readable side
    queueMicrotask(() => {
      const reason = this.failure
        ?? (this.abortSignal?.aborted ? abortReason(this.abortSignal) : undefined)
        ?? new Error('toWebTransform: the operators cancelled their input (the readable side was cancelled, or an operator such as take(n) completed early); nothing more is written');
      this.stop(reason);
    });
  }

  write(chunk: T): Promise<void> | void {
    if (this.ended !== null) throw this.ended;
    if (chunk == null) {
      const error = nullArgumentError('onNext', chunk); // §2.13
      const subscriber = this.subscriber;
      this.subscriber = null;
      this.stop(error);
      subscriber?.onError(error);
      throw error;
    }
    if (this.subscriber !== null && this.requested > 0) {
      this.deliver(chunk);
      return;
    }
    return new Promise<void>((resolve, reject) => {
      this.pending = { chunk, resolve, reject };
    });
  }

  close(): void {
    const subscriber = this.subscriber;
    this.subscriber = null;
    subscriber?.onComplete();
  }

  abort(reason: unknown): void {
    if (this.ended !== null && this.subscriber === null) return; // already stopped (the signal fired first)
    const subscriber = this.subscriber;
    this.subscriber = null;
    const error = toError(reason);
    this.ended ??= error;
    const pending = this.pending;
    this.pending = null;
    pending?.reject(error);
    subscriber?.onError(error);
  }

  private deliver(chunk: T): void {
    if (this.requested !== Infinity) this.requested--;
    this.subscriber!.onNext(chunk);
  }

  /** No more writes: the waiting write is rejected and the writable side errored with `reason`. */
  private stop(reason: Error): void {
    this.subscriber = null;
    if (this.ended !== null) return;
    this.ended = reason;
    const pending = this.pending;
    this.pending = null;
    pending?.reject(reason);
    this.controller?.error(reason);
  }
}

/**
 * The reverse: a WHATWG transform (`new TextDecoderStream()`, `new CompressionStream('gzip')`, any `{ writable,
 * readable }` pair) as a sluice operator. `create` is called once per subscription, since a stream is used once.
 *
 * **Demand**: the upstream flow is written with `toWebWritable` (requests follow the writable side's `desiredSize`),
 * the readable side is read with `fromWebReadable` (one `read()` at a time, only against demand): the transform's
 * two queues are the only buffers. **Errors**: an upstream error aborts the writable side, which errors the readable
 * side: downstream gets it. A transform that fails errors downstream, and the upstream is cancelled. **Cancellation**:
 * cancels the readable side, which errors the writable side, which cancels the upstream.
 *
 * @example
 * fromReadable(fs.createReadStream('a.txt.gz')).pipe(fromWebTransform(() => new DecompressionStream('gzip')));
 */
export function fromWebTransform<I, O>(create: () => WebTransformPair<I, O>): Operator<I, O> {
  if (typeof create !== 'function') throw new TypeError(`fromWebTransform: expected a function that creates the transform, got ${typeof create}`);
  return (source: Publisher<I>) => {
    const upstream = toFlow(source);
    return new Flow<O>((subscriber) => {
      let pair: WebTransformPair<I, O>;
      try {
        pair = create();
        if (pair == null || typeof pair.writable?.getWriter !== 'function' || typeof pair.readable?.getReader !== 'function') {
          throw new TypeError(`fromWebTransform: create() must return { writable, readable } streams, got ${String(pair)}`);
        }
      } catch (error) {
        subscriber.onSubscribe({ request() {}, cancel() {} }); // §1.9 then the error
        subscriber.onError(toError(error));
        return;
      }
      fromWebReadable(pair.readable).subscribe(subscriber);
      upstream.subscribe(toWebWritable(pair.writable)); // its `finished` is handled: the outcome reaches the readable side
    });
  };
}
