import { describe, expect, it } from 'vitest';
import { defer } from '../../src/sources/defer';
import { range } from '../../src/sources/range';
import type { Publisher } from '../../src/spec/Publisher';
import { TestPublisher } from '../../src/testing/TestPublisher';
import { TestSubscriber } from '../../src/testing/TestSubscriber';
import { sourceContract } from '../contract/sourceContract';

describe('defer', () => {
  sourceContract('defer', (n) => defer(() => range(0, n)));

  describe('behaviour', () => {
    it('calls the factory once per subscriber, at subscribe time', () => {
      let calls = 0;
      const flow = defer(() => range(++calls * 10, 2));
      expect(calls).toBe(0);
      const a = new TestSubscriber<number>('unbounded');
      const b = new TestSubscriber<number>('unbounded');
      flow.subscribe(a);
      flow.subscribe(b);
      expect([a.values, b.values]).toEqual([[10, 11], [20, 21]]);
    });
  });

  describe('demand', () => {
    it('passes demand to a foreign Publisher through the strict adapter', () => {
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>(3);
      defer(() => upstream).subscribe(s);
      upstream.next(1);
      expect(upstream.requests).toEqual([3]);
      expect(s.values).toEqual([1]);
    });
  });

  describe('errors', () => {
    it('signals onSubscribe then onError when the factory throws', () => {
      const s = new TestSubscriber<number>();
      defer<number>(() => {
        throw new Error('factory broke');
      }).subscribe(s);
      expect(s.log).toEqual(['subscribe', 'error(Error: factory broke)']);
    });

    it('signals onSubscribe then a TypeError when the factory returns a non-Publisher', () => {
      const results: unknown[] = [undefined, 42, { a: 1 }, () => 1];
      const messages = results.map((result) => {
        const s = new TestSubscriber<number>();
        defer(() => result as Publisher<number>).subscribe(s);
        expect(s.log[0]).toBe('subscribe');
        return s.error?.message;
      });
      expect(messages).toEqual([
        'defer: the factory returned undefined, not a Publisher',
        'defer: the factory returned 42, not a Publisher',
        'defer: the factory returned an object (Object) without subscribe, not a Publisher',
        'defer: the factory returned a function (anonymous), not a Publisher',
      ]);
    });

    it('rejects a non-function factory at assembly time', () => {
      expect(() => defer(range(0, 1) as never)).toThrow(TypeError);
    });
  });

  describe('cancellation', () => {
    it('cancels the Publisher the factory returned', () => {
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>(1);
      defer(() => upstream).subscribe(s);
      s.cancel();
      expect(upstream.cancelled).toBe(true);
    });

    it('signals nothing when cancelled inside onSubscribe after a factory failure', () => {
      const s = new TestSubscriber<number>({ onSubscribe: (sub) => sub.cancel() });
      defer<number>(() => {
        throw new Error('x');
      }).subscribe(s);
      expect(s.log).toEqual(['subscribe', 'cancel']);
    });
  });

  describe('empty and edge cases', () => {
    it('nests: a factory may return another deferred source', () => {
      const s = new TestSubscriber<number>('unbounded');
      defer(() => defer(() => range(1, 1))).subscribe(s);
      expect(s.log).toEqual(['subscribe', 'request(Infinity)', 'next(1)', 'complete']);
    });
  });
});
