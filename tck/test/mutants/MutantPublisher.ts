import type { Publisher, Subscriber, Subscription } from '@sluice/tck';

/**
 * A correct synchronous publisher (the same algorithm as the TCK's reference publisher) with switchable faults.
 * Each fault breaks exactly one rule, mostly only for the element count the targeted TCK test uses, so a mutant
 * run shows that the targeted test — and, where unavoidable, only a named few others — can fail.
 */
export interface Faults {
  /** 1.2 (createPublisher1): a 1-element stream completes only once at least 10 elements were requested. */
  lazyCompletionForOne?: boolean;
  /** 1.2 (createPublisher3): requested one at a time, a 3-element stream completes after its 2nd element. */
  shortWhenOneByOne?: boolean;
  /** 1.1: the 5-element stream answers the first request(1) with 2 elements. */
  extraElementForFive?: boolean;
  /** 1.2 (spec102): a 3-element stream with 1..1000 demand left over never completes. */
  noCompletionWithLeftoverDemand?: boolean;
  /** 1.3: cancel() of a 10-element stream signals onComplete synchronously (nested in the caller's onNext). */
  completeFromCancel?: boolean;
  /** 1.5: a 3-element stream signals onComplete a second time on a later macrotask. */
  lateSecondCompletion?: boolean;
  /** 1.7: after onComplete, a request(10) signals onComplete again. */
  completeAgainOnRequest?: boolean;
  /** 1.9: subscribe(null) returns normally. */
  acceptNullSubscriber?: boolean;
  /** 1.9: the empty publisher never calls onSubscribe. */
  noOnSubscribeWhenEmpty?: boolean;
  /** 3.2: the second request() from inside onSubscribe throws. */
  throwOnSecondRequestInOnSubscribe?: boolean;
  /** 3.3: no drain guard: request() from inside onNext emits recursively. */
  recursive?: boolean;
  /** 3.6: request() after cancel() revives the subscription. */
  requestRevives?: boolean;
  /** 3.7: the second cancel() throws. */
  throwOnSecondCancel?: boolean;
  /** 3.9: request(0) is ignored. */
  ignoreZero?: boolean;
  /** 3.9: negative integers are ignored. */
  ignoreNegativeIntegers?: boolean;
  /** 3.9: validates with `n <= 0`, so NaN slips through. */
  naiveNaN?: boolean;
  /** 3.9: fractions are accepted. */
  acceptFractions?: boolean;
  /** 3.9: -Infinity is taken as Infinity. */
  absoluteInfinity?: boolean;
  /** 3.12: cancel() of the 20-element stream flushes every remaining element first. */
  flushOnCancel?: boolean;
  /** 3.13: every subscriber is kept in a module-level list forever. */
  leakSubscribers?: boolean;
  /** 3.17: a single request(n >= Number.MAX_SAFE_INTEGER), except Infinity, signals onError. */
  rejectHugeSingleRequest?: boolean;
  /** 3.17: cumulative demand reaching exactly Number.MAX_SAFE_INTEGER signals onError. */
  rejectCumulativeMax?: boolean;
  /** Emits from a timer instead of inside request (correct on its own; lets demand accumulate before emission). */
  asyncDrain?: boolean;
  /** 3.17: cumulative demand above Number.MAX_SAFE_INTEGER signals onError (no saturation). */
  rejectAboveMax?: boolean;
  /** 3.17: Infinity is rejected as a non-integer. */
  rejectInfinity?: boolean;
  /** 2.13: the 10-element stream emits null as its first element when 10 or more were requested at once. */
  nullElementForTen?: boolean;
  /** 3.12: once demand is unbounded (Infinity), cancel() is ignored and emission goes on. */
  ignoreCancelWhenUnbounded?: boolean;
  /** 1.9: subscribe(null) uses up the publisher's one subscriber slot before it throws TypeError. */
  nullSubscriberUsesSlot?: boolean;
}

export const leaked: unknown[] = [];

export class MutantPublisher implements Publisher<number> {
  constructor(private readonly count: number, private readonly faults: Faults = {}) {}

  private slotUsed = false;

