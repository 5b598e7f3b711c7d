import { describe, expect, it } from 'vitest';
import { concat } from '../../src/sources/concat';
import { range } from '../../src/sources/range';
import { captureReportedErrors } from '../../src/testing/reportedErrors';
import { TestSubscriber } from '../../src/testing/TestSubscriber';
import { operatorContract } from '../contract/operatorContract';
import { asyncPublisher, isReleased, recorded, testPublishers } from '../operators/_helpers/flatten';

describe('concat', () => {
  operatorContract('concat', {
    apply: (source) => concat(source, range(0, 0)),
  });

  operatorContract('concat (source second)', {
    apply: (source) => concat(range(0, 0), source),
  });

  describe('behaviour', () => {
    it('emits each source after the previous one completed', () => {
      const s = new TestSubscriber<number>('unbounded');
      concat(range(1, 2), range(10, 2), range(20, 1)).subscribe(s);
      expect(s.log).toEqual(['subscribe', 'request(Infinity)', 'next(1)', 'next(2)', 'next(10)', 'next(11)', 'next(20)', 'complete']);
    });

    it('keeps source order with asynchronous sources', async () => {
      const s = new TestSubscriber<string>('unbounded');
      concat(asyncPublisher(['a1', 'a2']), asyncPublisher(['b1']), asyncPublisher(['c1', 'c2'])).subscribe(s);
      while (!s.terminated) await new Promise((resolve) => setTimeout(resolve, 1));
      expect(s.values).toEqual(['a1', 'a2', 'b1', 'c1', 'c2']);
      expect(s.completed).toBe(true);
    });

    it('subscribes the next source only after the previous one completed', () => {
      const [a, b] = testPublishers<number>(2);
      const s = new TestSubscriber<number>(1);
      concat(a!, b!).subscribe(s);
      expect([a!.subscriberCount, b!.subscriberCount]).toEqual([1, 0]);
      a!.complete();
      expect([a!.subscriberCount, b!.subscriberCount]).toEqual([1, 1]);
    });
  });

  describe('demand', () => {
    it('carries the unused demand over to the next source exactly', () => {
      const s = new TestSubscriber<number>();
      const [a, b] = testPublishers<number>(2);
      concat(recorded('a', a!, s.log), recorded('b', b!, s.log)).subscribe(s);
      s.request(5);
      a!.next(1, 2);
      a!.complete();
      b!.next(3);
      s.request(2);
      b!.next(4, 5, 6, 7);
      b!.complete();
      expect(s.log).toEqual([
        'subscribe',
        'request(5)',
        'a.request(5)',
        'next(1)',
        'next(2)',
        'b.request(3)',
        'next(3)',
        'request(2)',
        'b.request(2)',
        'next(4)',
        'next(5)',
        'next(6)',
        'next(7)',
        'complete',
      ]);
      expect(s.violations).toEqual([]);
    });

    it('holds demand requested between sources for the next one', () => {
      const s = new TestSubscriber<number>();
      const [a, b] = testPublishers<number>(2);
      concat(recorded('a', a!, s.log), recorded('b', b!, s.log)).subscribe(s);
      a!.complete();
      expect(b!.requests).toEqual([]);
      s.request(3);
      expect(b!.requests).toEqual([3]);
    });

    it('passes unbounded demand once', () => {
      const [a, b] = testPublishers<number>(2);
      const s = new TestSubscriber<number>('unbounded');
      concat(a!, b!).subscribe(s);
      s.request(5);
      a!.complete();
      expect(a!.requests).toEqual([Number.MAX_SAFE_INTEGER]);
      expect(b!.requests).toEqual([Number.MAX_SAFE_INTEGER]);
    });
  });

  describe('errors', () => {
    it('passes a source error on and never subscribes the later sources', () => {
      const [a, b] = testPublishers<number>(2);
      const s = new TestSubscriber<number>(1);
      concat(a!, b!).subscribe(s);
      a!.error(new Error('a failed'));
      expect(s.log).toEqual(['subscribe', 'request(1)', 'error(Error: a failed)']);
      expect(b!.subscriberCount).toBe(0);
    });

    it('signals an invalid request made inside onNext after onNext returns', () => {
      const reported = captureReportedErrors();
      try {
        const s = new TestSubscriber<number>({ initialRequest: 3, onNext: (_, sub) => sub.request(0) });
        const [a] = testPublishers<number>(1);
        concat(a!).subscribe(s);
        a!.next(1, 2);
        expect(s.log).toEqual(['subscribe', 'request(3)', 'next(1)', 'request(0)', expect.stringMatching(/^error\(RangeError: §3\.9:/)]);
        expect(a!.cancelled).toBe(true);
        expect(s.violations).toEqual([]);
      } finally {
        reported.restore();
      }
    });

    it('rejects a non-Publisher argument at assembly time', () => {
      expect(() => concat(range(0, 1), undefined as never)).toThrow(TypeError);
    });
  });

  describe('cancellation', () => {
    it('cancels the current source and never subscribes the later ones', () => {
      const [a, b] = testPublishers<number>(2);
      const s = new TestSubscriber<number>(1);
      concat(a!, b!).subscribe(s);
      s.cancel();
      expect(a!.cancelled).toBe(true);
      expect(b!.subscriberCount).toBe(0);
    });

    it('releases the subscriber after cancel (§3.13)', async () => {
      const [a, b] = testPublishers<number>(2);
      const ref = (() => {
        const s = new TestSubscriber<number>(1);
        concat(a!, b!).subscribe(s);
        a!.complete();
        s.cancel();
        return new WeakRef(s);
      })();
      expect(await isReleased(ref)).toBe(true);
    });
  });

  describe('empty and edge cases', () => {
    it('completes at once with no sources or only empty sources', () => {
      const none = new TestSubscriber<number>();
      concat<number>().subscribe(none);
      const empties = new TestSubscriber<number>();
      concat(range(0, 0), range(0, 0)).subscribe(empties);
      expect(none.log).toEqual(['subscribe', 'complete']);
      expect(empties.log).toEqual(['subscribe', 'complete']);
    });

    it('concatenates 50,000 synchronous sources without stack growth', () => {
      const s = new TestSubscriber<number>({ initialRequest: 1, onNext: (_, sub) => sub.request(1) });
      s.recordLog = false;
      s.keepValues = false;
      concat(...Array.from({ length: 50_000 }, (_, i) => range(i, i % 2))).subscribe(s);
      expect(s.count).toBe(25_000);
      expect(s.maxOnNextDepth).toBe(1);
      expect(s.completed).toBe(true);
    });
  });
});
