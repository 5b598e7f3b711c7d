import type { Subscriber } from '../spec/Subscriber';
import type { Subscription } from '../spec/Subscription';

export interface TestSubscriberOptions<T> {
  /** Demand requested inside onSubscribe: a number, 'unbounded', or 0 (default) to request manually. */
  initialRequest?: number | 'unbounded';
  /** Called after each recorded onNext, for reentrant scripts (request or cancel from inside onNext). */
  onNext?: (value: T, subscriber: TestSubscriber<T>) => void;
  /** Called after onSubscribe was recorded (and after the initial request). */
  onSubscribe?: (subscriber: TestSubscriber<T>) => void;
}

/**
 * A Subscriber that records every signal in both directions as a flat, comparable log
 * (`['request(2)', 'next(1)', 'next(2)', 'complete']`) and notes every rule violation it observes instead of
 * throwing, so a test can assert `violations` is empty and see the whole story in a diff.
 */
export class TestSubscriber<T> implements Subscriber<T> {
  readonly log: string[] = [];
  readonly values: T[] = [];
  readonly violations: string[] = [];
  subscription: Subscription | null = null;
  error: Error | null = null;
  completed = false;
  /** Total demand requested through this subscriber (Infinity once unbounded). */
  requested = 0;
  private readonly options: TestSubscriberOptions<T>;
  private onNextDepth = 0;
  /** The deepest nesting of onNext inside onNext observed (1 = never reentrant). */
  maxOnNextDepth = 0;
  /** Set to stop recording into `log` (for very long runs); values and counters are still kept unless `keepValues` is false. */
  recordLog = true;
  keepValues = true;
  count = 0;

  constructor(options: TestSubscriberOptions<T> | number | 'unbounded' = {}) {
    this.options = typeof options === 'object' ? options : { initialRequest: options };
  }

  get terminated(): boolean {
    return this.completed || this.error !== null;
  }

  onSubscribe(subscription: Subscription): void {
    if (subscription == null) throw new TypeError('§2.13: onSubscribe(null)');
    if (this.subscription !== null) {
      this.violations.push('§2.12: onSubscribe called twice');
      subscription.cancel();
      return;
    }
    this.subscription = subscription;
    this.push('subscribe');
    const initial = this.options.initialRequest ?? 0;
    if (initial === 'unbounded') this.request(Infinity);
    else if (initial !== 0) this.request(initial);
    this.options.onSubscribe?.(this);
  }

  onNext(value: T): void {
    if (value == null) throw new TypeError(`§2.13: onNext(${value})`);
    if (this.subscription === null) this.violations.push(`§1.9: onNext(${String(value)}) before onSubscribe`);
    if (this.terminated) this.violations.push(`§1.7: onNext(${String(value)}) after a terminal signal`);
    if (this.count >= this.requested) {
      this.violations.push(`§1.1: onNext(${String(value)}) beyond demand: requested ${this.requested}, received ${this.count + 1}`);
    }
    this.count++;
    if (this.keepValues) this.values.push(value);
    this.push(`next(${String(value)})`);
    this.onNextDepth++;
    if (this.onNextDepth > this.maxOnNextDepth) this.maxOnNextDepth = this.onNextDepth;
    try {
      this.options.onNext?.(value, this);
    } finally {
      this.onNextDepth--;
    }
  }

  onError(error: Error): void {
    if (error == null) throw new TypeError(`§2.13: onError(${error})`);
    if (this.subscription === null) this.violations.push('§1.9: onError before onSubscribe');
    if (this.terminated) this.violations.push(`§1.7: onError(${error.message}) after a terminal signal`);
    this.error = error;
    this.push(`error(${error.name}: ${error.message})`);
  }

  onComplete(): void {
    if (this.subscription === null) this.violations.push('§1.9: onComplete before onSubscribe');
    if (this.terminated) this.violations.push('§1.7: onComplete after a terminal signal');
    this.completed = true;
    this.push('complete');
  }

  request(n: number): void {
    if (this.subscription === null) throw new Error('TestSubscriber.request before onSubscribe');
    this.push(`request(${n})`);
    if (n > 0) this.requested = this.requested + n >= Number.MAX_SAFE_INTEGER ? Infinity : this.requested + n;
    this.subscription.request(n);
  }

  cancel(): void {
    if (this.subscription === null) throw new Error('TestSubscriber.cancel before onSubscribe');
    this.push('cancel');
    this.subscription.cancel();
  }

  private push(entry: string): void {
    if (this.recordLog) this.log.push(entry);
  }
}
