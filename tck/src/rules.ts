/**
 * The rule catalogue: every TCK test id with its rule, category, a one-line description and "if this fails,
 * check…" hints (the JVM TCK keeps these in `PublisherVerificationRules` Javadoc; here they are data, printed by the CLI).
 *
 * Ids follow the JVM TCK verbatim (`<category>_spec<rule>_<description>`) so its users recognise them, except that
 * Java exception names are mapped: `IllegalArgumentException` → `RangeError`, `NullPointerException` → `TypeError`.
 * Tests marked `js` exist only here: the JavaScript mapping of §3.9/§3.17 needs them.
 */
export type Category = 'required' | 'optional' | 'stochastic' | 'untested';
export type VerificationKind = 'publisher' | 'subscriber-blackbox' | 'subscriber-whitebox' | 'processor';

export interface RuleEntry {
  readonly id: string;
  /** The rule number, e.g. `3.9`; sanity tests carry the rule they mostly protect. */
  readonly rule: string;
  readonly category: Category;
  readonly description: string;
  readonly hints: readonly string[];
  /** Only in the JavaScript TCK. */
  readonly js?: boolean;
}

const NOT_VERIFIED = 'Not verified by this TCK: no black-box test can decide this rule in JavaScript';

function entry(id: string, rule: string, description: string, hints: string[] = [], js = false): RuleEntry {
  const category = (id.startsWith('required_') ? 'required' : id.startsWith('optional_') ? 'optional'
    : id.startsWith('stochastic_') ? 'stochastic' : id.startsWith('untested_') ? 'untested' : 'required') as Category;
  return Object.freeze({ id, rule, category, description, hints: Object.freeze(hints), ...(js ? { js: true } : {}) });
}

const DEMAND = 'that emission stops when the outstanding demand reaches 0 and that every onNext decrements it';
const CANCEL_FLAG = 'that cancel() sets a flag the emit loop checks before every onNext';