  subscribe(subscriber: Subscriber<number>): void {
    if (subscriber == null) {
      if (this.faults.acceptNullSubscriber) return;
      if (this.faults.nullSubscriberUsesSlot) this.slotUsed = true; // the side effect, then the right exception
      throw new TypeError('§1.9: subscriber is required');
    }
    if (this.slotUsed) {
      subscriber.onSubscribe({ request() {}, cancel() {} });
      subscriber.onError(new Error('this publisher allows only one subscriber'));
      return;
    }
    if (this.faults.leakSubscribers) leaked.push(subscriber);
    if (this.count === 0 && this.faults.noOnSubscribeWhenEmpty) {
      subscriber.onComplete();
      return;
    }
    const subscription = new MutantSubscription(subscriber, this.count, this.faults);
    subscription.inOnSubscribe = true;
    subscriber.onSubscribe(subscription);
    subscription.inOnSubscribe = false;
    subscription.drain();
  }
}

class MutantSubscription implements Subscription {
  private subscriber: Subscriber<number> | null;
  private readonly keep: Subscriber<number>;
  private index = 0;
  private requested = 0;
  private emitting = false;
  private done = false;
  private cancelled = false;
  private invalid: Error | null = null;
  private cancels = 0;
  private onSubscribeRequests = 0;
  private maxOutstanding = 0;
  private totalRequested = 0;
  private firstRequest = true;
  inOnSubscribe = false;

  constructor(subscriber: Subscriber<number>, private readonly count: number, private readonly f: Faults) {
    this.subscriber = subscriber;
    this.keep = subscriber;
  }

  request(n: number): void {
    const f = this.f;
    if (this.inOnSubscribe && ++this.onSubscribeRequests === 2 && f.throwOnSecondRequestInOnSubscribe) throw new Error('not ready yet');
    if (this.done && f.completeAgainOnRequest && n === 10) {
      this.keep.onComplete();
      return;
    }
    if (this.cancelled) {
      if (!f.requestRevives) return;
      this.cancelled = false;
    }
    if (this.done) return;
    if (n === -Infinity && f.absoluteInfinity) n = Infinity;
    const ignored = (n === 0 && f.ignoreZero) || (Number.isInteger(n) && n < 0 && f.ignoreNegativeIntegers);
    if (ignored) return;
    const invalid = f.naiveNaN
      ? n <= 0 || (!Number.isInteger(n) && n !== Infinity && !Number.isNaN(n))
      : !(n > 0) || (!Number.isInteger(n) && n !== Infinity && !f.acceptFractions) || (n === Infinity && f.rejectInfinity);
    if (invalid) {
      this.invalid ??= new RangeError(`§3.9: non-positive subscription request ${n}`);
    } else if (f.rejectHugeSingleRequest && n >= Number.MAX_SAFE_INTEGER && n !== Infinity) {
      this.invalid ??= new RangeError('demand overflow');
    } else {
      const raw = this.requested + n;
      if (f.rejectCumulativeMax && raw === Number.MAX_SAFE_INTEGER && n < Number.MAX_SAFE_INTEGER) this.invalid ??= new Error('demand overflow');
      else if (f.rejectAboveMax && raw > Number.MAX_SAFE_INTEGER && n < Number.MAX_SAFE_INTEGER) this.invalid ??= new Error('demand overflow');
      this.requested = raw >= Number.MAX_SAFE_INTEGER ? Infinity : raw;
      this.totalRequested += n;
      this.maxOutstanding = Math.max(this.maxOutstanding, this.requested);
    }
    if (this.firstRequest && f.extraElementForFive && this.count === 5) this.requested++;
    this.firstRequest = false;
    if (this.inOnSubscribe) return;
    if (f.asyncDrain) setTimeout(() => this.drain(), 0);
    else this.drain();
  }

  cancel(): void {
    this.cancels++;
    if (this.cancels === 2 && this.f.throwOnSecondCancel) throw new Error('already cancelled');
    if (this.cancelled) return;
    if (this.f.flushOnCancel && this.count === 20) {
      const subscriber = this.subscriber;
      while (subscriber && this.index < this.count) subscriber.onNext(this.index++);
    }
    this.cancelled = true;
    if (!this.f.leakSubscribers && !this.f.requestRevives) this.subscriber = null;
    if (this.f.completeFromCancel && this.count === 10 && !this.done) {
      this.done = true;
      this.keep.onComplete();
    }
  }

