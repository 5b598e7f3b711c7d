import type { TestEnvironment } from '../environment';
import { describeThrown, fail, TestException } from '../harness/errors';
import { BlackboxProxy } from '../harness/Probe';
import { RecordingSubscription } from '../harness/TestStage';
import { sleep, waitUntil } from '../harness/time';
import type { Subscriber, Subscription } from '../spec';
import { checked, checkNoCallsInTerminal, checkThrowsTypeErrorOnNullish, newStage, type SubscriberBlackboxVerificationOptions } from './context';

type Options = SubscriberBlackboxVerificationOptions<unknown>;
type Test = (options: Options, env: TestEnvironment) => Promise<void>;

function create(rule: string, options: Options): Subscriber<unknown> {
  return checked(rule, 'createSubscriber()', () => options.createSubscriber());
}

function trigger(rule: string, options: Options, subscriber: Subscriber<unknown>): void {
  if (!options.triggerRequest) return;
  try {
    options.triggerRequest(subscriber);
  } catch (error) {
    fail(rule, `setup: triggerRequest(subscriber) threw ${describeThrown(error)}`);
  }
}

/** The standard setup: the TCK's stage subscribes the (proxied) subscriber under test. */
function setup(rule: string, options: Options, env: TestEnvironment) {
  const subscriber = create(rule, options);
  const proxy = new BlackboxProxy<unknown>(subscriber, env);
  const stage = newStage(env, options.createElement);
  stage.subscribe(proxy);
  stage.verify(rule);
  return { subscriber, proxy, stage };
}

const noopSubscription: Subscription = { request() {}, cancel() {} };

export const BLACKBOX_TESTS: Record<string, Test> = {
  async required_spec201_blackbox_mustSignalDemandViaSubscriptionRequest(options, env) {
    const rule = '2.1';
    const { subscriber, stage } = setup(rule, options, env);
    trigger(rule, options, subscriber);
    const n = await stage.expectRequest(rule);
    // The JVM test means to emit min(n, 512) elements (its loop condition is inverted, reactive-streams-jvm#459);
    // this one emits up to min(n, 16) while demand lasts, then completes.
    const limit = Math.min(n, 16);
    for (let i = 0; i < limit && stage.outstanding > 0 && stage.cancellations === 0; i++) stage.sendNext();
    if (stage.cancellations === 0) stage.sendCompletion();
    await sleep(env.defaultNoSignalsTimeoutMillis);
    stage.verify(rule);
  },

  async required_spec203_blackbox_mustNotCallMethodsOnSubscriptionOrPublisherInOnComplete(options) {
    checkNoCallsInTerminal('2.3', create('2.3', options), 'onComplete');
  },

  async required_spec203_blackbox_mustNotCallMethodsOnSubscriptionOrPublisherInOnError(options) {
    checkNoCallsInTerminal('2.3', create('2.3', options), 'onError');
  },

  async required_spec205_blackbox_mustCallSubscriptionCancelIfItAlreadyHasAnSubscriptionAndReceivesAnotherOnSubscribeSignal(options, env) {
    const rule = '2.5';
    const { subscriber, stage } = setup(rule, options, env);
    const second = new RecordingSubscription();
    try {
      subscriber.onSubscribe(second);
    } catch (error) {
      fail(rule, `violated §2.13: onSubscribe(second subscription) threw ${describeThrown(error)}`);
    }
    await waitUntil(second.changed, () => second.cancelled, env.defaultTimeoutMillis);
    if (!second.cancelled) fail(rule, `expected the 2nd Subscription given to the subscriber to be cancelled within ${env.defaultTimeoutMillis} ms; calls on it: ${second.calls.join(', ') || 'none'}`);
    const requests = second.calls.filter((c) => c.startsWith('request'));
    if (requests.length > 0) fail(rule, `the subscriber requested from the 2nd Subscription (${requests.join(', ')}); it must only cancel it`);
    stage.sendCompletion();
    stage.verify(rule);
  },

  async required_spec209_blackbox_mustBePreparedToReceiveAnOnCompleteSignalWithPrecedingRequestCall(options, env) {
    const rule = '2.9';
    const { subscriber, proxy, stage } = setup(rule, options, env);
    trigger(rule, options, subscriber);
    await stage.expectRequest(rule);
    stage.sendCompletion();
    await proxy.expectCompletion(rule);
    await sleep(env.defaultNoSignalsTimeoutMillis);
    stage.verify(rule);
  },

  async required_spec209_blackbox_mustBePreparedToReceiveAnOnCompleteSignalWithoutPrecedingRequestCall(options, env) {
    const rule = '2.9';
    const { proxy, stage } = setup(rule, options, env);
    stage.sendCompletion();
    await proxy.expectCompletion(rule);
    await sleep(env.defaultNoSignalsTimeoutMillis);
    stage.verify(rule);
  },

  async required_spec210_blackbox_mustBePreparedToReceiveAnOnErrorSignalWithPrecedingRequestCall(options, env) {
    const rule = '2.10';
    const { subscriber, proxy, stage } = setup(rule, options, env);
    trigger(rule, options, subscriber);
    await stage.expectRequest(rule);
    stage.sendError(new TestException());
    await proxy.expectError(rule);
    await sleep(env.defaultNoSignalsTimeoutMillis);
    stage.verify(rule);
  },

  async required_spec210_blackbox_mustBePreparedToReceiveAnOnErrorSignalWithoutPrecedingRequestCall(options, env) {
    const rule = '2.10';
    const { proxy, stage } = setup(rule, options, env);
    stage.sendError(new TestException());
    await proxy.expectError(rule);
    await sleep(env.defaultNoSignalsTimeoutMillis);
    stage.verify(rule);
  },

  async required_spec213_blackbox_onSubscribe_mustThrowTypeErrorWhenParametersAreNull(options) {
    const subscriber = create('2.13', options);
    checkThrowsTypeErrorOnNullish('2.13', 'onSubscribe', (x) => subscriber.onSubscribe(x as never));
  },

  async required_spec213_blackbox_onNext_mustThrowTypeErrorWhenParametersAreNull(options) {
    const subscriber = create('2.13', options);
    subscriber.onSubscribe(noopSubscription);
    checkThrowsTypeErrorOnNullish('2.13', 'onNext', (x) => subscriber.onNext(x as never));
  },

  async required_spec213_blackbox_onError_mustThrowTypeErrorWhenParametersAreNull(options) {
    const subscriber = create('2.13', options);
    subscriber.onSubscribe(noopSubscription);
    checkThrowsTypeErrorOnNullish('2.13', 'onError', (x) => subscriber.onError(x as never));
  },
};
