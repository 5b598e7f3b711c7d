import { describe, expect, it } from 'vitest';
import type { Flow } from '../../src/Flow';
import { isInspectable } from '../../src/internal/inspect';
import { concatMap } from '../../src/operators/concatMap';
import { observeOn } from '../../src/operators/observeOn';
import { take } from '../../src/operators/take';
import { window } from '../../src/operators/window';
import { VirtualTimeScheduler } from '../../src/schedulers/VirtualTimeScheduler';
import { toArray } from '../../src/sinks/toArray';
import { toAsyncIterable } from '../../src/sinks/toAsyncIterable';
import { range } from '../../src/sources/range';
import { TestPublisher } from '../../src/testing/TestPublisher';
import { TestSubscriber } from '../../src/testing/TestSubscriber';
import { operatorContract } from '../contract/operatorContract';
import { isReleased, recorded } from './_helpers/flatten';

/** Subscribes a TestSubscriber (with `request`) to each window as it is emitted; returns the window subscribers. */
function subscribeWindows<T>(flow: Flow<Flow<T>>, main: TestSubscriber<Flow<T>>, request: number | 'unbounded' = 'unbounded'): TestSubscriber<T>[] {
  const windows: TestSubscriber<T>[] = [];
  flow.subscribe({
    onSubscribe: (subscription) => main.onSubscribe(subscription),
    onNext: (w) => {
      main.onNext(w);
      const s = new TestSubscriber<T>(request);
      windows.push(s);
      w.subscribe(s);
    },
    onError: (error) => main.onError(error),
    onComplete: () => main.onComplete(),
  });
  return windows;
}