  drain(): void {
    if (this.emitting && !this.f.recursive) return;
    this.emitting = true;
    try {
      for (;;) {
        const ignoreCancel = this.f.ignoreCancelWhenUnbounded === true && this.requested === Infinity;
        const subscriber = this.cancelled && !ignoreCancel ? null : ignoreCancel ? this.keep : this.subscriber;
        if (subscriber === null || this.done) return;
        if (this.invalid !== null) {
          this.done = true;
          subscriber.onError(this.invalid);
          return;
        }
        if (this.index >= this.count || this.earlyEnd()) {
          const leftover = this.requested;
          if (this.f.noCompletionWithLeftoverDemand && this.count === 3 && leftover >= 1 && leftover <= 1000) return;
          if (this.f.lazyCompletionForOne && this.count === 1 && this.totalRequested < 10) return;
          this.done = true;
          subscriber.onComplete();
          if (this.f.lateSecondCompletion && this.count === 3) setTimeout(() => subscriber.onComplete(), 1);
          return;
        }
        if (this.requested === 0) return;
        if (this.requested !== Infinity) this.requested--;
        if (this.f.nullElementForTen && this.count === 10 && this.index === 0 && this.totalRequested >= 10) {
          this.index++;
          subscriber.onNext(null as unknown as number);
          continue;
        }
        subscriber.onNext(this.index++);
      }
    } finally {
      this.emitting = false;
    }
  }

  private earlyEnd(): boolean {
    return this.f.shortWhenOneByOne === true && this.count === 3 && this.index === 2 && this.maxOutstanding <= 1;
  }
}

/** A failed publisher, optionally broken. */
export function failedPublisher(fault?: 'errorBeforeOnSubscribe' | 'secondErrorLater'): Publisher<number> {
  return {
    subscribe(subscriber) {
      if (subscriber == null) throw new TypeError('§1.9: subscriber is required');
      const error = new Error('failed');
      if (fault === 'errorBeforeOnSubscribe') {
        subscriber.onError(error);
        subscriber.onSubscribe({ request() {}, cancel() {} });
        return;
      }
      subscriber.onSubscribe({ request() {}, cancel() {} });
      subscriber.onError(error);
      if (fault === 'secondErrorLater') setTimeout(() => subscriber.onError(new Error('again')), 1);
    },
  };
}

/** Ignores demand and cancellation: emits forever, synchronously, from the first request. */
export class FirehosePublisher implements Publisher<number> {
  subscribe(subscriber: Subscriber<number>): void {
    if (subscriber == null) throw new TypeError('§1.9: subscriber is required');
    let started = false;
    subscriber.onSubscribe({
      request() {
        if (started) return;
        started = true;
        for (let i = 0; ; i++) subscriber.onNext(i);
      },
      cancel() {},
    });
  }
}

/**
 * An infinite asynchronous publisher that ignores cancel once demand is unbounded: it keeps emitting batches of 64 on
 * macrotasks. Bounded so it cannot disturb the tests that follow: it stops by itself after 20 000 elements.
 */
export class UnstoppableAsyncPublisher implements Publisher<number> {
  subscribe(subscriber: Subscriber<number>): void {
    if (subscriber == null) throw new TypeError('§1.9: subscriber is required');
    let requested = 0;
    let cancelled = false;
    let index = 0;
    let scheduled = false;
    const pump = () => {
      scheduled = false;
      for (let i = 0; i < 64 && index < 20_000; i++) {
        if (cancelled && requested !== Infinity) return; // honours cancel only under bounded demand
        if (requested === 0) return;
        if (requested !== Infinity) requested--;
        subscriber.onNext(index++);
      }
      if (index < 20_000) schedule();
    };
    const schedule = () => {
      if (!scheduled) {
        scheduled = true;
        setImmediate(pump);
      }
    };
    subscriber.onSubscribe({
      request(n) {
        if (!(n > 0)) return;
        requested = requested + n >= Number.MAX_SAFE_INTEGER ? Infinity : requested + n;
        schedule();
      },
      cancel() {
        cancelled = true;
      },
    });
  }
}
