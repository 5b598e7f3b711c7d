import { OverflowError } from './errors';
import { RingBuffer } from './RingBuffer';

/**
 * What a bounded buffer does when an item arrives and it is full:
 * - 'block': refuse the item (`offer` reports 'full'); producers that can wait (create's `emitter.offer`) wait;
 * - 'error': fail the stream with an OverflowError naming the capacity;
 * - 'drop-newest': discard the arriving item;
 * - 'drop-oldest': discard the oldest buffered item to make room;
 * - 'latest': keep only the newest undelivered item in the last slot (the one replaced is dropped).
 */
export type OverflowStrategy = 'block' | 'error' | 'drop-newest' | 'drop-oldest' | 'latest';

export const OVERFLOW_STRATEGIES: readonly OverflowStrategy[] = ['block', 'error', 'drop-newest', 'drop-oldest', 'latest'];

export function requireOverflowStrategy(stage: string, value: unknown, allowed = OVERFLOW_STRATEGIES): OverflowStrategy {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as OverflowStrategy;
  throw new TypeError(`${stage}: overflow must be one of ${allowed.map((s) => `'${s}'`).join(', ')}, got ${String(value)}`);
}

/** The outcome of `OverflowBuffer.offer`. */
export type OfferResult = 'accepted' | 'dropped' | 'full' | 'overflow';

/**
 * A RingBuffer with an overflow strategy, a dropped-items counter and an optional `onDrop` callback: the one
 * implementation every bounded stage (create, onBackpressureBuffer, fromObservable, …) shares.
 */
export class OverflowBuffer<T> {
  readonly queue: RingBuffer<T>;
  readonly strategy: OverflowStrategy;
  dropped = 0;
  private readonly onDrop: ((item: T) => void) | undefined;
  private readonly stage: string;
  /** The strategies the owning stage accepts: the ones an OverflowError may suggest instead of 'error'. */
  private readonly accepted: readonly OverflowStrategy[];

  constructor(
    stage: string,
    capacity: number,
    strategy: OverflowStrategy,
    onDrop?: (item: T) => void,
    accepted: readonly OverflowStrategy[] = OVERFLOW_STRATEGIES,
  ) {
    this.stage = stage;
    this.accepted = accepted;
    this.queue = new RingBuffer<T>(capacity);
    this.strategy = strategy;
    this.onDrop = onDrop;
  }

  get size(): number {
    return this.queue.size;
  }

  get capacity(): number {
    return this.queue.capacity;
  }

  /**
   * Buffers `item` or applies the strategy. 'overflow' means the 'error' strategy fired: build the error with
   * `overflowError()` and fail the stream. `onDrop` exceptions propagate to the caller, which treats them as user
   * errors.
   */
  offer(item: T): OfferResult {
    if (this.queue.offer(item)) return 'accepted';
    switch (this.strategy) {
      case 'block':
        return 'full';
      case 'error':
        return 'overflow';
      case 'drop-newest':
        this.drop(item);
        return 'dropped';
      case 'drop-oldest': {
        const oldest = this.queue.poll() as T;
        this.queue.offer(item);
        this.drop(oldest);
        return 'dropped';
      }
      case 'latest': {
        const replaced = this.queue.replaceLast(item) as T;
        this.drop(replaced);
        return 'dropped';
      }
    }
  }

  poll(): T | undefined {
    return this.queue.poll();
  }

  overflowError(): OverflowError {
    return new OverflowError(this.stage, this.queue.capacity, this.queue.size + 1, this.accepted);
  }

  clear(): void {
    this.queue.clear();
  }

  /**
   * Discards `item` without buffering it, counting it and calling `onDrop` like any other drop (for stages that
   * drop before the buffer is full, e.g. onBackpressureDrop drops whatever arrives without downstream demand).
   */
  discard(item: T): void {
    this.drop(item);
  }

  private drop(item: T): void {
    this.dropped++;
    if (this.onDrop !== undefined) this.onDrop(item);
  }
}
