import { nullArgumentError, toError } from '@sluice/core/engine';
import {
  DrainSubscription, lift, OverflowBuffer, requirePositiveBound,
  type Flow, type Inspectable, type Operator, type Publisher, type StageSnapshot, type Subscriber, type Subscription,
} from '@sluice/core';
import { Observable, type OperatorFunction, type Subscriber as RxSubscriber } from 'rxjs';
import { OBSERVABLE_OVERFLOWS, requireCapacity, requireObservableOverflow, requireOnDrop, requireOptions, type ObservableOverflow } from './internal/options';
import { RxSink } from './internal/RxSink';

export interface ViaRxOptions<R> {
  /** The most output items held for downstream (default 256; under overflow 'latest' 1, the only capacity it takes). */
  capacity?: number;
  /** What happens to an output that arrives when `capacity` items are waiting (default 'error'). */
  overflow?: ObservableOverflow;
  /** Called with every dropped output; a throw fails the stream. */
  onDrop?: (item: R) => void;
  /**
   * The most upstream items that may be inside the RxJS operator at once, counted as items admitted and not yet
   * answered: an output answers one item (an array, its length); an output made synchronously while an item goes in
   * answers every item before it (the operator is done with them: `filter`, `map`, synchronous inners).
   *
   * Default (unset): `capacity`, applied while the operator may be holding items, and lifted for operators that have
   * shown they do not: one that so far only emits synchronously while taking an item in (`filter`, `skip` after its
   * first output, `bufferCount` after its first buffer) or one that emits the newest item it was given while older
   * ones are unanswered (`debounceTime`, `auditTime`, `sampleTime`: they keep only the latest). A number you set
   * applies to every operator. An operator that takes more than the bound in before its first output
   * (`bufferCount(n)` with n above it, `toArray`, `reduce`, a `filter` whose first n items all fail) waits at the
   * bound: set `maxPending` to its window, or `Infinity` for whole-stream operators.
   */
  maxPending?: number;
}

/**
 * Runs any RxJS `OperatorFunction` inside a sluice pipeline, and pulls its input by demand: an upstream item enters
 * the operator only when downstream demand and free space in the bounded output buffer allow it.
 *
 * ```
 * upstream:        request(1) 1  request(1) 2  request(1) 3 …
 * viaRx(map(x*10)):              10            20            30
 * downstream:      request(3) ─────────────────────────────────────
 * ```
 *
 * Guarantees by kind of operator (credit = min(downstream demand − buffered, capacity − buffered, maxPending −
 * inside) − items already requested upstream):
 *
 * | operator kind | examples | upstream pulled | output buffer | held inside the RxJS operator |
 * | --- | --- | --- | --- | --- |
 * | 1:1 synchronous | map, tap, scan, pluck | one item per unit of credit | ≤ capacity, never overflows | nothing |
 * | filtering | filter, distinctUntilChanged, skip, take, first | keeps pulling to replace rejected items | ≤ capacity, never overflows | nothing (take/first cancel upstream when done) |
 * | expanding | mergeMap(x => of(a, b, c)), concatMap to arrays, expand | one item at a time, only with credit | ≤ capacity; a single input's outputs beyond it follow `overflow` | what the operator queues itself |
 * | lossy time-based | debounceTime, auditTime, throttleTime, sampleTime | by credit | ≤ capacity | ≤ 1 item (the operator keeps only the latest) |
 * | queueing time-based | delay, bufferTime, windowTime, async mergeMap/concatMap | by credit and `maxPending` | ≤ capacity; late bursts follow `overflow` | ≤ `maxPending` items (default: capacity) |
 * | whole-stream | toArray, reduce, last, count | by credit, and the window until the first output | ≤ capacity | set `maxPending: Infinity` (they need everything before emitting), or use sluice's own reduce |
 *
 * **The default window** (`maxPending` unset) is `capacity` items inside the operator, lifted for operators whose
 * outputs show they hold nothing: only synchronous outputs while an item goes in (filter: it never stalls on long
 * runs of rejected items), or the newest item while older ones are unanswered (debounceTime). See `maxPending`.
 *
 * **Demand**: with a synchronous upstream, one item is requested at a time (so a single input's outputs are
 * delivered before the next input enters); when an item does not arrive synchronously, the rest of the credit is
 * requested at once. When the operator emits on its own (a timer, an asynchronous inner), the pull that output
 * makes room for runs in a microtask, after the operator's emission returned: RxJS operators are not written for
 * input arriving in the middle of their own emission. **Errors**: upstream errors enter the operator (so `catchError` inside works); the operator's
 * error or completion is delivered after the buffered items and cancels upstream; overflow 'error' fails with an
 * `OverflowError`; operators that resubscribe their source (`retry`, `repeat`) fail with a TypeError (a sluice
 * upstream cannot be replayed: put them around the whole Flow instead). **Cancellation**: unsubscribes the operator
 * (clearing its timers) and cancels upstream.
 *
 * @example
 * range(1, 1000).pipe(viaRx(filter((x) => x % 7 === 0)), viaRx(bufferTime(100), { maxPending: 500 }));
 */