// ---- Publisher (38 JVM tests + 4 JavaScript ones) ---------------------------------------------------------------
export const PUBLISHER_RULES: readonly RuleEntry[] = Object.freeze([
  entry('required_createPublisher1MustProduceAStreamOfExactly1Element', '1.2', 'createPublisher(1) emits one element, then onComplete', ['that createPublisher(n) honours n exactly', 'that the publisher completes once the last element was delivered, without needing more demand than the elements']),
  entry('required_createPublisher3MustProduceAStreamOfExactly3Elements', '1.2', 'createPublisher(3) emits three elements one request at a time, then onComplete', ['that createPublisher(n) honours n exactly', DEMAND]),
  entry('required_validate_maxElementsFromPublisher', '1.2', 'maxElementsFromPublisher is a non-negative number', ['the value of the maxElementsFromPublisher export/option']),
  entry('required_validate_boundedDepthOfOnNextAndRequestRecursion', '3.3', 'boundedDepthOfOnNextAndRequestRecursion is at least 1', ['the value of the boundedDepthOfOnNextAndRequestRecursion export/option']),
  entry('required_spec101_subscriptionRequestMustResultInTheCorrectNumberOfProducedElements', '1.1', 'never more onNext than requested, in total', [DEMAND, 'that a request(n) from inside onNext adds to, and does not reset, the demand']),
  entry('required_spec102_maySignalLessThanRequestedAndTerminateSubscription', '1.2', 'a publisher may deliver fewer elements than requested and then complete', ['that onComplete is signalled when the data runs out even though demand remains']),
  entry('stochastic_spec103_mustSignalOnMethodsSequentially', '1.3', 'signals never overlap: a signal may start inside another only from the subscriber\'s own request()', ['that no signal is delivered from inside cancel() or from a callback that runs while another signal is on the stack', 'use a work-in-progress (drain) loop so nested requests only add demand']),
  entry('optional_spec104_mustSignalOnErrorWhenFails', '1.4', 'a failed publisher signals onSubscribe, then onError', ['that createFailedPublisher() returns a publisher that calls onSubscribe before onError', 'that subscribe() does not throw instead of signalling onError']),
  entry('required_spec105_mustSignalOnCompleteWhenFiniteStreamTerminates', '1.5', 'a finite stream ends with onComplete', ['that onComplete follows the last element, at the latest on the next request']),
  entry('optional_spec105_emptyStreamMustTerminateBySignallingOnComplete', '1.5', 'an empty stream signals onComplete (with or without a request)', ['that createPublisher(0) completes']),
  entry('untested_spec106_mustConsiderSubscriptionCancelledAfterOnErrorOrOnCompleteHasBeenCalled', '1.6', 'after a terminal signal the subscription counts as cancelled'),
  entry('required_spec107_mustNotEmitFurtherSignalsOnceOnCompleteHasBeenSignalled', '1.7', 'nothing after onComplete, even when more is requested', ['that request() after completion is a no-op', 'that the terminal state is checked before every signal']),
  entry('untested_spec107_mustNotEmitFurtherSignalsOnceOnErrorHasBeenSignalled', '1.7', 'nothing after onError'),
  entry('untested_spec108_possiblyCanceledSubscriptionShouldNotReceiveOnErrorOrOnCompleteSignals', '1.8', 'once cancelled, no terminal signal should follow'),
  entry('required_spec109_subscribeThrowTypeErrorOnNullSubscriber', '1.9', 'subscribe(null) and subscribe(undefined) throw TypeError synchronously, and leave the publisher able to serve a real subscriber', ['that nothing changes state (subscriber slots, lists of subscribers) before the argument check', 'that subscribe() checks its argument with `subscriber == null` before anything else']),
  entry('required_spec109_mustIssueOnSubscribeForNonNullSubscriber', '1.9', 'subscribe() calls onSubscribe exactly once, before any other signal', ['that onSubscribe is called before onNext/onError/onComplete, even for empty or failed sources']),
  entry('required_spec109_mayRejectCallsToSubscribeIfPublisherIsUnableOrUnwillingToServeThemRejectionMustTriggerOnErrorAfterOnSubscribe', '1.9', 'a rejected subscribe signals onSubscribe, then onError', ['that createFailedPublisher() calls onSubscribe before onError', 'that the failure is signalled without waiting for a request']),
  entry('untested_spec109_subscribeShouldNotThrowNonFatalThrowable', '1.9', 'subscribe() returns normally for a non-null subscriber'),
  entry('untested_spec110_rejectASubscriptionRequestIfTheSameSubscriberSubscribesTwice', '1.10', 'subscribing the same subscriber twice may be rejected'),
  entry('optional_spec111_maySupportMultiSubscribe', '1.11', 'several subscribers may subscribe'),
  entry('optional_spec111_registeredSubscribersMustReceiveOnNextOrOnCompleteSignals', '1.11', 'every subscriber receives onNext or onComplete'),
  entry('optional_spec111_multicast_mustProduceTheSameElementsInTheSameSequenceToAllOfItsSubscribersWhenRequestingOneByOne', '1.11', 'subscribers requesting one by one see the same sequence'),
  entry('optional_spec111_multicast_mustProduceTheSameElementsInTheSameSequenceToAllOfItsSubscribersWhenRequestingManyUpfront', '1.11', 'subscribers requesting upfront see the same sequence'),
  entry('optional_spec111_multicast_mustProduceTheSameElementsInTheSameSequenceToAllOfItsSubscribersWhenRequestingManyUpfrontAndCompleteAsExpected', '1.11', 'subscribers requesting upfront see the same sequence and completion'),
  entry('required_spec302_mustAllowSynchronousRequestCallsFromOnNextAndOnSubscribe', '3.2', 'request() may be called synchronously from onSubscribe and onNext', ['that request() does not throw or error when called re-entrantly', 'that the subscription is usable as soon as onSubscribe is called']),
  entry('required_spec303_mustNotAllowUnboundedRecursion', '3.3', 'request() from inside onNext does not recurse into onNext deeper than the declared bound', ['use a drain loop with a work-in-progress counter: a re-entrant request only adds demand', 'raise boundedDepthOfOnNextAndRequestRecursion if deeper recursion is intended']),
  entry('untested_spec304_requestShouldNotPerformHeavyComputations', '3.4', 'request() should return promptly'),
  entry('untested_spec305_cancelMustNotSynchronouslyPerformHeavyComputation', '3.5', 'cancel() should return promptly'),
  entry('required_spec306_afterSubscriptionIsCancelledRequestMustBeNops', '3.6', 'after cancel(), request() does nothing', [CANCEL_FLAG, 'that request() returns at once when cancelled']),
  entry('required_spec307_afterSubscriptionIsCancelledAdditionalCancelationsMustBeNops', '3.7', 'cancel() is idempotent', ['that a second cancel() neither throws nor signals']),
  entry('required_spec309_requestZeroMustSignalRangeError', '3.9', 'request(0) signals onError(RangeError)', ['that request() validates n with `!(n > 0)` and signals (never throws) a RangeError', 'that the subscription is cancelled after the error']),
  entry('required_spec309_requestNegativeNumberMustSignalRangeError', '3.9', 'request(negative) signals onError(RangeError)', ['that request() validates n with `!(n > 0)` and signals (never throws) a RangeError']),
  entry('optional_spec309_requestNegativeNumberMaySignalRangeErrorWithSpecificMessage', '3.9', 'the RangeError message mentions §3.9', ['that the message contains "3.9", "non-positive subscription request" or "negative subscription request"']),
  entry('required_spec312_cancelMustMakeThePublisherToEventuallyStopSignaling', '3.12', 'cancel() eventually stops the signals', [CANCEL_FLAG]),
  entry('required_spec313_cancelMustMakeThePublisherEventuallyDropAllReferencesToTheSubscriber', '3.13', 'after cancel() the publisher drops its references to the subscriber', ['that cancel() clears the field holding the subscriber', 'timers, intervals and listeners that close over the subscriber and are not cleared on cancel']),
  entry('required_spec317_mustSupportAPendingElementCountUpToLongMaxValue', '3.17', 'request(Number.MAX_SAFE_INTEGER) is accepted (JVM: Long.MAX_VALUE)', ['that large requests are treated as unbounded rather than rejected']),
  entry('required_spec317_mustSupportACumulativePendingElementCountUpToLongMaxValue', '3.17', 'requests summing to Number.MAX_SAFE_INTEGER are accepted', ['that demand saturates at the unbounded value instead of overflowing or erroring']),
  entry('required_spec317_mustNotSignalOnErrorWhenPendingAboveLongMaxValue', '3.17', 'demand above Number.MAX_SAFE_INTEGER saturates, never errors', ['that adding demand saturates (e.g. at Infinity) instead of signalling an overflow']),
  entry('required_spec309_requestNaNMustSignalRangeError', '3.9', 'request(NaN) signals onError(RangeError) (JavaScript only)', ['`n <= 0` is false for NaN: validate with `!(n > 0)`'], true),
  entry('required_spec309_requestFractionMustSignalRangeError', '3.9', 'request(1.5) signals onError(RangeError) (JavaScript only)', ['that request() checks Number.isInteger(n) (Infinity aside)'], true),
  entry('required_spec309_requestNegativeInfinityMustSignalRangeError', '3.9', 'request(-Infinity) signals onError(RangeError) (JavaScript only)', ['that request() validates n with `!(n > 0)`'], true),
  entry('required_spec317_requestInfinityMustBeTreatedAsUnbounded', '3.17', 'request(Infinity) means unbounded: all elements, then onComplete (JavaScript only)', ['that Infinity is accepted as the unbounded demand and not rejected as a non-integer'], true),
  entry('required_spec213_publisherMustNotSignalNullOrUndefined', '2.13', 'no onNext(null|undefined) and no onError(null|undefined) (JavaScript only)', ['that the source never yields null/undefined as an element (map them to a value or filter them out)', 'that onError is always given an Error object'], true),
  entry('required_spec312_cancelMustStopSignalingUnderUnboundedDemand', '3.12', 'cancel() stops an infinite stream while demand is unbounded (request(Number.MAX_SAFE_INTEGER) and request(Infinity)) (JavaScript only)', ['that the emit loop checks the cancelled flag before every onNext, also on its unbounded fast path', 'that cancel() from inside onNext is seen by the loop that called onNext'], true),
]);

