import { describeThrown, fail, show, showList, skip, TckFailure } from '../harness/errors';
import type { TckSubscriber } from '../harness/TckSubscriber';
import { waitUntil } from '../harness/time';
import { PUBLISHER_UNABLE_TO_SIGNAL_ON_COMPLETE, type PublisherTestContext } from './context';

// Publisher rules 1.x plus the sanity tests. One function per TCK test id; each follows the JVM TCK's steps
// (reactive-streams-tck-matrix.md §1) with the JavaScript mapping of §5.

type Test<T = unknown> = (ctx: PublisherTestContext<T>) => Promise<void>;

export const required_createPublisher1MustProduceAStreamOfExactly1Element: Test = async (ctx) => {
  const rule = '1.2';
  const pub = ctx.createPublisher(rule, 1, true);
  const sub = await ctx.subscribeNew(rule, pub, { maxElements: 1 });
  sub.request(1);
  await sub.expectNext(rule, 'the 1st element of createPublisher(1)');
  sub.request(1);
  await sub.expectCompletion(rule, 'onComplete after the only element of createPublisher(1)');
  ctx.verify(rule);
};

export const required_createPublisher3MustProduceAStreamOfExactly3Elements: Test = async (ctx) => {
  const rule = '1.2';
  const pub = ctx.createPublisher(rule, 3, true);
  const sub = await ctx.subscribeNew(rule, pub, { maxElements: 3 });
  for (let i = 1; i <= 3; i++) {
    sub.request(1);
    await sub.expectNext(rule, `element ${i} of createPublisher(3)`);
  }
  sub.request(1);
  await sub.expectCompletion(rule, 'onComplete after the 3 elements of createPublisher(3)');
  ctx.verify(rule);
};

export const required_validate_maxElementsFromPublisher: Test = async (ctx) => {
  const max = ctx.maxElements;
  if (typeof max !== 'number' || Number.isNaN(max) || max < 0) fail('1.2', `maxElementsFromPublisher must be a number >= 0, got ${show(max)}`);
};

export const required_validate_boundedDepthOfOnNextAndRequestRecursion: Test = async (ctx) => {
  const depth = ctx.boundedDepth;
  if (typeof depth !== 'number' || !(depth >= 1)) fail('3.3', `boundedDepthOfOnNextAndRequestRecursion must be a number >= 1, got ${show(depth)}`);
};

export const required_spec101_subscriptionRequestMustResultInTheCorrectNumberOfProducedElements: Test = async (ctx) => {
  const rule = '1.1';
  const pub = ctx.createPublisher(rule, 5, false);
  const sub = await ctx.subscribeNew(rule, pub, { maxElements: 5 });
  await sub.expectNone(rule, 'before any request');
  sub.request(1);
  await sub.expectNext(rule, 'the element for request(1)');
  await sub.expectNone(rule, 'after the element for request(1)');
  sub.request(1);
  sub.request(2);
  await sub.expectNextN(rule, 3);
  await sub.expectNone(rule, 'after the 4 requested elements');
  sub.cancel();
  ctx.verify(rule);
};

export const required_spec102_maySignalLessThanRequestedAndTerminateSubscription: Test = async (ctx) => {
  const rule = '1.2';
  const pub = ctx.createPublisher(rule, 3, true);
  const sub = await ctx.subscribeNew(rule, pub, { maxElements: 3 });
  sub.request(10);
  await sub.expectNextN(rule, 3);
  await sub.expectCompletion(rule, 'onComplete after 3 of the 10 requested elements');
  ctx.verify(rule);
};

/**
 * The JVM test looks for overlapping signals from different threads, which cannot happen in JavaScript. What can
 * happen is re-entrant delivery: the JavaScript version flags any signal that starts while another signal is still
 * running unless the running handler called this subscriber's own `request` (which §3.2/§3.10/§3.11 allow). Phase 1
 * is the JVM's pattern (request 1 per element, ten times); phase 2 cancels from inside `onNext`, where a publisher
 * that signals from `cancel()` would nest.
 */
