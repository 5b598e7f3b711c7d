import { describe, expect, it } from 'vitest';
import { isInspectable } from '../../src/internal/inspect';
import { combineLatest } from '../../src/sources/combineLatest';
import { of } from '../../src/sources/of';
import { range } from '../../src/sources/range';
import type { Publisher } from '../../src/spec/Publisher';
import { captureReportedErrors } from '../../src/testing/reportedErrors';
import { TestPublisher } from '../../src/testing/TestPublisher';
import { TestSubscriber } from '../../src/testing/TestSubscriber';
import { operatorContract } from '../contract/operatorContract';
import { isReleased, recorded, testPublishers } from '../operators/_helpers/flatten';

const show = (s: TestSubscriber<unknown[]>): string[] => s.log.map((entry) => entry.replace(/^next\((.*)\)$/, 'next[$1]'));

describe('combineLatest', () => {
  operatorContract('combineLatest', {
    apply: (source) => combineLatest(source, of('x')),
    upstreamBound: () => 1,
  });

  describe('behaviour', () => {
    it('emits the latest item of each source on every new item once all have one', () => {
      const [a, b] = testPublishers<string>(2);
      const s = new TestSubscriber<string[]>('unbounded');
      combineLatest(a!, b!).subscribe(s);
      a!.next('1');
      b!.next('x');
      a!.next('2');
      b!.next('y');
      a!.next('3');
      a!.complete();
      b!.complete();
      expect(s.values).toEqual([['1', 'x'], ['2', 'x'], ['2', 'y'], ['3', 'y']]);
      expect(s.completed).toBe(true);
      expect(s.violations).toEqual([]);
    });

    it('keeps only the last item of a source that runs ahead before the others have one', () => {
      const s = new TestSubscriber<unknown[]>('unbounded');
      combineLatest(range(0, 5), of('x')).subscribe(s);
      expect(s.values).toEqual([[4, 'x']]);
      expect(s.completed).toBe(true);
    });

    it('emits a fresh array each time', () => {
      const s = new TestSubscriber<unknown[]>('unbounded');
      combineLatest(of('a'), range(0, 2)).subscribe(s);
      expect(s.values).toEqual([['a', 0], ['a', 1]]);
      expect(s.values[0]).not.toBe(s.values[1]);
    });
  });

  describe('demand', () => {
    it('asks each source for one item at a time and the next only once its item was emitted', () => {
      const s = new TestSubscriber<unknown[]>();
      const [a, b] = testPublishers<string>(2);
      combineLatest(recorded('a', a!, s.log), recorded('b', b!, s.log)).subscribe(s);
      a!.next('1');
      b!.next('x'); // completes the set: needs demand
      a!.next('2'); // waits for demand too
      s.request(1);
      s.request(1);
      expect(show(s)).toEqual([
        'subscribe',
        'a.request(1)',
        'b.request(1)',
        'a.request(1)', // warm-up: 1 applied without demand
        'request(1)',
        'next[1,x]',
        'b.request(1)',
        'request(1)',
        'next[2,x]',
        'a.request(1)',
      ]);
      expect(s.violations).toEqual([]);
    });

    it('emits one array per source item in arrival order when demand comes late', () => {
      const [a, b] = testPublishers<string>(2);
      const s = new TestSubscriber<string[]>();
      combineLatest(a!, b!).subscribe(s);
      a!.next('1');
      b!.next('x');
      expect(a!.outstanding).toBe(1);
      a!.next('2');
      expect([a!.outstanding, b!.outstanding]).toEqual([0, 0]); // both sources wait: nothing more can arrive
      s.request(5);
      expect(s.values).toEqual([['1', 'x'], ['2', 'x']]);
      expect([a!.outstanding, b!.outstanding]).toEqual([1, 1]);
    });

    it('reports pending items and demand through inspect()', () => {
      const [a, b] = testPublishers<string>(2);
      const s = new TestSubscriber<string[]>();
      combineLatest(a!, b!).subscribe(s);
      a!.next('1');
      b!.next('x');
      expect(isInspectable(s.subscription) ? s.subscription.inspect() : null).toEqual({
        stage: 'combineLatest',
        capacity: 2,
        buffered: 1,
        requested: 0,
        upstreamRequested: 1,
        received: 2,
        emitted: 0,
        dropped: 0,
        terminated: false,
        cancelled: false,
      });
    });
  });

  describe('errors', () => {
    it('cancels the other sources and signals the first error at once', () => {
      const [a, b] = testPublishers<string>(2);
      const s = new TestSubscriber<string[]>();
      combineLatest(a!, b!).subscribe(s);
      a!.next('1');
      b!.error(new Error('b failed'));
      expect(s.log).toEqual(['subscribe', 'error(Error: b failed)']);
      expect(a!.cancelled).toBe(true);
    });

    it('drops a second error, from a source it already cancelled, instead of delivering it', () => {
      const reported = captureReportedErrors();
      try {
        const [a, b] = testPublishers<string>(2);
        const s = new TestSubscriber<string[]>();
        combineLatest(a!, b!).subscribe(s);
        a!.error(new Error('first'));
        b!.error(new Error('second'));
        expect(s.error?.message).toBe('first');
        expect(reported.dropped).toEqual([new Error('second')]);
        expect(reported.errors).toEqual([]);
        expect(s.violations).toEqual([]);
      } finally {
        reported.restore();
      }
    });

    it('fails with §1.1 when a foreign source emits beyond its one requested item', () => {
      const a = new TestPublisher<string>({ allow: { overDelivery: true } });
      const b = new TestPublisher<string>();
      const s = new TestSubscriber<string[]>();
      combineLatest(a, b).subscribe(s);
      a.next('1');
      b.next('x');
      a.next('2'); // requested again during warm-up: legal, now pending
      a.next('3'); // beyond demand
      expect(s.error?.message).toMatch(/^§1\.1:/);
      expect([a.cancelled, b.cancelled]).toEqual([true, true]);
    });

    it('rejects a non-Publisher argument at assembly time', () => {
      expect(() => combineLatest(of(1), 42 as unknown as Publisher<number>)).toThrow('combineLatest: argument 1 is not a Publisher');
    });
  });

  describe('cancellation', () => {
    it('cancels every source', () => {
      const [a, b] = testPublishers<string>(2);
      const s = new TestSubscriber<string[]>(1);
      combineLatest(a!, b!).subscribe(s);
      s.cancel();
      expect([a!.cancelled, b!.cancelled]).toEqual([true, true]);
    });

    it('stops at once when cancelled from inside onNext', () => {
      const s = new TestSubscriber<unknown[]>({ initialRequest: 'unbounded', onNext: (_, sub) => sub.cancel() });
      combineLatest(of('a'), range(0, 10)).subscribe(s);
      expect(s.values).toEqual([['a', 0]]);
      expect(s.violations).toEqual([]);
    });

    it('releases the subscriber after cancel (§3.13)', async () => {
      const [a, b] = testPublishers<string>(2);
      const ref = (() => {
        const s = new TestSubscriber<string[]>(1);
        combineLatest(a!, b!).subscribe(s);
        a!.next('1');
        s.cancel();
        return new WeakRef(s);
      })();
      expect(await isReleased(ref)).toBe(true);
    });
  });

  describe('empty and edge cases', () => {
    it('completes at once with no sources', () => {
      const s = new TestSubscriber<never[]>();
      combineLatest().subscribe(s);
      expect(s.log).toEqual(['subscribe', 'complete']);
    });

    it('completes at once and cancels the others when a source completes without an item', () => {
      const [a, b] = testPublishers<string>(2);
      const s = new TestSubscriber<string[]>('unbounded');
      combineLatest(a!, b!).subscribe(s);
      a!.next('1');
      b!.complete();
      expect(s.log).toEqual(['subscribe', 'request(Infinity)', 'complete']);
      expect(a!.cancelled).toBe(true);
    });

    it('keeps combining after one source completed with an item', () => {
      const [a, b] = testPublishers<string>(2);
      const s = new TestSubscriber<string[]>('unbounded');
      combineLatest(a!, b!).subscribe(s);
      a!.next('1');
      a!.complete();
      b!.next('x');
      b!.next('y');
      b!.complete();
      expect(s.values).toEqual([['1', 'x'], ['1', 'y']]);
      expect(s.completed).toBe(true);
    });

    it('runs 1,000,000 synchronous items requested one by one without stack growth', () => {
      const s = new TestSubscriber<unknown[]>({ initialRequest: 1, onNext: (_, sub) => sub.request(1) });
      s.recordLog = false;
      s.keepValues = false;
      combineLatest(of('a'), range(0, 1_000_000)).subscribe(s);
      expect(s.count).toBe(1_000_000);
      expect(s.maxOnNextDepth).toBe(1);
      expect(s.completed).toBe(true);
    });
  });
});
