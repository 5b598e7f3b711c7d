import type { TestEnvironment } from '../environment';
import type { Subscriber, Subscription } from '../spec';
import { activity } from './activity';
import { describeThrown, fail, show, showList, TckFailure, type FailureDetails } from './errors';
import { Signal, waitUntil } from './time';

/** Unrequested elements tolerated before the TCK cancels a publisher that ignores demand (JVM: 2 × 16 buffered). */
export const SIGNAL_BUDGET = 32;

/**
 * Elements tolerated after the TCK's own cancel() (§3.12 lets cancellation take effect "eventually"). Past this the
 * test fails, and past twice this the TCK throws into the publisher's emit loop: under unbounded demand a publisher
 * that ignores cancel would otherwise run until memory or patience runs out (one ran 2^31 - 1 elements).
 */
export const CANCEL_BUDGET = 1024;

export interface TckSubscriberOptions<T> {
  /** The publisher was created with this many elements: more is a violation (and a budget for endless publishers). */
  maxElements?: number;
  /** Runs inside `onSubscribe`, after the subscription was stored (e.g. request from onSubscribe, §3.2). */
  onSubscribe?: (subscriber: TckSubscriber<T>) => void;
  /** Runs inside `onNext`, after the element was recorded (e.g. request from onNext, §3.2/§3.3). */
  onNext?: (value: T, subscriber: TckSubscriber<T>) => void;
  /** Keep no elements, only count them (the §3.17 overflow test). */
  discardElements?: boolean;
}

interface Violation {
  readonly rule: string;
  readonly text: string;
}

/**
 * The TCK's probe subscriber (the JVM TCK's `ManualSubscriber` with error collection). It records what it received
 * and every call it made on its subscription, checks each signal against the rules as it arrives (§1.1, §1.3, §1.7,
 * §1.9, §2.13), and offers `expect*` methods that wait on real timers but resolve as soon as the awaited signal comes.
 *
 * Violations seen inside signal methods are recorded (never thrown into the publisher) and surface at the next
 * `expect*`/`verify` call, with the call sequence that led to them. The one exception is the signal budget: a
 * publisher that keeps emitting after the TCK cancelled it because it ignored demand gets an exception thrown into its
 * emit loop, so a synchronous publisher cannot hang the event loop forever.
 */
export class TckSubscriber<T> implements Subscriber<T> {
  subscription: Subscription | null = null;
  /** The subscriber's own calls, in order: `request(2)`, `cancel()`. Printed with every failure. */
  readonly calls: string[] = [];
  readonly received: T[] = [];
  /** Number of elements received (also counts discarded ones). */
  count = 0;
  /** How many received elements the test has already taken with `expectNext`. */
  consumed = 0;
  completions = 0;
  /** Completions already taken by `expectCompletion` (a second one is always a §1.7 violation). */
  completionsConsumed = 0;
  readonly errors: unknown[] = [];
  /** Errors already taken by `expectError`. */
  errorsConsumed = 0;
  /** Total demand signalled; `Infinity` once unbounded. */
  requested = 0;
  cancelled = false;
  onSubscribeCount = 0;
  /** Current and deepest synchronous onNext nesting (§3.3). */
  onNextDepth = 0;
  maxOnNextDepth = 0;
  readonly changed = new Signal();
  private readonly violations: Violation[] = [];
  private signalDepth = 0;
  private signalName = '';
  private requestDepth = 0;
  private overBudget = 0;
  private overDemandSeen = false;
  /** Elements that arrived after this subscriber called cancel(). */
  afterCancel = 0;

  constructor(
    private readonly env: TestEnvironment,
    private readonly options: TckSubscriberOptions<T> = {},
  ) {}

  // ---- the Subscriber side (called by the publisher under test) ------------------------------------------------

  onSubscribe(subscription: Subscription): void {
    this.enter('onSubscribe');
    try {
      this.onSubscribeCount++;
      if (subscription == null) {
        this.violate('1.9', `onSubscribe(${show(subscription)}): the publisher passed no Subscription`);
        return;
      }
      if (this.onSubscribeCount > 1) {
        this.violate('1.9', `onSubscribe was called ${this.onSubscribeCount} times for one subscribe()`);
        return;
      }
      if (this.count > 0 || this.isTerminated()) {
        this.violate('1.9', 'onSubscribe arrived after other signals');
      }
      this.subscription = subscription;
      this.options.onSubscribe?.(this);
    } finally {
      this.leave();
    }
  }

