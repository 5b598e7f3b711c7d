import { describe, expect, it } from 'vitest';
import { replay } from '../../src/operators/replay';
import { range } from '../../src/sources/range';
import { TestPublisher } from '../../src/testing/TestPublisher';
import { TestSubscriber } from '../../src/testing/TestSubscriber';
import { operatorContract } from '../contract/operatorContract';
import { isCollected } from '../support/collectGarbage';
import { spyUpstream } from '../support/spyUpstream';

function setup(limit: number, prefetch = 4) {
  const upstream = new TestPublisher<number>();
  const up: string[] = [];
  const hot = replay<number>(limit, { prefetch })(spyUpstream(upstream, up));
  return { upstream, up, hot };
}

describe('replay', () => {
  operatorContract('replay(2).refCount()', {
    apply: (source) => replay<number>(2)(source).refCount(),
    upstreamBound: () => 256,
  });

  describe('behaviour', () => {
    it('replays the last limit items to a late subscriber, then the live ones', () => {
      const { upstream, hot } = setup(2);
      const early = new TestSubscriber<number>('unbounded');
      hot.subscribe(early);
      hot.connect();
      upstream.next(1, 2, 3);
      const late = new TestSubscriber<number>('unbounded');
      hot.subscribe(late);
      upstream.next(4);
      expect(early.values).toEqual([1, 2, 3, 4]);
      expect(late.log).toEqual(['subscribe', 'request(Infinity)', 'next(2)', 'next(3)', 'next(4)']);
    });

    it('replays the history and the completion to subscribers arriving after the end, without resubscribing', () => {
      let subscriptions = 0;
      const source = range(1, 5);
      const hot = replay<number>(3)({ subscribe: (s) => (subscriptions++, source.subscribe(s)) });
      hot.subscribe(new TestSubscriber<number>('unbounded'));
      hot.connect();
      const late = new TestSubscriber<number>(2);
      hot.subscribe(late);
      expect(late.log).toEqual(['subscribe', 'request(2)', 'next(3)', 'next(4)']);
      late.request(1);
      expect(late.log.slice(4)).toEqual(['request(1)', 'next(5)', 'complete']);
      hot.connect();
      expect(subscriptions).toBe(1);
    });

    it('replays the history and then the error to a subscriber arriving after a failure', () => {
      const { upstream, hot } = setup(2);
      hot.subscribe(new TestSubscriber<number>('unbounded'));
      hot.connect();
      upstream.next(1, 2, 3);
      upstream.error(new Error('boom'));
      const late = new TestSubscriber<number>('unbounded');
      hot.subscribe(late);
      expect(late.log).toEqual(['subscribe', 'request(Infinity)', 'next(2)', 'next(3)', 'error(Error: boom)']);
    });
  });

  describe('demand', () => {
    it('keeps at most prefetch + limit items and replays at the late subscriber own demand', () => {
      const { upstream, up, hot } = setup(3, 4);
      const live = new TestSubscriber<number>('unbounded');
      hot.subscribe(live);
      hot.connect();
      upstream.next(1, 2, 3, 4, 5, 6, 7);
      expect(up).toEqual(['up.request(4)', 'up.request(3)', 'up.request(3)']);
      expect(hot.inspect()).toMatchObject({ capacity: 7, buffered: 3 });
      const late = new TestSubscriber<number>(1);
      hot.subscribe(late);
      expect(late.values).toEqual([5]);
      expect(hot.inspect().subscribers).toEqual([{ requested: Infinity, pending: 0 }, { requested: 0, pending: 2 }]);
    });

    it('holds the source back while a replaying subscriber is the slowest', () => {
      const { upstream, hot } = setup(4, 4);
      hot.subscribe(new TestSubscriber<number>('unbounded'));
      hot.connect();
      upstream.next(1, 2, 3, 4, 5, 6, 7);
      const late = new TestSubscriber<number>(0);
      hot.subscribe(late); // starts at 4: four items behind the live subscriber
      const requestedBefore = upstream.totalRequested;
      upstream.next(8);
      expect(upstream.totalRequested).toBe(requestedBefore); // five items behind: no room to ask for more
      expect(hot.inspect()).toMatchObject({ buffered: 5, subscribers: [{ requested: Infinity, pending: 0 }, { requested: 0, pending: 5 }] });
      late.request(10);
      expect(late.values).toEqual([4, 5, 6, 7, 8]);
      expect(hot.inspect().buffered).toBe(4); // back to the history only
    });
  });

  describe('errors', () => {
    it('rejects a limit that is not a positive integer at assembly time', () => {
      expect(() => replay(0)).toThrow(RangeError);
      expect(() => replay(Infinity)).toThrow(RangeError);
      expect(() => replay(2, { prefetch: 0 })).toThrow(RangeError);
    });
  });

  describe('cancellation', () => {
    it('discards the history and cancels the source on dispose', () => {
      const { upstream, hot } = setup(2);
      const connection = hot.connect();
      upstream.next(1, 2);
      connection.dispose();
      expect(upstream.cancelled).toBe(true);
      const s = new TestSubscriber<number>('unbounded');
      hot.subscribe(s);
      expect(s.values).toEqual([]);
    });

    it('releases a cancelled subscriber and its hold on the history (§3.13)', async () => {
      const { upstream, hot } = setup(2);
      hot.connect();
      const ref = (() => {
        const s = new TestSubscriber<number>(0);
        hot.subscribe(s);
        upstream.next(1, 2);
        s.cancel();
        return new WeakRef(s);
      })();
      expect(await isCollected(ref)).toBe(true);
      expect(hot.inspect()).toMatchObject({ subscribers: [], buffered: 2 });
    });
  });

  describe('empty and edge cases', () => {
    it('replays only the completion of an empty source', () => {
      const hot = replay<number>(2)(range(0, 0));
      hot.connect();
      const s = new TestSubscriber<number>();
      hot.subscribe(s);
      expect(s.log).toEqual(['subscribe', 'complete']);
    });
  });
});
