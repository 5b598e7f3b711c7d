import type { Publisher, Subscriber, Subscription } from '../spec';

/**
 * A tiny, correct, synchronous Publisher: emits `createElement(0) … createElement(count - 1)` and completes.
 *
 * It exists for two reasons: the TCK's own tests prove every publisher test passes against it (a TCK that fails a
 * correct publisher is as useless as one that passes a broken one), and the subscriber/processor verifications use
 * it as their helper upstream. Comments say which rule each line serves, like the reactive-streams-jvm examples.
 */
export class ReferencePublisher<T> implements Publisher<T> {
  constructor(
    private readonly count: number,
    private readonly createElement: (index: number) => T,
  ) {}

  subscribe(subscriber: Subscriber<T>): void {
    // §1.9: a null/undefined subscriber is the one case where subscribe may throw, and it must throw TypeError.
    if (subscriber == null) throw new TypeError('§1.9: subscribe requires a Subscriber, got ' + String(subscriber));
    const subscription = new ReferenceSubscription(subscriber, this.count, this.createElement);
    // §1.9: onSubscribe is the first signal. A throwing onSubscribe breaks §2.13; we report it and give up (§2.13:
    // the subscription counts as cancelled).
    try {
      subscriber.onSubscribe(subscription);
    } catch (error) {
      subscription.cancel();
      reportLater(error);
      return;
    }
    // §1.2/§1.5: an empty stream completes at once; it does not need demand to signal onComplete.
    if (this.count === 0) subscription.completeIfEmpty();
  }
}

class ReferenceSubscription<T> implements Subscription {
  /** Null once cancelled or terminated: dropping it releases the subscriber (§3.13). */
  private subscriber: Subscriber<T> | null;
  private index = 0;
  /** Outstanding demand; Infinity when unbounded (§3.17). */
  private requested = 0;
  /** Work-in-progress guard: true while the emit loop runs, so re-entrant requests only add demand (§3.3). */
  private emitting = false;
  /** A §3.9 violation waiting to be signalled by the emit loop. */
  private invalid: RangeError | null = null;

  constructor(
    subscriber: Subscriber<T>,
    private readonly count: number,
    private readonly createElement: (index: number) => T,
  ) {
    this.subscriber = subscriber;
  }

  request(n: number): void {
    if (this.subscriber === null) return; // §3.6: after cancel (or termination) request is a no-op
    // §3.9: only positive integers or Infinity are valid. `!(n > 0)` also rejects NaN; never throw (§3.16).
    if (typeof n !== 'number' || !(n > 0) || (!Number.isInteger(n) && n !== Infinity)) {
      this.invalid ??= new RangeError(`§3.9: non-positive subscription request: request(${String(n)}) needs a positive integer`);
    } else {
      // §3.17: saturate at Infinity instead of losing precision above Number.MAX_SAFE_INTEGER.
      const sum = this.requested + n;
      this.requested = sum >= Number.MAX_SAFE_INTEGER ? Infinity : sum;
    }
    this.drain();
  }

  cancel(): void {
    // §3.7: idempotent; §3.12/§3.13: stop and forget the subscriber. No signal is sent from here (§1.3, §1.8).
    this.subscriber = null;
  }

  completeIfEmpty(): void {
    this.drain();
  }

  /** The one place that signals. Runs only once at a time (§1.3 serial signals, §3.3 bounded recursion). */
  private drain(): void {
    if (this.emitting) return; // a request from inside onNext: the running loop below sees the new demand
    this.emitting = true;
    try {
      for (;;) {
        const subscriber = this.subscriber;
        if (subscriber === null) return;
        if (this.invalid !== null) {
          this.subscriber = null; // §3.9: the subscription is cancelled, then onError
          subscriber.onError(this.invalid);
          return;
        }
        if (this.index >= this.count) {
          this.subscriber = null; // §1.6: terminal means cancelled; §1.7: nothing after this
          subscriber.onComplete();
          return;
        }
        if (this.requested === 0) return; // §1.1: never more than requested
        this.requested = this.requested === Infinity ? Infinity : this.requested - 1;
        const element = this.createElement(this.index++);
        subscriber.onNext(element);
      }
    } catch (error) {
      // §2.13: a subscriber method threw. Treat the subscription as cancelled and report the error out of band,
      // never back to the caller of request (§3.16) and never into onError of the faulty subscriber.
      this.subscriber = null;
      reportLater(error);
    } finally {
      this.emitting = false;
    }
  }
}

/** Raises an error outside the current call stack, so it reaches the platform's uncaught-error handling (§2.13). */
export function reportLater(error: unknown): void {
  setTimeout(() => {
    throw error;
  }, 0);
}

/** A publisher that refuses every subscriber: onSubscribe, then onError (§1.9 rejection; the TCK's failed publisher). */
export class FailedPublisher<T> implements Publisher<T> {
  constructor(private readonly error: Error = new Error('failed publisher')) {}