  onNext(value: T): void {
    this.enter('onNext');
    this.onNextDepth++;
    if (this.onNextDepth > this.maxOnNextDepth) this.maxOnNextDepth = this.onNextDepth;
    try {
      if (this.subscription === null) this.violate('1.9', `onNext(${show(value)}) was called before onSubscribe`);
      if (this.isTerminated()) {
        this.violate('1.7', `onNext(${show(value)}) after ${this.completions > 0 ? 'onComplete' : 'onError'}`);
      }
      if (value == null) this.violate('2.13', `the publisher emitted ${show(value)} as an element (null/undefined are never elements)`);
      this.count++;
      if (!this.options.discardElements) this.received.push(value);
      if (this.count > this.requested) {
        this.overBudget++;
        if (!this.overDemandSeen) {
          this.overDemandSeen = true;
          this.violate('1.1', `requested ${this.requested} element${this.requested === 1 ? '' : 's'}, received ${this.count}: ${showList(this.received)}`);
        }
      } else if (this.options.maxElements !== undefined && this.count > this.options.maxElements) {
        this.overBudget++;
        if (this.overBudget === 1) {
          this.violate('1.2', `createPublisher(${this.options.maxElements}) must produce exactly ${this.options.maxElements} elements, received ${this.count}: ${showList(this.received)}`);
        }
      }
      if (this.overBudget >= SIGNAL_BUDGET) this.enforceBudget();
      if (this.cancelled) this.enforceCancelBudget();
      this.options.onNext?.(value, this);
    } finally {
      this.onNextDepth--;
      this.leave();
    }
  }

  onError(error: Error): void {
    this.enter('onError');
    try {
      if (this.subscription === null) this.violate('1.9', `onError(${show(error)}) was called before onSubscribe`);
      if (this.isTerminated()) this.violate('1.7', `onError(${show(error)}) after ${this.completions > 0 ? 'onComplete' : 'onError'}`);
      if (error == null) this.violate('2.13', `onError(${show(error)}): the publisher signalled no error object`);
      this.errors.push(error);
    } finally {
      this.leave();
    }
  }

  onComplete(): void {
    this.enter('onComplete');
    try {
      if (this.subscription === null) this.violate('1.9', 'onComplete was called before onSubscribe');
      if (this.isTerminated()) this.violate('1.7', `onComplete after ${this.completions > 0 ? 'onComplete' : 'onError'}`);
      this.completions++;
    } finally {
      this.leave();
    }
  }

  // ---- the subscriber's own calls ---------------------------------------------------------------------------

  /** `subscription.request(n)`, recorded; a throw is a §3.16 violation (request must return normally). */
  request(n: number): void {
    this.calls.push(`request(${show(n)})`);
    activity(`inside the subject's subscription.request(${show(n)})`);
    if (typeof n === 'number' && n > 0 && (Number.isInteger(n) || n === Infinity)) {
      this.requested = this.requested + n >= Number.MAX_SAFE_INTEGER ? Infinity : this.requested + n;
    }
    const subscription = this.requireSubscription(`request(${show(n)})`);
    this.requestDepth++;
    try {
      subscription.request(n);
    } catch (error) {
      if (!(error instanceof TckFailure)) this.violate('3.16', `request(${show(n)}) threw ${describeThrown(error)} instead of returning normally`);
    } finally {
      this.requestDepth--;
    }
  }

  /** `subscription.cancel()`, recorded; a throw is a §3.15 violation. Signals delivered inside it are not excused by §3.10. */
  cancel(): void {
    this.calls.push('cancel()');
    activity("inside the subject's subscription.cancel()");
    this.cancelled = true;
    const subscription = this.requireSubscription('cancel()');
    try {
      subscription.cancel();
    } catch (error) {
      if (!(error instanceof TckFailure)) this.violate('3.15', `cancel() threw ${describeThrown(error)} instead of returning normally`);
    }
  }

  // ---- expectations (awaited by tests) ------------------------------------------------------------------------

  /** Waits up to T for the next element and returns it. */
  async expectNext(rule: string, what = 'an element'): Promise<T> {
    const env = this.env;
    activity(`waiting up to ${env.defaultTimeoutMillis} ms for ${what}`);
    await waitUntil(this.changed, () => this.count > this.consumed || this.isTerminated() || this.violations.length > 0, env.defaultTimeoutMillis);
    this.throwIfViolated(rule);
    if (this.count > this.consumed) {
      const value = this.received[this.consumed] as T;
      this.consumed++;
      return value;
    }
    if (this.completions > 0) this.failWith(rule, `expected ${what}, but the publisher signalled onComplete after ${showList(this.received)}`);
    if (this.errors.length > this.errorsConsumed) {
      this.failWith(rule, `expected ${what}, but the publisher signalled onError(${show(this.errors[this.errorsConsumed])})`);
    }
    return this.failWith(rule, `expected ${what} within ${env.defaultTimeoutMillis} ms, received none (so far ${showList(this.received)})`);
  }

  /** Waits for `n` elements (T each). */
  async expectNextN(rule: string, n: number): Promise<T[]> {
    const values: T[] = [];
    for (let i = 0; i < n; i++) values.push(await this.expectNext(rule, `element ${i + 1} of ${n}`));
    return values;
  }

