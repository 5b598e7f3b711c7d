// The publisher factories `pnpm tck` verifies: one entry per @sluice/core source/operator (as RxJava has one TCK
// class per operator) plus a few long composed chains (as Reactor does). `core` is the @sluice/core module, so the
// same table works against the built package (run-core.mjs) and is mirrored, file by file, in tck/test/core/.
//
// createPublisher(n) must emit exactly n elements then complete; n >= Number.MAX_SAFE_INTEGER means unbounded.

const UNBOUNDED = Number.MAX_SAFE_INTEGER;
const isUnbounded = (n) => n >= UNBOUNDED;

/** @param {any} core */
export function corePublishers(core) {
  const { range, map } = core;
  const identity = (x) => x;
  const count = (n) => (isUnbounded(n) ? Infinity : n);
  const src = (n) => range(0, count(n));
  const ticking = (n, op) => {
    const flow = core.interval(1, { onOverflow: 'drop' }).pipe(op);
    return isUnbounded(n) ? flow : flow.pipe(core.take(n));
  };
  const iterable = (n) => ({ [Symbol.iterator]: () => naturals(n) });
  const asyncIterable = (n) => ({ [Symbol.asyncIterator]: () => asyncNaturals(n) });
  function* naturals(n) {
    for (let i = 0; i < n; i++) yield i;
  }
  async function* asyncNaturals(n) {
    for (let i = 0; i < n; i++) yield i;
  }
  const table = {
    // ---- sources ----
    range: { createPublisher: (n) => src(n) },
    of: { createPublisher: (n) => core.of(...naturals(n)), maxElementsFromPublisher: 1024 },
    from: { createPublisher: (n) => core.from(iterable(count(n))) },
    fromAsyncIterable: { createPublisher: (n) => core.fromAsyncIterable(asyncIterable(count(n))) },
    empty: { createPublisher: () => core.empty(), maxElementsFromPublisher: 0 },
    never: {
      // never() has no elements and no completion: it is verified behind concat, which adds the elements the tests need.
      createPublisher: (n) => core.concat(src(n), core.never()),
      maxElementsFromPublisher: UNBOUNDED,
    },
    fail: { createPublisher: (n) => src(n), only: ['1.4', '1.9'] },
    defer: { createPublisher: (n) => core.defer(() => src(n)) },
    generate: {
      createPublisher: (n) => core.generate(0, (i, emit) => {
        if (i < count(n)) emit.next(i);
        else emit.complete();
        return i + 1;
      }),
    },
    interval: {
      // ticks that find no demand are skipped ('drop'); the default 'error' would fail the stream by design
      createPublisher: (n) => {
        const ticks = core.interval(1, { onOverflow: 'drop' });
        return isUnbounded(n) ? ticks : ticks.pipe(core.take(n));
      },
    },
    timer: { createPublisher: (n) => (n === 0 ? core.empty() : core.timer(1)), maxElementsFromPublisher: 1 },
    create: {
      createPublisher: (n) => core.create(async (emitter) => {
        for (let i = 0; i < count(n); i++) await emitter.offer(i);
        emitter.complete();
      }),
    },
    createSink: {
      // an application producer that awaits room for each item (the slowest subscriber paces it)
      createPublisher: (n) => {
        const sink = core.createSink({ capacity: 16 });
        void (async () => {
          for (let i = 0; i < count(n); i++) await sink.offer(i);
          sink.complete();
        })();
        return sink.flow;
      },
    },
    createQueue: {
      // a producer that offers while desiredSize has room (polled per macrotask); one queue per subscriber
      createPublisher: (n) => core.defer(() => {
        const queue = core.createQueue({ capacity: 8 });
        let next = 0;
        let stopped = false;
        const pump = () => {
          if (stopped) return;
          while (next < count(n) && queue.desiredSize > 0) queue.offer(next++);
          if (next >= count(n)) queue.complete();
          else setTimeout(pump, 0);
        };
        pump();
        return queue.flow.pipe(core.finalize(() => { stopped = true; }));
      }),
    },
    fromEvent: {
      // EventEmitter events: a short run is emitted at once (the buffer holds it), a long one a few per millisecond
      createPublisher: (n) => core.defer(() => {
        const total = count(n);
        const ticking = total > 1024;
        const emitter = new EventTarget();
        const flow = core.fromEvent(emitter, 'item', {
          capacity: ticking ? 64 : Math.max(total, 1), overflow: 'drop-newest', select: (event) => event.detail,
        });
        let next = 0;
        const tick = () => {
          const end = ticking ? Math.min(total, next + 4) : total;
          while (next < end) emitter.dispatchEvent(new CustomEvent('item', { detail: next++ }));
          if (next < total && !stopped) setTimeout(tick, 1);
        };
        let stopped = false;
        setTimeout(tick, 0);
        return (total === Infinity ? flow : flow.pipe(core.take(total))).pipe(core.finalize(() => { stopped = true; }));
      }),
    },
    broadcast: {
      // a 'block' subscriber paces the source: nothing is dropped
      createPublisher: (n) => core.broadcast(src(n), { overflow: 'block', capacity: 8, prefetch: 16 }),
    },
    // ---- operators ----
    map: { createPublisher: (n) => src(n).pipe(map(identity)) },
    filter: { createPublisher: (n) => range(0, count(n) * 2).pipe(core.filter((x) => x % 2 === 0)) },
    take: { createPublisher: (n) => range(0, Infinity).pipe(core.take(count(n))) },
    takeWhile: { createPublisher: (n) => range(0, Infinity).pipe(core.takeWhile((x) => x < count(n))) },
    skip: { createPublisher: (n) => range(0, count(n) + 5).pipe(core.skip(5)) },
    scan: { createPublisher: (n) => src(n).pipe(core.scan((acc, x) => acc + x, 0)) },
    reduce: {
      createPublisher: (n) => (n === 0 ? src(0).pipe(core.filter(() => false), core.reduce((a, x) => a + x, 0), core.skip(1)) : src(10).pipe(core.reduce((a, x) => a + x, 0))),
      maxElementsFromPublisher: 1,
    },
    distinctUntilChanged: { createPublisher: (n) => range(0, count(n) * 2).pipe(map((x) => x >> 1), core.distinctUntilChanged()) },
    tap: { createPublisher: (n) => src(n).pipe(core.tap(() => {})) },
    catchError: {
      createPublisher: (n) => core.concat(src(n), core.fail(new Error('recovered'))).pipe(core.catchError(() => core.empty())),
    },
    startWith: { createPublisher: (n) => (n === 0 ? src(0).pipe(core.startWith()) : range(1, count(n) - 1).pipe(core.startWith(0))) },
    endWith: { createPublisher: (n) => (n === 0 ? src(0).pipe(core.endWith()) : range(0, count(n) - 1).pipe(core.endWith(-1))) },
    repeat: { createPublisher: (n) => range(0, 1).pipe(core.repeat(count(n))) },
    // the first two subscriptions emit one element and fail; demand carries over, so 2 + (n - 2) elements in all
    retry: {
      createPublisher: (n) => {
        let attempts = 0;
        const flaky = Math.min(2, n);
        return core.defer(() => (attempts++ < flaky
          ? core.concat(range(-1, 1), core.fail(new Error('flaky')))
          : range(0, count(n) - flaky))).pipe(core.retry({ count: 2, backoff: { initialMs: 1, jitter: 0 } }));
      },
    },
    finalize: { createPublisher: (n) => src(n).pipe(core.finalize(() => {})) },
    using: { createPublisher: (n) => core.using(() => ({}), () => src(n), () => {}) },
    mergeMap: { createPublisher: (n) => src(n).pipe(core.mergeMap((x) => core.of(x))) },
    flatMap: { createPublisher: (n) => src(n).pipe(core.flatMap((x) => range(x, 1))) },
    concatMap: { createPublisher: (n) => src(n).pipe(core.concatMap((x) => core.of(x))) },
    // switchMap/exhaustMap request their outer source unbounded and drop values by design (a synchronous outer would
    // switch/skip past everything before the first request), so they sit on a ticking source, take(n) after them.
    switchMap: { createPublisher: (n) => ticking(n, core.switchMap((x) => core.of(x))) },
    exhaustMap: { createPublisher: (n) => ticking(n, core.exhaustMap((x) => core.of(x))) },
    // a window must be subscribed before the next one opens (bounded memory, by design): each is reduced to its sum
    window: { createPublisher: (n) => range(0, count(n) * 2).pipe(core.window(2), core.concatMap((w) => w.pipe(core.reduce((a, x) => a + x, 0)))) },
    // every group stays open until the source completes, and at most maxGroups (default 256) may be open
    groupBy: { createPublisher: (n) => src(n).pipe(core.groupBy((x) => x)), maxElementsFromPublisher: 256 },
    buffer: { createPublisher: (n) => range(0, count(n) * 2).pipe(core.buffer(2)) },
    onBackpressureBuffer: { createPublisher: (n) => src(n).pipe(core.onBackpressureBuffer()) },
    // Dropping operators cannot give "exactly n" behind a synchronous source (everything arrives before the first
    // request and is dropped, by design), so they sit on an endless ticking source and take(n) counts what got through.
    onBackpressureDrop: { createPublisher: (n) => ticking(n, core.onBackpressureDrop()) },
    onBackpressureLatest: { createPublisher: (n) => ticking(n, core.onBackpressureLatest()) },
    limitRate: { createPublisher: (n) => src(n).pipe(core.limitRate(4)) },
    observeOn: { createPublisher: (n) => src(n).pipe(core.observeOn(core.macrotaskScheduler)) },
    subscribeOn: { createPublisher: (n) => src(n).pipe(core.subscribeOn(core.macrotaskScheduler)) },
    delay: { createPublisher: (n) => src(n).pipe(core.delay(1)) },
    timeout: { createPublisher: (n) => src(n).pipe(core.timeout(60_000)) },
    deadline: { createPublisher: (n) => src(n).pipe(core.deadline(60_000)) },
    // lossy time operators ask their source for unbounded demand, so they sit on the ticking source too
    debounce: { createPublisher: (n) => ticking(n, core.debounce(0, { scheduler: core.microtaskScheduler })) },
    throttle: { createPublisher: (n) => ticking(n, core.throttle(1, { trailing: true })) },
    sample: { createPublisher: (n) => ticking(n, core.sample(2, { onOverflow: 'drop' })) },
    bufferTime: { createPublisher: (n) => range(0, count(n) * 2).pipe(core.bufferTime(1_000, 2)) },
    concat: { createPublisher: (n) => (isUnbounded(n) ? core.concat(src(n)) : core.concat(range(0, n >> 1), range(n >> 1, n - (n >> 1)))) },
    merge: { createPublisher: (n) => (isUnbounded(n) ? core.merge(src(n)) : core.merge(range(0, n >> 1), range(n >> 1, n - (n >> 1)))) },
    zip: { createPublisher: (n) => core.zip(src(n), src(n + 3)).pipe(map(([a]) => a)) },
    combineLatest: { createPublisher: (n) => core.combineLatest(core.of(0), src(n)).pipe(map(([, b]) => b)) },
    // multicasting operators, each through the variant that connects itself
    publish: { createPublisher: (n) => core.publish({ prefetch: 16 })(src(n)).autoConnect() },
    share: { createPublisher: (n) => src(n).pipe(core.share({ prefetch: 16 })) },
    replay: { createPublisher: (n) => core.replay(4, { prefetch: 16 })(src(n)).refCount() },
    // ---- composed chains (Reactor-style): many stages, so interactions between operators are verified too ----
    'chain: range→map→filter→scan→take→concatMap→buffer→map': {
      createPublisher: (n) => range(0, Infinity).pipe(
        map((x) => x * 2), core.filter((x) => x % 4 === 0), core.scan((a, x) => a + x, 0), core.take(count(n) * 2),
        core.concatMap((x) => core.of(x)), core.buffer(2), map((pair) => pair[0]),
      ),
    },
    'chain: mergeMap→limitRate→onBackpressureBuffer→distinctUntilChanged→skip': {
      createPublisher: (n) => range(0, count(n) + 3).pipe(
        core.mergeMap((x) => core.from([x, x]), { concurrency: 2 }), core.limitRate(8),
        core.onBackpressureBuffer(), core.distinctUntilChanged(), core.skip(3),
      ),
    },
    'chain: defer→zip→catchError→tap→takeWhile→map': {
      createPublisher: (n) => core.defer(() => core.zip(src(n), range(100, Infinity))).pipe(
        core.catchError(() => core.empty()), core.tap(() => {}), core.takeWhile(() => true), map(([a]) => a),
      ),
    },
  };
  // observability stages (present once the metrics work has landed)
  if (typeof core.name === 'function' && typeof core.createMetricsRegistry === 'function') {
    table.name = { createPublisher: (n) => src(n).pipe(core.name('tck', { registry: core.createMetricsRegistry() })) };
  }
  if (typeof core.metrics === 'function' && typeof core.createMetricsRegistry === 'function') {
    table.metrics = {
      createPublisher: (n) => src(n).pipe(core.name('tck'), core.onBackpressureBuffer(), core.metrics(core.createMetricsRegistry(), { all: true })),
    };
  }
  const failed = () => core.fail(new Error('sluice-tck: failed publisher'));
  const entries = {};
  for (const [name, spec] of Object.entries(table)) {
    entries[name] = { createFailedPublisher: failed, ...spec };
  }
  return entries;
}