export function viaRx<T, R>(op: OperatorFunction<T, R>, options: ViaRxOptions<R> = {}): Operator<T, R> {
  if (typeof op !== 'function') throw new TypeError(`viaRx: expected an RxJS OperatorFunction, got ${typeof op}`);
  requireOptions('viaRx', options);
  const overflow = requireObservableOverflow('viaRx', options.overflow ?? 'error');
  const capacity = requireCapacity('viaRx', options.capacity, overflow); // 'latest': capacity 1, as in core
  const onDrop = requireOnDrop<R>('viaRx', options.onDrop);
  // Unset: the capacity, applied only while the operator may be holding items (the 'auto' window, issue 13 item 7).
  const maxPending = options.maxPending === undefined ? null : requirePositiveBound('viaRx: maxPending', options.maxPending, true);
  return (source: Publisher<T>): Flow<R> =>
    lift(source, (downstream: Subscriber<R>) => new ViaRxSubscription<T, R>(downstream, op, capacity, overflow, onDrop, maxPending ?? capacity, maxPending === null));
}

class ViaRxSubscription<T, R> extends DrainSubscription<R> implements Subscriber<T>, Inspectable {
  private op: OperatorFunction<T, R> | null;
  private readonly buffer: OverflowBuffer<R>;
  private readonly outputCapacity: number;
  private readonly maxPending: number;
  /** The default window: lifted once the operator shows it holds nothing (`kind` 'synchronous' or 'latest'). */
  private readonly autoWindow: boolean;
  /**
   * What the operator's outputs have shown so far: nothing yet ('unknown'), only synchronous outputs while an item
   * goes in ('synchronous'), the newest item while older ones are unanswered ('latest'), or outputs of its own that
   * answer older items ('queueing': delay, bufferTime, asynchronous inners). Only the first two can lift the window.
   */
  private kind: 'unknown' | 'synchronous' | 'latest' | 'queueing' = 'unknown';
  /** >0 while an upstream signal is being handed to the operator (an output now is a synchronous one). */
  private inputDepth = 0;
  /**
   * The last item handed to the operator, and the oldest one still unanswered: an output equal to the first and not
   * to the second comes from an operator that keeps only the latest (a FIFO one, like delay, answers the oldest).
   */
  private lastAdmitted: T | undefined = undefined;
  private oldestUnanswered: T | undefined = undefined;
  private upstream: Subscription | null = null;
  /** The RxJS subscriber of the operator's source, once the operator subscribed to it. */
  private input: RxSubscriber<T> | null = null;
  private inputSubscriptions = 0;
  private output: RxSink<R> | null = null;
  private upstreamDone = false;
  private upstreamTerminal: Error | 'complete' | null = null;
  /** The operator's final signal (or the bridge's own error), delivered once the buffer is empty. */
  private terminal: Error | 'complete' | null = null;
  /** Requested upstream, not yet received. */
  private inFlight = 0;
  /** Items estimated inside the operator: admitted minus emitted (an emitted array counts as its length). */
  private pending = 0;
  private received = 0;
  private emitted = 0;
  private cancelledByDownstream = false;
  /** >0 while the operator is inside an emission of its own (a timer firing, an inner emitting). */
  private outputDepth = 0;
  private pullScheduled = false;

  constructor(
    downstream: Subscriber<R>,
    op: OperatorFunction<T, R>,
    capacity: number,
    overflow: ObservableOverflow,
    onDrop: ((item: R) => void) | undefined,
    maxPending: number,
    autoWindow: boolean,
  ) {
    super(downstream);
    this.op = op;
    this.outputCapacity = capacity;
    this.maxPending = maxPending;
    this.autoWindow = autoWindow;
    this.buffer = new OverflowBuffer<R>('viaRx', capacity, overflow, onDrop, OBSERVABLE_OVERFLOWS);
  }

