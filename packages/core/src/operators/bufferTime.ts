import type { Flow, Operator } from '../Flow';
import { requirePositiveBound } from '../internal/demand';
import { QueueStage } from '../internal/QueueStage';
import { overDeliveryError, withCode } from '../internal/errors';
import type { Inspectable, StageSnapshot } from '../internal/inspect';
import { lift } from '../internal/lift';
import type { Scheduler } from '../schedulers/Scheduler';
import { requireScheduler } from '../sources/interval';
import type { Publisher } from '../spec/Publisher';
import type { Subscriber } from '../spec/Subscriber';
import type { Subscription } from '../spec/Subscription';
import { TaskSlot } from '../internal/scheduling';

export interface BufferTimeOptions {
  /** Where time comes from. Default `timerScheduler` (setTimeout); tests pass a `VirtualTimeScheduler`. */
  scheduler?: Scheduler;
  /**
   * What happens when a buffer closes (its time is up, or it is full) while downstream has no outstanding demand.
   * `'error'` (the default, as for `interval` and `sample`) signals `onError`; `'drop'` discards the buffer and
   * counts its items in `inspect().dropped`.
   */
  onOverflow?: 'error' | 'drop';
}

/**
 * Collects items into arrays: a buffer is emitted `ms` after its first item arrived, or as soon as it holds
 * `maxCount` items, whichever comes first. No empty buffers are emitted.
 *
 * ```
 * source:               -a-b-------c-d-e-f--g-|
 * bufferTime(5, 3):     ------[a,b]------[c,d,e]----[f,g]|
 *                            ^ 5 ms after a    ^ full       ^ flushed at completion
 * ```
 *
 * **Demand**: one requested buffer allows up to `maxCount` items, and items are requested upstream only while
 * downstream has outstanding demand: upstream is asked for `maxCount - (items in the open buffer) - (items already
 * requested)`, so the open buffer never exceeds `maxCount` and an unbounded downstream request becomes bounded
 * requests of at most `maxCount`. Time closes a buffer regardless of demand, though: when a buffer closes with a
 * smaller count than requested, items already requested for it may arrive after downstream demand is used up and
 * fill a buffer nobody asked for. Nothing is emitted unrequested (§1.1): with `onOverflow: 'error'` (default) the
 * stream fails, cancelling upstream; with `'drop'` that buffer is discarded and its items counted in
 * `inspect().dropped`. Request one buffer ahead to avoid it. The last, partial buffer at completion is not
 * produced by time: it waits for demand, then completion follows.
 * **Errors**: an upstream error is signalled at once; the open buffer is discarded. An item beyond what was
 * requested is a §1.1 violation: upstream is cancelled and the error signalled. An invalid `request(n)` cancels
 * upstream and signals `onError(RangeError)` (§3.9).
 * **Cancellation**: cancels upstream, withdraws the buffer's timer and drops the open buffer (§3.13).
 *
 * @example
 * events.pipe(bufferTime(1000, 100)); // batches of at most 100, at most one second apart from their first event
 */
export function bufferTime<T>(ms: number, maxCount: number, options: BufferTimeOptions = {}): Operator<T, T[]> {
  if (typeof ms !== 'number' || !(ms > 0) || !Number.isFinite(ms)) {
    throw new RangeError(`bufferTime: ms must be a positive finite number, got ${String(ms)}`);
  }
  requirePositiveBound('bufferTime: maxCount', maxCount);
  const scheduler = requireScheduler('bufferTime', options.scheduler);
  const onOverflow = options.onOverflow ?? 'error';
  if (onOverflow !== 'error' && onOverflow !== 'drop') {
    throw new TypeError(`bufferTime: onOverflow must be 'error' or 'drop', got ${String(onOverflow)}`);
  }
  return (source: Publisher<T>): Flow<T[]> =>
    lift(source, (downstream: Subscriber<T[]>) =>
      new BufferTimeSubscriber<T>(downstream, scheduler, ms, maxCount, onOverflow === 'drop'));
}

