import { describe, expect, it } from 'vitest';
import {
  BLACKBOX_RULES, ReferenceSubscriber, verifySubscriberBlackbox, verifySubscriberWhitebox, WHITEBOX_RULES,
  type Subscriber, type Subscription, type WhiteboxSubscriberProbe,
} from '@sluice/tck';
import { expectOnlyTargetFails, mutantEnv, type MutantCase } from './harness';

// Deliberately broken subscribers: each breaks one subscriber rule and must fail the matching blackbox/whitebox test.

interface SubscriberFaults {
  neverRequests?: boolean;
  cancelInOnComplete?: boolean;
  requestInOnError?: boolean;
  keepsSecondSubscription?: boolean;
  throwsOnNextAfterCancel?: boolean;
  onCompleteThrows?: boolean;
  onErrorThrows?: boolean;
  acceptsNullSubscription?: boolean;
  acceptsNullElement?: boolean;
  acceptsNullError?: boolean;
  requestsOneLess?: boolean;
  ignoresSignalCancel?: boolean;
}

/** A small subscriber (requests 1 at a time on its own, or on the puppet's command in whitebox mode) with faults. */
class MutantSubscriber implements Subscriber<number> {
  private subscription: Subscription | null = null;
  private cancelled = false;

  constructor(private readonly f: SubscriberFaults, private readonly probe?: WhiteboxSubscriberProbe<number>) {}

  onSubscribe(subscription: Subscription): void {
    if (subscription == null && !this.f.acceptsNullSubscription) throw new TypeError('§2.13: subscription required');
    if (subscription == null) return;
    if (this.subscription !== null) {
      if (!this.f.keepsSecondSubscription) subscription.cancel();
      return;
    }
    this.subscription = subscription;
    if (this.probe) {
      this.probe.registerOnSubscribe({
        triggerRequest: (n) => {
          if (this.f.neverRequests) return;
          const amount = this.f.requestsOneLess ? Math.max(1, n - 1) : n;
          subscription.request(amount);
        },
        signalCancel: () => {
          if (this.f.ignoresSignalCancel) return;
          this.cancelled = true;
          subscription.cancel();
        },
      });
    } else if (!this.f.neverRequests) {
      subscription.request(1);
    }
  }

  onNext(element: number): void {
    if (element == null && !this.f.acceptsNullElement) throw new TypeError('§2.13: element required');
    if (this.cancelled) {
      if (this.f.throwsOnNextAfterCancel) throw new Error('already cancelled');
      return;
    }
    this.probe?.registerOnNext(element);
    if (!this.probe && !this.f.neverRequests) this.subscription?.request(1);
  }

  onError(error: Error): void {
    if (error == null && !this.f.acceptsNullError) throw new TypeError('§2.13: error required');
    if (this.f.requestInOnError) this.subscription?.request(1);
    if (this.f.onErrorThrows) throw new Error('cannot handle errors');
    this.probe?.registerOnError(error);
  }

  onComplete(): void {
    if (this.f.cancelInOnComplete) this.subscription?.cancel();
    if (this.f.onCompleteThrows) throw new Error('cannot complete');
    this.probe?.registerOnComplete();
  }
}

interface SubscriberMutant extends MutantCase {
  readonly faults: SubscriberFaults;
}

const BLACKBOX: SubscriberMutant[] = [
  {
    title: 'never requests', target: 'required_spec201_blackbox_mustSignalDemandViaSubscriptionRequest', faults: { neverRequests: true },
    alsoFails: ['required_spec209_blackbox_mustBePreparedToReceiveAnOnCompleteSignalWithPrecedingRequestCall', 'required_spec210_blackbox_mustBePreparedToReceiveAnOnErrorSignalWithPrecedingRequestCall'],
  },
  { title: 'cancels from onComplete', target: 'required_spec203_blackbox_mustNotCallMethodsOnSubscriptionOrPublisherInOnComplete', faults: { cancelInOnComplete: true } },
  { title: 'requests from onError', target: 'required_spec203_blackbox_mustNotCallMethodsOnSubscriptionOrPublisherInOnError', faults: { requestInOnError: true } },
  { title: 'keeps a second subscription', target: 'required_spec205_blackbox_mustCallSubscriptionCancelIfItAlreadyHasAnSubscriptionAndReceivesAnotherOnSubscribeSignal', faults: { keepsSecondSubscription: true } },
  {
    title: 'throws from onComplete', target: 'required_spec209_blackbox_mustBePreparedToReceiveAnOnCompleteSignalWithPrecedingRequestCall', faults: { onCompleteThrows: true },
    alsoFails: ['required_spec209_blackbox_mustBePreparedToReceiveAnOnCompleteSignalWithoutPrecedingRequestCall', 'required_spec201_blackbox_mustSignalDemandViaSubscriptionRequest', 'required_spec203_blackbox_mustNotCallMethodsOnSubscriptionOrPublisherInOnComplete', 'required_spec205_blackbox_mustCallSubscriptionCancelIfItAlreadyHasAnSubscriptionAndReceivesAnotherOnSubscribeSignal'],
  },
  {
    title: 'throws from onError', target: 'required_spec210_blackbox_mustBePreparedToReceiveAnOnErrorSignalWithPrecedingRequestCall', faults: { onErrorThrows: true },
    alsoFails: ['required_spec210_blackbox_mustBePreparedToReceiveAnOnErrorSignalWithoutPrecedingRequestCall', 'required_spec203_blackbox_mustNotCallMethodsOnSubscriptionOrPublisherInOnError'],
  },
  { title: 'accepts onSubscribe(null)', target: 'required_spec213_blackbox_onSubscribe_mustThrowTypeErrorWhenParametersAreNull', faults: { acceptsNullSubscription: true } },
  { title: 'accepts onNext(null)', target: 'required_spec213_blackbox_onNext_mustThrowTypeErrorWhenParametersAreNull', faults: { acceptsNullElement: true } },
  { title: 'accepts onError(null)', target: 'required_spec213_blackbox_onError_mustThrowTypeErrorWhenParametersAreNull', faults: { acceptsNullError: true } },
];