describe('window', () => {
  operatorContract('window(2) flattened with concatMap', {
    apply: (source) => window<number>(2)(source).pipe(concatMap((w) => w)),
    upstreamBound: () => 2,
  });

  describe('behaviour', () => {
    it('emits consecutive windows of count items, the last one shorter', () => {
      const main = new TestSubscriber<Flow<number>>('unbounded');
      const windows = subscribeWindows(range(1, 5).pipe(window(2)), main);
      expect(windows.map((w) => w.values)).toEqual([[1, 2], [3, 4], [5]]);
      expect(windows.every((w) => w.completed)).toBe(true);
      expect(main.completed).toBe(true);
    });

    it('emits no empty window when the item count is a multiple of count', () => {
      const main = new TestSubscriber<Flow<number>>('unbounded');
      const windows = subscribeWindows(range(1, 4).pipe(window(2)), main);
      expect(windows.map((w) => w.values)).toEqual([[1, 2], [3, 4]]);
      expect(main.log.filter((entry) => entry === 'complete')).toEqual(['complete']);
    });

    it('composes with concatMap to process each window in turn', () => {
      const s = new TestSubscriber<number>('unbounded');
      range(1, 7).pipe(window(3), concatMap((w) => w.pipe(take(2)))).subscribe(s);
      expect(s.values).toEqual([1, 2, 4, 5, 7]);
      expect(s.completed).toBe(true);
    });
  });

  describe('demand', () => {
    it('requests a window\'s first item only when a window was requested, then follows its subscriber exactly', () => {
      const upstream = new TestPublisher<number>();
      const main = new TestSubscriber<Flow<number>>();
      const log = main.log;
      const windows = subscribeWindows(window<number>(3)(recorded('up', upstream, log)), main, 0);
      main.request(1);
      upstream.next(1);
      const w = windows[0]!;
      w.request(1); // covered by the first item
      w.request(1);
      upstream.next(2);
      w.request(5); // capped at the window's count
      upstream.next(3);
      expect(log.map((entry) => (entry.startsWith('next(') ? 'next(window)' : entry))).toEqual([
        'subscribe',
        'request(1)',
        'up.request(1)',
        'next(window)',
        'up.request(1)', // the window's second request(1)
        'up.request(1)', // request(5), capped at count 3
      ]);
      expect(w.log).toEqual(['subscribe', 'request(1)', 'next(1)', 'request(1)', 'next(2)', 'request(5)', 'next(3)', 'complete']);
      expect(upstream.outstanding).toBe(0); // the next window was not requested
      main.request(1);
      expect(upstream.outstanding).toBe(1);
    });

    it('reports the current window\'s depth through inspect()', () => {
      const upstream = new TestPublisher<number>();
      const main = new TestSubscriber<Flow<number>>();
      const windows = subscribeWindows(window<number>(4)(upstream), main, 0);
      main.request(1);
      upstream.next(1);
      windows[0]!.request(3);
      upstream.next(2);
      expect(isInspectable(main.subscription) ? main.subscription.inspect() : null).toEqual({
        stage: 'window',
        capacity: 4,
        buffered: 0,
        requested: 0,
        upstreamRequested: 1,
        received: 2,
        emitted: 1,
        dropped: 0,
        terminated: false,
        cancelled: false,
      });
    });

    it('keeps onNext depth at 1 when windows are read with request(1) from inside onNext', () => {
      const s = new TestSubscriber<number>({ initialRequest: 1, onNext: (_, sub) => sub.request(1) });
      s.recordLog = false;
      range(0, 10_000).pipe(window(7), concatMap((w) => w, { innerPrefetch: 1 })).subscribe(s);
      expect(s.count).toBe(10_000);
      expect(s.maxOnNextDepth).toBe(1);
      expect(s.completed).toBe(true);
    });
  });

  // Issue 13 item 13: a window nobody subscribes to used to stall the stream silently (groupBy fails loudly there).
  describe('unread windows never stall the stream', () => {
    it('fills a window nobody subscribed to once the next one is wanted, so toArray of windows completes', async () => {
      const windows = await toArray(range(1, 5).pipe(window(2)));
      expect(windows).toHaveLength(3);
      const contents = [];
      for (const w of windows) contents.push(await toArray(w)); // subscribed long after the stream ended
      expect(contents).toEqual([[1, 2], [3, 4], [5]]);
    });

    it('requests an unread window\'s items only when the downstream wants the next window, never beyond count', () => {
      const upstream = new TestPublisher<number>();
      const main = new TestSubscriber<Flow<number>>(1);
      window<number>(3)(upstream).subscribe(main);
      upstream.next(1);
      expect(main.values).toHaveLength(1);
      expect(upstream.outstanding).toBe(0); // one window asked for, and it has its first item: nothing more
      main.request(1);
      expect(upstream.outstanding).toBe(2); // the rest of the unread window (count 3), not a byte more
      upstream.next(2, 3);
      expect(upstream.outstanding).toBe(1); // the next window's first item
      upstream.next(4);
      expect(main.values).toHaveLength(2);
      expect(isInspectable(main.subscription) ? main.subscription.inspect() : null).toMatchObject({ capacity: 3, buffered: 1 });
      const late = new TestSubscriber<number>('unbounded');
      main.values[0]!.subscribe(late);
      expect(late.log).toEqual(['subscribe', 'request(Infinity)', 'next(1)', 'next(2)', 'next(3)', 'complete']);
    });

    it('works when windows are subscribed a tick later (observeOn between window and its reader)', () => {
      const clock = new VirtualTimeScheduler();
      const s = new TestSubscriber<number>('unbounded');
      range(1, 7).pipe(window(3), observeOn(clock), concatMap((w) => w)).subscribe(s);
      clock.runUntilIdle();
      expect(s.values).toEqual([1, 2, 3, 4, 5, 6, 7]);
      expect(s.completed).toBe(true);
    });

    it('works with for await, reading each window after the loop received it', async () => {
      const seen: number[][] = [];
      for await (const w of toAsyncIterable(range(1, 7).pipe(window(3)), { prefetch: 4 })) seen.push(await toArray(w));
      expect(seen).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
    });
  });

  describe('errors', () => {
    it('signals an upstream error to the current window and to the downstream', () => {
      const upstream = new TestPublisher<number>();
      const main = new TestSubscriber<Flow<number>>('unbounded');
      const windows = subscribeWindows(window<number>(3)(upstream), main);
      upstream.next(1);
      upstream.error(new Error('boom'));
      expect(windows[0]!.log).toEqual(['subscribe', 'request(Infinity)', 'next(1)', 'error(Error: boom)']);
      expect(main.error?.message).toBe('boom');
    });

    it('lets a window have one subscriber: a second receives onSubscribe then onError', () => {
      const main = new TestSubscriber<Flow<number>>('unbounded');
      subscribeWindows(range(0, 2).pipe(window(2)), main);
      const second = new TestSubscriber<number>(1);
      main.values[0]!.subscribe(second);
      expect(second.log).toEqual(['subscribe', 'request(1)', 'error(Error: window 1 of window(2) allows only one subscriber (§1.11: it is unicast))']);
    });

    it('rejects an invalid count at assembly time', () => {
      expect(() => window(0)).toThrow('window: count must be a positive integer, got 0');
      expect(() => window(Infinity)).toThrow(RangeError);
    });
  });

  describe('cancellation', () => {
    it('discards the rest of a window whose subscriber cancelled and starts the next one in place', () => {
      const upstream = new TestPublisher<number>();
      const main = new TestSubscriber<Flow<number>>('unbounded');
      const windows = subscribeWindows(window<number>(3)(upstream), main, 1);
      upstream.next(0);
      windows[0]!.cancel();
      upstream.next(1, 2, 3);
      expect(windows.map((w) => w.values)).toEqual([[0], [3]]);
      expect(isInspectable(main.subscription) ? main.subscription.inspect().dropped : null).toBe(2);
    });

    it('keeps the upstream for a live window after the downstream cancelled, then cancels it', () => {
      const upstream = new TestPublisher<number>();
      const main = new TestSubscriber<Flow<number>>(1);
      const windows = subscribeWindows(window<number>(2)(upstream), main);
      upstream.next(1);
      main.cancel();
      expect(upstream.cancelled).toBe(false);
      upstream.next(2);
      expect(windows[0]!.values).toEqual([1, 2]);
      expect(windows[0]!.completed).toBe(true);
      expect(upstream.cancelled).toBe(true);
    });

    it('cancels the upstream and fails an unsubscribed window when the downstream cancels', () => {
      const upstream = new TestPublisher<number>();
      const main = new TestSubscriber<Flow<number>>(1);
      window<number>(2)(upstream).subscribe(main);
      upstream.next(1);
      main.cancel();
      expect(upstream.cancelled).toBe(true);
      const late = new TestSubscriber<number>(1);
      main.values[0]!.subscribe(late);
      expect(late.error?.message).toBe('window: the downstream cancelled before window 1 of window(2) was subscribed');
    });

    it('releases the subscriber after cancel (§3.13)', async () => {
      const upstream = new TestPublisher<number>();
      const ref = (() => {
        const main = new TestSubscriber<Flow<number>>(1);
        window<number>(2)(upstream).subscribe(main);
        upstream.next(1);
        main.cancel();
        return new WeakRef(main);
      })();
      expect(await isReleased(ref)).toBe(true);
    });
  });

  describe('empty and edge cases', () => {
    it('completes without a window for an empty source', () => {
      const main = new TestSubscriber<Flow<number>>('unbounded');
      range(0, 0).pipe(window(3)).subscribe(main);
      expect(main.log).toEqual(['subscribe', 'request(Infinity)', 'complete']);
    });

    it('runs 1,000,000 synchronous items through windows of 100 without stack growth', () => {
      const s = new TestSubscriber<number>('unbounded');
      s.recordLog = false;
      s.keepValues = false;
      range(0, 1_000_000).pipe(window(100), concatMap((w) => w)).subscribe(s);
      expect(s.count).toBe(1_000_000);
      expect(s.completed).toBe(true);
    });
  });
});
