import type { Flow, Operator } from '../Flow';
import { QueueStage } from '../internal/QueueStage';
import type { Inspectable, StageSnapshot } from '../internal/inspect';
import { lift } from '../internal/lift';
import type { Scheduler } from '../schedulers/Scheduler';
import { requireScheduler } from '../sources/interval';
import type { Publisher } from '../spec/Publisher';
import type { Subscriber } from '../spec/Subscriber';
import type { Subscription } from '../spec/Subscription';
import { TaskSlot } from '../internal/scheduling';

export interface ThrottleOptions {
  /** Emit the item that opens a window. Default true. */
  leading?: boolean;
  /** Emit the latest item seen during a window when the window ends (which opens a new window). Default false. */
  trailing?: boolean;
  /** Where time comes from. Default `timerScheduler` (setTimeout); tests pass a `VirtualTimeScheduler`. */
  scheduler?: Scheduler;
}

/**
 * Lets at most one item through per `ms` window: an item arriving while no window is open opens one; with
 * `leading` (default) that item is emitted, with `trailing` the latest item of the window is emitted when it ends.
 *
 * ```
 * source:                        -a-b-c-------d-e----|
 * throttle(5):                   -a-----------d------|
 * throttle(5, { trailing }):     -a----c------d----e-|     (a trailing item opens the next window)
 * ```
 *
 * **Demand**: throttle is lossy by design, so once downstream first requests it asks upstream for an unbounded
 * amount. An item it selects (leading or trailing) is emitted only if downstream has outstanding demand at that
 * moment; otherwise it is **dropped and counted** in `inspect().dropped` (a rate limiter should not store work for
 * later; nothing is emitted unrequested, §1.1). Items skipped inside a window are the operator's purpose and are not
 * counted as dropped. At most one trailing item is held.
 * **Errors**: an upstream error is signalled at once (a held trailing item is discarded). Completion is signalled
 * at once too: a held trailing item is emitted first if there is demand, otherwise dropped. `leading: false` with
 * `trailing: false` throws a `TypeError` at assembly (nothing would ever be emitted). An invalid `request(n)`
 * cancels upstream and signals `onError(RangeError)` (§3.9).
 * **Cancellation**: cancels upstream and withdraws the window timer (§3.13).
 *
 * @example
 * clicks.pipe(throttle(1000)); // at most one click per second, the first of each burst
 */
export function throttle<T>(ms: number, options: ThrottleOptions = {}): Operator<T, T> {
  if (typeof ms !== 'number' || !(ms > 0) || !Number.isFinite(ms)) {
    throw new RangeError(`throttle: ms must be a positive finite number, got ${String(ms)}`);
  }
  const leading = options.leading ?? true;
  const trailing = options.trailing ?? false;
  if (typeof leading !== 'boolean' || typeof trailing !== 'boolean') {
    throw new TypeError(`throttle: leading and trailing must be booleans, got ${String(leading)} and ${String(trailing)}`);
  }
  if (!leading && !trailing) throw new TypeError('throttle: leading and trailing cannot both be false (nothing would be emitted)');
  const scheduler = requireScheduler('throttle', options.scheduler);
  return (source: Publisher<T>): Flow<T> =>
    lift(source, (downstream: Subscriber<T>) => new ThrottleSubscriber(downstream, scheduler, ms, leading, trailing));
}

class ThrottleSubscriber<T> extends QueueStage<T, T> implements Inspectable {
  private upstreamStarted = false;
  /** The latest item of the open window (trailing mode only). */
  private latest: T | null = null;
  /** The selected item, handed to the drain loop to emit or drop (at most one at a time: one per window). */
  private outgoing: T | null = null;
  /** The trailing item held at completion, emitted (or dropped) after `outgoing`. */
  private flush: T | null = null;
  private readonly timer = new TaskSlot();

  constructor(
    downstream: Subscriber<T>, private readonly scheduler: Scheduler, private readonly ms: number,
    private readonly leading: boolean, private readonly trailing: boolean,
  ) {
    super(downstream);
  }

  protected accept(value: T): void {
    if (this.timer.pending) {
      if (this.trailing) this.latest = value; // inside a window: only the latest can come out, at its end
      return;
    }
    if (this.leading) this.select(value);
    else this.latest = value;
    this.timer.schedule(this.scheduler, this.closeWindow, this.ms);
  }

  protected override onUpstreamError(): void {
    this.latest = null;
    this.timer.cancel();
  }

  protected override onUpstreamComplete(): void {
    this.timer.cancel();
    this.flush = this.latest; // a leading item may still be on its way out: the held one follows it
    this.latest = null;
  }

  inspect(): StageSnapshot {
    return this.snapshot('throttle');
  }

  protected override get capacity(): number {
    return 1;
  }

  protected override get upstreamRequested(): number {
    return this.upstreamStarted && !this.done && !this.cancelled ? Infinity : 0;
  }

  protected override get buffered(): number {
    return (this.latest === null ? 0 : 1) + (this.flush === null ? 0 : 1);
  }

  protected emitSome(downstream: Subscriber<T>): void {
    if (this.error !== null) {
      return this.fail(this.error);
    }
    const outgoing = this.outgoing;
    this.outgoing = null;
    if (outgoing !== null && !this.emitOrDrop(downstream, outgoing)) return;
    if (this.done) {
      const flush = this.flush;
      this.flush = null;
      if (flush !== null && !this.emitOrDrop(downstream, flush)) return;
      return this.complete();
    }
    if (!this.upstreamStarted && this.requested > 0) {
      this.upstreamStarted = true; // lossy by design: upstream runs at its own pace
      this.upstream!.request(Infinity);
    }
  }

  /** Emits `value` if requested, else drops and counts it; returns false if downstream cancelled meanwhile. */
  private emitOrDrop(downstream: Subscriber<T>, value: T): boolean {
    if (this.requested === 0) {
      this.droppedItems++; // §1.1 not requested: a throttled item is dropped, not stored
      return true;
    }
    this.requested--;
    this.emittedItems++;
    downstream.onNext(value);
    return !this.cancelled;
  }

  protected override dispose(): void {
    this.timer.cancel(); // §3.13 the scheduled task no longer references this subscriber
    this.latest = null;
    this.outgoing = null;
    this.flush = null;
    super.dispose();
  }

  private select(value: T): void {
    if (this.outgoing !== null) this.droppedItems++; // unreachable: one selection per window, handed out at once
    this.outgoing = value;
    this.drain();
  }

  private readonly closeWindow = (): void => {
    this.timer.ran();
    const latest = this.latest;
    this.latest = null;
    if (latest === null || this.done || this.cancelled) return;
    this.timer.schedule(this.scheduler, this.closeWindow, this.ms); // a trailing emission throttles the items after it as well
    this.select(latest);
  };
}
