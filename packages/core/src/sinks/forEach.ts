import { replenishAt, requirePositiveBound } from '../internal/demand';
import { overDeliveryError } from '../internal/errors';
import { RingBuffer } from '../internal/RingBuffer';
import { followThenable } from '../internal/thenable';
import type { Publisher } from '../spec/Publisher';
import { PromiseSubscriber } from './PromiseSubscriber';
import { DEFAULT_SINK_PREFETCH, requireAbortSignal, requireOptions, type SinkOptions } from './sinkOptions';

export { DEFAULT_SINK_PREFETCH } from './sinkOptions';

/** Options of `forEach`. */
export interface ForEachOptions extends SinkOptions {
  /** How many items may wait while `fn` is busy (default 256); also the first request. */
  prefetch?: number;
}

/**
 * Calls `fn` for each item and resolves when the source completes. When `fn` returns a promise, the next item waits
 * for it: a slow asynchronous consumer paces a fast source, with at most `prefetch` items waiting in between.
 *
 * ```
 * source:  -1-2-3-4-|            (prefetch 4: request(4), then request(3) after 3 items done)
 * fn:      -[1..][2..][3..][4..]
 * promise: ---------------------(undefined)
 * ```
 *
 * **Demand**: `request(prefetch)` first, then `request(k)` each time `k` items are done, where `k` is 75% of
 * `prefetch` (Reactor's replenish rule), so requested-but-unprocessed items never exceed `prefetch`.
 * **Errors**: if `fn` throws or its promise rejects, cancels upstream and rejects with that reason. An upstream error
 * rejects after the items received before it were processed. A hostile thenable (a `then` that throws, or that calls
 * back twice) counts as one rejection or one result, as `await` would treat it. **Cancellation**: aborting `signal` cancels upstream,
 * drops waiting items and rejects with `signal.reason` (a running `fn` is not interrupted; its result is ignored).
 *
 * @example
 * await forEach(range(0, 100_000), async (x) => { await save(x); }, { prefetch: 32 });
 */
export function forEach<T>(source: Publisher<T>, fn: (value: T, index: number) => unknown, options?: ForEachOptions): Promise<void> {
  if (typeof fn !== 'function') throw new TypeError(`forEach: fn must be a function, got ${typeof fn}`);
  const opts = requireOptions('forEach', options);
  const prefetch = opts.prefetch === undefined ? DEFAULT_SINK_PREFETCH : requirePositiveBound('forEach: prefetch', opts.prefetch);
  const signal = requireAbortSignal('forEach', opts.signal);
  return new ForEachSubscriber<T>(signal, fn, prefetch).start(source);
}

class ForEachSubscriber<T> extends PromiseSubscriber<T, void> {
  private fn: ((value: T, index: number) => unknown) | null;
  private readonly prefetch: number;
  private readonly limit: number;
  private readonly queue: RingBuffer<T>;
  private index = 0;
  /** Items done since the last replenishing request. */
  private consumed = 0;
  private wip = 0;
  /** True while a promise returned by `fn` is pending. */
  private awaiting = false;
  private upstreamDone = false;
  private upstreamError: Error | null = null;
  /** The handlers for `fn`'s promises, made once per subscription instead of once per item. */
  private readonly onItemSettled = (): void => this.itemSettled();
  private readonly onItemFailed = (error: unknown): void => this.failUser(error);

  constructor(signal: AbortSignal | undefined, fn: (value: T, index: number) => unknown, prefetch: number) {
    super(signal);
    this.fn = fn;
    this.prefetch = prefetch;
    this.limit = replenishAt(prefetch);
    this.queue = new RingBuffer<T>(prefetch);
  }

  protected override hookOnSubscribe(): void {
    this.request(this.prefetch);
  }

  protected override hookOnNext(value: T): void {
    if (!this.queue.offer(value)) throw overDeliveryError('forEach', 0); // §1.1 never more than prefetch outstanding
    this.drain();
  }

  protected override hookOnComplete(): void {
    this.upstreamDone = true;
    this.drain();
  }

  protected override hookOnError(error: Error): void {
    this.upstreamError = error;
    this.upstreamDone = true;
    this.drain();
  }

  protected override abort(): void {
    super.abort();
    this.stop();
  }

  /** Runs `fn` over the queue until it is empty or `fn` returns a pending promise; serialised by `wip` (§3.3). */
  private drain(): void {
    if (this.wip++ !== 0) return;
    let missed = 1;
    for (;;) {
      while (!this.awaiting && this.fn !== null) {
        const value = this.queue.poll();
        if (value === undefined) {
          if (this.upstreamDone) this.finish();
          break;
        }
        let result: unknown;
        try {
          result = this.fn(value, this.index++);
        } catch (error) {
          this.failUser(error);
          break;
        }
        this.awaiting = true;
        if (!followThenable(result, this.onItemSettled, this.onItemFailed)) {
          this.awaiting = false;
          this.itemDone();
        }
      }
      missed = this.wip -= missed;
      if (missed === 0) return;
    }
  }

  private itemSettled(): void {
    if (this.fn === null) return;
    this.awaiting = false;
    this.itemDone();
    this.drain();
  }

  private itemDone(): void {
    if (this.upstreamDone) return;
    if (++this.consumed === this.limit) {
      this.consumed = 0;
      this.request(this.limit); // replenish at 75%: outstanding + waiting stays ≤ prefetch
    }
  }

  private finish(): void {
    const error = this.upstreamError;
    this.stop();
    if (error === null) this.resolveWith(undefined);
    else this.rejectWith(error);
  }

  /** `fn` threw or rejected: cancel upstream, reject with what it threw. */
  private failUser(error: unknown): void {
    if (this.fn === null) return;
    this.stop();
    this.cancel();
    this.rejectWith(error);
  }

  private stop(): void {
    this.fn = null; // §3.13 release the user's function
    this.awaiting = false;
    this.queue.clear();
  }
}