// ---- Subscriber whitebox (27) ----------------------------------------------------------------------------------
const SUB_HINTS_NULL = ['that the method checks `argument == null` first and throws a TypeError synchronously'];
export const WHITEBOX_RULES: readonly RuleEntry[] = Object.freeze([
  entry('required_exerciseWhiteboxHappyPath', '2.1', 'requests, receives elements and cancels through the probe', ['that onSubscribe calls probe.registerOnSubscribe(puppet)', 'that onNext calls probe.registerOnNext(element)']),
  entry('required_spec201_mustSignalDemandViaSubscriptionRequest', '2.1', 'the subscriber signals demand with request(n)', ['that puppet.triggerRequest(n) leads to subscription.request']),
  entry('untested_spec202_shouldAsynchronouslyDispatch', '2.2', 'the subscriber should dispatch asynchronously when processing is heavy'),
  entry('required_spec203_mustNotCallMethodsOnSubscriptionOrPublisherInOnComplete', '2.3', 'no request/cancel from inside onComplete', ['that onComplete does not call subscription.request/cancel']),
  entry('required_spec203_mustNotCallMethodsOnSubscriptionOrPublisherInOnError', '2.3', 'no request/cancel from inside onError', ['that onError does not call subscription.request/cancel']),
  entry('untested_spec204_mustConsiderTheSubscriptionAsCancelledInAfterRecievingOnCompleteOrOnError', '2.4', 'after a terminal signal the subscription counts as cancelled'),
  entry('required_spec205_mustCallSubscriptionCancelIfItAlreadyHasAnSubscriptionAndReceivesAnotherOnSubscribeSignal', '2.5', 'a second onSubscribe is answered with cancel()', ['that onSubscribe cancels the new subscription when one is already active']),
  entry('untested_spec206_mustCallSubscriptionCancelIfItIsNoLongerValid', '2.6', 'cancel a subscription that is no longer needed'),
  entry('untested_spec207_mustEnsureAllCallsOnItsSubscriptionTakePlaceFromTheSameThreadOrTakeCareOfSynchronization', '2.7', 'calls on the subscription are serial (true by construction in single-threaded JavaScript)'),
  entry('required_spec208_mustBePreparedToReceiveOnNextSignalsAfterHavingCalledSubscriptionCancel', '2.8', 'onNext after cancel() is tolerated', ['that onNext after cancel does not throw']),
  entry('required_spec209_mustBePreparedToReceiveAnOnCompleteSignalWithPrecedingRequestCall', '2.9', 'onComplete after a request is accepted', ['that onComplete calls probe.registerOnComplete()']),
  entry('required_spec209_mustBePreparedToReceiveAnOnCompleteSignalWithoutPrecedingRequestCall', '2.9', 'onComplete without any request is accepted', ['that onComplete works before any element was requested']),
  entry('required_spec210_mustBePreparedToReceiveAnOnErrorSignalWithPrecedingRequestCall', '2.10', 'onError after a request is accepted', ['that onError calls probe.registerOnError(error)']),
  entry('required_spec210_mustBePreparedToReceiveAnOnErrorSignalWithoutPrecedingRequestCall', '2.10', 'onError without any request is accepted', ['that onError works before any element was requested']),
  entry('untested_spec211_mustMakeSureThatAllCallsOnItsMethodsHappenBeforeTheProcessingOfTheRespectiveEvents', '2.11', 'signal calls happen-before their processing'),
  entry('untested_spec212_mustNotCallOnSubscribeMoreThanOnceBasedOnObjectEquality_specViolation', '2.12', 'onSubscribe at most once per subscriber'),
  entry('untested_spec213_failingOnSignalInvocation', '2.13', 'a subscriber method that throws'),
  entry('required_spec213_onSubscribe_mustThrowTypeErrorWhenParametersAreNull', '2.13', 'onSubscribe(null|undefined) throws TypeError', SUB_HINTS_NULL),
  entry('required_spec213_onNext_mustThrowTypeErrorWhenParametersAreNull', '2.13', 'onNext(null|undefined) throws TypeError', SUB_HINTS_NULL),
  entry('required_spec213_onError_mustThrowTypeErrorWhenParametersAreNull', '2.13', 'onError(null|undefined) throws TypeError', SUB_HINTS_NULL),
  entry('untested_spec301_mustNotBeCalledOutsideSubscriberContext', '3.1', 'only the subscriber calls its subscription'),
  entry('required_spec308_requestMustRegisterGivenNumberElementsToBeProduced', '3.8', 'request(n) registers n elements of demand', ['that the subscriber requests what triggerRequest asked for, and no more']),
  entry('untested_spec310_requestMaySynchronouslyCallOnNextOnSubscriber', '3.10', 'request may call onNext synchronously'),
  entry('untested_spec311_requestMaySynchronouslyCallOnCompleteOrOnError', '3.11', 'request may call onComplete/onError synchronously'),
  entry('untested_spec314_cancelMayCauseThePublisherToShutdownIfNoOtherSubscriptionExists', '3.14', 'cancel may shut a publisher down'),
  entry('untested_spec315_cancelMustNotThrowExceptionAndMustSignalOnError', '3.15', 'cancel returns normally'),
  entry('untested_spec316_requestMustNotThrowExceptionAndMustOnErrorTheSubscriber', '3.16', 'request returns normally'),
]);