  /** Waits up to T for onComplete; an element or an error instead fails. */
  async expectCompletion(rule: string, what = 'onComplete'): Promise<void> {
    const env = this.env;
    activity(`waiting up to ${env.defaultTimeoutMillis} ms for ${what}`);
    await waitUntil(this.changed, () => this.count > this.consumed || this.isTerminated() || this.violations.length > 0, env.defaultTimeoutMillis);
    this.throwIfViolated(rule);
    if (this.count > this.consumed) {
      this.failWith(rule, `expected ${what}, but received element ${show(this.received[this.consumed])} (all: ${showList(this.received)})`);
    }
    if (this.completions > 0) {
      this.completionsConsumed = this.completions;
      return;
    }
    if (this.errors.length > this.errorsConsumed) this.failWith(rule, `expected ${what}, but the publisher signalled onError(${show(this.errors[this.errorsConsumed])})`);
    this.failWith(rule, `expected ${what} within ${env.defaultTimeoutMillis} ms, but it did not arrive`);
  }

  /** Waits up to T (re-checking every Pl) for onError with an error of the given class; returns it. */
  async expectError<E extends Error>(rule: string, errorClass: new (...args: any[]) => E, what?: string): Promise<E> {
    const env = this.env;
    const name = errorClass.name;
    activity(`waiting up to ${env.defaultTimeoutMillis} ms for onError(${name})${what ? ` ${what}` : ''}`);
    await waitUntil(this.changed, () => this.errors.length > this.errorsConsumed || this.completions > 0 || this.violations.length > 0, env.defaultTimeoutMillis, env.defaultPollTimeoutMillis);
    this.throwIfViolated(rule);
    if (this.errors.length > this.errorsConsumed) {
      const error = this.errors[this.errorsConsumed++];
      if (error instanceof errorClass) return error;
      this.failWith(rule, `expected onError(${name})${what ? ` ${what}` : ''}, but got onError(${show(error)})`);
    }
    if (this.completions > 0) this.failWith(rule, `expected onError(${name})${what ? ` ${what}` : ''}, but the publisher signalled onComplete`);
    return this.failWith(rule, `expected onError(${name})${what ? ` ${what}` : ''} within ${env.defaultTimeoutMillis} ms, but it did not arrive`);
  }

  /**
   * Watches for N ms: any element the test has not taken with `expectNext`, or any completion/error it has not
   * taken, fails, including ones that arrived synchronously before the window (as the JVM TCK's receive buffer does).
   * `after` says what preceded the window.
   */
  async expectNone(rule: string, after: string): Promise<void> {
    const unexpected = () => this.count > this.consumed || this.completions > this.completionsConsumed || this.errors.length > this.errorsConsumed;
    activity(`watching ${this.env.defaultNoSignalsTimeoutMillis} ms for no signal ${after}`);
    await waitUntil(this.changed, () => unexpected() || this.violations.length > 0, this.env.defaultNoSignalsTimeoutMillis);
    this.throwIfViolated(rule);
    if (this.count > this.consumed) {
      this.failWith(rule, `expected no element ${after}, received ${this.count - this.consumed}: ${showList(this.received.slice(this.consumed))}`);
    }
    if (this.completions > this.completionsConsumed) this.failWith(rule, `expected no signal ${after}, but received onComplete`);
    if (this.errors.length > this.errorsConsumed) this.failWith(rule, `expected no signal ${after}, but received onError(${show(this.errors[this.errorsConsumed])})`);
  }

  /** Fails if a violation was recorded or an onError arrived that no expectation took. */
  verify(rule: string): void {
    this.throwIfViolated(rule);
    if (this.errors.length > this.errorsConsumed) this.failWith(rule, `unexpected onError(${show(this.errors[this.errorsConsumed])})`);
  }

  /** Waits until onSubscribe arrived (T). Used right after `subscribe` (the JVM TCK's `env.subscribe`). */
  async expectSubscription(rule: string): Promise<void> {
    activity(`waiting up to ${this.env.defaultTimeoutMillis} ms for onSubscribe`);
    await waitUntil(this.changed, () => this.subscription !== null || this.violations.length > 0, this.env.defaultTimeoutMillis);
    this.throwIfViolated(rule);
    if (this.subscription === null) this.failWith(rule, `could not subscribe: onSubscribe was not called within ${this.env.defaultTimeoutMillis} ms`);
  }

  isTerminated(): boolean {
    return this.completions > 0 || this.errors.length > 0;
  }

  /** " calls: request(1), cancel()" for messages. */
  describeCalls(): string {
    return this.calls.length === 0 ? 'calls: none' : `calls: ${this.calls.join(', ')}`;
  }

