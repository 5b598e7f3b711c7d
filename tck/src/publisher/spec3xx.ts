import { fail, show, skip } from '../harness/errors';
import { macrotask, sleep, waitUntil } from '../harness/time';
import type { PublisherTestContext } from './context';

// Subscription rules 3.x as seen from the publisher side, plus the JavaScript-only §3.9/§3.17 cases.

type Test<T = unknown> = (ctx: PublisherTestContext<T>) => Promise<void>;

export const required_spec302_mustAllowSynchronousRequestCallsFromOnNextAndOnSubscribe: Test = async (ctx) => {
  const rule = '3.2';
  const pub = ctx.createPublisher(rule, 6, false);
  const sub = await ctx.subscribeNew(rule, pub, {
    maxElements: 6,
    onSubscribe: (s) => {
      s.request(1);
      s.request(1);
      s.request(1);
    },
    onNext: (_, s) => s.request(1),
  });
  await waitUntil(sub.changed, () => sub.count >= 6 || sub.isTerminated() || sub.firstViolation() !== null, ctx.env.defaultTimeoutMillis);
  await sleep(ctx.env.defaultNoSignalsTimeoutMillis);
  ctx.verify(rule);
  if (sub.count < 6 && !sub.isTerminated()) {
    sub.failWith(rule, `requests from onSubscribe and onNext were not honoured: received ${sub.count} of 6 elements within ${ctx.env.defaultTimeoutMillis} ms`);
  }
};

export const required_spec303_mustNotAllowUnboundedRecursion: Test = async (ctx) => {
  const rule = '3.3';
  const bound = ctx.boundedDepth;
  const elements = bound + 1;
  const pub = ctx.createPublisher(rule, elements, false);
  let exceeded = 0;
  const sub = await ctx.subscribeNew(rule, pub, {
    maxElements: elements,
    onNext: (_, s) => {
      if (s.onNextDepth > bound) {
        exceeded = Math.max(exceeded, s.onNextDepth);
        return; // stop requesting: an unbounded recursion must not be fed until the stack overflows
      }
      s.request(1);
    },
  });
  sub.request(1);
  await waitUntil(sub.changed, () => sub.count >= elements || sub.isTerminated() || exceeded > 0, ctx.env.defaultTimeoutMillis);
  if (exceeded > 0) {
    sub.failWith(rule, `got ${exceeded} onNext calls nested in one call stack (request → onNext → request …), yet the expected recursive bound was ${bound}`);
  }
  ctx.verify(rule);
};

export const required_spec306_afterSubscriptionIsCancelledRequestMustBeNops: Test = async (ctx) => {
  const rule = '3.6';
  const pub = ctx.createPublisher(rule, 3, false);
  const sub = await ctx.subscribeNew(rule, pub, { maxElements: 3 });
  sub.cancel();
  sub.request(1);
  sub.request(1);
  sub.request(1);
  await sub.expectNone(rule, 'after cancel() and 3 × request(1)');
  ctx.verify(rule);
};

export const required_spec307_afterSubscriptionIsCancelledAdditionalCancelationsMustBeNops: Test = async (ctx) => {
  const rule = '3.7';
  const pub = ctx.createPublisher(rule, 1, false);
  const sub = await ctx.subscribeNew(rule, pub, { maxElements: 1 });
  sub.cancel();
  sub.cancel();
  sub.cancel();
  await sub.expectNone(rule, 'after 3 × cancel()');
  ctx.verify(rule);
};

/** Requests `n` on a fresh subscription of a 10-element publisher and expects onError(RangeError), not a throw. */
async function invalidRequest(ctx: PublisherTestContext<unknown>, n: number): Promise<RangeError> {
  const rule = '3.9';
  const pub = ctx.createPublisher(rule, 10, false);
  const sub = await ctx.subscribeNew(rule, pub, { maxElements: 10 });
  sub.request(n);
  const error = await sub.expectError(rule, RangeError, `for request(${show(n)})`);
  ctx.verify(rule);
  return error;
}

export const required_spec309_requestZeroMustSignalRangeError: Test = async (ctx) => {
  await invalidRequest(ctx, 0);
};

export const required_spec309_requestNegativeNumberMustSignalRangeError: Test = async (ctx) => {
  await invalidRequest(ctx, -1);
};

export const optional_spec309_requestNegativeNumberMaySignalRangeErrorWithSpecificMessage: Test = async (ctx) => {
  const error = await invalidRequest(ctx, -1);
  const phrases = ['3.9', 'non-positive subscription request', 'negative subscription request'];
  if (!phrases.some((p) => error.message.includes(p))) {
    fail('3.9', `the RangeError message ${JSON.stringify(error.message)} contains none of ${phrases.map((p) => JSON.stringify(p)).join(', ')}`);
  }
};

export const required_spec309_requestNaNMustSignalRangeError: Test = async (ctx) => {
  await invalidRequest(ctx, Number.NaN);
};

