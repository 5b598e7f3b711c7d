import type { TestEnvironment } from '../environment';
import { describeThrown, fail, skip } from '../harness/errors';
import { TckSubscriber, type TckSubscriberOptions } from '../harness/TckSubscriber';
import type { Publisher } from '../spec';

/** `maxElementsFromPublisher` value of a publisher that can never signal onComplete (JVM: `Long.MAX_VALUE`). */
export const PUBLISHER_UNABLE_TO_SIGNAL_ON_COMPLETE = Number.MAX_SAFE_INTEGER;

/** What a library author supplies to verify a Publisher (the JVM TCK's `PublisherVerification` overrides). */
export interface PublisherVerificationOptions<T> {
  /**
   * A publisher of exactly `elements` elements that then completes. `Number.MAX_SAFE_INTEGER` (or more) means
   * unbounded. Called with 0 by the §1.9 tests even for publishers that never complete.
   */
  createPublisher(elements: number): Publisher<T>;
  /** A publisher that signals onSubscribe then onError. Return `null` (or omit) to skip the two tests that need it. */
  createFailedPublisher?: (() => Publisher<T> | null) | null | undefined;
  /**
   * The most elements `createPublisher` can produce (default `Number.MAX_SAFE_INTEGER - 1`). Tests needing more are
   * skipped; `PUBLISHER_UNABLE_TO_SIGNAL_ON_COMPLETE` (or `Infinity`) also skips every test that needs onComplete.
   */
  maxElementsFromPublisher?: number | (() => number) | undefined;
  /** How deep `request` → `onNext` may recurse synchronously (§3.3); default 1. */
  boundedDepthOfOnNextAndRequestRecursion?: number | (() => number) | undefined;
  /** Skip `stochastic_spec103` (default false; in JavaScript it is deterministic, so there is rarely a reason). */
  skipStochasticTests?: boolean | undefined;
}

export function readNumber(value: number | (() => number) | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  return typeof value === 'function' ? value() : value;
}

/** State shared by the steps of one publisher test: the options, the environment and the subscribers to clean up. */
export class PublisherTestContext<T> {
  private readonly tracked = new Set<TckSubscriber<T>>();

  constructor(
    readonly env: TestEnvironment,
    readonly options: PublisherVerificationOptions<T>,
  ) {}

  get maxElements(): number {
    const max = readNumber(this.options.maxElementsFromPublisher, Number.MAX_SAFE_INTEGER - 1);
    return max >= Number.MAX_SAFE_INTEGER ? PUBLISHER_UNABLE_TO_SIGNAL_ON_COMPLETE : max;
  }

  get boundedDepth(): number {
    return readNumber(this.options.boundedDepthOfOnNextAndRequestRecursion, 1);
  }

  /** A probe subscriber that is cancelled at the end of the test if still active. */
  newSubscriber(options: TckSubscriberOptions<T> = {}): TckSubscriber<T> {
    const subscriber = new TckSubscriber<T>(this.env, options);
    this.tracked.add(subscriber);
    return subscriber;
  }

  /** A probe subscriber the context does not keep (the §3.13 test must hold no strong reference). */
  untrackedSubscriber(options: TckSubscriberOptions<T> = {}): TckSubscriber<T> {
    return new TckSubscriber<T>(this.env, options);
  }

  /** `createPublisher(elements)` with the JVM preconditions: too many elements or a needed completion → skip. */
  createPublisher(rule: string, elements: number, completionRequired: boolean): Publisher<T> {
    const max = this.maxElements;
    if (elements > max) {
      skip(`Unable to run this test, as required elements nr: ${elements} is higher than supported by given producer: ${max}`);
    }
    if (completionRequired && max === PUBLISHER_UNABLE_TO_SIGNAL_ON_COMPLETE) {
      skip('This test requires an onComplete signal, which this Publisher is unable to provide (maxElementsFromPublisher says it never completes)');
    }
    let publisher: Publisher<T>;
    try {
      publisher = this.options.createPublisher(elements);
    } catch (error) {
      return fail(rule, `setup: createPublisher(${elements}) threw ${describeThrown(error)}`);
    }
    if (publisher == null || typeof (publisher as Publisher<T>).subscribe !== 'function') {
      fail(rule, `setup: createPublisher(${elements}) returned ${String(publisher)}, not a Publisher`);
    }
    return publisher;
  }

  /** `createFailedPublisher()`, or a skip when the implementation provides none. */
  createFailedPublisher(rule: string): Publisher<T> {
    const factory = this.options.createFailedPublisher;
    let publisher: Publisher<T> | null = null;
    if (typeof factory === 'function') {
      try {
        publisher = factory();
      } catch (error) {
        fail(rule, `setup: createFailedPublisher() threw ${describeThrown(error)}`);
      }
    }
    if (publisher == null) {
      skip('Skipping because no error state Publisher provided, and the test requires it. Provide createFailedPublisher to run this test.');
    }
    return publisher;
  }

  /** Subscribes and waits up to T for onSubscribe (the JVM's `env.subscribe`); `subscribe` throwing is a §1.9 failure. */
  async subscribe(rule: string, publisher: Publisher<T>, subscriber: TckSubscriber<T>): Promise<TckSubscriber<T>> {
    try {
      publisher.subscribe(subscriber);
    } catch (error) {
      // §1.9 is required whatever test subscribed: in an optional test (a second subscriber, §1.11) it still fails
      subscriber.failWith('1.9', `subscribe() threw ${describeThrown(error)} instead of returning normally and signalling through the subscriber (a publisher that cannot serve a subscriber calls onSubscribe, then onError)`, { required: true });
    }
    await subscriber.expectSubscription(rule);
    return subscriber;
  }

  /** New tracked subscriber, subscribed. */
  async subscribeNew(rule: string, publisher: Publisher<T>, options: TckSubscriberOptions<T> = {}): Promise<TckSubscriber<T>> {
    return this.subscribe(rule, publisher, this.newSubscriber(options));
  }

  /** Fails on the first violation any tracked subscriber recorded (the JVM's `verifyNoAsyncErrorsNoDelay`). */
  verify(rule: string): void {
    for (const s of this.tracked) s.verify(rule);
  }

  /** Cancels every still-active tracked subscription (stops unbounded publishers between tests). */
  cleanup(): void {
    for (const s of this.tracked) {
      if (s.subscription !== null && !s.cancelled && !s.isTerminated()) {
        try {
          s.subscription.cancel();
        } catch {
          // already reported by the test, if relevant
        }
      }
      s.dispose();
    }
    this.tracked.clear();
  }
}