export const stochastic_spec103_mustSignalOnMethodsSequentially: Test = async (ctx) => {
  const rule = '1.3';
  if (ctx.options.skipStochasticTests) skip('Skipping @Stochastic test because skipStochasticTests is true');
  const elements = 10;
  for (let iteration = 0; iteration < 10; iteration++) {
    const pub = ctx.createPublisher(rule, elements, true);
    const sub = await ctx.subscribeNew(rule, pub, {
      maxElements: elements,
      onSubscribe: (s) => s.request(1),
      onNext: (_, s) => s.request(1),
    });
    const done = await waitUntil(sub.changed, () => sub.isTerminated() || sub.firstViolation() !== null, 10 * ctx.env.defaultTimeoutMillis);
    sub.verify(rule);
    if (!done) sub.failWith(rule, `iteration ${iteration + 1}: expected onComplete within ${10 * ctx.env.defaultTimeoutMillis} ms after ${showList(sub.received)}`);
  }
  const pub = ctx.createPublisher(rule, elements, false);
  const sub = await ctx.subscribeNew(rule, pub, {
    maxElements: elements,
    onSubscribe: (s) => s.request(5),
    onNext: (_, s) => {
      if (s.count === 2) s.cancel();
    },
  });
  await waitUntil(sub.changed, () => sub.count >= 2 || sub.isTerminated(), ctx.env.defaultTimeoutMillis);
  await waitUntil(sub.changed, () => sub.firstViolation() !== null, ctx.env.defaultNoSignalsTimeoutMillis);
  ctx.verify(rule);
};

export const optional_spec104_mustSignalOnErrorWhenFails: Test = async (ctx) => {
  const rule = '1.4';
  const pub = ctx.createFailedPublisher(rule);
  const sub = await ctx.subscribeNew(rule, pub);
  await sub.expectError(rule, Error, 'from the failed publisher (without any request)');
  await sub.expectNone(rule, 'after onError');
  ctx.verify(rule);
};

export const required_spec105_mustSignalOnCompleteWhenFiniteStreamTerminates: Test = async (ctx) => {
  const rule = '1.5';
  const pub = ctx.createPublisher(rule, 3, true);
  const sub = await ctx.subscribeNew(rule, pub, { maxElements: 3 });
  for (let i = 1; i <= 3; i++) {
    sub.request(1);
    await sub.expectNext(rule, `element ${i} of 3`);
  }
  sub.request(1);
  await sub.expectCompletion(rule, 'onComplete after the last of 3 elements');
  await sub.expectNone(rule, 'after onComplete');
  ctx.verify(rule);
};

export const optional_spec105_emptyStreamMustTerminateBySignallingOnComplete: Test = async (ctx) => {
  const rule = '1.5';
  const pub = ctx.createPublisher(rule, 0, true);
  const sub = await ctx.subscribeNew(rule, pub, { maxElements: 0 });
  sub.request(1);
  await sub.expectCompletion(rule, 'onComplete from createPublisher(0)');
  await sub.expectNone(rule, 'after onComplete');
  ctx.verify(rule);
};

export const required_spec107_mustNotEmitFurtherSignalsOnceOnCompleteHasBeenSignalled: Test = async (ctx) => {
  const rule = '1.7';
  const pub = ctx.createPublisher(rule, 1, true);
  const sub = await ctx.subscribeNew(rule, pub, { maxElements: 1 });
  sub.request(10);
  await sub.expectNext(rule, 'the only element');
  await sub.expectCompletion(rule);
  sub.request(10);
  await sub.expectNone(rule, 'after onComplete and another request(10)');
  ctx.verify(rule);
};

export const required_spec109_subscribeThrowTypeErrorOnNullSubscriber: Test = async (ctx) => {
  const rule = '1.9';
  const pub = ctx.createPublisher(rule, 0, false);
  for (const nothing of [null, undefined]) {
    let thrown: unknown = undefined;
    let threw = false;
    try {
      pub.subscribe(nothing as never);
    } catch (error) {
      threw = true;
      thrown = error;
    }
    if (!threw) fail(rule, `subscribe(${nothing}) returned normally; expected it to throw TypeError`);
    if (!(thrown instanceof TypeError)) fail(rule, `subscribe(${nothing}) threw ${show(thrown)}; expected a TypeError`);
  }
  // §1.9: the throw must have changed nothing. A publisher that used up a subscriber slot or kept a dead entry
  // before checking the argument fails the next, real subscriber.
  const sub = ctx.newSubscriber({ maxElements: 0 });
  const after = 'after subscribe(null) and subscribe(undefined) threw';
  try {
    pub.subscribe(sub);
  } catch (error) {
    sub.failWith(rule, `${after}, subscribe(subscriber) threw ${describeThrown(error)}: the rejected calls changed the publisher's state`);
  }
  await sub.expectSubscription(rule);
  sub.request(1);
  if (ctx.maxElements === PUBLISHER_UNABLE_TO_SIGNAL_ON_COMPLETE) {
    await sub.expectNone(rule, `${after} (a real subscriber must be served as if they never happened)`);
  } else {
    await sub.expectCompletion(rule, `onComplete of createPublisher(0) for a real subscriber ${after} (the rejected calls must change nothing)`);
  }
  ctx.verify(rule);
};

