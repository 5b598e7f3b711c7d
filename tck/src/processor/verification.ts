import { createEnvironment, type TestEnvironment } from '../environment';
import { fail, skip, TestException } from '../harness/errors';
import type { WhiteboxSubscriberProbe } from '../harness/Probe';
import { TckSubscriber } from '../harness/TckSubscriber';
import { TestStage } from '../harness/TestStage';
import { readNumber, type PublisherVerificationOptions } from '../publisher/context';
import { publisherTestCases, type CommonVerificationOptions } from '../publisher/verification';
import { AsyncReferencePublisher, HELPER_ELEMENT_BUDGET } from '../reference/ReferencePublisher';
import type { Report } from '../report/types';
import { PROCESSOR_OWN_RULES } from '../rules';
import { runTests, type TestCase } from '../runner';
import type { Processor, Publisher, Subscriber, Subscription } from '../spec';
import { whiteboxTestCases } from '../subscriber/verification';

/** What a library author supplies to verify an identity Processor (JVM `IdentityProcessorVerification`). */
export interface ProcessorVerificationOptions<T> {
  /** A fresh processor that passes every element through unchanged, able to buffer `bufferSize` elements. */
  createIdentityProcessor(bufferSize: number): Processor<T, T>;
  /** The element for sequence number `index` (never null/undefined). */
  createElement(index: number): T;
  /** A publisher that signals onSubscribe then onError; null/omitted skips the tests that need it. */
  createFailedPublisher?: (() => Publisher<T> | null) | null | undefined;
  /**
   * The upstream of `createIdentityProcessor` in the publisher tests (default: `AsyncReferencePublisher` over
   * createElement, which signals on later macrotasks like the JVM TCK's helper, and pushes at most
   * `HELPER_ELEMENT_BUDGET` elements per subscription). Its subscriptions are cancelled at
   * the end of each test, so a processor that never cancels upstream does not keep it running.
   */
  createHelperPublisher?: ((elements: number) => Publisher<T>) | undefined;
  /**
   * The most elements the default helper pushes into one processor subscription (default `HELPER_ELEMENT_BUDGET`,
   * 100,000; past it the helper stops without completing). Bounds the memory of a processor that requests
   * unboundedly upstream and buffers everything. Not used with `createHelperPublisher`.
   */
  helperElementBudget?: number | undefined;
  maxElementsFromPublisher?: number | (() => number) | undefined;
  boundedDepthOfOnNextAndRequestRecursion?: number | (() => number) | undefined;
  /** How many downstream subscribers the processor supports (default unlimited; < 2 skips the two multi-subscriber tests). */
  maxSupportedSubscribers?: number | (() => number) | undefined;
  /** True for processors that only emit when every subscriber has demand (changes the multi-subscriber tests' requests). */
  doesCoordinatedEmission?: boolean | undefined;
  skipStochasticTests?: boolean | undefined;
  /** Passed to createIdentityProcessor (JVM default 16). */
  processorBufferSize?: number | undefined;
}

/** The processor's downstream is a plain subscriber forwarding to the probe; the puppet drives its subscription. */
function processorAsWhiteboxSubscriber<T>(options: ProcessorVerificationOptions<T>, bufferSize: number, probe: WhiteboxSubscriberProbe<T>): Subscriber<T> {
  const processor = options.createIdentityProcessor(bufferSize);
  processor.subscribe({
    onSubscribe(subscription) {
      probe.registerOnSubscribe({ triggerRequest: (n) => subscription.request(n), signalCancel: () => subscription.cancel() });
    },
    onNext: (element) => probe.registerOnNext(element),
    onError: (error) => probe.registerOnError(error),
    onComplete: () => probe.registerOnComplete(),
  });
  return processor;
}

type OwnTest = (options: ProcessorVerificationOptions<unknown>, env: TestEnvironment, track: (s: TckSubscriber<unknown>) => TckSubscriber<unknown>) => Promise<void>;

function requireSubscribers(options: ProcessorVerificationOptions<unknown>, needed: number): void {
  const max = readNumber(options.maxSupportedSubscribers, Infinity);
  if (max < needed) skip(`The Publisher under test only supports ${max} subscribers, while this test requires at least ${needed} to run.`);
}