export const required_spec309_requestFractionMustSignalRangeError: Test = async (ctx) => {
  await invalidRequest(ctx, 1.5);
};

export const required_spec309_requestNegativeInfinityMustSignalRangeError: Test = async (ctx) => {
  await invalidRequest(ctx, -Infinity);
};

export const required_spec312_cancelMustMakeThePublisherToEventuallyStopSignaling: Test = async (ctx) => {
  const rule = '3.12';
  const pub = ctx.createPublisher(rule, 20, false);
  const sub = await ctx.subscribeNew(rule, pub, { maxElements: 20 });
  sub.request(10);
  sub.request(5);
  const demand = 15;
  await sub.expectNext(rule, 'the first element before cancelling');
  sub.cancel();
  // Silence windows of N until one passes quietly; cancellation may take effect late, but never beyond the demand.
  for (let window = 0; window < 50; window++) {
    const before = sub.count;
    await sleep(ctx.env.defaultNoSignalsTimeoutMillis);
    if (sub.count === before) break;
  }
  if (sub.count > demand) {
    sub.failWith(rule, `the publisher signalled ${sub.count} elements, which is more than the signalled demand: ${demand}`);
  }
  ctx.verify(rule);
};

/** §3.13 with WeakRef + gc(): the subscriber lives only inside `subscribeRequestCancel`; afterwards only a WeakRef is kept. */
export const required_spec313_cancelMustMakeThePublisherEventuallyDropAllReferencesToTheSubscriber: Test = async (ctx) => {
  const rule = '3.13';
  const gc = (globalThis as { gc?: () => void }).gc;
  if (typeof gc !== 'function') {
    skip('needs a garbage collector exposed as globalThis.gc: run node with --expose-gc (the sluice-tck CLI does this itself; vitest: poolOptions execArgv)');
  }
  const pub = ctx.createPublisher(rule, 3, false);
  // Two witnesses: the WeakRef (deref() is undefined once collected) and a FinalizationRegistry callback (may run
  // later, or never: the spec does not promise it). Either one proves the subscriber was collected.
  let finalized = false;
  const registry = new FinalizationRegistry<string>(() => {
    finalized = true;
  });
  const ref = await subscribeRequestCancel(ctx, pub, registry);
  await sleep(ctx.env.publisherReferenceGCTimeoutMillis);
  for (let attempt = 0; attempt < 5; attempt++) {
    gc();
    await macrotask(); // V8 keeps WeakRef targets alive until the current job ends
    gc();
    if (ref.deref() === undefined || finalized) return;
    await sleep(10);
  }
  fail(rule, `the publisher did not drop its reference to the test subscriber after subscription cancellation (still reachable ${ctx.env.publisherReferenceGCTimeoutMillis} ms after cancel() and 5 forced collections); calls: request(1), cancel()`);
};

async function subscribeRequestCancel(
  ctx: PublisherTestContext<unknown>,
  pub: { subscribe(s: any): void },
  registry: FinalizationRegistry<string>,
): Promise<WeakRef<object>> {
  const rule = '3.13';
  const sub = ctx.untrackedSubscriber({ maxElements: 3 });
  await ctx.subscribe(rule, pub, sub);
  sub.request(1);
  await sub.expectNext(rule, 'the element for request(1)');
  sub.cancel();
  sub.verify(rule);
  sub.dispose();
  registry.register(sub, 'tck subscriber');
  return new WeakRef(sub);
}

export const required_spec317_mustSupportAPendingElementCountUpToLongMaxValue: Test = async (ctx) => {
  const rule = '3.17';
  const pub = ctx.createPublisher(rule, 3, true);
  const sub = await ctx.subscribeNew(rule, pub, { maxElements: 3 });
  sub.request(Number.MAX_SAFE_INTEGER);
  await sub.expectNextN(rule, 3);
  await sub.expectCompletion(rule, 'onComplete after 3 elements for request(Number.MAX_SAFE_INTEGER)');
  ctx.verify(rule);
};

export const required_spec317_mustSupportACumulativePendingElementCountUpToLongMaxValue: Test = async (ctx) => {
  const rule = '3.17';
  const pub = ctx.createPublisher(rule, 3, true);
  const sub = await ctx.subscribeNew(rule, pub, { maxElements: 3 });
  const half = Math.floor(Number.MAX_SAFE_INTEGER / 2);
  sub.request(half);
  sub.request(half);
  sub.request(1); // the three sum to exactly Number.MAX_SAFE_INTEGER
  await sub.expectNextN(rule, 3);
  await sub.expectCompletion(rule, 'onComplete after 3 elements for a cumulative demand of Number.MAX_SAFE_INTEGER');
  ctx.verify(rule);
};