  // ---- upstream side (a sluice Subscriber) ------------------------------------------------------------------------

  onSubscribe(subscription: Subscription): void {
    if (subscription == null) throw nullArgumentError('onSubscribe', subscription); // §2.13
    if (this.upstream !== null || this.cancelled) {
      subscription.cancel(); // §2.5
      return;
    }
    this.upstream = subscription;
    this.downstream!.onSubscribe(this); // §1.9 downstream is subscribed before the operator can emit
    if (this.cancelled) return;
    const op = this.op!;
    this.op = null;
    const input = new Observable<T>((subscriber) => this.attachInput(subscriber));
    let output: Observable<R>;
    try {
      output = op(input);
      if (output == null || typeof output.subscribe !== 'function') throw new TypeError(`viaRx: the operator returned ${String(output)}, not an Observable`);
    } catch (error) {
      return this.end(toError(error));
    }
    const sink = new RxSink<R>({
      next: (value) => this.accept(value),
      error: (error) => this.end(toError(error)),
      complete: () => this.end('complete'),
    });
    this.output = sink;
    output.subscribe(sink);
    this.drain();
  }

  onNext(value: T): void {
    if (value == null) throw nullArgumentError('onNext', value); // §2.13
    if (this.upstreamDone || this.cancelled) return; // §2.8
    this.inFlight--;
    if (this.pending === 0) this.oldestUnanswered = value;
    this.pending++;
    this.received++;
    this.lastAdmitted = value;
    const input = this.input;
    if (input !== null) {
      this.inputDepth++;
      try {
        input.next(value);
      } finally {
        this.inputDepth--;
      }
    }
    this.drain();
  }

  onError(error: Error): void {
    if (error == null) throw nullArgumentError('onError', error); // §2.13
    this.upstreamEnded(error);
  }

  onComplete(): void {
    this.upstreamEnded('complete');
  }

  // ---- downstream side (a DrainSubscription) ----------------------------------------------------------------------

  override cancel(): void {
    if (!this.cancelled) this.cancelledByDownstream = true;
    super.cancel();
  }

  inspect(): StageSnapshot {
    return {
      stage: 'viaRx',
      capacity: this.outputCapacity,
      buffered: this.buffer.size,
      requested: this.requested,
      upstreamRequested: this.inFlight,
      received: this.received,
      emitted: this.emitted,
      dropped: this.buffer.dropped,
      terminated: this.terminal !== null,
      cancelled: this.cancelledByDownstream,
    };
  }

  protected emitSome(downstream: Subscriber<R>): void {
    const buffer = this.buffer;
    for (;;) {
      while (this.requested > 0 && buffer.size > 0) {
        const value = buffer.poll() as R;
        this.requested--;
        this.emitted++;
        downstream.onNext(value);
        if (this.cancelled) return;
      }
      if (this.terminal !== null) {
        // §1.4/§1.5 the operator's terminal signal follows the buffered outputs; it needs no demand.
        if (buffer.size === 0) {
          const terminal = this.terminal;
          if (terminal === 'complete') this.complete();
          else this.fail(terminal);
        }
        return;
      }
      const upstream = this.upstream;
      if (upstream === null || this.upstreamDone || this.input === null) return;
      if (this.outputDepth > 0) {
        // The operator emitted on its own (a timer, an inner): feeding it now would re-enter it mid-emission (RxJS
        // operators such as bufferTime have no open buffer at that moment), so pull once it has returned.
        this.schedulePull();
        return;
      }
      const windowRoom = this.windowLifted() ? Infinity : this.maxPending - this.pending;
      const free = Math.min(this.requested - buffer.size, this.outputCapacity - buffer.size, windowRoom);
      const credit = free - this.inFlight;
      if (credit <= 0) return;
      if (this.inFlight === 0) {
        // Probe with one item: a synchronous upstream answers inside request(1), and that item's outputs are
        // delivered (next loop turn) before the next item enters the operator.
        this.inFlight = 1;
        upstream.request(1);
        if (this.cancelled) return;
        continue;
      }
      // The probe is still outstanding: the upstream is asynchronous, so ask for the rest of the credit at once.
      this.inFlight += credit;
      upstream.request(credit);
      return;
    }
  }

  protected override dispose(): void {
    const output = this.output;
    this.output = null;
    output?.unsubscribe(); // tears the operator down (timers, inner subscriptions) and detaches the input
    this.input = null;
    this.op = null;
    const upstream = this.upstream;
    this.upstream = null;
    if (upstream !== null && !this.upstreamDone) upstream.cancel();
    this.buffer.clear();
    this.lastAdmitted = this.oldestUnanswered = undefined; // §3.13
  }