/** A processor wired to a TCK-controlled upstream stage. */
function processorWithStage(options: ProcessorVerificationOptions<unknown>, env: TestEnvironment) {
  const processor = options.createIdentityProcessor(options.processorBufferSize ?? 16);
  const stage = new TestStage<unknown>(env, options.createElement);
  stage.subscribe(processor);
  return { processor, stage };
}

async function subscribeTo(rule: string, processor: Processor<unknown, unknown>, subscriber: TckSubscriber<unknown>): Promise<TckSubscriber<unknown>> {
  processor.subscribe(subscriber);
  await subscriber.expectSubscription(rule);
  return subscriber;
}

const OWN_TESTS: Record<string, OwnTest> = {
  async required_spec104_mustCallOnErrorOnAllItsSubscribersIfItEncountersANonRecoverableError(options, env, track) {
    const rule = '1.4';
    requireSubscribers(options, 2);
    const { processor, stage } = processorWithStage(options, env);
    const sub1 = await subscribeTo(rule, processor, track(new TckSubscriber(env)));
    const sub2 = await subscribeTo(rule, processor, track(new TckSubscriber(env)));
    sub1.request(1);
    if (options.doesCoordinatedEmission) sub2.request(1);
    await stage.expectRequest(rule, 'upstream request after a downstream request(1)');
    const x = stage.sendNext();
    const got = await sub1.expectNext(rule, 'the element sent upstream');
    if (got !== x) sub1.failWith(rule, `expected the identity processor to pass on ${String(x)}, got ${String(got)}`);
    if (options.doesCoordinatedEmission) await sub2.expectNext(rule, 'the element sent upstream');
    const error = new TestException();
    stage.sendError(error);
    for (const [name, s] of [['subscriber 1', sub1], ['subscriber 2', sub2]] as const) {
      const received = await s.expectError(rule, Error, `at ${name} after the upstream failed`);
      if (received !== error) s.failWith(rule, `${name} received onError(${received.message}), not the upstream's error instance`);
    }
    stage.verify(rule);
  },

  async required_mustRequestFromUpstreamForElementsThatHaveBeenRequestedLongAgo(options, env, track) {
    const rule = '2.1';
    requireSubscribers(options, 2);
    const { processor, stage } = processorWithStage(options, env);
    const sub1 = await subscribeTo(rule, processor, track(new TckSubscriber(env)));
    sub1.request(20);
    let total = await stage.expectRequest(rule, 'upstream request after a downstream request(20)');
    const x = stage.sendNext();
    if ((await sub1.expectNext(rule)) !== x) fail(rule, 'subscriber 1 did not receive the 1st element unchanged');
    if (total === 1) total += await stage.expectRequest(rule, 'upstream request for the 2nd element');
    const y = stage.sendNext();
    if ((await sub1.expectNext(rule)) !== y) fail(rule, 'subscriber 1 did not receive the 2nd element unchanged');
    if (total === 2) total += await stage.expectRequest(rule, 'upstream request for the 3rd element');
    const sub2 = await subscribeTo(rule, processor, track(new TckSubscriber(env)));
    // sub1 still wants 18; sub2 has requested nothing. Coordinated emission paces both by the slower one, so sub2 asks
    // for 2: after z it still has demand, and the request for the 4th element is then owed to sub1's old demand.
    if (options.doesCoordinatedEmission) sub2.request(2);
    const z = stage.sendNext();
    if ((await sub1.expectNext(rule)) !== z) fail(rule, 'subscriber 1 did not receive the 3rd element unchanged');
    if (!options.doesCoordinatedEmission) {
      await sub2.expectNone(rule, 'at the late subscriber before it requested');
      sub2.request(1);
    }
    const late = await sub2.expectNext(rule, 'the element requested by the late subscriber');
    if (late !== z) sub2.failWith(rule, `the late subscriber received ${String(late)}, expected ${String(z)}`);
    if (total === 3) await stage.expectRequest(rule, 'upstream request for the 4th element (subscriber 1 still has demand)');
    stage.sendCompletion();
    await sub1.expectCompletion(rule);
    await sub2.expectCompletion(rule);
    stage.verify(rule);
  },

  async mustImmediatelyPassOnOnErrorEventsReceivedFromItsUpstreamToItsDownstream(options, env, track) {
    const rule = '4.2';
    const { processor, stage } = processorWithStage(options, env);
    const sub = await subscribeTo(rule, processor, track(new TckSubscriber(env)));
    const error = new TestException();
    stage.sendError(error);
    const received = await sub.expectError(rule, Error, 'forwarded from upstream without any demand');
    if (received !== error) sub.failWith(rule, `received onError(${received.message}), not the upstream's error instance`);
    stage.verify(rule);
  },
};

