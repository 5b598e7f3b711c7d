import { OverflowBuffer, requirePositiveBound, type Publisher, type Subscriber, type Subscription } from '@sluice/core';
import { from, Observable, type ObservableInput, type OperatorFunction, type Subscriber as RxSubscriber } from 'rxjs';
import { OBSERVABLE_OVERFLOWS, requireCapacity, requireObservableOverflow, requireOnDrop, requireOptions, type ObservableOverflow } from './internal/options';
import { RxSink } from './internal/RxSink';
import { sluiceSourceOf } from './toObservable';

export interface BackpressureOptions<T> {
  /** The most inner Observables subscribed at once (default 16). */
  concurrency?: number;
  /**
   * The most outer values waiting for a free slot, for sources that cannot be slowed (default 256; under overflow
   * 'latest' 1, the only capacity it takes).
   */
  capacity?: number;
  /** What happens to an outer value that arrives when `capacity` values are waiting (default 'error'). */
  overflow?: ObservableOverflow;
  /** Called with every dropped outer value; a throw errors the result. */
  onDrop?: (item: T) => void;
}

/**
 * A bounded `mergeMap` for code that stays in RxJS: at most `concurrency` inner Observables run at once, and the
 * outer values waiting for a slot are bounded too.
 *
 * - When the source is sluice-backed (made by `toObservable(flow)`), the Flow itself is pulled: `concurrency` items
 *   first, then one more each time an inner completes. Nothing waits in a buffer; the producer is slowed down.
 * - Otherwise the source cannot be slowed: outer values beyond the free slots wait in a buffer of `capacity`, and
 *   past it the `overflow` policy applies (RxJS's own `mergeMap(fn, concurrency)` keeps them in an unbounded array).
 *   Observables from `from(flow)` are not recognised (RxJS wraps them); use `toObservable(flow)`.
 *
 * ```
 * toObservable(flow): request(2) a b ──────────── request(1) c ─── request(1) …
 * backpressure(x => work(x), { concurrency: 2 }):  work(a) work(b) │a done│ work(c) │b done│ …
 * ```
 *
 * **Demand** (sluice source): `concurrency`, then 1 per completed inner. **Errors**: an outer error, an inner
 * error, a throwing `project` or `onDrop`, or an overflow with 'error' (an `OverflowError` naming the capacity)
 * errors the result and unsubscribes everything. **Cancellation**: unsubscribing cancels the Flow (or unsubscribes
 * the source) and every running inner.
 *
 * @example
 * toObservable(lines).pipe(backpressure((line) => upload(line), { concurrency: 4 })).subscribe();
 */
export function backpressure<T, R>(
  project: (value: T, index: number) => ObservableInput<R>,
  options: BackpressureOptions<T> = {},
): OperatorFunction<T, R> {
  if (typeof project !== 'function') throw new TypeError(`backpressure: project must be a function, got ${typeof project}`);
  requireOptions('backpressure', options);
  const concurrency = requirePositiveBound('backpressure: concurrency', options.concurrency ?? 16);
  const overflow = requireObservableOverflow('backpressure', options.overflow ?? 'error');
  const capacity = requireCapacity('backpressure', options.capacity, overflow); // 'latest': capacity 1, as in core
  const onDrop = requireOnDrop<T>('backpressure', options.onDrop);
  return (source: Observable<T>): Observable<R> =>
    new Observable<R>((destination) => {
      const run = new BackpressureRun<T, R>(destination, project, concurrency, capacity, overflow, onDrop);
      const flow = sluiceSourceOf<T>(source);
      if (flow !== null) run.pull(flow);
      else run.observe(source);
      return () => run.teardown();
    });
}

class BackpressureRun<T, R> {
  private destination: RxSubscriber<R> | null;
  private readonly project: (value: T, index: number) => ObservableInput<R>;
  private readonly concurrency: number;
  private readonly buffer: OverflowBuffer<T>;
  private readonly inners = new Set<RxSink<R>>();
  private index = 0;
  private active = 0;
  private outerDone = false;
  /** The pulled Flow's subscription (sluice-backed source). */
  private upstream: Subscription | null = null;
  /** The observed Observable's subscriber (any other source). */
  private outer: RxSink<T> | null = null;
  /** Trampoline state: inner slots freed while a start/request loop is already running. */
  private freed = 0;
  private looping = false;

