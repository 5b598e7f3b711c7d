import type { Flow, Operator } from '../Flow';
import { withCode } from '../internal/errors';
import { QueueStage } from '../internal/QueueStage';
import type { Inspectable, StageSnapshot } from '../internal/inspect';
import { lift } from '../internal/lift';
import type { CancelTask, Scheduler } from '../schedulers/Scheduler';
import { requireScheduler } from '../sources/interval';
import type { Publisher } from '../spec/Publisher';
import type { Subscriber } from '../spec/Subscriber';
import type { Subscription } from '../spec/Subscription';

export interface SampleOperatorOptions {
  /** Where time comes from. Default `timerScheduler` (setTimeout); tests pass a `VirtualTimeScheduler`. */
  scheduler?: Scheduler;
  /**
   * What happens when a tick has a new item to emit and downstream has no outstanding demand. `'error'` (the
   * default, as for `interval`) signals `onError` naming the tick; `'drop'` discards the item and counts it in
   * `inspect().dropped`.
   */
  onOverflow?: 'error' | 'drop';
}

/**
 * Emits the latest item every `ms` (ticks counted from subscription), if a new one arrived since the last tick.
 *
 * ```
 * source:          -a-b----c---d-e|
 * ticks (5):       ----^----^----^-
 * sample(5):       ----b----c----d-e|    (a tick without a new item emits nothing; e is flushed at completion)
 * ```
 *
 * **Demand**: sample is lossy by design, so once downstream first requests it asks upstream for an unbounded
 * amount and keeps one item (the latest). Time, not the consumer, decides when an item is due, so a tick can find a
 * new item while downstream has no outstanding demand. Nothing is emitted unrequested (§1.1): with
 * `onOverflow: 'error'` (default) the stream fails, cancelling upstream, since losing samples silently would hide a
 * slow consumer; with `'drop'` the sample is discarded and counted in `inspect().dropped`. Items replaced between
 * two ticks are the operator's purpose and are not counted as dropped.
 * **Errors**: an upstream error is signalled at once. At completion the ticks stop, and an item that arrived
 * after the last tick is flushed (as Reactor's `sample` does; RxJS discards it): completion is not time, so that
 * item waits for demand, then completion follows. An invalid `request(n)` cancels upstream and signals
 * `onError(RangeError)` (§3.9).
 * **Cancellation**: cancels upstream and the periodic tick, so no timer keeps the subscriber alive (§3.13).
 *
 * @example
 * mouseMoves.pipe(sample(100, { onOverflow: 'drop' })); // at most ten positions per second
 */
export function sample<T>(ms: number, options: SampleOperatorOptions = {}): Operator<T, T> {
  if (typeof ms !== 'number' || !(ms > 0) || !Number.isFinite(ms)) {
    throw new RangeError(`sample: ms must be a positive finite number, got ${String(ms)}`);
  }
  const scheduler = requireScheduler('sample', options.scheduler);
  const onOverflow = options.onOverflow ?? 'error';
  if (onOverflow !== 'error' && onOverflow !== 'drop') {
    throw new TypeError(`sample: onOverflow must be 'error' or 'drop', got ${String(onOverflow)}`);
  }
  return (source: Publisher<T>): Flow<T> =>
    lift(source, (downstream: Subscriber<T>) => new SampleSubscriber(downstream, scheduler, ms, onOverflow === 'drop'));
}

class SampleSubscriber<T> extends QueueStage<T, T> implements Inspectable {
  private scheduler: Scheduler | null;
  private upstreamStarted = false;
  private latest: T | null = null;
  /** The sample taken by the last tick, handed to the drain loop to emit, drop or fail on. */
  private outgoing: T | null = null;
  /** The item that arrived after the last tick, flushed at completion once requested. */
  private flush: T | null = null;
  private cancelTick: CancelTask | null = null;
  private start = 0;
  private ticks = 0;

  constructor(downstream: Subscriber<T>, scheduler: Scheduler, private readonly ms: number, private readonly drop: boolean) {
    super(downstream);
    this.scheduler = scheduler;
  }

  protected override onUpstream(subscription: Subscription): void {
    this.start = this.scheduler!.now();
    this.cancelTick = this.scheduler!.schedule(this.tick, this.ms);
  }

  protected accept(value: T): void {
    this.latest = value;
  }

  protected override onUpstreamComplete(): void {
    this.stopTicks();
    this.flush = this.latest;
    this.latest = null;
  }

  inspect(): StageSnapshot {
    return this.snapshot('sample');
  }

  protected override get capacity(): number {
    return 1;
  }

  protected override get upstreamRequested(): number {
    return this.upstreamStarted && !this.done && !this.cancelled ? Infinity : 0;
  }

  protected override get buffered(): number {
    return this.latest === null && this.flush === null ? 0 : 1;
  }

  protected emitSome(downstream: Subscriber<T>): void {
    if (this.error !== null) {
      return this.fail(this.error);
    }
    const outgoing = this.outgoing;
    if (outgoing !== null) {
      this.outgoing = null;
      if (this.requested > 0) {
        this.requested--;
        this.emittedItems++;
        downstream.onNext(outgoing);
        if (this.cancelled) return;
      } else if (this.drop) {
        this.droppedItems++;
      } else {
        // §1.1 a sample without demand may not be emitted; 'error' says so rather than losing it silently
        return this.fail(withCode(new Error(`sample: tick ${this.ticks} (at ${this.ticks * this.ms} ms) took a sample with no ` +
          `outstanding demand; request ahead of the ticks, sample less often, or pass onOverflow: 'drop'`), 'ERR_SLUICE_NO_DEMAND'));
      }
    }
    if (this.done) {
      const flush = this.flush;
      if (flush !== null) {
        if (this.requested === 0) return; // completion is not time: the flushed item waits for demand
        this.flush = null;
        this.requested--;
        this.emittedItems++;
        downstream.onNext(flush);
        if (this.cancelled) return;
      }
      return this.complete();
    }
    if (!this.upstreamStarted && this.requested > 0) {
      this.upstreamStarted = true; // lossy by design: upstream runs at its own pace, one item is kept
      this.upstream!.request(Infinity);
    }
  }

  protected override dispose(): void {
    this.stopTicks(); // §3.13 no pending task may keep the subscriber reachable
    this.latest = null;
    this.outgoing = null;
    this.flush = null;
    super.dispose();
  }

  private stopTicks(): void {
    const cancelTick = this.cancelTick;
    this.cancelTick = null;
    this.scheduler = null;
    cancelTick?.();
  }

  private readonly tick = (): void => {
    const scheduler = this.scheduler;
    if (scheduler === null) return;
    this.ticks++;
    const due = this.start + (this.ticks + 1) * this.ms; // against the start: no drift
    this.cancelTick = scheduler.schedule(this.tick, Math.max(0, due - scheduler.now()));
    const latest = this.latest;
    if (latest === null) return;
    this.latest = null;
    this.outgoing = latest; // ticks come from the scheduler, never from inside the drain loop: the slot is free
    this.drain();
  };
}
