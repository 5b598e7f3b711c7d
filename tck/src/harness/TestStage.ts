import type { TestEnvironment } from '../environment';
import type { Subscriber, Subscription } from '../spec';
import { describeThrown, fail, show } from './errors';
import { Signal, waitUntil } from './time';

/**
 * The TCK acting as the upstream of a subscriber under test (the JVM TCK's `ManualPublisher` / `WhiteboxTestStage`).
 * Tests call `sendNext`/`sendCompletion`/`sendError` synchronously; the stage records every `request`/`cancel` the
 * subscriber makes on the subscription it was given and flags throws from signal methods (§2.13) and invalid requests.
 */
export class TestStage<T> {
  subscriber: Subscriber<T> | null = null;
  readonly requests: number[] = [];
  private requestsConsumed = 0;
  cancellations = 0;
  /** Valid demand signalled minus elements sent; Infinity once unbounded. */
  outstanding = 0;
  sent = 0;
  readonly calls: string[] = [];
  readonly changed = new Signal();
  private readonly violations: string[] = [];

  readonly subscription: Subscription = {
    request: (n: number) => {
      this.calls.push(`request(${show(n)})`);
      if (this.cancellations > 0) return; // §3.6 after cancel requests are no-ops; not an error of the subscriber
      if (typeof n !== 'number' || !(n > 0) || (!Number.isInteger(n) && n !== Infinity)) {
        this.violations.push(`§2.1: the subscriber requested ${show(n)}; requests must be positive integers (or Infinity)`);
      } else {
        this.requests.push(n);
        const sum = this.outstanding + n;
        this.outstanding = sum >= Number.MAX_SAFE_INTEGER ? Infinity : sum;
      }
      this.changed.notify();
    },
    cancel: () => {
      this.calls.push('cancel()');
      this.cancellations++;
      this.changed.notify();
    },
  };

  constructor(
    private readonly env: TestEnvironment,
    private readonly createElement: (index: number) => T,
  ) {}

  /** Hands the stage's subscription to the subscriber (§1.9: onSubscribe first). */
  subscribe(subscriber: Subscriber<T>): void {
    this.subscriber = subscriber;
    this.invoke('onSubscribe', () => subscriber.onSubscribe(this.subscription));
  }

  /** Sends the next element (from `createElement`) and returns it. */
  sendNext(): T {
    let element: T;
    try {
      element = this.createElement(this.sent);
    } catch (error) {
      fail('2.1', `setup: createElement(${this.sent}) threw ${describeThrown(error)}`);
    }
    if (element == null) fail('2.13', `setup: createElement(${this.sent}) returned ${show(element)}; elements must not be null or undefined`);
    this.sent++;
    if (this.outstanding !== Infinity) this.outstanding--;
    const subscriber = this.requireSubscriber();
    this.invoke(`onNext(${show(element)})`, () => subscriber.onNext(element));
    return element;
  }

  sendCompletion(): void {
    const subscriber = this.requireSubscriber();
    this.invoke('onComplete()', () => subscriber.onComplete());
  }

  sendError(error: Error): void {
    const subscriber = this.requireSubscriber();
    this.invoke(`onError(${show(error)})`, () => subscriber.onError(error));
  }

  /** Waits up to T for the next `request(n)` and returns n. */
  async expectRequest(rule: string, what = 'a request(n) call'): Promise<number> {
    await waitUntil(this.changed, () => this.requests.length > this.requestsConsumed || this.violations.length > 0, this.env.defaultTimeoutMillis);
    this.verify(rule);
    if (this.requests.length > this.requestsConsumed) return this.requests[this.requestsConsumed++]!;
    return fail(rule, `did not receive the expected ${what} within ${this.env.defaultTimeoutMillis} ms; ${this.describeCalls()}`);
  }

  /** Waits up to T for `cancel()`. */
  async expectCancelling(rule: string): Promise<void> {
    await waitUntil(this.changed, () => this.cancellations > 0 || this.violations.length > 0, this.env.defaultTimeoutMillis);
    this.verify(rule);
    if (this.cancellations === 0) fail(rule, `expected the subscriber to cancel within ${this.env.defaultTimeoutMillis} ms; ${this.describeCalls()}`);
  }

  /** Fails on recorded violations (throws from signal methods, invalid requests). */
  verify(rule: string): void {
    const v = this.violations[0];
    if (v === undefined) return;
    fail(rule, `${v.startsWith(`§${rule}:`) ? v.slice(rule.length + 3) : `violated ${v}`}; ${this.describeCalls()}`);
  }

  /** "subscriber calls: request(1), cancel()" for messages. */
  describeCalls(): string {
    return this.calls.length === 0 ? 'subscriber calls: none' : `subscriber calls: ${this.calls.join(', ')}`;
  }

  record(violation: string): void {
    this.violations.push(violation);
    this.changed.notify();
  }

  private requireSubscriber(): Subscriber<T> {
    if (this.subscriber === null) throw new Error('TestStage: no subscriber');
    return this.subscriber;
  }

  /** §2.13: the subscriber's methods must return normally; a throw is recorded against it. */
  private invoke(what: string, call: () => void): void {
    try {
      call();
    } catch (error) {
      this.record(`§2.13: ${what} threw ${describeThrown(error)}; subscriber methods must return normally`);
    }
  }
}

/** A Subscription that only records, for the second-onSubscribe (§2.5) and the §2.3/§2.13 tests. */
export class RecordingSubscription implements Subscription {
  readonly calls: string[] = [];
  cancelled = false;
  readonly changed = new Signal();
  /** While true, any call is a §2.3 violation (we are inside onComplete/onError). */
  insideTerminal: string | null = null;
  readonly terminalCalls: string[] = [];

  request(n: number): void {
    this.calls.push(`request(${show(n)})`);
    if (this.insideTerminal !== null) this.terminalCalls.push(`request(${show(n)})`);
    this.changed.notify();
  }

  cancel(): void {
    this.calls.push('cancel()');
    if (this.insideTerminal !== null) this.terminalCalls.push('cancel()');
    this.cancelled = true;
    this.changed.notify();
  }
}