/**
 * Verifies an identity Processor (JVM `IdentityProcessorVerification`): every publisher test against
 * `createIdentityProcessor` fed by a helper publisher, every whitebox subscriber test against the processor with a
 * probing downstream, and the processor's own three tests.
 */
export async function verifyProcessor<T>(options: ProcessorVerificationOptions<T> & CommonVerificationOptions): Promise<Report> {
  const env = createEnvironment(options.env);
  return runTests('processor', processorTestCases(options, env), env, options);
}

/** Every test case of the processor verification (delegated publisher and whitebox tests, then its own three). */
export function processorTestCases<T>(options: ProcessorVerificationOptions<T>, env: TestEnvironment): TestCase[] {
  for (const name of ['createIdentityProcessor', 'createElement'] as const) {
    if (typeof (options as any)?.[name] !== 'function') throw new TypeError(`verifyProcessor: options.${name} must be a function`);
  }
  const bufferSize = options.processorBufferSize ?? 16;
  const budget = options.helperElementBudget ?? HELPER_ELEMENT_BUDGET;
  if (!(budget > 0)) throw new RangeError(`verifyProcessor: options.helperElementBudget must be a positive number, got ${String(budget)}`);
  const helper = options.createHelperPublisher ?? ((n: number) => new AsyncReferencePublisher<T>(n, options.createElement, budget));
  // The helper subscriptions of the running test: the TCK owns the helper, so it stops it when the test ends (a
  // multicast processor may keep its upstream after its last subscriber left, §3.14 only permits the cancel).
  const upstreams: Subscription[] = [];
  const asPublisher: PublisherVerificationOptions<T> = {
    createPublisher(elements) {
      const processor = options.createIdentityProcessor(bufferSize);
      helper(elements).subscribe({
        onSubscribe(subscription) {
          if (subscription != null) upstreams.push(subscription);
          processor.onSubscribe(subscription);
        },
        onNext: (element) => processor.onNext(element),
        onError: (error) => processor.onError(error),
        onComplete: () => processor.onComplete(),
      });
      return processor;
    },
    createFailedPublisher: options.createFailedPublisher,
    maxElementsFromPublisher: options.maxElementsFromPublisher,
    boundedDepthOfOnNextAndRequestRecursion: options.boundedDepthOfOnNextAndRequestRecursion,
    skipStochasticTests: options.skipStochasticTests,
  };
  const whitebox = whiteboxTestCases<T>({
    createSubscriber: (probe) => processorAsWhiteboxSubscriber(options, bufferSize, probe),
    createElement: options.createElement,
    upstreamCancelOptional: true,
  }, env);
  const stopHelpers = () => {
    for (const s of upstreams.splice(0)) {
      try {
        s.cancel();
      } catch {
        // the helper is the user's own (createHelperPublisher): its problems are not the processor's
      }
    }
  };
  const own: TestCase[] = PROCESSOR_OWN_RULES.map((entry) => {
    const body = OWN_TESTS[entry.id]!;
    const tracked: TckSubscriber<unknown>[] = [];
    return {
      entry,
      run: () => body(options as ProcessorVerificationOptions<unknown>, env, (s) => (tracked.push(s), s)),
      cleanup: () => {
        for (const s of tracked.splice(0)) {
          if (s.subscription && !s.cancelled && !s.isTerminated()) s.subscription.cancel();
          s.dispose();
        }
      },
    };
  });
  return [...publisherTestCases(asPublisher, env, stopHelpers), ...whitebox, ...own];
}