// ---- Subscriber blackbox (26) ----------------------------------------------------------------------------------
export const BLACKBOX_RULES: readonly RuleEntry[] = Object.freeze([
  entry('required_spec201_blackbox_mustSignalDemandViaSubscriptionRequest', '2.1', 'the subscriber requests within the timeout (after triggerRequest)', ['that the subscriber requests in onSubscribe, or implement triggerRequest(subscriber)']),
  entry('untested_spec202_blackbox_shouldAsynchronouslyDispatch', '2.2', 'asynchronous dispatch of heavy processing'),
  entry('required_spec203_blackbox_mustNotCallMethodsOnSubscriptionOrPublisherInOnComplete', '2.3', 'no request/cancel from inside onComplete', ['that onComplete does not call subscription.request/cancel']),
  entry('required_spec203_blackbox_mustNotCallMethodsOnSubscriptionOrPublisherInOnError', '2.3', 'no request/cancel from inside onError', ['that onError does not call subscription.request/cancel']),
  entry('untested_spec204_blackbox_mustConsiderTheSubscriptionAsCancelledInAfterRecievingOnCompleteOrOnError', '2.4', 'after a terminal signal the subscription counts as cancelled'),
  entry('required_spec205_blackbox_mustCallSubscriptionCancelIfItAlreadyHasAnSubscriptionAndReceivesAnotherOnSubscribeSignal', '2.5', 'a second onSubscribe is answered with cancel() and no request', ['that onSubscribe cancels (and never requests from) a second subscription']),
  entry('untested_spec206_blackbox_mustCallSubscriptionCancelIfItIsNoLongerValid', '2.6', 'cancel a subscription that is no longer needed'),
  entry('untested_spec207_blackbox_mustEnsureAllCallsOnItsSubscriptionTakePlaceFromTheSameThreadOrTakeCareOfSynchronization', '2.7', 'serial calls on the subscription'),
  entry('untested_spec208_blackbox_mustBePreparedToReceiveOnNextSignalsAfterHavingCalledSubscriptionCancel', '2.8', 'onNext after cancel is tolerated (needs the whitebox probe)'),
  entry('required_spec209_blackbox_mustBePreparedToReceiveAnOnCompleteSignalWithPrecedingRequestCall', '2.9', 'onComplete after a request is accepted', ['that onComplete does not throw']),
  entry('required_spec209_blackbox_mustBePreparedToReceiveAnOnCompleteSignalWithoutPrecedingRequestCall', '2.9', 'onComplete without a request is accepted', ['that onComplete does not throw before any request']),
  entry('required_spec210_blackbox_mustBePreparedToReceiveAnOnErrorSignalWithPrecedingRequestCall', '2.10', 'onError after a request is accepted', ['that onError does not throw']),
  entry('required_spec210_blackbox_mustBePreparedToReceiveAnOnErrorSignalWithoutPrecedingRequestCall', '2.10', 'onError without a request is accepted', ['that onError does not throw before any request']),
  entry('untested_spec211_blackbox_mustMakeSureThatAllCallsOnItsMethodsHappenBeforeTheProcessingOfTheRespectiveEvents', '2.11', 'signal calls happen-before their processing'),
  entry('untested_spec212_blackbox_mustNotCallOnSubscribeMoreThanOnceBasedOnObjectEquality', '2.12', 'onSubscribe at most once per subscriber'),
  entry('untested_spec213_blackbox_failingOnSignalInvocation', '2.13', 'a subscriber method that throws'),
  entry('required_spec213_blackbox_onSubscribe_mustThrowTypeErrorWhenParametersAreNull', '2.13', 'onSubscribe(null|undefined) throws TypeError', SUB_HINTS_NULL),
  entry('required_spec213_blackbox_onNext_mustThrowTypeErrorWhenParametersAreNull', '2.13', 'onNext(null|undefined) throws TypeError', SUB_HINTS_NULL),
  entry('required_spec213_blackbox_onError_mustThrowTypeErrorWhenParametersAreNull', '2.13', 'onError(null|undefined) throws TypeError', SUB_HINTS_NULL),
  entry('untested_spec301_blackbox_mustNotBeCalledOutsideSubscriberContext', '3.1', 'only the subscriber calls its subscription'),
  entry('untested_spec308_blackbox_requestMustRegisterGivenNumberElementsToBeProduced', '3.8', 'request(n) registers n (needs the whitebox probe)'),
  entry('untested_spec310_blackbox_requestMaySynchronouslyCallOnNextOnSubscriber', '3.10', 'request may call onNext synchronously'),
  entry('untested_spec311_blackbox_requestMaySynchronouslyCallOnCompleteOrOnError', '3.11', 'request may call onComplete/onError synchronously'),
  entry('untested_spec314_blackbox_cancelMayCauseThePublisherToShutdownIfNoOtherSubscriptionExists', '3.14', 'cancel may shut a publisher down'),
  entry('untested_spec315_blackbox_cancelMustNotThrowExceptionAndMustSignalOnError', '3.15', 'cancel returns normally'),
  entry('untested_spec316_blackbox_requestMustNotThrowExceptionAndMustOnErrorTheSubscriber', '3.16', 'request returns normally'),
]);

