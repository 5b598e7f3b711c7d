import { describe, expect, it } from 'vitest';
import { CancellationError } from '../../src/internal/errors';
import { MulticastProcessor } from '../../src/processors/MulticastProcessor';
import { range } from '../../src/sources/range';
import type { Subscription } from '../../src/spec/Subscription';
import { captureReportedErrors } from '../../src/testing/reportedErrors';
import { TestPublisher } from '../../src/testing/TestPublisher';
import { TestSubscriber } from '../../src/testing/TestSubscriber';
import { operatorContract } from '../contract/operatorContract';
import { isCollected } from '../support/collectGarbage';
import { spyUpstream } from '../support/spyUpstream';

function fakeSubscription(log: string[], name = 'up'): Subscription {
  return { request: (n) => log.push(`${name}.request(${n})`), cancel: () => log.push(`${name}.cancel`) };
}

function relay(capacity = 4, autoCancel?: boolean) {
  const upstream = new TestPublisher<number>();
  const up: string[] = [];
  const processor = new MulticastProcessor<number>({ capacity, autoCancel });
  spyUpstream(upstream, up).subscribe(processor);
  return { upstream, up, processor };
}

describe('MulticastProcessor', () => {
  operatorContract('MulticastProcessor', {
    apply: (source) => {
      const processor = new MulticastProcessor<number>();
      source.subscribe(processor);
      return processor;
    },
    upstreamBound: () => 256,
  });

  describe('behaviour', () => {
    it('relays each item to every subscriber', () => {
      const { upstream, processor } = relay();
      const a = new TestSubscriber<number>(5);
      const b = new TestSubscriber<number>(5);
      processor.subscribe(a);
      processor.subscribe(b);
      upstream.next(1, 2);
      upstream.complete();
      expect(a.log).toEqual(['subscribe', 'request(5)', 'next(1)', 'next(2)', 'complete']);
      expect(b.log).toEqual(a.log);
      expect(processor.subscriberCount).toBe(0);
    });

    it('advances at the slowest subscriber while faster ones run ahead through the buffer', () => {
      const { upstream, up, processor } = relay(4);
      const subs = [4, 2, 0].map((n) => new TestSubscriber<number>(n));
      for (const s of subs) processor.subscribe(s);
      upstream.next(1, 2, 3, 4);
      expect(subs.map((s) => s.values)).toEqual([[1, 2, 3, 4], [1, 2], []]);
      expect(processor.inspect()).toMatchObject({
        buffered: 4, requested: 0, upstreamRequested: 0,
        subscribers: [{ requested: 0, pending: 0 }, { requested: 0, pending: 2 }, { requested: 0, pending: 4 }],
      });
      subs[2]!.request(3);
      expect(up).toEqual(['up.request(4)']); // the slowest is now the second subscriber, 2 freed < 3
      subs[1]!.request(2);
      expect(up).toEqual(['up.request(4)', 'up.request(3)']);
      expect(processor.inspect().buffered).toBe(1);
    });

    it('keeps items for the first subscriber and gives a late one what no current subscriber received', () => {
      const { upstream, processor } = relay(8);
      upstream.next(1, 2);
      const first = new TestSubscriber<number>(1);
      processor.subscribe(first);
      const late = new TestSubscriber<number>(5);
      processor.subscribe(late);
      upstream.next(3);
      expect(first.values).toEqual([1]);
      expect(late.values).toEqual([2, 3]);
    });
  });

  describe('demand', () => {
    it('requests capacity upstream on onSubscribe, before any subscriber', () => {
      const { up, processor } = relay(16);
      expect(up).toEqual(['up.request(16)']);
      expect(processor.inspect()).toMatchObject({ capacity: 16, upstreamRequested: 16, subscribers: [] });
    });

    it('never buffers more than capacity when nobody consumes', () => {
      const { upstream, processor } = relay(3);
      processor.subscribe(new TestSubscriber<number>(0));
      upstream.next(1, 2, 3);
      expect(upstream.outstanding).toBe(0);
      expect(processor.inspect().buffered).toBe(3);
    });
  });

  describe('errors', () => {
    it('signals an upstream error to every subscriber at once and to later ones on subscribe', () => {
      const { upstream, processor } = relay();
      const a = new TestSubscriber<number>(1);
      const b = new TestSubscriber<number>(0);
      processor.subscribe(a);
      processor.subscribe(b);
      upstream.next(1);
      upstream.error(new Error('boom'));
      const late = new TestSubscriber<number>(1);
      processor.subscribe(late);
      expect(a.log).toEqual(['subscribe', 'request(1)', 'next(1)', 'error(Error: boom)']);
      expect(b.log).toEqual(['subscribe', 'error(Error: boom)']);
      expect(late.log).toEqual(['subscribe', 'request(1)', 'error(Error: boom)']);
    });

    it('cancels a second onSubscribe (§2.5)', () => {
      const processor = new MulticastProcessor<number>({ capacity: 2 });
      const log: string[] = [];
      processor.onSubscribe(fakeSubscription(log, 'first'));
      processor.onSubscribe(fakeSubscription(log, 'second'));
      expect(log).toEqual(['first.request(2)', 'second.cancel']);
    });

    it('throws TypeError for null arguments (§2.13)', () => {
      const processor = new MulticastProcessor<number>();
      processor.onSubscribe(fakeSubscription([]));
      expect(() => processor.onSubscribe(undefined as never)).toThrow(/^§2\.13: onSubscribe/);
      expect(() => processor.onNext(null as never)).toThrow(/^§2\.13: onNext/);
      expect(() => processor.onError(null as never)).toThrow(/^§2\.13: onError/);
      expect(() => processor.subscribe(null as never)).toThrow(/^§1\.9:/);
    });

    it('contains onNext beyond the demand it signalled upstream: cancels upstream and fails every subscriber (§1.1)', () => {
      const log: string[] = [];
      const processor = new MulticastProcessor<number>({ capacity: 2 });
      processor.onSubscribe(fakeSubscription(log));
      const a = new TestSubscriber<number>(0);
      const b = new TestSubscriber<number>(0);
      processor.subscribe(a);
      processor.subscribe(b);
      processor.onNext(1);
      processor.onNext(2);
      processor.onNext(3);
      expect(log).toEqual(['up.request(2)', 'up.cancel']);
      for (const s of [a, b]) {
        expect(s.log).toEqual(['subscribe', 'error(Error: §1.1: MulticastProcessor received onNext beyond the requested demand (0 outstanding))']);
      }
    });

    it('reports an error arriving after completion (§1.7) and ignores items after it', () => {
      const reported = captureReportedErrors();
      try {
        const { upstream, processor } = relay();
        const s = new TestSubscriber<number>(1);
        processor.subscribe(s);
        upstream.complete();
        processor.onNext(1);
        processor.onError(new Error('late'));
        expect(s.log).toEqual(['subscribe', 'request(1)', 'complete']);
        expect(reported.errors).toEqual([new Error('late')]);
      } finally {
        reported.restore();
      }
    });

    it('rejects invalid options at construction', () => {
      expect(() => new MulticastProcessor({ capacity: 0 })).toThrow(RangeError);
      expect(() => new MulticastProcessor({ autoCancel: 'yes' as never })).toThrow(TypeError);
    });
  });

  describe('cancellation', () => {
    it('cancels the upstream when the last subscriber cancels and fails later subscribers', () => {
      const { up, processor } = relay();
      const a = new TestSubscriber<number>(1);
      const b = new TestSubscriber<number>(1);
      processor.subscribe(a);
      processor.subscribe(b);
      a.cancel();
      expect(up).toEqual(['up.request(4)']);
      b.cancel();
      expect(up).toEqual(['up.request(4)', 'up.cancel']);
      const late = new TestSubscriber<number>(1);
      processor.subscribe(late);
      expect(late.error).toBeInstanceOf(CancellationError);
      expect(late.error?.message).toBe('MulticastProcessor: the upstream was cancelled when the last subscriber cancelled; no more items will come');
    });

    it('stays subscribed with autoCancel false and buffers for the next subscriber', () => {
      const { upstream, up, processor } = relay(4, false);
      const a = new TestSubscriber<number>(1);
      processor.subscribe(a);
      a.cancel();
      upstream.next(1, 2);
      const b = new TestSubscriber<number>(5);
      processor.subscribe(b);
      expect(up).toEqual(['up.request(4)']);
      expect(b.values).toEqual([1, 2]);
    });

    it('releases a cancelled subscriber and its hold on the buffer (§3.13)', async () => {
      const { upstream, processor } = relay(4);
      const stay = new TestSubscriber<number>(10);
      processor.subscribe(stay);
      const ref = (() => {
        const s = new TestSubscriber<number>(0);
        processor.subscribe(s);
        upstream.next(1, 2);
        s.cancel();
        return new WeakRef(s);
      })();
      expect(await isCollected(ref)).toBe(true);
      expect(processor.inspect()).toMatchObject({ buffered: 0, subscribers: [{ requested: 8, pending: 0 }] });
    });
  });

  describe('empty and edge cases', () => {
    it('completes subscribers of an empty upstream, including one arriving later', () => {
      const processor = new MulticastProcessor<number>();
      const early = new TestSubscriber<number>();
      processor.subscribe(early);
      range(0, 0).subscribe(processor);
      const late = new TestSubscriber<number>();
      processor.subscribe(late);
      expect([early.log, late.log]).toEqual([['subscribe', 'complete'], ['subscribe', 'complete']]);
    });

    it('lets a subscriber cancel another one from inside onNext', () => {
      const { upstream, processor } = relay(4);
      const victim = new TestSubscriber<number>(5);
      const killer = new TestSubscriber<number>({ initialRequest: 5, onNext: (x) => x === 1 && victim.cancel() });
      processor.subscribe(killer);
      processor.subscribe(victim);
      upstream.next(1, 2);
      expect(killer.values).toEqual([1, 2]);
      expect(victim.values).toEqual([]);
      expect(victim.log).toEqual(['subscribe', 'request(5)', 'cancel']);
    });
  });
});