/** Identity processors exported by @sluice/core, for the processor verification (absent ones are left out). */
/** @param {any} core */
export function coreProcessors(core) {
  const failed = () => core.fail(new Error('sluice-tck: failed publisher'));
  const table = {};
  if (typeof core.UnicastProcessor === 'function') {
    table.UnicastProcessor = {
      createIdentityProcessor: (bufferSize) => new core.UnicastProcessor({ capacity: bufferSize }),
      createElement: (i) => i, createFailedPublisher: failed, maxSupportedSubscribers: 1,
    };
  }
  if (typeof core.MulticastProcessor === 'function') {
    table.MulticastProcessor = {
      createIdentityProcessor: (bufferSize) => new core.MulticastProcessor({ capacity: bufferSize }),
      createElement: (i) => i, createFailedPublisher: failed, doesCoordinatedEmission: false,
    };
  }
  return table;
}

/** Lower-case exports in those sections that do not build a publisher. */
const NOT_FACTORIES = new Set(['createMetricsRegistry']);

/**
 * The source/operator names @sluice/core exports: every `export { name }` between the "Sources" banner and the
 * "Sinks" banner of packages/core/src/index.ts (types excluded). Used to flag publishers the table does not cover.
 */
export function exportedFactoryNames(indexSource) {
  const start = indexSource.indexOf('// ---- Sources');
  const end = indexSource.indexOf('// ---- Sinks');
  if (start < 0) return [];
  const section = indexSource.slice(start, end < 0 ? undefined : end);
  const names = [];
  for (const match of section.matchAll(/export\s*\{([^}]*)\}/g)) {
    for (const part of match[1].split(',')) {
      const name = part.trim();
      // factories are lower-case functions; classes (GroupedFlow, TimeoutError) and constants (DEFAULT_…) are not
      if (name && !name.startsWith('type ') && /^[a-z]/.test(name) && !NOT_FACTORIES.has(name)) names.push(name.split(/\s+as\s+/).pop());
    }
  }
  return names;
}
