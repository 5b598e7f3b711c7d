import { describe, expect, it } from 'vitest';
import { map } from '../../src/operators/map';
import { UnicastProcessor } from '../../src/processors/UnicastProcessor';
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

describe('UnicastProcessor', () => {
  operatorContract('UnicastProcessor', {
    apply: (source) => {
      const processor = new UnicastProcessor<number>();
      source.subscribe(processor);
      return processor;
    },
    upstreamBound: () => 256,
  });

  describe('behaviour', () => {
    it('buffers items that arrive before its subscriber and delivers them on demand', () => {
      const upstream = new TestPublisher<number>();
      const processor = new UnicastProcessor<number>({ capacity: 4 });
      upstream.subscribe(processor);
      upstream.next(1, 2, 3);
      upstream.complete();
      const s = new TestSubscriber<number>(2);
      processor.subscribe(s);
      expect(s.log).toEqual(['subscribe', 'request(2)', 'next(1)', 'next(2)']);
      s.request(5);
      expect(s.log.slice(4)).toEqual(['request(5)', 'next(3)', 'complete']);
      expect(s.violations).toEqual([]);
    });

    it('is a Flow, so operators pipe onto it', () => {
      const processor = new UnicastProcessor<number>();
      range(1, 3).subscribe(processor);
      const s = new TestSubscriber<number>('unbounded');
      processor.pipe(map((x) => x * 10)).subscribe(s);
      expect(s.values).toEqual([10, 20, 30]);
    });

    it('rejects a second subscriber with onSubscribe then onError (§1.11), even after the first left', () => {
      const processor = new UnicastProcessor<number>();
      const first = new TestSubscriber<number>();
      processor.subscribe(first);
      first.cancel();
      const second = new TestSubscriber<number>(1);
      processor.subscribe(second);
      expect(second.log).toEqual(['subscribe', 'request(1)', 'error(Error: §1.11: UnicastProcessor allows a single subscriber; this one was rejected)']);
    });
  });

  describe('demand', () => {
    it('requests capacity upstream before any subscriber and replenishes in 75% steps', () => {
      const upstream = new TestPublisher<number>();
      const up: string[] = [];
      const processor = new UnicastProcessor<number>({ capacity: 8 });
      spyUpstream(upstream, up).subscribe(processor);
      expect(up).toEqual(['up.request(8)']);
      upstream.next(1, 2, 3, 4, 5, 6, 7, 8);
      const s = new TestSubscriber<number>(5);
      processor.subscribe(s);
      expect(up).toEqual(['up.request(8)']); // 5 freed < 6 (75% of 8)
      s.request(1);
      expect(up).toEqual(['up.request(8)', 'up.request(6)']);
      expect(processor.inspect()).toMatchObject({ capacity: 8, buffered: 2, upstreamRequested: 6, subscribers: [{ requested: 0, pending: 2 }] });
    });
  });

  describe('errors', () => {
    it('delivers an upstream error after the items buffered before it', () => {
      const upstream = new TestPublisher<number>();
      const processor = new UnicastProcessor<number>();
      upstream.subscribe(processor);
      const s = new TestSubscriber<number>(1);
      processor.subscribe(s);
      upstream.next(1, 2);
      upstream.error(new Error('boom'));
      expect(s.log).toEqual(['subscribe', 'request(1)', 'next(1)']);
      s.request(1);
      expect(s.log.slice(3)).toEqual(['request(1)', 'next(2)', 'error(Error: boom)']);
    });

    it('cancels a second onSubscribe (§2.5)', () => {
      const processor = new UnicastProcessor<number>();
      const log: string[] = [];
      processor.onSubscribe(fakeSubscription(log, 'first'));
      processor.onSubscribe(fakeSubscription(log, 'second'));
      expect(log).toEqual(['first.request(256)', 'second.cancel']);
    });

    it('throws TypeError for null arguments (§2.13)', () => {
      const processor = new UnicastProcessor<number>();
      processor.onSubscribe(fakeSubscription([]));
      expect(() => processor.onSubscribe(null as never)).toThrow(/^§2\.13: onSubscribe/);
      expect(() => processor.onNext(null as never)).toThrow(TypeError);
      expect(() => processor.onNext(undefined as never)).toThrow(TypeError);
      expect(() => processor.onError(null as never)).toThrow(TypeError);
    });

    it('contains onNext beyond the demand it signalled upstream: cancels upstream and fails with a §1.1 error', () => {
      const log: string[] = [];
      const processor = new UnicastProcessor<number>({ capacity: 2 });
      processor.onSubscribe(fakeSubscription(log));
      const s = new TestSubscriber<number>(1);
      processor.subscribe(s);
      processor.onNext(1);
      processor.onNext(2);
      processor.onNext(3); // one freed slot is below the 75% step: nothing was requested for it
      processor.onNext(4); // after the violation: ignored
      expect(log).toEqual(['up.request(2)', 'up.cancel']);
      s.request(5); // the error follows the item buffered before it
      expect(s.log).toEqual([
        'subscribe', 'request(1)', 'next(1)', 'request(5)', 'next(2)',
        'error(Error: §1.1: UnicastProcessor received onNext beyond the requested demand (0 outstanding))',
      ]);
    });

    it('contains onNext before onSubscribe with a §1.9 error', () => {
      const processor = new UnicastProcessor<number>();
      const s = new TestSubscriber<number>(1);
      processor.subscribe(s);
      processor.onNext(1);
      expect(s.error?.message).toBe('§1.9: UnicastProcessor received onNext before onSubscribe');
    });

    it('reports an error that arrives after the terminal signal (§1.7)', () => {
      const reported = captureReportedErrors();
      try {
        const processor = new UnicastProcessor<number>();
        processor.onSubscribe(fakeSubscription([]));
        processor.onComplete();
        processor.onError(new Error('late'));
        expect(reported.errors).toEqual([new Error('late')]);
      } finally {
        reported.restore();
      }
    });

    it('rejects an invalid capacity at construction', () => {
      expect(() => new UnicastProcessor({ capacity: 0 })).toThrow(RangeError);
      expect(() => new UnicastProcessor({ name: 1 as never })).toThrow(TypeError);
    });
  });

  describe('cancellation', () => {
    it('cancels the upstream and discards the buffer when its subscriber cancels', () => {
      const log: string[] = [];
      const processor = new UnicastProcessor<number>({ capacity: 4 });
      processor.onSubscribe(fakeSubscription(log));
      processor.onNext(1);
      processor.onNext(2);
      const s = new TestSubscriber<number>(1);
      processor.subscribe(s);
      s.cancel();
      expect(log).toEqual(['up.request(4)', 'up.cancel']);
      expect(processor.inspect()).toMatchObject({ buffered: 0, cancelled: true });
    });

    it('cancels an upstream that subscribes after its subscriber cancelled', () => {
      const log: string[] = [];
      const processor = new UnicastProcessor<number>();
      const s = new TestSubscriber<number>();
      processor.subscribe(s);
      s.cancel();
      processor.onSubscribe(fakeSubscription(log));
      expect(log).toEqual(['up.cancel']);
    });

    it('releases its subscriber after cancel (§3.13)', async () => {
      const processor = new UnicastProcessor<number>();
      const ref = (() => {
        const s = new TestSubscriber<number>(1);
        processor.subscribe(s);
        s.cancel();
        return new WeakRef(s);
      })();
      expect(await isCollected(ref)).toBe(true);
    });
  });

  describe('empty and edge cases', () => {
    it('completes a subscriber at once when the upstream was empty', () => {
      const processor = new UnicastProcessor<number>();
      range(0, 0).subscribe(processor);
      const s = new TestSubscriber<number>();
      processor.subscribe(s);
      expect(s.log).toEqual(['subscribe', 'complete']);
    });

    it('relays 100,000 synchronous items with capacity 16 and request(1) from inside onNext at depth 1', () => {
      const processor = new UnicastProcessor<number>({ capacity: 16 });
      const s = new TestSubscriber<number>({ initialRequest: 1, onNext: (_, sub) => sub.request(1) });
      s.recordLog = false;
      s.keepValues = false;
      processor.subscribe(s);
      range(0, 100_000).subscribe(processor);
      expect([s.count, s.completed, s.maxOnNextDepth]).toEqual([100_000, true, 1]);
    });
  });
});