class BufferTimeSubscriber<T> extends QueueStage<T, T[]> implements Inspectable {
  private upstreamDemand = 0;
  private buffer: T[] = [];
  /** A closed buffer, handed to the drain loop to emit, drop or fail on. */
  private outgoing: T[] | null = null;
  private readonly timer = new TaskSlot();

  constructor(
    downstream: Subscriber<T[]>, private readonly scheduler: Scheduler, private readonly ms: number,
    private readonly maxCount: number, private readonly drop: boolean,
  ) {
    super(downstream);
  }

  protected accept(value: T): void {
    if (this.upstreamDemand === 0) {
      this.receivedItems--; // not taken in
      this.stopIntake(overDeliveryError('bufferTime', 0)); // §1.1 more than requested: cancel upstream, then signal
      this.onUpstreamError();
      return this.drain();
    }
    this.upstreamDemand--;
    this.buffer.push(value); // bounded: upstream is never asked for more than maxCount - buffer.length
    if (this.buffer.length === 1) this.timer.schedule(this.scheduler, this.fire, this.ms);
    if (this.buffer.length >= this.maxCount) this.close();
  }

  protected override onUpstreamError(): void {
    this.buffer = [];
    this.timer.cancel();
  }

  protected override onUpstreamComplete(): void {
    if (this.buffer.length > 0) this.close(); // the last buffer is flushed at once, waiting only for demand
  }

  inspect(): StageSnapshot {
    return this.snapshot('bufferTime');
  }

  protected override get capacity(): number {
    return this.maxCount;
  }

  protected override get buffered(): number {
    return this.buffer.length + (this.outgoing?.length ?? 0);
  }

  protected override get upstreamRequested(): number {
    return this.done ? 0 : this.upstreamDemand;
  }

  protected emitSome(downstream: Subscriber<T[]>): void {
    if (this.error !== null) {
      return this.fail(this.error);
    }
    const outgoing = this.outgoing;
    if (outgoing !== null) {
      if (this.requested > 0) {
        this.outgoing = null;
        this.requested--;
        this.emittedItems += outgoing.length;
        downstream.onNext(outgoing);
        if (this.cancelled) return;
      } else if (this.done) {
        return; // the final buffer waits for demand: completion is not time
      } else if (this.drop) {
        this.outgoing = null;
        this.droppedItems += outgoing.length;
      } else {
        // §1.1 a buffer without demand may not be emitted; 'error' says so rather than losing it silently
        return this.fail(withCode(new Error(`bufferTime: a buffer of ${outgoing.length} items closed with no outstanding ` +
          `demand; request a buffer ahead, or pass onOverflow: 'drop' to discard and count such buffers`), 'ERR_SLUICE_NO_DEMAND'));
      }
    }
    if (this.done) {
      return this.complete();
    }
    const want = this.requested > 0 ? this.maxCount - this.buffer.length - this.upstreamDemand : 0;
    if (want > 0) {
      this.upstreamDemand += want;
      this.upstream!.request(want); // a synchronous upstream re-enters onNext; the drain loop picks a full buffer up
    }
  }

  protected override dispose(): void {
    this.timer.cancel(); // §3.13 the scheduled task no longer references this subscriber
    this.buffer = [];
    this.outgoing = null;
    super.dispose();
  }

  /** Closes the open buffer and hands it to the drain loop. */
  private close(): void {
    this.timer.cancel();
    const closed = this.buffer;
    this.buffer = [];
    if (this.outgoing !== null) this.droppedItems += this.outgoing.length; // defensive: one closed buffer at a time
    this.outgoing = closed;
    this.drain();
  }

  private readonly fire = (): void => {
    this.timer.ran();
    if (this.buffer.length > 0 && !this.done && !this.cancelled) this.close();
  };
}