  constructor(
    destination: RxSubscriber<R>,
    project: (value: T, index: number) => ObservableInput<R>,
    concurrency: number,
    capacity: number,
    overflow: ObservableOverflow,
    onDrop: ((item: T) => void) | undefined,
  ) {
    this.destination = destination;
    this.project = project;
    this.concurrency = concurrency;
    this.buffer = new OverflowBuffer<T>('backpressure', capacity, overflow, onDrop, OBSERVABLE_OVERFLOWS);
  }

  /** Sluice-backed source: demand is the concurrency slots, so the producer is slowed to the inners' pace. */
  pull(flow: Publisher<T>): void {
    const subscriber: Subscriber<T> = {
      onSubscribe: (subscription) => {
        if (this.destination === null) return subscription.cancel();
        this.upstream = subscription;
        subscription.request(this.concurrency);
      },
      onNext: (value) => this.startInner(value),
      onError: (error) => this.fail(error),
      onComplete: () => this.outerComplete(),
    };
    flow.subscribe(subscriber);
  }

  /** Any other Observable: values beyond the free slots wait in the bounded buffer. */
  observe(source: Observable<T>): void {
    const outer = new RxSink<T>({
      next: (value) => this.offer(value),
      error: (error) => this.fail(error),
      complete: () => this.outerComplete(),
    });
    this.outer = outer;
    source.subscribe(outer);
  }

  teardown(): void {
    this.destination = null;
    const upstream = this.upstream;
    this.upstream = null;
    upstream?.cancel();
    const outer = this.outer;
    this.outer = null;
    outer?.unsubscribe();
    for (const inner of this.inners) inner.unsubscribe();
    this.inners.clear();
    this.buffer.clear();
  }

  private offer(value: T): void {
    if (this.destination === null) return;
    if (this.active < this.concurrency && this.buffer.size === 0) return this.startInner(value);
    let result;
    try {
      result = this.buffer.offer(value);
    } catch (error) {
      return this.fail(error); // onDrop threw
    }
    if (result === 'overflow') this.fail(this.buffer.overflowError());
  }

  private startInner(value: T): void {
    const destination = this.destination;
    if (destination === null) return;
    let inner$: Observable<R>;
    try {
      inner$ = from(this.project(value, this.index++));
    } catch (error) {
      return this.fail(error);
    }
    this.active++;
    const inner: RxSink<R> = new RxSink<R>({
      next: (result) => this.destination?.next(result),
      error: (error) => this.fail(error),
      complete: () => {
        this.inners.delete(inner);
        this.active--;
        this.slotFreed();
      },
    });
    this.inners.add(inner);
    inner$.subscribe(inner);
  }

  /** One inner finished: pull one more (sluice) or start a waiting value, in a loop rather than by recursion. */
  private slotFreed(): void {
    this.freed++;
    if (this.looping) return; // the running loop below picks it up: synchronous inners do not grow the stack
    this.looping = true;
    try {
      while (this.freed > 0 && this.destination !== null) {
        const n = this.freed;
        this.freed = 0;
        if (this.upstream !== null) {
          this.upstream.request(n);
        } else {
          for (let i = 0; i < n && this.buffer.size > 0 && this.destination !== null; i++) this.startInner(this.buffer.poll() as T);
        }
      }
    } finally {
      this.looping = false;
    }
    this.checkComplete();
  }

  private outerComplete(): void {
    this.outerDone = true;
    this.upstream = null;
    this.outer = null;
    this.checkComplete();
  }

  private checkComplete(): void {
    if (this.outerDone && this.active === 0 && this.buffer.size === 0 && !this.looping) {
      const destination = this.destination;
      this.teardown();
      destination?.complete();
    }
  }

  private fail(error: unknown): void {
    const destination = this.destination;
    if (destination === null) return;
    this.teardown();
    destination.error(error);
  }
}
