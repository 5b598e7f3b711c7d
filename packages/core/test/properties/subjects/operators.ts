// Property subjects: single-upstream operators (pass-through, queueing, flattening, multicast, time, metrics).
import { buffer } from '../../../src/operators/buffer';
import { bufferCount } from '../../../src/operators/bufferCount';
import { count } from '../../../src/operators/count';
import { defaultIfEmpty } from '../../../src/operators/defaultIfEmpty';
import { distinct } from '../../../src/operators/distinct';
import { elementAt } from '../../../src/operators/elementAt';
import { every, some } from '../../../src/operators/every';
import { first, last } from '../../../src/operators/first';
import { ignoreElements } from '../../../src/operators/ignoreElements';
import { concatWith, mergeWith } from '../../../src/operators/mergeWith';
import { pairwise } from '../../../src/operators/pairwise';
import { skipUntil } from '../../../src/operators/skipUntil';
import { skipWhile } from '../../../src/operators/skipWhile';
import { takeLast } from '../../../src/operators/takeLast';
import { takeUntil } from '../../../src/operators/takeUntil';
import { throwIfEmpty } from '../../../src/operators/throwIfEmpty';
import { timeInterval, timestamp } from '../../../src/operators/timestamp';
import { withLatestFrom } from '../../../src/operators/withLatestFrom';
import { catchError } from '../../../src/operators/catchError';
import { concatMap } from '../../../src/operators/concatMap';
import { deadline } from '../../../src/operators/deadline';
import { delay } from '../../../src/operators/delay';
import { distinctUntilChanged } from '../../../src/operators/distinctUntilChanged';
import { exhaustMap } from '../../../src/operators/exhaustMap';
import { filter } from '../../../src/operators/filter';
import { groupBy } from '../../../src/operators/groupBy';
import { limitRate } from '../../../src/operators/limitRate';
import { map } from '../../../src/operators/map';
import { flatMap, mergeMap } from '../../../src/operators/mergeMap';
import { metrics } from '../../../src/metrics/metrics';
import { name } from '../../../src/metrics/name';
import { observeOn } from '../../../src/operators/observeOn';
import { onBackpressureBuffer } from '../../../src/operators/onBackpressureBuffer';
import { onBackpressureDrop } from '../../../src/operators/onBackpressureDrop';
import { onBackpressureLatest } from '../../../src/operators/onBackpressureLatest';
import { publish } from '../../../src/operators/publish';
import { reduce } from '../../../src/operators/reduce';
import { replay } from '../../../src/operators/replay';
import { scan } from '../../../src/operators/scan';
import { share } from '../../../src/operators/share';
import { broadcast } from '../../../src/operators/broadcast';
import { expand } from '../../../src/operators/expand';
import { skip } from '../../../src/operators/skip';
import { subscribeOn } from '../../../src/operators/subscribeOn';
import { switchMap } from '../../../src/operators/switchMap';
import { take } from '../../../src/operators/take';
import { takeWhile } from '../../../src/operators/takeWhile';
import { tap } from '../../../src/operators/tap';
import { timeout } from '../../../src/operators/timeout';
import { window } from '../../../src/operators/window';
import { createMetricsRegistry } from '../../../src/metrics/MetricsRegistry';
import { toFlow } from '../../../src/internal/lift';
import { interval } from '../../../src/sources/interval';
import { range } from '../../../src/sources/range';
import type { Flow } from '../../../src/Flow';
import type { Publisher } from '../../../src/spec/Publisher';
import {
  type Env, type Subject, passThrough, prefetch, replacing, unbounded,
} from '../harness';

const up = (env: Env): Flow<number> => toFlow(env.upstreams[0]!);

/** What an age-budgeted buffer took in, delivered and dropped (by reason), for its conservation check. */
const agedRuns = new WeakMap<Env, { arrived: number; delivered: number; overflow: number; expired: number }>();
/** A small synchronous inner: 0, 1 or 2 items depending on the outer value. */
const inner = (x: number): Publisher<number> => range(x * 10, x % 3);
/** A timed inner on the run's virtual scheduler. */
const timedInner = (env: Env) => (x: number): Publisher<number> =>
  interval(1 + (x % 3), { scheduler: env.scheduler }).pipe(take(1 + (x % 2)), map((i) => x * 10 + i));