// ---- Identity processor: its own 3 (plus every publisher and whitebox test by delegation) -------------------------
export const PROCESSOR_OWN_RULES: readonly RuleEntry[] = Object.freeze([
  entry('required_spec104_mustCallOnErrorOnAllItsSubscribersIfItEncountersANonRecoverableError', '1.4', 'an upstream error reaches every downstream subscriber', ['that the processor forwards onError to all its subscribers']),
  entry('required_mustRequestFromUpstreamForElementsThatHaveBeenRequestedLongAgo', '2.1', 'a late subscriber still gets elements requested earlier by another', ['that downstream demand is propagated upstream and not lost while another subscriber waits']),
  entry('mustImmediatelyPassOnOnErrorEventsReceivedFromItsUpstreamToItsDownstream', '4.2', 'an upstream onError reaches the downstream without demand', ['that onError is forwarded at once, not queued behind missing demand']),
]);

export const UNTESTED_REASON = NOT_VERIFIED;

const ALL = new Map<string, RuleEntry>();
for (const list of [PUBLISHER_RULES, WHITEBOX_RULES, BLACKBOX_RULES, PROCESSOR_OWN_RULES]) for (const e of list) ALL.set(e.id, e);

/** Looks up a test id in the catalogue. */
export function ruleFor(id: string): RuleEntry | undefined {
  return ALL.get(id);
}