const WHITEBOX: SubscriberMutant[] = [
  {
    title: 'ignores triggerRequest', target: 'required_spec201_mustSignalDemandViaSubscriptionRequest', faults: { neverRequests: true },
    alsoFails: [
      'required_exerciseWhiteboxHappyPath', 'required_spec208_mustBePreparedToReceiveOnNextSignalsAfterHavingCalledSubscriptionCancel',
      'required_spec209_mustBePreparedToReceiveAnOnCompleteSignalWithPrecedingRequestCall', 'required_spec210_mustBePreparedToReceiveAnOnErrorSignalWithPrecedingRequestCall',
      'required_spec308_requestMustRegisterGivenNumberElementsToBeProduced',
    ],
  },
  {
    title: 'ignores signalCancel', target: 'required_exerciseWhiteboxHappyPath', faults: { ignoresSignalCancel: true },
    alsoFails: ['required_spec208_mustBePreparedToReceiveOnNextSignalsAfterHavingCalledSubscriptionCancel'],
  },
  { title: 'cancels from onComplete', target: 'required_spec203_mustNotCallMethodsOnSubscriptionOrPublisherInOnComplete', faults: { cancelInOnComplete: true } },
  { title: 'requests from onError', target: 'required_spec203_mustNotCallMethodsOnSubscriptionOrPublisherInOnError', faults: { requestInOnError: true } },
  { title: 'keeps a second subscription', target: 'required_spec205_mustCallSubscriptionCancelIfItAlreadyHasAnSubscriptionAndReceivesAnotherOnSubscribeSignal', faults: { keepsSecondSubscription: true } },
  { title: 'throws on onNext after cancel', target: 'required_spec208_mustBePreparedToReceiveOnNextSignalsAfterHavingCalledSubscriptionCancel', faults: { throwsOnNextAfterCancel: true } },
  {
    title: 'throws from onComplete', target: 'required_spec209_mustBePreparedToReceiveAnOnCompleteSignalWithPrecedingRequestCall', faults: { onCompleteThrows: true },
    alsoFails: ['required_spec209_mustBePreparedToReceiveAnOnCompleteSignalWithoutPrecedingRequestCall', 'required_spec203_mustNotCallMethodsOnSubscriptionOrPublisherInOnComplete'],
  },
  {
    title: 'throws from onError', target: 'required_spec210_mustBePreparedToReceiveAnOnErrorSignalWithPrecedingRequestCall', faults: { onErrorThrows: true },
    alsoFails: ['required_spec210_mustBePreparedToReceiveAnOnErrorSignalWithoutPrecedingRequestCall', 'required_spec203_mustNotCallMethodsOnSubscriptionOrPublisherInOnError'],
  },
  { title: 'accepts onSubscribe(null)', target: 'required_spec213_onSubscribe_mustThrowTypeErrorWhenParametersAreNull', faults: { acceptsNullSubscription: true } },
  { title: 'accepts onNext(null)', target: 'required_spec213_onNext_mustThrowTypeErrorWhenParametersAreNull', faults: { acceptsNullElement: true } },
  { title: 'accepts onError(null)', target: 'required_spec213_onError_mustThrowTypeErrorWhenParametersAreNull', faults: { acceptsNullError: true } },
  { title: 'requests one less than triggered', target: 'required_spec308_requestMustRegisterGivenNumberElementsToBeProduced', faults: { requestsOneLess: true } },
];

describe('subscriber mutants', () => {
  it.each(BLACKBOX.map((m) => [m.title, m] as const))('blackbox: a subscriber that %s fails its target test', async (_, mutant) => {
    const report = await verifySubscriberBlackbox<number>({ createSubscriber: () => new MutantSubscriber(mutant.faults), createElement: (i) => i, env: mutantEnv });
    expectOnlyTargetFails(report, mutant);
  });

  it.each(WHITEBOX.map((m) => [m.title, m] as const))('whitebox: a subscriber that %s fails its target test', async (_, mutant) => {
    const report = await verifySubscriberWhitebox<number>({ createSubscriber: (probe) => new MutantSubscriber(mutant.faults, probe), createElement: (i) => i, env: mutantEnv });
    expectOnlyTargetFails(report, mutant);
  });

  it('every required blackbox and whitebox test is made to fail by some mutant', () => {
    const covered = new Set([...BLACKBOX, ...WHITEBOX].flatMap((m) => [m.target, ...(m.alsoFails ?? [])]));
    const required = [...BLACKBOX_RULES, ...WHITEBOX_RULES].filter((r) => r.category === 'required').map((r) => r.id);
    expect(required.filter((id) => !covered.has(id))).toEqual([]);
  });

  it('a whitebox subscriber that never registers its puppet gets a clear message', async () => {
    const report = await verifySubscriberWhitebox<number>({ createSubscriber: () => new ReferenceSubscriber<number>(), createElement: (i) => i, env: mutantEnv, only: ['2.1'] });
    const result = report.results.find((r) => r.id === 'required_spec201_mustSignalDemandViaSubscriptionRequest')!;
    expect(result.status).toBe('failed');
    expect(result.message).toMatch(/^§2\.1: the subscriber did not call probe\.registerOnSubscribe\(puppet\) within 100 ms/);
  });
});
