import { describe, expect, it } from 'vitest';
import { FailedPublisher, PUBLISHER_RULES, ReferencePublisher, verifyPublisher, type PublisherVerificationOptions } from '@sluice/tck';
import { expectOnlyTargetFails, mutantEnv, type MutantCase } from './harness';
import { failedPublisher, FirehosePublisher, MutantPublisher, UnstoppableAsyncPublisher, type Faults } from './MutantPublisher';

// One deliberately broken publisher per required publisher test (plus the stochastic 1.3 test, the optional 1.4 test
// that fails on misbehaviour, and the JavaScript-only tests): each must make its target test fail, with the rule in
// the message, and nothing else fail except the few tests named in `alsoFails`, which share the broken path.

interface PublisherMutant extends MutantCase {
  readonly faults?: Faults;
  readonly options?: Partial<PublisherVerificationOptions<number>>;
}

const MUTANTS: PublisherMutant[] = [
  { title: 'a 1-element stream that completes only after 10 requested', target: 'required_createPublisher1MustProduceAStreamOfExactly1Element', faults: { lazyCompletionForOne: true } },
  {
    title: 'a 3-element stream that ends after 2 when requested one by one', target: 'required_createPublisher3MustProduceAStreamOfExactly3Elements',
    faults: { shortWhenOneByOne: true }, alsoFails: ['required_spec105_mustSignalOnCompleteWhenFiniteStreamTerminates'],
  },
  { title: 'a negative maxElementsFromPublisher', target: 'required_validate_maxElementsFromPublisher', options: { maxElementsFromPublisher: -1 } },
  {
    title: 'a recursion bound of 0', target: 'required_validate_boundedDepthOfOnNextAndRequestRecursion',
    options: { boundedDepthOfOnNextAndRequestRecursion: 0 }, alsoFails: ['required_spec303_mustNotAllowUnboundedRecursion'],
  },
  {
    // the optional one-by-one §1.11 test also uses 5 elements: the over-delivery breaks required §1.1 there too, so it
    // fails instead of being skipped as "optional"
    title: 'an extra element for the first request', target: 'required_spec101_subscriptionRequestMustResultInTheCorrectNumberOfProducedElements',
    faults: { extraElementForFive: true }, alsoFails: ['optional_spec111_multicast_mustProduceTheSameElementsInTheSameSequenceToAllOfItsSubscribersWhenRequestingOneByOne'],
  },
  { title: 'no completion while demand is left over', target: 'required_spec102_maySignalLessThanRequestedAndTerminateSubscription', faults: { noCompletionWithLeftoverDemand: true } },
  { title: 'onComplete signalled from inside cancel()', target: 'stochastic_spec103_mustSignalOnMethodsSequentially', faults: { completeFromCancel: true } },
  { title: 'a second onComplete on a later macrotask', target: 'required_spec105_mustSignalOnCompleteWhenFiniteStreamTerminates', faults: { lateSecondCompletion: true } },
  { title: 'onComplete again when requested after completion', target: 'required_spec107_mustNotEmitFurtherSignalsOnceOnCompleteHasBeenSignalled', faults: { completeAgainOnRequest: true } },
  { title: 'subscribe(null) returns normally', target: 'required_spec109_subscribeThrowTypeErrorOnNullSubscriber', faults: { acceptNullSubscriber: true } },
  {
    // the optional empty-stream test sees the same required §1.9 violation: a failure, not an "optional" skip
    title: 'an empty publisher that skips onSubscribe', target: 'required_spec109_mustIssueOnSubscribeForNonNullSubscriber',
    faults: { noOnSubscribeWhenEmpty: true },
    alsoFails: ['optional_spec105_emptyStreamMustTerminateBySignallingOnComplete', 'required_spec109_subscribeThrowTypeErrorOnNullSubscriber'],
  },
  {
    title: 'a rejection signalled before onSubscribe',
    target: 'required_spec109_mayRejectCallsToSubscribeIfPublisherIsUnableOrUnwillingToServeThemRejectionMustTriggerOnErrorAfterOnSubscribe',
    options: { createFailedPublisher: () => failedPublisher('errorBeforeOnSubscribe') }, alsoFails: ['optional_spec104_mustSignalOnErrorWhenFails'],
  },
  { title: 'a failed publisher that signals onError twice', target: 'optional_spec104_mustSignalOnErrorWhenFails', options: { createFailedPublisher: () => failedPublisher('secondErrorLater') } },
  { title: 'a second request from inside onSubscribe throws', target: 'required_spec302_mustAllowSynchronousRequestCallsFromOnNextAndOnSubscribe', faults: { throwOnSecondRequestInOnSubscribe: true } },
  { title: 'recursive emission from request', target: 'required_spec303_mustNotAllowUnboundedRecursion', faults: { recursive: true } },
  { title: 'request after cancel revives the subscription', target: 'required_spec306_afterSubscriptionIsCancelledRequestMustBeNops', faults: { requestRevives: true } },
  { title: 'a second cancel throws', target: 'required_spec307_afterSubscriptionIsCancelledAdditionalCancelationsMustBeNops', faults: { throwOnSecondCancel: true } },
  { title: 'request(0) ignored', target: 'required_spec309_requestZeroMustSignalRangeError', faults: { ignoreZero: true } },
  {
    title: 'negative requests ignored', target: 'required_spec309_requestNegativeNumberMustSignalRangeError', faults: { ignoreNegativeIntegers: true },
  },
  { title: 'NaN slips through `n <= 0`', target: 'required_spec309_requestNaNMustSignalRangeError', faults: { naiveNaN: true } },
  { title: 'fractional requests accepted', target: 'required_spec309_requestFractionMustSignalRangeError', faults: { acceptFractions: true } },
  { title: '-Infinity taken as Infinity', target: 'required_spec309_requestNegativeInfinityMustSignalRangeError', faults: { absoluteInfinity: true } },
  { title: 'remaining elements flushed on cancel', target: 'required_spec312_cancelMustMakeThePublisherToEventuallyStopSignaling', faults: { flushOnCancel: true } },
  { title: 'subscribers kept forever', target: 'required_spec313_cancelMustMakeThePublisherEventuallyDropAllReferencesToTheSubscriber', faults: { leakSubscribers: true } },
  {
    title: 'a single huge request rejected', target: 'required_spec317_mustSupportAPendingElementCountUpToLongMaxValue',
    faults: { rejectHugeSingleRequest: true }, alsoFails: ['required_spec312_cancelMustStopSignalingUnderUnboundedDemand'],
  },
  { title: 'cumulative demand of exactly the maximum rejected', target: 'required_spec317_mustSupportACumulativePendingElementCountUpToLongMaxValue', faults: { rejectCumulativeMax: true, asyncDrain: true } },
  { title: 'demand above the maximum rejected instead of saturated', target: 'required_spec317_mustNotSignalOnErrorWhenPendingAboveLongMaxValue', faults: { rejectAboveMax: true } },
  {
    title: 'Infinity rejected as a non-integer', target: 'required_spec317_requestInfinityMustBeTreatedAsUnbounded',
    faults: { rejectInfinity: true }, alsoFails: ['required_spec312_cancelMustStopSignalingUnderUnboundedDemand'],
  },
  { title: 'a null element', target: 'required_spec213_publisherMustNotSignalNullOrUndefined', faults: { nullElementForTen: true } },
  {
    // the §3.17 overflow test also cancels under unbounded demand, so it sees the same §3.12 violation
    title: 'cancel ignored under unbounded demand', target: 'required_spec312_cancelMustStopSignalingUnderUnboundedDemand',
    faults: { ignoreCancelWhenUnbounded: true }, alsoFails: ['required_spec317_mustNotSignalOnErrorWhenPendingAboveLongMaxValue'],
  },
  { title: 'subscribe(null) uses up the only subscriber slot before throwing', target: 'required_spec109_subscribeThrowTypeErrorOnNullSubscriber', faults: { nullSubscriberUsesSlot: true } },
];

