import type { TestEnvironment } from '../environment';
import { describeThrown, fail, TckFailure, TestException } from '../harness/errors';
import { TckProbe } from '../harness/Probe';
import { RecordingSubscription } from '../harness/TestStage';
import { sleep, waitUntil, type Signal } from '../harness/time';
import type { Subscriber } from '../spec';
import { checked, checkNoCallsInTerminal, checkThrowsTypeErrorOnNullish, newStage, type SubscriberWhiteboxVerificationOptions } from './context';

type Options = SubscriberWhiteboxVerificationOptions<unknown>;
type Test = (options: Options, env: TestEnvironment) => Promise<void>;

function create(rule: string, options: Options, probe: TckProbe<unknown>): Subscriber<unknown> {
  return checked(rule, 'createSubscriber(probe)', () => options.createSubscriber(probe));
}

/** The standard setup: subscribe the subscriber to the stage, then wait for its puppet (JVM `WhiteboxTestStage`). */
async function setup(rule: string, options: Options, env: TestEnvironment) {
  const probe = new TckProbe<unknown>(env);
  const subscriber = create(rule, options, probe);
  const stage = newStage(env, options.createElement);
  stage.subscribe(subscriber);
  stage.verify(rule);
  const puppet = await probe.expectPuppet(rule);
  const triggerRequest = (n: number) => {
    try {
      puppet.triggerRequest(n);
    } catch (error) {
      fail(rule, `setup: puppet.triggerRequest(${n}) threw ${describeThrown(error)}`);
    }
  };
  const signalCancel = () => {
    try {
      puppet.signalCancel();
    } catch (error) {
      fail(rule, `setup: puppet.signalCancel() threw ${describeThrown(error)}`);
    }
  };
  return { probe, subscriber, stage, triggerRequest, signalCancel };
}

/** Waits N and fails on anything recorded by the stage or the probe (the JVM's `verifyNoAsyncErrors`). */
async function settle(rule: string, env: TestEnvironment, stage: { verify(r: string): void }, probe: TckProbe<unknown>): Promise<void> {
  await sleep(env.defaultNoSignalsTimeoutMillis);
  stage.verify(rule);
  probe.verify(rule);
}

/**
 * After `signalCancel()`: waits for the cancel upstream. For a processor (`upstreamCancelOptional`) its absence is no
 * failure: a multicast processor may keep its upstream when its only subscriber leaves. Returns whether it came.
 */
async function expectCancelUnlessProcessor(rule: string, options: Options, env: TestEnvironment, stage: { cancellations: number; changed: Signal; expectCancelling(r: string): Promise<void> }): Promise<boolean> {
  if (!options.upstreamCancelOptional) {
    await stage.expectCancelling(rule);
    return true;
  }
  return waitUntil(stage.changed, () => stage.cancellations > 0, env.defaultNoSignalsTimeoutMillis);
}

/** The hints for a processor that kept its upstream: "onNext after cancel" would point the wrong way. */
const KEPT_UPSTREAM_HINTS = [
  'nothing was cancelled upstream (allowed for a multicast processor), so this was ordinary traffic into a processor whose only subscriber had left',
  'that onNext/onComplete with no subscriber neither throws nor signals anybody, and that the processor still honours its bounded buffer',
];

/** Runs `check`; for a processor that kept its upstream, a failure is retold with the right context and hints. */
async function inContext(rule: string, keptUpstream: boolean, check: () => Promise<void>): Promise<void> {
  try {
    await check();
  } catch (error) {
    if (!keptUpstream || !(error instanceof TckFailure)) throw error;
    throw new TckFailure(`${error.message} (note: the processor did not cancel its upstream when its only subscriber left, which the spec permits; the element was not an onNext after cancel)`, { ...error.details, hints: KEPT_UPSTREAM_HINTS });
  }
}