  // ---- the RxJS operator's two ends -------------------------------------------------------------------------------

  private attachInput(subscriber: RxSubscriber<T>): () => void {
    if (++this.inputSubscriptions > 1) {
      subscriber.error(new TypeError(
        'viaRx: the RxJS operator subscribed to its source more than once (retry/repeat?); a sluice upstream cannot be ' +
          'replayed, so apply resubscribing operators around the whole Flow instead',
      ));
      return () => {};
    }
    const terminal = this.upstreamTerminal;
    if (terminal !== null) {
      if (terminal === 'complete') subscriber.complete();
      else subscriber.error(terminal);
      return () => {};
    }
    this.input = subscriber;
    if (this.output !== null) this.drain(); // a late subscription (delaySubscription) starts the pulling
    return () => {
      // The operator no longer wants input (take, first, takeUntil): stop pulling and release upstream.
      if (this.input !== subscriber) return;
      this.input = null;
      const upstream = this.upstream;
      if (upstream !== null && !this.upstreamDone) {
        this.upstreamDone = true;
        this.upstream = null;
        upstream.cancel();
      }
    };
  }

  private upstreamEnded(terminal: Error | 'complete'): void {
    if (this.upstreamDone) return; // §1.7
    this.upstreamDone = true;
    this.upstreamTerminal = terminal;
    this.upstream = null;
    const input = this.input;
    if (input === null) return; // delivered when (if) the operator subscribes to its source
    this.inputDepth++; // what the operator emits now (toArray's array, a flushed buffer) answers what it holds
    try {
      if (terminal === 'complete') input.complete();
      else input.error(terminal);
    } finally {
      this.inputDepth--;
    }
  }

  private accept(value: R): void {
    if (this.terminal !== null || this.cancelled) return;
    if (value == null) return this.end(new TypeError(`§2.13: viaRx: the RxJS operator emitted ${String(value)}, which is not an element`));
    this.answer(value);
    let result;
    try {
      result = this.buffer.offer(value);
    } catch (error) {
      this.buffer.clear(); // onDrop threw: a user error, signalled at once
      return this.end(toError(error));
    }
    if (result === 'overflow') return this.end(this.buffer.overflowError());
    this.outputDepth++;
    try {
      this.drain();
    } finally {
      this.outputDepth--;
    }
  }

  /** Counts what an output answers, and learns from it what kind of operator this is. */
  private answer(value: R): void {
    const synchronous = this.inputDepth > 0;
    // The default window learns (a number the user set is counted exactly, one answer per output). Once the operator
    // has answered from its own timers or inners it is 'queueing', and its outputs are counted exactly from then on.
    if (this.autoWindow && this.kind !== 'queueing') {
      if (synchronous) {
        // Emitted while an item goes in: the operator is done with that item and every one before it.
        this.pending = 0;
        if (this.kind === 'unknown') this.kind = 'synchronous';
        return;
      }
      if (this.pending >= 2 && (value as unknown) === this.lastAdmitted && (value as unknown) !== this.oldestUnanswered) {
        this.kind = 'latest'; // the newest item, with older ones unanswered: it keeps only the latest (debounceTime)
        this.pending = 0;
        return;
      }
    }
    const answered = Array.isArray(value) ? value.length : 1;
    this.pending = this.pending > answered ? this.pending - answered : 0;
    if (!synchronous && this.kind !== 'latest') this.kind = 'queueing';
  }

  /** The default window does not apply to an operator that has shown it holds nothing. */
  private windowLifted(): boolean {
    return this.autoWindow && (this.kind === 'synchronous' || this.kind === 'latest');
  }

  private schedulePull(): void {
    if (this.pullScheduled) return;
    this.pullScheduled = true;
    queueMicrotask(() => {
      this.pullScheduled = false;
      this.drain();
    });
  }

  /** The operator terminated (or the bridge failed): stop the operator and upstream, deliver after the buffer. */
  private end(terminal: Error | 'complete'): void {
    if (this.terminal !== null || this.cancelled) return;
    this.terminal = terminal;
    const output = this.output;
    this.output = null;
    output?.unsubscribe();
    this.input = null;
    const upstream = this.upstream;
    this.upstream = null;
    if (upstream !== null && !this.upstreamDone) {
      this.upstreamDone = true;
      upstream.cancel();
    }
    this.drain();
  }
}