export const required_spec109_mustIssueOnSubscribeForNonNullSubscriber: Test = async (ctx) => {
  const rule = '1.9';
  const pub = ctx.createPublisher(rule, 0, false);
  const sub = ctx.newSubscriber({ maxElements: 0 });
  await ctx.subscribe(rule, pub, sub);
  if (sub.onSubscribeCount !== 1) sub.failWith(rule, `expected onSubscribe exactly once, got ${sub.onSubscribeCount}`);
  ctx.verify(rule);
};

export const required_spec109_mayRejectCallsToSubscribeIfPublisherIsUnableOrUnwillingToServeThemRejectionMustTriggerOnErrorAfterOnSubscribe: Test = async (ctx) => {
  const rule = '1.9';
  const pub = ctx.createFailedPublisher(rule);
  const sub = await ctx.subscribeNew(rule, pub);
  await sub.expectError(rule, Error, 'after onSubscribe from the rejecting publisher');
  ctx.verify(rule);
};

// ---- 1.11: all optional; failures become skips ------------------------------------------------------------------

export const optional_spec111_maySupportMultiSubscribe: Test = async (ctx) => {
  const rule = '1.11';
  const pub = ctx.createPublisher(rule, 1, false);
  const sub1 = await ctx.subscribeNew(rule, pub, { maxElements: 1 });
  const sub2 = await ctx.subscribeNew(rule, pub, { maxElements: 1 });
  await sub2.expectNone(rule, 'for a second subscriber without demand');
  ctx.verify(rule);
  sub1.cancel();
  sub2.cancel();
};

/**
 * A subscriber with outstanding demand that got nothing within T (short of what the publisher was created to produce,
 * and neither terminated nor cancelled) is starved when either
 * - another subscriber of the same publisher was given more elements: one subscriber's demand was served to another;
 * - or every live subscriber of the publisher has outstanding demand and none got more: the publisher stalled with
 *   demand everywhere (nobody received anything, for example), which no pacing explains.
 * Not supporting several subscribers is fine (§1.11: reject them with onError), and neither is a publisher that paces
 * every subscriber by the slowest one (coordinated emission: it waits while some subscriber has no demand). Both
 * starvations break §3.8 (request(n) registers n elements to be produced for THIS subscriber): a failure of that
 * required rule, never an "optional" skip.
 */
function checkStarvation<T>(subs: readonly TckSubscriber<T>[], starved: TckSubscriber<T>): void {
  if (!hasOutstandingDemand(starved)) return;
  const i = subs.indexOf(starved);
  const got = `subscriber ${i + 1} requested ${show(starved.requested)} and received ${starved.count} element${starved.count === 1 ? '' : 's'} within the timeout`;
  const fed = subs.findIndex((o) => o !== starved && o.count > starved.count);
  if (fed >= 0) {
    starved.failWith('3.8', `${got}, while subscriber ${fed + 1} was given ${subs[fed]!.count}: the publisher starved a subscriber that had demand`, { required: true });
  }
  const live = subs.filter((o) => !o.isTerminated() && !o.cancelled);
  if (live.every(hasOutstandingDemand)) {
    const others = live.length === 1 ? 'it was the only live subscriber' : `all ${live.length} live subscribers had outstanding demand and none was given more`;
    starved.failWith('3.8', `${got}, while ${others} (no coordinated emission waits then): the publisher starved a subscriber that had demand`, { required: true });
  }
}

function hasOutstandingDemand<T>(s: TckSubscriber<T>): boolean {
  return !s.isTerminated() && !s.cancelled && s.requested > s.count;
}

/** `expectNextN` for one of several subscribers, turning a timeout into a §3.8 failure when it is starvation. */
async function nextN<T>(rule: string, subs: readonly TckSubscriber<T>[], sub: TckSubscriber<T>, n: number): Promise<void> {
  try {
    await sub.expectNextN(rule, n);
  } catch (error) {
    if (error instanceof TckFailure && error.details.required !== true) checkStarvation(subs, sub);
    throw error;
  }
}