describe('publisher mutants', () => {
  it.each(MUTANTS.map((m) => [m.title, m] as const))('%s fails its target test', async (_, mutant) => {
    const report = await verifyPublisher<number>({
      createPublisher: (n) => new MutantPublisher(n, mutant.faults),
      createFailedPublisher: () => new FailedPublisher(),
      ...mutant.options,
      env: mutantEnv,
    });
    expectOnlyTargetFails(report, mutant);
  });

  it('every required, stochastic and JavaScript-only publisher test has a mutant', () => {
    const covered = new Set(MUTANTS.map((m) => m.target));
    const required = PUBLISHER_RULES.filter((r) => r.category === 'required' || r.category === 'stochastic').map((r) => r.id);
    expect(required.filter((id) => !covered.has(id))).toEqual([]);
  });

  it('a publisher that ignores demand and cancel cannot hang the verification: the signal budget stops it', async () => {
    const report = await verifyPublisher({ createPublisher: () => new FirehosePublisher(), env: mutantEnv, only: ['1.1'] });
    const result = report.results.find((r) => r.id === 'required_spec101_subscriptionRequestMustResultInTheCorrectNumberOfProducedElements')!;
    expect(result.status).toBe('failed');
    expect(result.message).toMatch(/^§1\.1: requested 1 element, received 2: \[0,1\]; calls: request\(1\)/);
  });

  it('isolates errors per test: a factory that throws for one size fails only the tests using that size', async () => {
    const report = await verifyPublisher<number>({
      createPublisher: (n) => {
        if (n === 1) throw new Error('no single-element streams');
        return new ReferencePublisher(n, (i) => i);
      },
      env: mutantEnv,
    });
    expect(report.results.filter((r) => r.status === 'failed').map((r) => [r.id, r.message])).toEqual([
      ['required_createPublisher1MustProduceAStreamOfExactly1Element', '§1.2: setup: createPublisher(1) threw Error: no single-element streams'],
      ['required_spec107_mustNotEmitFurtherSignalsOnceOnCompleteHasBeenSignalled', '§1.7: setup: createPublisher(1) threw Error: no single-element streams'],
      ['required_spec307_afterSubscriptionIsCancelledAdditionalCancelationsMustBeNops', '§3.7: setup: createPublisher(1) threw Error: no single-element streams'],
    ]);
    expect(report.results).toHaveLength(44);
  });

  it('a publisher that emits undefined as an element fails with §2.13 in the message', async () => {
    const report = await verifyPublisher<unknown>({
      createPublisher: (n) => new ReferencePublisher<unknown>(n, () => undefined),
      env: mutantEnv,
      only: ['required_createPublisher1MustProduceAStreamOfExactly1Element'],
    });
    expect(report.results[0]!.status).toBe('failed');
    expect(report.results[0]!.message).toMatch(/^§1\.2: violated §2\.13: the publisher emitted undefined as an element/);
  });

  it('a null-emitting publisher fails the §2.13 test by name, with the element it got', async () => {
    const report = await verifyPublisher({ createPublisher: (n) => new MutantPublisher(n, { nullElementForTen: true }), env: mutantEnv, only: ['2.13'] });
    expect(report.results.map((r) => [r.status, r.message])).toEqual([
      ['failed', expect.stringMatching(/^§2\.13: element 1 of createPublisher\(10\) was null: onNext must never be given null or undefined; calls: request\(10\)/)],
    ]);
  });

  it('an infinite publisher that ignores cancel under unbounded demand fails §3.12, synchronous (stopped by the budget) or asynchronous', async () => {
    for (const createPublisher of [(n: number) => new MutantPublisher(n, { ignoreCancelWhenUnbounded: true }), () => new UnstoppableAsyncPublisher()]) {
      const report = await verifyPublisher({ createPublisher, env: mutantEnv, only: ['required_spec312_cancelMustStopSignalingUnderUnboundedDemand'] });
      expect(report.results).toHaveLength(1);
      expect(report.results[0]).toMatchObject({ status: 'failed', tags: ['js-only'] });
      expect(report.results[0]!.message).toMatch(/^§3\.12: (the publisher kept signalling after cancel\(\): more than 1024 elements|after cancel\(\) under request\(9007199254740991\) the publisher kept signalling)/);
    }
  });

  it('a flood reports the final tally of every over-delivery, not the first snapshot', async () => {
    const report = await verifyPublisher({ createPublisher: () => new FirehosePublisher(), env: mutantEnv, only: ['1.2'] });
    const spec102 = report.results.find((r) => r.id === 'required_spec102_maySignalLessThanRequestedAndTerminateSubscription')!;
    expect(spec102.status).toBe('failed');
    expect(spec102.message).toMatch(/in total \d+ elements arrived for a demand of 10 \(§1\.1\)/);
    expect(spec102.violations).toEqual([
      expect.stringMatching(/^§1\.2: createPublisher\(3\) must produce exactly 3 elements, received 4/),
      expect.stringMatching(/^§1\.1: requested 10 elements, received 11/),
    ]);
    expect(report.causes?.length).toBeGreaterThan(0); // the createPublisher and spec102 tests share the over-delivery
  });

  it('without a garbage collector the §3.13 test is skipped with the reason, never failed', async () => {
    const gc = (globalThis as { gc?: unknown }).gc;
    (globalThis as { gc?: unknown }).gc = undefined;
    try {
      const report = await verifyPublisher({ createPublisher: (n) => new MutantPublisher(n, { leakSubscribers: true }), env: mutantEnv, only: ['3.13'] });
      expect(report.results.map((r) => [r.status, r.message])).toEqual([
        ['skipped', expect.stringMatching(/^needs a garbage collector exposed as globalThis\.gc: run node with --expose-gc/)],
      ]);
    } finally {
      (globalThis as { gc?: unknown }).gc = gc;
    }
  });

  it('a broken optional behaviour is reported as skipped with the reason, not as failed', async () => {
    const report = await verifyPublisher({
      createPublisher: (n) => new MutantPublisher(n, { ignoreNegativeIntegers: true, ignoreZero: false }),
      env: mutantEnv,
      only: ['optional_spec309_requestNegativeNumberMaySignalRangeErrorWithSpecificMessage'],
    });
    expect(report.results).toHaveLength(1);
    expect(report.results[0]!.status).toBe('skipped');
    expect(report.results[0]!.message).toMatch(/^Skipped because the tested implementation does NOT implement this OPTIONAL requirement\. Reason: §3\.9: expected onError\(RangeError\)/);
  });
});
