import type { TestEnvironment } from '../environment';
import { describeThrown, fail, show } from '../harness/errors';
import type { WhiteboxSubscriberProbe } from '../harness/Probe';
import { RecordingSubscription, TestStage } from '../harness/TestStage';
import type { Subscriber } from '../spec';

/** What a library author supplies for the blackbox verification (JVM `SubscriberBlackboxVerification`). */
export interface SubscriberBlackboxVerificationOptions<T> {
  /** A fresh subscriber under test. */
  createSubscriber(): Subscriber<T>;
  /** The element for sequence number `index` (never null/undefined). */
  createElement(index: number): T;
  /** For subscribers that request only after an outside stimulus: make `subscriber` request (default: nothing). */
  triggerRequest?: ((subscriber: Subscriber<T>) => void) | undefined;
}

/** What a library author supplies for the whitebox verification (JVM `SubscriberWhiteboxVerification`). */
export interface SubscriberWhiteboxVerificationOptions<T> {
  /**
   * A fresh subscriber under test, instrumented to report to `probe`: `onSubscribe` calls
   * `probe.registerOnSubscribe(puppet)`, the other signal methods call `registerOnNext/OnError/OnComplete`.
   */
  createSubscriber(probe: WhiteboxSubscriberProbe<T>): Subscriber<T>;
  createElement(index: number): T;
  /**
   * @internal Set by the processor verification: the subscriber under test is a processor whose downstream cancels,
   * and a multicast processor need not cancel its upstream then (§3.14 permits it, nothing requires it).
   */
  upstreamCancelOptional?: boolean | undefined;
}

export function newStage<T>(env: TestEnvironment, createElement: (i: number) => T): TestStage<T> {
  return new TestStage<T>(env, createElement);
}

export function checked<S>(rule: string, what: string, create: () => S): S {
  let value: S;
  try {
    value = create();
  } catch (error) {
    return fail(rule, `setup: ${what} threw ${describeThrown(error)}`);
  }
  if (value == null || typeof (value as { onSubscribe?: unknown }).onSubscribe !== 'function') {
    fail(rule, `setup: ${what} returned ${show(value)}, not a Subscriber`);
  }
  return value;
}

/**
 * §2.3: gives `subscriber` a recording subscription, then calls the terminal method with an "inside" flag set; any
 * request/cancel made synchronously during it is a violation (the JVM inspects the stack; a flag is the JS analogue).
 */
export function checkNoCallsInTerminal<T>(rule: string, subscriber: Subscriber<T>, method: 'onComplete' | 'onError'): void {
  const subscription = new RecordingSubscription();
  subscriber.onSubscribe(subscription);
  subscription.insideTerminal = method;
  let threw: unknown = null;
  try {
    if (method === 'onComplete') subscriber.onComplete();
    else subscriber.onError(new Error('Test Exception: Boom!'));
  } catch (error) {
    threw = error;
  } finally {
    subscription.insideTerminal = null;
  }
  if (subscription.terminalCalls.length > 0) {
    fail(rule, `Subscription.${subscription.terminalCalls.join(', ')} was called from inside Subscriber.${method}; it MUST NOT call the subscription or publisher there`);
  }
  if (threw !== null) fail(rule, `violated §2.13: ${method} threw ${describeThrown(threw)}; subscriber methods must return normally`);
}

/** §2.13: `call(null)` and `call(undefined)` must each throw TypeError synchronously. */
export function checkThrowsTypeErrorOnNullish(rule: string, method: string, call: (nothing: null | undefined) => void): void {
  for (const nothing of [null, undefined]) {
    let threw = false;
    let thrown: unknown;
    try {
      call(nothing);
    } catch (error) {
      threw = true;
      thrown = error;
    }
    if (!threw) fail(rule, `${method}(${nothing}) returned normally; it must throw TypeError (the JavaScript counterpart of NullPointerException)`);
    if (!(thrown instanceof TypeError)) fail(rule, `${method}(${nothing}) threw ${describeThrown(thrown)}; expected a TypeError`);
  }
}