export const required_spec317_mustNotSignalOnErrorWhenPendingAboveLongMaxValue: Test = async (ctx) => {
  const rule = '3.17';
  const elements = 2 ** 31 - 1; // the JVM's Integer.MAX_VALUE precondition; the subscriber cancels after ~11 elements
  const pub = ctx.createPublisher(rule, elements, false);
  let extraRequests = 0;
  const sub = await ctx.subscribeNew(rule, pub, {
    discardElements: true,
    onNext: (_, s) => {
      if (s.cancelled) return;
      if (extraRequests < 10) {
        extraRequests++;
        s.request(Number.MAX_SAFE_INTEGER - 1);
      } else {
        s.cancel();
      }
    },
  });
  sub.request(1);
  await waitUntil(sub.changed, () => sub.cancelled || sub.isTerminated(), ctx.env.defaultTimeoutMillis);
  await sleep(ctx.env.defaultNoSignalsTimeoutMillis);
  if (sub.errors.length > 0) sub.failWith(rule, `demand above Number.MAX_SAFE_INTEGER must saturate, but the publisher signalled onError(${show(sub.errors[0])})`);
  ctx.verify(rule);
};

export const required_spec317_requestInfinityMustBeTreatedAsUnbounded: Test = async (ctx) => {
  const rule = '3.17';
  const pub = ctx.createPublisher(rule, 3, true);
  const sub = await ctx.subscribeNew(rule, pub, { maxElements: 3 });
  sub.request(Infinity);
  await sub.expectNextN(rule, 3);
  await sub.expectCompletion(rule, 'onComplete after 3 elements for request(Infinity)');
  ctx.verify(rule);
};

/**
 * §2.13 from the publisher side (JavaScript only: the JVM types make null elements a compile-time matter). A null or
 * undefined element or error is a violation of its own, named as such, not only the knock-on failures of other rules.
 */
export const required_spec213_publisherMustNotSignalNullOrUndefined: Test = async (ctx) => {
  const rule = '2.13';
  const elements = Math.min(10, ctx.maxElements);
  const pub = ctx.createPublisher(rule, elements, false);
  const sub = await ctx.subscribeNew(rule, pub, { maxElements: elements });
  sub.request(elements);
  await waitUntil(sub.changed, () => sub.count >= elements || sub.isTerminated() || sub.firstViolation() !== null, ctx.env.defaultTimeoutMillis);
  const nullish = sub.received.findIndex((x) => x == null);
  if (nullish >= 0) sub.failWith(rule, `element ${nullish + 1} of createPublisher(${elements}) was ${show(sub.received[nullish])}: onNext must never be given null or undefined`, { required: true });
  const badError = sub.errors.findIndex((e) => e == null);
  if (badError >= 0) sub.failWith(rule, `onError was given ${show(sub.errors[badError])}: onError must be given an error object`, { required: true });
  ctx.verify(rule);
};

/**
 * §3.12 / §1.8 under unbounded demand (the JVM TCK only cancels under bounded demand). An infinite publisher gets
 * request(Number.MAX_SAFE_INTEGER), then (a second subscription) request(Infinity); the subscriber cancels from inside
 * its 10th onNext. The publisher must then stop: at most CANCEL_BUDGET more elements, and then a quiet window of N.
 * The TCK's subscriber throws into an emit loop that ignores cancel, so a synchronous publisher cannot run forever.
 */
export const required_spec312_cancelMustStopSignalingUnderUnboundedDemand: Test = async (ctx) => {
  const rule = '3.12';
  const elements = 2 ** 31 - 1; // "infinite" for the purpose: far more than will ever be asked for
  for (const demand of [Number.MAX_SAFE_INTEGER, Infinity]) {
    const pub = ctx.createPublisher(rule, elements, false);
    const sub = await ctx.subscribeNew(rule, pub, {
      discardElements: true,
      onNext: (_, s) => {
        if (s.count === 10 && !s.cancelled) s.cancel();
      },
    });
    sub.request(demand);
    await waitUntil(sub.changed, () => sub.cancelled || sub.isTerminated() || sub.firstViolation() !== null, ctx.env.defaultTimeoutMillis);
    if (!sub.cancelled && !sub.isTerminated()) sub.failWith(rule, `expected 10 elements for request(${show(demand)}) within ${ctx.env.defaultTimeoutMillis} ms, received ${sub.count}`);
    // quiet windows of N until one passes without an element; cancellation may take effect late, but it must
    let quiet = false;
    for (let window = 0; window < 20 && !quiet; window++) {
      const before = sub.count;
      await sleep(ctx.env.defaultNoSignalsTimeoutMillis);
      quiet = sub.count === before;
    }
    sub.verify(rule);
    if (!quiet) {
      sub.failWith(rule, `after cancel() under request(${show(demand)}) the publisher kept signalling: ${sub.afterCancel} elements after cancel() and still going (§1.8: a cancelled subscriber must eventually stop receiving signals)`, { required: true });
    }
  }
  ctx.verify(rule);
};