  firstViolation(): string | null {
    const v = this.violations[0];
    return v ? `§${v.rule}: ${v.text}` : null;
  }

  /** Releases waiters and the subscription (the §3.13 test must not keep the subscriber reachable from timers). */
  dispose(): void {
    this.changed.clear();
  }

  // ---- internals -------------------------------------------------------------------------------------------

  /**
   * Fails the test with `text`, the calls made, and everything else observed: every recorded violation (not only the
   * first) and, when more elements arrived than were requested, the final tally, so a message never shows an early
   * snapshot ("received 4") while 35 elements came for request(10).
   */
  failWith(rule: string, text: string, details: FailureDetails = {}): never {
    const violations = this.allViolations();
    const extra: string[] = [];
    const others = violations.filter((v) => !text.includes(v.replace(/^§[\d.]+: /, '')));
    if (others.length > 0) extra.push(`also observed: ${others.slice(0, 5).join(' | ')}${others.length > 5 ? ` | … ${others.length - 5} more` : ''}`);
    if (this.count > this.requested) extra.push(`in total ${this.count} elements arrived for a demand of ${this.requested} (§1.1)`);
    if (this.afterCancel > 0) extra.push(`${this.afterCancel} element${this.afterCancel === 1 ? '' : 's'} arrived after cancel()`);
    const tail = extra.length > 0 ? `; ${extra.join('; ')}` : '';
    return fail(rule, `${text}; ${this.describeCalls()}${tail}`, { violations, ...details });
  }

  /** Every violation recorded, as `§x.y: text`, without repeats. */
  allViolations(): string[] {
    return [...new Set(this.violations.map((v) => `§${v.rule}: ${v.text}`))];
  }

  private throwIfViolated(rule: string): void {
    const v = this.violations[0];
    if (!v) return;
    // a recorded violation is always a broken REQUIRED rule (§1.1, §1.3, §1.7, §1.9, §2.13, §3.12, §3.15, §3.16)
    if (v.rule === rule) this.failWith(rule, v.text, { required: true });
    this.failWith(rule, `violated §${v.rule}: ${v.text}`, { required: true });
  }

  violate(rule: string, text: string): void {
    this.violations.push({ rule, text });
    this.changed.notify();
  }

  private requireSubscription(call: string): Subscription {
    if (this.subscription === null) throw new TckFailure(`setup: ${call} before onSubscribe (TCK bug or publisher violated §1.9)`);
    return this.subscription;
  }

  private enter(name: string): void {
    // §1.3 (JavaScript form): a signal may start while another one is still running only if the running handler
    // called this subscriber's own request (§3.2/§3.10/§3.11 allow synchronous delivery from request).
    if (this.signalDepth > 0 && this.requestDepth === 0) {
      this.violate('1.3', `${name} was delivered while ${this.signalName} was still running, and not from inside this subscriber's own request() call`);
    }
    this.signalDepth++;
    this.signalName = name;
  }

  private leave(): void {
    this.signalDepth--;
    this.changed.notify();
  }

  /**
   * The publisher ignores demand. Cancel it once; if it keeps going, throw into its emit loop: a synchronous
   * publisher would otherwise never yield and no TCK timeout could fire.
   */
  /**
   * Elements keep coming after cancel() (§3.12 / §1.8): fail past CANCEL_BUDGET, and past twice that throw into the
   * emit loop, which is the only way to stop a synchronous publisher under unbounded demand.
   */
  private enforceCancelBudget(): void {
    this.afterCancel++;
    if (this.afterCancel === CANCEL_BUDGET + 1) {
      this.violate('3.12', `the publisher kept signalling after cancel(): more than ${CANCEL_BUDGET} elements arrived after it (§1.8: a cancelled subscriber must eventually stop receiving signals)`);
    }
    // Only a publisher emitting inside the TCK's own request() can be stopped by a throw, which request() then
    // catches; thrown from an asynchronous emit loop it would be an uncaught exception in the process under test.
    if (this.afterCancel > 2 * CANCEL_BUDGET && this.requestDepth > 0) {
      throw new TckFailure(`§3.12: the publisher ignored cancel() (more than ${2 * CANCEL_BUDGET} elements after it); the TCK stops it`);
    }
  }

  private enforceBudget(): void {
    if (!this.cancelled && this.subscription !== null) {
      this.calls.push('cancel() [TCK: signal budget exceeded]');
      this.cancelled = true;
      try {
        this.subscription.cancel();
      } catch {
        // recorded already as over-delivery; the budget is a last resort
      }
      return;
    }
    if (this.overBudget >= SIGNAL_BUDGET * 2) {
      throw new TckFailure(`§1.1: the publisher ignored demand and cancel (more than ${SIGNAL_BUDGET} unrequested signals); the TCK stops it`);
    }
  }
}