export const WHITEBOX_TESTS: Record<string, Test> = {
  async required_exerciseWhiteboxHappyPath(options, env) {
    const rule = '2.1';
    const { probe, stage, triggerRequest, signalCancel } = await setup(rule, options, env);
    triggerRequest(1);
    triggerRequest(1);
    const first = await stage.expectRequest(rule);
    const x = stage.sendNext();
    await probe.expectNext(rule, x);
    if (first === 1) await stage.expectRequest(rule, 'second request(n) (two triggerRequest(1) were made)');
    const y = stage.sendNext();
    await probe.expectNext(rule, y);
    signalCancel();
    const cancelled = await expectCancelUnlessProcessor(rule, options, env, stage);
    await inContext(rule, !cancelled, () => settle(rule, env, stage, probe));
  },

  async required_spec201_mustSignalDemandViaSubscriptionRequest(options, env) {
    const rule = '2.1';
    const { probe, stage, triggerRequest } = await setup(rule, options, env);
    triggerRequest(1);
    await stage.expectRequest(rule);
    const x = stage.sendNext();
    await probe.expectNext(rule, x);
    await settle(rule, env, stage, probe);
  },

  async required_spec203_mustNotCallMethodsOnSubscriptionOrPublisherInOnComplete(options, env) {
    checkNoCallsInTerminal('2.3', create('2.3', options, new TckProbe(env)), 'onComplete');
  },

  async required_spec203_mustNotCallMethodsOnSubscriptionOrPublisherInOnError(options, env) {
    checkNoCallsInTerminal('2.3', create('2.3', options, new TckProbe(env)), 'onError');
  },

  async required_spec205_mustCallSubscriptionCancelIfItAlreadyHasAnSubscriptionAndReceivesAnotherOnSubscribeSignal(options, env) {
    const rule = '2.5';
    const { probe, subscriber, stage } = await setup(rule, options, env);
    const second = new RecordingSubscription();
    try {
      subscriber.onSubscribe(second);
    } catch (error) {
      fail(rule, `violated §2.13: onSubscribe(second subscription) threw ${describeThrown(error)}`);
    }
    await waitUntil(second.changed, () => second.cancelled, env.defaultTimeoutMillis);
    if (!second.cancelled) fail(rule, `expected the 2nd Subscription given to the subscriber to be cancelled within ${env.defaultTimeoutMillis} ms; calls on it: ${second.calls.join(', ') || 'none'}`);
    await settle(rule, env, stage, probe);
  },

  async required_spec208_mustBePreparedToReceiveOnNextSignalsAfterHavingCalledSubscriptionCancel(options, env) {
    const rule = '2.8';
    const { probe, stage, triggerRequest, signalCancel } = await setup(rule, options, env);
    triggerRequest(1);
    await stage.expectRequest(rule);
    signalCancel();
    const cancelled = await expectCancelUnlessProcessor(rule, options, env, stage);
    await inContext(rule, !cancelled, async () => {
      stage.sendNext(); // the element of the outstanding demand, arriving after cancel
      triggerRequest(1);
      triggerRequest(1);
      await settle(rule, env, stage, probe);
    });
  },

  async required_spec209_mustBePreparedToReceiveAnOnCompleteSignalWithPrecedingRequestCall(options, env) {
    const rule = '2.9';
    const { probe, stage, triggerRequest } = await setup(rule, options, env);
    triggerRequest(1);
    await stage.expectRequest(rule);
    stage.sendCompletion();
    await probe.expectCompletion(rule);
    await probe.expectNone(rule, 'after onComplete');
    stage.verify(rule);
  },

  async required_spec209_mustBePreparedToReceiveAnOnCompleteSignalWithoutPrecedingRequestCall(options, env) {
    const rule = '2.9';
    const { probe, stage } = await setup(rule, options, env);
    stage.sendCompletion();
    await probe.expectCompletion(rule);
    await probe.expectNone(rule, 'after onComplete');
    stage.verify(rule);
  },

  async required_spec210_mustBePreparedToReceiveAnOnErrorSignalWithPrecedingRequestCall(options, env) {
    const rule = '2.10';
    const { probe, stage, triggerRequest } = await setup(rule, options, env);
    triggerRequest(1);
    triggerRequest(1);
    await stage.expectRequest(rule);
    const error = new TestException();
    stage.sendError(error);
    await probe.expectError(rule, error);
    await settle(rule, env, stage, probe);
  },

  async required_spec210_mustBePreparedToReceiveAnOnErrorSignalWithoutPrecedingRequestCall(options, env) {
    const rule = '2.10';
    const { probe, stage } = await setup(rule, options, env);
    const error = new TestException();
    stage.sendError(error);
    await probe.expectError(rule, error);
    await settle(rule, env, stage, probe);
  },

  async required_spec213_onSubscribe_mustThrowTypeErrorWhenParametersAreNull(options, env) {
    const { subscriber } = await setup('2.13', options, env);
    checkThrowsTypeErrorOnNullish('2.13', 'onSubscribe', (x) => subscriber.onSubscribe(x as never));
  },

  async required_spec213_onNext_mustThrowTypeErrorWhenParametersAreNull(options, env) {
    const { subscriber } = await setup('2.13', options, env);
    checkThrowsTypeErrorOnNullish('2.13', 'onNext', (x) => subscriber.onNext(x as never));
  },

  async required_spec213_onError_mustThrowTypeErrorWhenParametersAreNull(options, env) {
    const { subscriber } = await setup('2.13', options, env);
    checkThrowsTypeErrorOnNullish('2.13', 'onError', (x) => subscriber.onError(x as never));
  },

  async required_spec308_requestMustRegisterGivenNumberElementsToBeProduced(options, env) {
    const rule = '3.8';
    const { probe, stage, triggerRequest } = await setup(rule, options, env);
    triggerRequest(2);
    const first = await stage.expectRequest(rule);
    const x = stage.sendNext();
    await probe.expectNext(rule, x);
    if (first === 1) await stage.expectRequest(rule, 'second request (triggerRequest(2) was answered with request(1) only)');
    const y = stage.sendNext();
    await probe.expectNext(rule, y);
    await probe.expectNone(rule, 'after the 2 requested elements');
    triggerRequest(3);
    await settle(rule, env, stage, probe);
  },
};