  subscribe(subscriber: Subscriber<T>): void {
    if (subscriber == null) throw new TypeError('§1.9: subscribe requires a Subscriber, got ' + String(subscriber));
    let active = true;
    subscriber.onSubscribe({
      request: () => {}, // §3.6: nothing to do; the error below ends the subscription
      cancel: () => {
        active = false;
      },
    });
    if (active) subscriber.onError(this.error); // §1.9: the rejection goes through onError, after onSubscribe
  }
}

/** The next macrotask (setImmediate in Node, a 0 ms timer elsewhere). */
function later(task: () => void): void {
  if (typeof setImmediate === 'function') setImmediate(task);
  else setTimeout(task, 0);
}

/** Elements an `AsyncReferencePublisher` emits per macrotask before it yields to the event loop. */
export const ASYNC_BATCH = 64;

/**
 * The most elements the processor verification's default helper pushes into one processor subscription. No test
 * needs more than a few thousand; an "infinite" helper feeding a processor that requests unboundedly and buffers
 * everything would otherwise push millions per second for as long as the test runs (3.8 million in the four §3.17
 * tests of a 2-second run). Past it the helper stops emitting without completing, as a slow infinite source would.
 */
export const HELPER_ELEMENT_BUDGET = 100_000;

/**
 * The asynchronous counterpart of `ReferencePublisher`, and the default helper that feeds a processor under test (as
 * the JVM TCK's executor-based helper does): `onSubscribe` and every batch of at most `ASYNC_BATCH` elements are
 * delivered on a later macrotask, so the TCK's own subscriber is attached to the processor before any element flows,
 * and a processor that requests unboundedly cannot make the helper drain millions of elements inside one call.
 */
export class AsyncReferencePublisher<T> implements Publisher<T> {
  /**
   * `budget`: emit at most this many elements per subscription, then stop without completing (default: no limit;
   * the processor verification's helper uses `HELPER_ELEMENT_BUDGET`).
   */
  constructor(
    private readonly count: number,
    private readonly createElement: (index: number) => T,
    private readonly budget: number = Infinity,
  ) {}

  subscribe(subscriber: Subscriber<T>): void {
    // §1.9: the null check is synchronous; everything else happens on later macrotasks.
    if (subscriber == null) throw new TypeError('§1.9: subscribe requires a Subscriber, got ' + String(subscriber));
    new AsyncReferenceSubscription(subscriber, this.count, this.createElement, this.budget).start();
  }
}

class AsyncReferenceSubscription<T> implements Subscription {
  private subscriber: Subscriber<T> | null;
  private index = 0;
  private requested = 0;
  private invalid: RangeError | null = null;
  private scheduled = false;
  private subscribed = false;

  constructor(
    subscriber: Subscriber<T>,
    private readonly count: number,
    private readonly createElement: (index: number) => T,
    private readonly budget: number,
  ) {
    this.subscriber = subscriber;
  }

  start(): void {
    later(() => {
      const subscriber = this.subscriber;
      if (subscriber === null) return;
      try {
        subscriber.onSubscribe(this); // §1.9: first signal
      } catch (error) {
        this.subscriber = null; // §2.13: the subscription counts as cancelled
        reportLater(error);
        return;
      }
      this.subscribed = true;
      this.schedule(); // an empty stream completes without demand (§1.2/§1.5)
    });
  }

  request(n: number): void {
    if (this.subscriber === null) return; // §3.6
    if (typeof n !== 'number' || !(n > 0) || (!Number.isInteger(n) && n !== Infinity)) {
      this.invalid ??= new RangeError(`§3.9: non-positive subscription request: request(${String(n)}) needs a positive integer`); // never throw (§3.16)
    } else {
      const sum = this.requested + n;
      this.requested = sum >= Number.MAX_SAFE_INTEGER ? Infinity : sum; // §3.17
    }
    this.schedule();
  }

  cancel(): void {
    this.subscriber = null; // §3.7 idempotent; §3.12/§3.13 stop and forget
  }

  private schedule(): void {
    if (this.scheduled || !this.subscribed) return;
    this.scheduled = true;
    later(() => this.run());
  }

  /** One batch: at most ASYNC_BATCH signals, then reschedule while there is demand (§1.3: one run at a time). */
  private run(): void {
    this.scheduled = false;
    try {
      for (let sent = 0; sent < ASYNC_BATCH; sent++) {
        const subscriber = this.subscriber;
        if (subscriber === null) return;
        if (this.invalid !== null) {
          this.subscriber = null; // §3.9: cancelled, then onError
          subscriber.onError(this.invalid);
          return;
        }
        if (this.index >= this.count) {
          this.subscriber = null; // §1.6/§1.7
          subscriber.onComplete();
          return;
        }
        if (this.requested === 0) return; // §1.1
        if (this.index >= this.budget) return; // the helper's budget: no more elements, and no false completion
        if (this.requested !== Infinity) this.requested--;
        subscriber.onNext(this.createElement(this.index++));
      }
      this.schedule();
    } catch (error) {
      this.subscriber = null; // §2.13
      reportLater(error);
    }
  }
}