export const operatorSubjects: Subject[] = [
  // pass-through
  { name: 'map', upstreams: 1, build: (env) => up(env).pipe(map(env.track((x: number) => x * 2))) },
  { name: 'filter', upstreams: 1, bound: replacing, build: (env) => up(env).pipe(filter(env.track((x: number) => x % 2 === 0))) },
  { name: 'take', upstreams: 1, build: (env) => up(env).pipe(take(3)) },
  { name: 'takeWhile', upstreams: 1, build: (env) => up(env).pipe(takeWhile(env.track((x: number) => x < 5), { inclusive: true })) },
  { name: 'skip', upstreams: 1, bound: (c) => c.requested + 2, build: (env) => up(env).pipe(skip(2)) },
  { name: 'scan', upstreams: 1, build: (env) => up(env).pipe(scan(env.track((a: number, x: number) => a + x), 0)) },
  { name: 'reduce', upstreams: 1, bound: unbounded, build: (env) => up(env).pipe(reduce(env.track((a: number, x: number) => a + x), 0)) },
  { name: 'distinctUntilChanged', upstreams: 1, bound: replacing, build: (env) => up(env).pipe(map((x) => x >> 1), distinctUntilChanged(env.track((a: number, b: number) => a === b))) },
  { name: 'tap', upstreams: 1, build: (env) => up(env).pipe(tap(env.track({ next: () => {}, complete: () => {}, error: () => {} }))) },
  {
    name: 'catchError', upstreams: 2, bound: passThrough, catchesErrors: true,
    build: (env) => up(env).pipe(catchError(env.track(() => toFlow(env.upstreams[1]!)))),
  },
  { name: 'buffer', upstreams: 1, bound: (c) => c.requested * 3, build: (env) => up(env).pipe(buffer(3), map((b) => b.length)) },
  { name: 'window', upstreams: 1, bound: unbounded, build: (env) => up(env).pipe(window(2), concatMap((w) => w.pipe(reduce(env.track((a: number, x: number) => a + x), 0)))) },
  // the everyday operators (issue #20): pass-through, replacing, or draining to a single result
  { name: 'skipWhile', upstreams: 1, bound: replacing, build: (env) => up(env).pipe(skipWhile(env.track((x: number) => x < 3))) },
  { name: 'skipUntil', upstreams: 1, bound: replacing, build: (env) => up(env).pipe(skipUntil(interval(3, { scheduler: env.scheduler }))) },
  { name: 'takeUntil', upstreams: 1, build: (env) => up(env).pipe(takeUntil(interval(40, { scheduler: env.scheduler }))) },
  { name: 'takeLast', upstreams: 1, bound: unbounded, build: (env) => up(env).pipe(takeLast(2)) },
  { name: 'first', upstreams: 1, build: (env) => up(env).pipe(first({ defaultValue: -1 })) },
  { name: 'last', upstreams: 1, bound: unbounded, build: (env) => up(env).pipe(last(env.track((x: number) => x % 2 === 0), { defaultValue: -1 })) },
  { name: 'elementAt', upstreams: 1, bound: (c) => c.requested + 2, build: (env) => up(env).pipe(elementAt(2, { defaultValue: -1 })) },
  { name: 'defaultIfEmpty', upstreams: 1, build: (env) => up(env).pipe(defaultIfEmpty(-1)) },
  { name: 'throwIfEmpty', upstreams: 1, build: (env) => up(env).pipe(throwIfEmpty()) },
  { name: 'count', upstreams: 1, bound: unbounded, build: (env) => up(env).pipe(count(env.track((x: number) => x > 2))) },
  { name: 'every', upstreams: 1, bound: (c) => c.requested + c.emitted, build: (env) => up(env).pipe(every(env.track((x: number) => x < 8))) },
  { name: 'some', upstreams: 1, bound: (c) => c.requested + c.emitted, build: (env) => up(env).pipe(some(env.track((x: number) => x > 8))) },
  { name: 'pairwise', upstreams: 1, bound: (c) => c.requested + 1, build: (env) => up(env).pipe(pairwise(), map(([a, b]) => a + b)) },
  { name: 'withLatestFrom', upstreams: 1, bound: replacing, build: (env) => up(env).pipe(withLatestFrom(interval(2, { scheduler: env.scheduler }).pipe(take(3))), map(([a, b]) => a + b)) },
  { name: 'distinct', upstreams: 1, bound: replacing, build: (env) => up(env).pipe(map((x) => x % 5), distinct({ capacity: 3 })) },
  { name: 'bufferCount', upstreams: 1, bound: (c) => c.requested * 2 + 2, build: (env) => up(env).pipe(bufferCount(3, 2), map((b) => b.length)) },
  { name: 'ignoreElements', upstreams: 1, bound: unbounded, build: (env) => up(env).pipe(ignoreElements()) },
  { name: 'timestamp', upstreams: 1, build: (env) => up(env).pipe(timestamp({ scheduler: env.scheduler }), map((t) => t.value)) },
  { name: 'timeInterval', upstreams: 1, build: (env) => up(env).pipe(timeInterval({ scheduler: env.scheduler }), map((t) => t.value)) },
  { name: 'mergeWith', upstreams: 2, bound: prefetch(32), build: (env) => up(env).pipe(mergeWith(env.upstreams[1]!)) },
  { name: 'concatWith', upstreams: 2, bound: passThrough, build: (env) => up(env).pipe(concatWith(env.upstreams[1]!)) },
  // queueing and flattening
  { name: 'mergeMap', upstreams: 1, bound: prefetch(4), build: (env) => up(env).pipe(mergeMap(env.track((x: number) => inner(x)), { concurrency: 4, prefetch: 2 })) },
  { name: 'flatMap', upstreams: 1, bound: prefetch(2), build: (env) => up(env).pipe(flatMap(env.track(timedInner(env)), { concurrency: 2, prefetch: 1 })) },
  { name: 'concatMap', upstreams: 1, bound: prefetch(3), build: (env) => up(env).pipe(concatMap(env.track(timedInner(env)), { prefetch: 3 })) },
  { name: 'switchMap', upstreams: 1, bound: prefetch(1), build: (env) => up(env).pipe(switchMap(env.track(timedInner(env)), { prefetch: 2 })) },
  { name: 'exhaustMap', upstreams: 1, bound: prefetch(1), build: (env) => up(env).pipe(exhaustMap(env.track(timedInner(env)), { prefetch: 2 })) },
  // flattening over hostile inner publishers (each inner is a fresh TestPublisher the schedule drives)
  {
    name: 'mergeMap', upstreams: 1, maxUpstreams: 6, bound: prefetch(2), innerBound: prefetch(3),
    build: (env) => up(env).pipe(mergeMap(env.track(() => env.inner()), { concurrency: 2, prefetch: 3 })),
  },
  {
    name: 'concatMap', upstreams: 1, maxUpstreams: 6, bound: prefetch(3), innerBound: prefetch(3),
    build: (env) => up(env).pipe(concatMap(env.track(() => env.inner()), { prefetch: 3, innerPrefetch: 3 })),
  },
  {
    name: 'switchMap', upstreams: 1, maxUpstreams: 6, bound: prefetch(1), innerBound: prefetch(2),
    build: (env) => up(env).pipe(switchMap(env.track(() => env.inner()), { prefetch: 2 })),
  },
  {
    name: 'exhaustMap', upstreams: 1, maxUpstreams: 6, bound: prefetch(1), innerBound: prefetch(2),
    build: (env) => up(env).pipe(exhaustMap(env.track(() => env.inner()), { prefetch: 2 })),
  },
  {
    name: 'groupBy', upstreams: 1, bound: prefetch(4),
    build: (env) => up(env).pipe(groupBy(env.track((x: number) => x % 3), { prefetch: 4 }), mergeMap((g) => g.pipe(take(2)), { concurrency: 3 })),
  },
  { name: 'onBackpressureBuffer', upstreams: 1, bound: unbounded, build: (env) => up(env).pipe(onBackpressureBuffer({ capacity: 4, overflow: 'drop-oldest' })) },
  { name: 'onBackpressureDrop', upstreams: 1, bound: unbounded, build: (env) => up(env).pipe(onBackpressureDrop(env.track(() => {}))) },
  { name: 'onBackpressureLatest', upstreams: 1, bound: unbounded, build: (env) => up(env).pipe(onBackpressureLatest()) },
  // age budgets on the virtual clock: items expire on a timer while the schedule's requests and time steps interleave
  {
    name: 'onBackpressureBuffer', upstreams: 1, bound: unbounded,
    build: (env) => up(env).pipe(onBackpressureBuffer({ capacity: 4, overflow: 'drop-newest', maxAge: 5, scheduler: env.scheduler, onDrop: env.track(() => {}) })),
  },
  { name: 'onBackpressureLatest', upstreams: 1, bound: unbounded, build: (env) => up(env).pipe(onBackpressureLatest(env.track(() => {}))) },
  {
    // conservation under expiry and overflow: no item is delivered twice, dropped twice, or both
    name: 'onBackpressureBuffer', upstreams: 1, bound: unbounded, hostile: false,
    build: (env) => {
      const run = { arrived: 0, delivered: 0, overflow: 0, expired: 0 };
      agedRuns.set(env, run);
      return up(env).pipe(
        tap(() => { run.arrived++; }),
        onBackpressureBuffer({ capacity: 3, overflow: 'drop-oldest', maxAge: 4, scheduler: env.scheduler, onDrop: (_x, why) => { run[why === 'expired' ? 'expired' : 'overflow']++; } }),
        tap(() => { run.delivered++; }),
      );
    },
    verify: (env, monitor) => {
      const run = agedRuns.get(env)!;
      const accounted = run.delivered + run.overflow + run.expired;
      if (accounted > run.arrived) return [`${run.arrived} items in, but ${run.delivered} delivered + ${run.overflow} + ${run.expired} dropped`];
      if (monitor.received !== run.delivered) return [`downstream received ${monitor.received}, the stage delivered ${run.delivered}`];
      // completed: the buffer is empty, so every item that came in was delivered or dropped with a reason
      if (monitor.terminal === 'complete' && accounted !== run.arrived) return [`completed with ${run.arrived - accounted} items unaccounted for`];
      if (!monitor.over && run.arrived - accounted > 3) return [`${run.arrived - accounted} items held by a buffer of 3`];
      return [];
    },
  },
  { name: 'limitRate', upstreams: 1, bound: prefetch(4), build: (env) => up(env).pipe(limitRate(4)) },
  { name: 'observeOn', upstreams: 1, bound: prefetch(4), build: (env) => up(env).pipe(observeOn(env.scheduler, { prefetch: 4 })) },
  { name: 'subscribeOn', upstreams: 1, build: (env) => up(env).pipe(subscribeOn(env.scheduler)) },
  { name: 'delay', upstreams: 1, bound: prefetch(4), build: (env) => up(env).pipe(delay(5, { scheduler: env.scheduler, capacity: 4 })) },
  { name: 'timeout', upstreams: 2, build: (env) => up(env).pipe(timeout(7, { scheduler: env.scheduler, fallback: toFlow(env.upstreams[1]!) })) },
  { name: 'deadline', upstreams: 1, build: (env) => up(env).pipe(deadline(40, { scheduler: env.scheduler })) },
  // multicast
  { name: 'share', upstreams: 1, bound: prefetch(4), build: (env) => share<number>({ prefetch: 4 })(up(env)) },
  {
    name: 'publish', upstreams: 1, bound: prefetch(4), cancelsUpstream: false,
    build: (env) => { const hot = publish<number>({ prefetch: 4 })(up(env)); const flow = hot.pipe(map((x) => x)); hot.connect(); return flow; },
  },
  {
    name: 'replay', upstreams: 1, bound: prefetch(4), cancelsUpstream: false,
    build: (env) => { const hot = replay<number>(2, { prefetch: 4 })(up(env)); hot.connect(); return hot; },
  },
  // multicast with three subscribers joining at random steps
  { name: 'share', upstreams: 1, subscribers: 3, bound: prefetch(4), build: (env) => share<number>({ prefetch: 4 })(up(env)) },
  {
    // After the upstream terminated, late subscribers wait for the next connect() (documented): no liveness check.
    name: 'publish', upstreams: 1, subscribers: 3, bound: prefetch(4), cancelsUpstream: false, terminates: false,
    build: (env) => { const hot = publish<number>({ prefetch: 4 })(up(env)); hot.connect(); return hot; },
  },
  {
    name: 'replay', upstreams: 1, subscribers: 3, bound: prefetch(4), cancelsUpstream: false,
    build: (env) => { const hot = replay<number>(2, { prefetch: 4 })(up(env)); hot.connect(); return hot; },
  },
  // metrics
  { name: 'name', upstreams: 1, build: (env) => up(env).pipe(name('stage', { registry: createMetricsRegistry() })) },
  { name: 'metrics', upstreams: 1, build: (env) => up(env).pipe(name('a'), map((x) => x + 1), name('b'), metrics(createMetricsRegistry())) },
  // live fan-out with a bounded buffer per subscriber (lossy and pacing lanes)
  {
    name: 'broadcast', upstreams: 1, bound: prefetch(4),
    build: (env) => broadcast(up(env), { overflow: 'drop-oldest', capacity: 3, prefetch: 4, scheduler: env.scheduler }),
  },
  {
    name: 'broadcast', upstreams: 1, subscribers: 3, bound: prefetch(4),
    build: (env) => broadcast(up(env), { overflow: 'block', capacity: 2, prefetch: 4, scheduler: env.scheduler }),
  },
  {
    name: 'broadcast', upstreams: 1, subscribers: 3, bound: prefetch(4),
    build: (env) => broadcast(up(env), { overflow: 'error', capacity: 2, prefetch: 4, scheduler: env.scheduler }),
  },
  {
    name: 'broadcast', upstreams: 1, subscribers: 3, bound: prefetch(4),
    build: (env) => broadcast(up(env), { overflow: 'drop-newest', capacity: 2, prefetch: 4, maxAge: 4, scheduler: env.scheduler, onGap: env.track(() => {}) }),
  },
  // recursive expansion: synchronous children, then hostile inner publishers
  {
    name: 'expand', upstreams: 1,
    build: (env) => up(env).pipe(expand(env.track((x: number) => (x >= 0 && x < 200 ? range(x * 10 + 100, x % 3) : range(0, 0))))),
  },
  {
    name: 'expand', upstreams: 1, maxUpstreams: 6,
    build: (env) => up(env).pipe(expand(env.track(() => env.inner()), { maxDepth: 3 })),
  },
];
