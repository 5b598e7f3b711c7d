import type { Publisher } from '../spec/Publisher';
import type { Subscriber } from '../spec/Subscriber';
import type { Subscription } from '../spec/Subscription';

export interface TestPublisherOptions {
  /**
   * Reactor's `TestPublisher.Violation`: let the publisher break a rule on purpose so a test can check that the
   * stage under test contains it. By default `next` beyond demand, after a terminal signal or with a nullish value
   * throws (a bug in the test script, not a scenario).
   */
  allow?: { overDelivery?: boolean; afterTerminal?: boolean; nulls?: boolean; ignoreCancel?: boolean };
}

/**
 * A manually driven upstream. It records `request(n)` and `cancel` calls, and emits only when the test says so.
 * It is a plain Publisher (not a Flow), so sluice treats it as foreign and wraps it in its boundary adapter, the
 * same way it treats any third-party publisher.
 */
export class TestPublisher<T> implements Publisher<T> {
  /** Every request(n) received, in order, raw (invalid values included). */
  readonly requests: number[] = [];
  cancelled = false;
  subscriber: Subscriber<T> | null = null;
  subscriberCount = 0;
  /** Outstanding demand: requested minus emitted. */
  outstanding = 0;
  terminated = false;
  private readonly allow: NonNullable<TestPublisherOptions['allow']>;

  constructor(options: TestPublisherOptions = {}) {
    this.allow = options.allow ?? {};
  }

  /** Sum of all valid requests (Infinity once unbounded). */
  get totalRequested(): number {
    let total = 0;
    for (const n of this.requests) if (n > 0) total += n;
    return total >= Number.MAX_SAFE_INTEGER ? Infinity : total;
  }

  subscribe(subscriber: Subscriber<T>): void {
    if (subscriber == null) throw new TypeError('§1.9: subscribe(null)');
    this.subscriber = subscriber;
    this.subscriberCount++;
    this.cancelled = false;
    this.terminated = false;
    const subscription: Subscription = {
      request: (n: number) => {
        this.requests.push(n);
        if (n > 0) this.outstanding = this.outstanding + n >= Number.MAX_SAFE_INTEGER ? Infinity : this.outstanding + n;
      },
      cancel: () => {
        this.cancelled = true;
      },
    };
    subscriber.onSubscribe(subscription);
  }

  next(...values: T[]): this {
    for (const value of values) {
      const subscriber = this.requireSubscriber('next');
      if (this.cancelled && !this.allow.ignoreCancel) continue;
      if (value == null && !this.allow.nulls) throw new Error('TestPublisher.next(null): enable allow.nulls to test that');
      if (this.terminated && !this.allow.afterTerminal) throw new Error('TestPublisher.next after a terminal signal');
      if (this.outstanding <= 0 && !this.allow.overDelivery) {
        throw new Error(`TestPublisher.next(${String(value)}) without demand: enable allow.overDelivery to test that`);
      }
      this.outstanding--;
      subscriber.onNext(value);
    }
    return this;
  }

  complete(): void {
    const subscriber = this.requireSubscriber('complete');
    if (this.terminated && !this.allow.afterTerminal) throw new Error('TestPublisher.complete after a terminal signal');
    this.terminated = true;
    subscriber.onComplete();
  }

  error(error: Error): void {
    const subscriber = this.requireSubscriber('error');
    if (this.terminated && !this.allow.afterTerminal) throw new Error('TestPublisher.error after a terminal signal');
    this.terminated = true;
    subscriber.onError(error);
  }

  private requireSubscriber(what: string): Subscriber<T> {
    if (this.subscriber === null) throw new Error(`TestPublisher.${what} before anyone subscribed`);
    return this.subscriber;
  }
}