async function elementOrCompletion<T>(ctx: PublisherTestContext<T>, rule: string, subs: readonly TckSubscriber<T>[], sub: TckSubscriber<T>, name: string): Promise<void> {
  const timeout = ctx.env.defaultTimeoutMillis;
  const ok = await waitUntil(sub.changed, () => sub.count > 0 || sub.isTerminated(), timeout);
  sub.verify(rule);
  if (!ok) {
    checkStarvation(subs, sub);
    sub.failWith(rule, `${name} received neither onNext nor onComplete within ${timeout} ms`);
  }
}

export const optional_spec111_registeredSubscribersMustReceiveOnNextOrOnCompleteSignals: Test = async (ctx) => {
  const rule = '1.11';
  const pub = ctx.createPublisher(rule, 1, false);
  const sub1 = await ctx.subscribeNew(rule, pub, { maxElements: 1 });
  const sub2 = await ctx.subscribeNew(rule, pub, { maxElements: 1 });
  sub1.request(1);
  sub2.request(1);
  await elementOrCompletion(ctx, rule, [sub1, sub2], sub1, 'subscriber 1');
  await elementOrCompletion(ctx, rule, [sub1, sub2], sub2, 'subscriber 2');
  ctx.verify(rule);
};

/**
 * Element equality for §1.11. The JVM TCK uses `equals`, which is structural for lists and value types; JavaScript
 * has no `equals`, so primitives compare with `Object.is` and arrays and plain objects structurally (a `buffer(2)`
 * emitting fresh `[0, 1]` arrays to each subscriber emits the same elements). Other objects compare by identity.
 */
function sameElement(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameElement(x, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && sameElement(a[k], b[k]));
  }
  return false;
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (typeof x !== 'object' || x === null) return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

function sameSequences<T>(rule: string, subs: TckSubscriber<T>[]): void {
  const first = subs[0]!.received;
  for (let i = 1; i < subs.length; i++) {
    const other = subs[i]!.received;
    if (other.length !== first.length || other.some((x, k) => !sameElement(x, first[k]))) {
      fail(rule, `subscribers received different sequences: subscriber 1 ${showList(first)}, subscriber ${i + 1} ${showList(other)}`);
    }
  }
}

export const optional_spec111_multicast_mustProduceTheSameElementsInTheSameSequenceToAllOfItsSubscribersWhenRequestingOneByOne: Test = async (ctx) => {
  const rule = '1.11';
  const pub = ctx.createPublisher(rule, 5, true);
  const [a, b, c] = [
    await ctx.subscribeNew(rule, pub, { maxElements: 5 }),
    await ctx.subscribeNew(rule, pub, { maxElements: 5 }),
    await ctx.subscribeNew(rule, pub, { maxElements: 5 }),
  ] as const;
  // interleaved small requests, as in the JVM test: a 1, b 2, a 1, c 3, c 1, b 3, a 3, c 1
  const steps: [TckSubscriber<unknown>, number][] = [[a, 1], [b, 2], [a, 1], [c, 3], [c, 1], [b, 3], [a, 3], [c, 1]];
  for (const [s, n] of steps) {
    s.request(n);
    await nextN(rule, [a, b, c], s, n);
  }
  for (const s of [a, b, c]) {
    s.request(1);
    await s.expectCompletion(rule, 'onComplete after 5 elements');
  }
  sameSequences(rule, [a, b, c]);
  ctx.verify(rule);
};

async function manyUpfront(ctx: PublisherTestContext<unknown>, complete: boolean): Promise<void> {
  const rule = '1.11';
  const pub = ctx.createPublisher(rule, 3, complete);
  const subs = [
    await ctx.subscribeNew(rule, pub, { maxElements: 3 }),
    await ctx.subscribeNew(rule, pub, { maxElements: 3 }),
    await ctx.subscribeNew(rule, pub, { maxElements: 3 }),
  ];
  for (const s of subs) s.request(4);
  for (const s of subs) await nextN(rule, subs, s, 3);
  if (complete) for (const s of subs) await s.expectCompletion(rule, 'onComplete after 3 elements');
  sameSequences(rule, subs);
  ctx.verify(rule);
}

export const optional_spec111_multicast_mustProduceTheSameElementsInTheSameSequenceToAllOfItsSubscribersWhenRequestingManyUpfront: Test = (ctx) =>
  manyUpfront(ctx, false);

export const optional_spec111_multicast_mustProduceTheSameElementsInTheSameSequenceToAllOfItsSubscribersWhenRequestingManyUpfrontAndCompleteAsExpected: Test = (ctx) =>
  manyUpfront(ctx, true);
