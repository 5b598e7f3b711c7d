import { describe, expect, it } from 'vitest';
import { isInspectable } from '../../src/internal/inspect';
import { share } from '../../src/operators/share';
import { range } from '../../src/sources/range';
import { TestPublisher } from '../../src/testing/TestPublisher';
import { TestSubscriber } from '../../src/testing/TestSubscriber';
import { operatorContract } from '../contract/operatorContract';
import { isCollected } from '../support/collectGarbage';
import { spyUpstream } from '../support/spyUpstream';

function setup(prefetch = 4) {
  const upstream = new TestPublisher<number>();
  const up: string[] = [];
  const shared = share<number>({ prefetch })(spyUpstream(upstream, up));
  return { upstream, up, shared };
}

describe('share', () => {
  operatorContract('share', {
    apply: (source) => share<number>()(source),
    upstreamBound: () => 256,
  });

  describe('behaviour', () => {
    it('subscribes the source on the first subscriber and shares it with later ones', () => {
      const { upstream, up, shared } = setup();
      const a = new TestSubscriber<number>(5);
      shared.subscribe(a);
      expect(upstream.subscriberCount).toBe(1);
      upstream.next(1);
      const b = new TestSubscriber<number>(5);
      shared.subscribe(b);
      upstream.next(2);
      upstream.complete();
      expect(upstream.subscriberCount).toBe(1);
      expect(up).toEqual(['up.request(4)']);
      expect(a.log).toEqual(['subscribe', 'request(5)', 'next(1)', 'next(2)', 'complete']);
      expect(b.log).toEqual(['subscribe', 'request(5)', 'next(2)', 'complete']);
    });

    it('advances at the slowest subscriber: three subscribers with demands 6, 3 and 1', () => {
      const { upstream, up, shared } = setup(4);
      const subs = [6, 3, 1].map((n) => new TestSubscriber<number>(n));
      for (const s of subs) shared.subscribe(s);
      upstream.next(1, 2, 3, 4);
      expect(subs.map((s) => s.values)).toEqual([[1, 2, 3, 4], [1, 2, 3], [1]]);
      expect(up).toEqual(['up.request(4)']);
      subs[2]!.request(2); // the slowest moves to 3; the next slowest is at 3 too: 3 slots free = 75% of 4
      expect(up).toEqual(['up.request(4)', 'up.request(3)']);
      upstream.next(5, 6, 7);
      expect(subs.map((s) => s.values)).toEqual([[1, 2, 3, 4, 5, 6], [1, 2, 3], [1, 2, 3]]);
      expect(subs.map((s) => s.violations)).toEqual([[], [], []]);
    });

    it('subscribes the source again for a subscriber arriving after it completed', () => {
      let subscriptions = 0;
      const source = range(1, 2);
      const shared = share<number>()({ subscribe: (s) => (subscriptions++, source.subscribe(s)) });
      const a = new TestSubscriber<number>('unbounded');
      const b = new TestSubscriber<number>('unbounded');
      shared.subscribe(a);
      shared.subscribe(b);
      expect(subscriptions).toBe(2);
      expect([a.values, b.values]).toEqual([[1, 2], [1, 2]]);
    });
  });

  describe('demand', () => {
    it('requests prefetch on the first subscription and 75% steps after that', () => {
      const { upstream, up, shared } = setup(4);
      shared.subscribe(new TestSubscriber<number>('unbounded'));
      upstream.next(1, 2, 3);
      expect(up).toEqual(['up.request(4)', 'up.request(3)']);
    });

    it('asks nothing more upstream while a subscriber without demand holds the buffer', () => {
      const { upstream, shared } = setup(4);
      shared.subscribe(new TestSubscriber<number>('unbounded'));
      shared.subscribe(new TestSubscriber<number>(0));
      upstream.next(1, 2, 3, 4);
      expect(upstream.totalRequested).toBe(4);
      expect(upstream.outstanding).toBe(0);
    });

    it('reports the real buffer depth and every subscriber demand on the flow and on each subscription', () => {
      const { upstream, shared } = setup(4);
      const a = new TestSubscriber<number>(3);
      const b = new TestSubscriber<number>(1);
      shared.subscribe(a);
      shared.subscribe(b);
      upstream.next(1, 2, 3);
      const expected = {
        stage: 'share', capacity: 4, buffered: 2, requested: 0, upstreamRequested: 1, received: 3, emitted: 4,
        dropped: 0, terminated: false, cancelled: false,
        subscribers: [{ requested: 0, pending: 0 }, { requested: 0, pending: 2 }],
      };
      expect(shared.inspect()).toEqual(expected);
      expect(isInspectable(a.subscription) && a.subscription.inspect()).toEqual(expected);
      b.cancel();
      expect(shared.inspect()).toMatchObject({ buffered: 0, subscribers: [{ requested: 0, pending: 0 }] });
      expect(isInspectable(b.subscription) && b.subscription.inspect()).toMatchObject({ stage: 'share', cancelled: true });
    });
  });

  describe('errors', () => {
    it('signals an upstream error to every subscriber', () => {
      const { upstream, shared } = setup();
      const a = new TestSubscriber<number>(1);
      const b = new TestSubscriber<number>(1);
      shared.subscribe(a);
      shared.subscribe(b);
      upstream.error(new Error('boom'));
      expect([a.error?.message, b.error?.message]).toEqual(['boom', 'boom']);
    });

    it('rejects an invalid prefetch at assembly time', () => {
      expect(() => share({ prefetch: -1 })).toThrow(RangeError);
    });
  });

  describe('cancellation', () => {
    it('cancels the source only when the last subscriber cancelled', () => {
      const { upstream, up, shared } = setup();
      const a = new TestSubscriber<number>(1);
      const b = new TestSubscriber<number>(1);
      shared.subscribe(a);
      shared.subscribe(b);
      a.cancel();
      expect(upstream.cancelled).toBe(false);
      b.cancel();
      expect(up).toEqual(['up.request(4)', 'up.cancel']);
      const c = new TestSubscriber<number>(1);
      shared.subscribe(c);
      expect(upstream.subscriberCount).toBe(2); // a fresh connection
    });

    it('releases every subscriber once they all cancelled (§3.13)', async () => {
      const { shared } = setup();
      const refs = (() => {
        const subs = [new TestSubscriber<number>(1), new TestSubscriber<number>(2)];
        for (const s of subs) shared.subscribe(s);
        for (const s of subs) s.cancel();
        return subs.map((s) => new WeakRef(s));
      })();
      expect(await isCollected(refs[0]!)).toBe(true);
      expect(await isCollected(refs[1]!)).toBe(true);
    });
  });

  describe('empty and edge cases', () => {
    it('completes each subscriber of an empty source', () => {
      const shared = share<number>()(range(0, 0));
      const s = new TestSubscriber<number>();
      shared.subscribe(s);
      expect(s.log).toEqual(['subscribe', 'complete']);
    });
  });
});
