import { describe, expect, it } from 'vitest';
import { CancellationError } from '../../src/internal/errors';
import { publish } from '../../src/operators/publish';
import { range } from '../../src/sources/range';
import { captureReportedErrors } from '../../src/testing/reportedErrors';
import { TestPublisher } from '../../src/testing/TestPublisher';
import { TestSubscriber } from '../../src/testing/TestSubscriber';
import { operatorContract } from '../contract/operatorContract';
import { isCollected } from '../support/collectGarbage';
import { spyUpstream } from '../support/spyUpstream';

function setup(prefetch = 4) {
  const upstream = new TestPublisher<number>();
  const up: string[] = [];
  const hot = publish<number>({ prefetch })(spyUpstream(upstream, up));
  return { upstream, up, hot };
}

describe('publish', () => {
  operatorContract('publish().refCount()', {
    apply: (source) => publish<number>()(source).refCount(),
    upstreamBound: () => 256,
  });

  describe('behaviour', () => {
    it('subscribes the source once, on connect, and delivers each item to every subscriber', () => {
      const { upstream, up, hot } = setup();
      const a = new TestSubscriber<number>(3);
      const b = new TestSubscriber<number>(3);
      hot.subscribe(a);
      hot.subscribe(b);
      expect(upstream.subscriberCount).toBe(0);
      hot.connect();
      upstream.next(1, 2);
      upstream.complete();
      expect(upstream.subscriberCount).toBe(1);
      expect(up).toEqual(['up.request(4)']);
      expect(a.log).toEqual(['subscribe', 'request(3)', 'next(1)', 'next(2)', 'complete']);
      expect(b.log).toEqual(a.log);
      expect([a.violations, b.violations]).toEqual([[], []]);
    });

    it('lets a faster subscriber run ahead by what is buffered while the slowest paces the source', () => {
      const { upstream, up, hot } = setup(4);
      const fast = new TestSubscriber<number>(10);
      const slow = new TestSubscriber<number>(1);
      hot.subscribe(fast);
      hot.subscribe(slow);
      hot.connect();
      upstream.next(1, 2, 3, 4);
      expect(fast.values).toEqual([1, 2, 3, 4]);
      expect(slow.values).toEqual([1]);
      expect(up).toEqual(['up.request(4)']); // 3 items still held for the slow subscriber: no room to ask
      slow.request(2);
      expect(slow.values).toEqual([1, 2, 3]);
      expect(up).toEqual(['up.request(4)', 'up.request(3)']); // 3 freed = 75% of 4
      upstream.next(5, 6, 7);
      expect(fast.values).toEqual([1, 2, 3, 4, 5, 6, 7]);
      expect(slow.values).toEqual([1, 2, 3]);
      expect(hot.inspect().subscribers).toEqual([{ requested: 3, pending: 0 }, { requested: 0, pending: 4 }]);
      expect([fast.violations, slow.violations]).toEqual([[], []]);
    });

    it('gives a late subscriber the items from the point it joins, not the ones already delivered', () => {
      const { upstream, hot } = setup(8);
      const early = new TestSubscriber<number>(10);
      hot.subscribe(early);
      hot.connect();
      upstream.next(1, 2);
      const late = new TestSubscriber<number>(10);
      hot.subscribe(late);
      upstream.next(3);
      expect(early.values).toEqual([1, 2, 3]);
      expect(late.log).toEqual(['subscribe', 'request(10)', 'next(3)']);
    });

    it('gives a late subscriber the items no current subscriber has received yet', () => {
      const { upstream, hot } = setup(8);
      const idle = new TestSubscriber<number>(0);
      hot.subscribe(idle);
      hot.connect();
      upstream.next(1, 2);
      const late = new TestSubscriber<number>(5);
      hot.subscribe(late);
      expect(late.values).toEqual([1, 2]);
    });

    it('keeps items that arrive with no subscriber attached for the first one, up to prefetch', () => {
      const { upstream, up, hot } = setup(3);
      hot.connect();
      upstream.next(1, 2, 3);
      expect(hot.inspect()).toMatchObject({ buffered: 3, upstreamRequested: 0 });
      const s = new TestSubscriber<number>(5);
      hot.subscribe(s);
      expect(s.values).toEqual([1, 2, 3]);
      expect(up).toEqual(['up.request(3)', 'up.request(3)']);
    });

    it('returns the active connection on a second connect and starts a new one after the source terminated', () => {
      const source = range(1, 2);
      let subscriptions = 0;
      const counted = publish<number>()({ subscribe: (s) => (subscriptions++, source.subscribe(s)) });
      const first = new TestSubscriber<number>('unbounded');
      counted.subscribe(first);
      const connection = counted.connect();
      expect(connection.disposed).toBe(true); // range terminated synchronously
      const second = new TestSubscriber<number>('unbounded');
      counted.subscribe(second);
      expect(second.log).toEqual(['subscribe', 'request(Infinity)']); // waits for the next connect
      counted.connect();
      expect(second.log).toEqual(['subscribe', 'request(Infinity)', 'next(1)', 'next(2)', 'complete']);
      expect(subscriptions).toBe(2);
      expect(first.values).toEqual([1, 2]);
    });

    it('connects only once while a connection is active', () => {
      const { upstream, hot } = setup();
      const c1 = hot.connect();
      hot.connect();
      expect(upstream.subscriberCount).toBe(1);
      expect(c1.disposed).toBe(false);
    });

    it('connects with autoConnect once the given number of subscribers attached', () => {
      const { upstream, hot } = setup();
      const auto = hot.autoConnect(2);
      auto.subscribe(new TestSubscriber<number>(1));
      expect(upstream.subscriberCount).toBe(0);
      auto.subscribe(new TestSubscriber<number>(1));
      expect(upstream.subscriberCount).toBe(1);
    });
  });

  describe('demand', () => {
    it('requests prefetch on connect and replenishes in 75% steps as the slowest subscriber consumes', () => {
      const { upstream, up, hot } = setup(8);
      const s = new TestSubscriber<number>({ initialRequest: 1, onNext: (_, sub) => sub.request(1) });
      hot.subscribe(s);
      hot.connect();
      for (let i = 1; i <= 14; i++) upstream.next(i);
      expect(up).toEqual(['up.request(8)', 'up.request(6)', 'up.request(6)']); // after 6 and after 12 items
      expect(s.count).toBe(14);
    });

    it('never buffers more than prefetch and reports the real depth and each subscriber demand', () => {
      const { upstream, hot } = setup(4);
      const a = new TestSubscriber<number>(2);
      const b = new TestSubscriber<number>(0);
      hot.subscribe(a);
      hot.subscribe(b);
      hot.connect();
      upstream.next(1, 2, 3, 4);
      expect(() => upstream.next(5)).toThrow(/without demand/); // publish asked for no more than 4
      const real = (hot.state as unknown as { hub: { buffer: { size: number } } }).hub.buffer.size;
      expect(hot.inspect()).toMatchObject({
        stage: 'publish', capacity: 4, buffered: real, requested: 0, upstreamRequested: 0, received: 4, emitted: 2,
        subscribers: [{ requested: 0, pending: 2 }, { requested: 0, pending: 4 }],
      });
      expect(real).toBe(4);
    });

    it('passes a subscriber unbounded demand through without asking upstream for more than prefetch', () => {
      const { upstream, hot } = setup(4);
      hot.subscribe(new TestSubscriber<number>('unbounded'));
      hot.connect();
      expect(upstream.totalRequested).toBe(4);
    });
  });

  describe('errors', () => {
    it('signals an upstream error to every subscriber at once, ahead of items not yet received', () => {
      const { upstream, hot } = setup(4);
      const a = new TestSubscriber<number>(2);
      const b = new TestSubscriber<number>(0);
      hot.subscribe(a);
      hot.subscribe(b);
      hot.connect();
      upstream.next(1, 2);
      upstream.error(new Error('boom'));
      expect(a.log).toEqual(['subscribe', 'request(2)', 'next(1)', 'next(2)', 'error(Error: boom)']);
      expect(b.log).toEqual(['subscribe', 'error(Error: boom)']);
      expect(hot.inspect()).toMatchObject({ buffered: 0, terminated: true });
    });

    it('fails only the subscriber that made an invalid request (§3.9)', () => {
      const { upstream, hot } = setup();
      const bad = new TestSubscriber<number>();
      const good = new TestSubscriber<number>(1);
      hot.subscribe(bad);
      hot.subscribe(good);
      hot.connect();
      bad.request(0);
      upstream.next(1);
      expect(bad.error?.message).toMatch(/^§3\.9:/);
      expect(good.values).toEqual([1]);
      expect(upstream.cancelled).toBe(false);
    });

    it('reports a subscriber that throws from onNext and keeps serving the others (§2.13)', () => {
      const reported = captureReportedErrors();
      try {
        const { upstream, hot } = setup();
        const thrower = new TestSubscriber<number>({ initialRequest: 5, onNext: () => { throw new Error('bad subscriber'); } });
        const good = new TestSubscriber<number>(5);
        hot.subscribe(thrower);
        hot.subscribe(good);
        hot.connect();
        upstream.next(1, 2);
        expect(thrower.values).toEqual([1]);
        expect(good.values).toEqual([1, 2]);
        expect(reported.errors).toEqual([new Error('bad subscriber')]);
      } finally {
        reported.restore();
      }
    });

    it('rejects an invalid prefetch or name at assembly time', () => {
      expect(() => publish({ prefetch: 0 })).toThrow(RangeError);
      expect(() => publish({ prefetch: 1.5 })).toThrow(RangeError);
      expect(() => publish({ name: 3 as never })).toThrow(TypeError);
    });
  });

  describe('cancellation', () => {
    it('releases a cancelled subscriber hold so the source advances for the others', () => {
      const { upstream, up, hot } = setup(4);
      const fast = new TestSubscriber<number>(10);
      const slow = new TestSubscriber<number>(0);
      hot.subscribe(fast);
      hot.subscribe(slow);
      hot.connect();
      upstream.next(1, 2, 3, 4);
      expect(up).toEqual(['up.request(4)']);
      slow.cancel();
      expect(up).toEqual(['up.request(4)', 'up.request(4)']);
      expect(hot.inspect()).toMatchObject({ buffered: 0, subscribers: [{ requested: 6, pending: 0 }] });
      expect(upstream.cancelled).toBe(false); // publish stays connected until disposed
    });

    it('cancels the source on dispose and fails the attached subscribers with CancellationError', () => {
      const { upstream, hot } = setup();
      const s = new TestSubscriber<number>(1);
      hot.subscribe(s);
      const connection = hot.connect();
      connection.dispose();
      connection.dispose();
      expect(upstream.cancelled).toBe(true);
      expect(connection.disposed).toBe(true);
      expect(s.error).toBeInstanceOf(CancellationError);
      expect(s.error?.message).toBe('publish: disconnected: the connection was disposed while this subscriber was active');
      const next = new TestSubscriber<number>(1);
      hot.subscribe(next);
      expect(next.log).toEqual(['subscribe', 'request(1)']); // waits for a new connection
    });

    it('releases a cancelled subscriber (§3.13)', async () => {
      const { hot } = setup();
      hot.connect();
      const ref = (() => {
        const s = new TestSubscriber<number>(1);
        hot.subscribe(s);
        s.cancel();
        return new WeakRef(s);
      })();
      expect(await isCollected(ref)).toBe(true);
      expect(hot.inspect().subscribers).toEqual([]);
    });
  });

  describe('empty and edge cases', () => {
    it('completes every subscriber of an empty source', () => {
      const hot = publish<number>()(range(0, 0));
      const a = new TestSubscriber<number>();
      const b = new TestSubscriber<number>();
      hot.subscribe(a);
      hot.subscribe(b);
      hot.connect();
      expect([a.log, b.log]).toEqual([['subscribe', 'complete'], ['subscribe', 'complete']]);
    });

    it('ignores a subscriber that cancels inside onSubscribe', () => {
      const { upstream, hot } = setup(2);
      const s = new TestSubscriber<number>({ onSubscribe: (sub) => sub.cancel() });
      hot.subscribe(s);
      hot.connect();
      upstream.next(1, 2);
      expect(s.log).toEqual(['subscribe', 'cancel']);
      expect(hot.inspect()).toMatchObject({ buffered: 2, subscribers: [] });
    });

    it('multicasts 100,000 synchronous items to three subscribers with a small prefetch', () => {
      const hot = publish<number>({ prefetch: 16 })(range(0, 100_000));
      const subs = [1, 2, 3].map(() => {
        const s = new TestSubscriber<number>('unbounded');
        s.recordLog = false;
        return s;
      });
      for (const s of subs) hot.subscribe(s);
      hot.connect();
      expect(subs.map((s) => [s.count, s.completed])).toEqual([[100_000, true], [100_000, true], [100_000, true]]);
    });
  });
});
