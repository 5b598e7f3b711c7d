import { describe, expect, it } from 'vitest';
import { Flow } from '../../src/Flow';
import { from } from '../../src/sources/from';
import { range } from '../../src/sources/range';
import { captureReportedErrors } from '../../src/testing/reportedErrors';
import { TestPublisher } from '../../src/testing/TestPublisher';
import { TestSubscriber } from '../../src/testing/TestSubscriber';
import { sourceContract } from '../contract/sourceContract';
import { collectGarbage } from '../support/collectGarbage';

const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** An iterable over 0..n-1 that records each next() and return() call. */
function countingIterable(n: number, log: string[]): Iterable<number> {
  return {
    [Symbol.iterator]() {
      let i = 0;
      return {
        next: () => (log.push(`next`), i < n ? { done: false, value: i++ } : { done: true, value: undefined }),
        return: () => (log.push('return'), { done: true, value: undefined }),
      };
    },
  };
}

describe('from', () => {
  sourceContract('from(array)', (n) => from(Array.from({ length: n }, (_, i) => i)));
  sourceContract('from(iterable)', (n) => from(countingIterable(n, [])));

  describe('behaviour', () => {
    it('emits the items of an array, then completes', () => {
      const s = new TestSubscriber<number>('unbounded');
      from([1, 2, 3]).subscribe(s);
      expect(s.log).toEqual(['subscribe', 'request(Infinity)', 'next(1)', 'next(2)', 'next(3)', 'complete']);
    });

    it('emits the values of a generator, a Set and a Map', () => {
      function* gen(): Generator<string> {
        yield 'x';
        yield 'y';
      }
      const a = new TestSubscriber<string>('unbounded');
      const b = new TestSubscriber<number>('unbounded');
      const c = new TestSubscriber<[string, number]>('unbounded');
      from(gen()).subscribe(a);
      from(new Set([1, 2])).subscribe(b);
      from(new Map([['k', 1]])).subscribe(c);
      expect([a.values, b.values, c.values]).toEqual([['x', 'y'], [1, 2], [['k', 1]]]);
    });

    it('returns a sluice Flow as is', () => {
      const flow = range(0, 3);
      expect(from(flow)).toBe(flow);
      expect(Flow.from(flow)).toBe(flow);
    });

    it('wraps a foreign Publisher in the strict adapter', () => {
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>(2);
      from(upstream).subscribe(s);
      upstream.next(1, 2);
      upstream.complete();
      expect(s.log).toEqual(['subscribe', 'request(2)', 'next(1)', 'next(2)', 'complete']);
      expect(upstream.requests).toEqual([2]);
    });

    it('emits the value of a resolved Promise, then completes', async () => {
      const s = new TestSubscriber<number>(1);
      from(Promise.resolve(7)).subscribe(s);
      expect(s.log).toEqual(['subscribe', 'request(1)']);
      await flush();
      expect(s.log).toEqual(['subscribe', 'request(1)', 'next(7)', 'complete']);
    });

    it('adopts a custom thenable', async () => {
      const thenable = { then: (resolve: (v: string) => void) => resolve('t') } as PromiseLike<string>;
      const s = new TestSubscriber<string>(1);
      from(thenable).subscribe(s);
      await flush();
      expect(s.values).toEqual(['t']);
      expect(s.completed).toBe(true);
    });

    it('is reachable as Flow.from', () => {
      const s = new TestSubscriber<number>('unbounded');
      Flow.from([4, 5]).subscribe(s);
      expect(s.values).toEqual([4, 5]);
    });
  });

  describe('demand', () => {
    it('calls iterator.next() once per requested item, never ahead of demand', () => {
      const log: string[] = [];
      const s = new TestSubscriber<number>();
      from(countingIterable(3, log)).subscribe(s);
      expect(log).toEqual([]);
      s.request(2);
      expect(log).toEqual(['next', 'next']);
      s.request(5);
      expect(log).toEqual(['next', 'next', 'next', 'next']);
      expect(s.values).toEqual([0, 1, 2]);
      expect(s.completed).toBe(true);
    });

    it('holds a resolved value until it is requested', async () => {
      const s = new TestSubscriber<number>();
      from(Promise.resolve(1)).subscribe(s);
      await flush();
      expect(s.log).toEqual(['subscribe']);
      s.request(1);
      expect(s.log).toEqual(['subscribe', 'request(1)', 'next(1)', 'complete']);
    });

    it('delivers 10,000,000 iterable items requested one at a time from onNext without growing the stack', () => {
      function* naturals(): Generator<number> {
        for (let i = 0; i < 10_000_000; i++) yield i;
      }
      const s = new TestSubscriber<number>({ initialRequest: 1, onNext: (_, sub) => sub.request(1) });
      s.recordLog = false;
      s.keepValues = false;
      from(naturals()).subscribe(s);
      expect(s.count).toBe(10_000_000);
      expect(s.maxOnNextDepth).toBe(1);
      expect(s.completed).toBe(true);
    });
  });

  describe('errors', () => {
    it('signals onError(TypeError) when it reaches a null array slot', () => {
      const s = new TestSubscriber<number | null>('unbounded');
      from([1, null, 3]).subscribe(s);
      expect(s.values).toEqual([1]);
      expect(s.error).toBeInstanceOf(TypeError);
      expect(s.error?.message).toBe('§2.13: from: item 1 is null; null and undefined are not elements');
    });

    it('signals onError(TypeError) and closes the iterator for an undefined iterator value', () => {
      const iterable = {
        closed: false,
        *[Symbol.iterator]() {
          try {
            yield 1;
            yield undefined;
          } finally {
            this.closed = true;
          }
        },
      };
      const s = new TestSubscriber<number | undefined>('unbounded');
      from(iterable).subscribe(s);
      expect(s.error?.message).toMatch(/^§2\.13: from: item 1 is undefined/);
      expect(iterable.closed).toBe(true);
    });

    it('signals what the iterator throws, without calling return()', () => {
      const log: string[] = [];
      const iterable: Iterable<number> = {
        [Symbol.iterator]: () => ({
          next: (): IteratorResult<number> => {
            throw new Error('next broke');
          },
          return: () => (log.push('return'), { done: true as const, value: undefined }),
        }),
      };
      const s = new TestSubscriber<number>(1);
      from(iterable).subscribe(s);
      expect(s.error?.message).toBe('next broke');
      expect(log).toEqual([]);
    });

    it('signals what [Symbol.iterator]() throws on the first request', () => {
      const iterable = {
        [Symbol.iterator]: (): Iterator<number> => {
          throw new Error('no iterator');
        },
      };
      const s = new TestSubscriber<number>();
      from(iterable).subscribe(s);
      expect(s.log).toEqual(['subscribe']);
      s.request(1);
      expect(s.error?.message).toBe('no iterator');
    });

    it('signals a rejection, wrapping non-Errors', async () => {
      const a = new TestSubscriber<number>();
      const b = new TestSubscriber<number>();
      from(Promise.reject(new Error('nope'))).subscribe(a);
      from(Promise.reject('text')).subscribe(b);
      await flush();
      expect(a.log).toEqual(['subscribe', 'error(Error: nope)']);
      expect(b.error?.cause).toBe('text');
    });

    it('rejects an RxJS-style Observable, pointing to fromObservable', () => {
      const observable = { subscribe: () => ({ unsubscribe() {} }), ['@@observable']() { return this; } };
      expect(() => from(observable as never)).toThrow(/^from: got an Observable, .* fromObservable from @sluice\/rxjs/);
    });

    it('rejects unsupported input at assembly time, naming it', () => {
      expect(() => from(42 as never)).toThrow(/^from: expected .* got number 42 with no subscribe/);
      expect(() => from(null as never)).toThrow(/got null/);
      expect(() => from({ a: 1 } as never)).toThrow(/got an object \(Object\)/);
      expect(() => from((() => 1) as never)).toThrow(/got a function/);
      expect(() => Flow.from(undefined as never)).toThrow(TypeError);
    });
  });

  describe('cancellation', () => {
    it('calls iterator.return() when cancelled before the iterator is exhausted', () => {
      const log: string[] = [];
      const s = new TestSubscriber<number>({ initialRequest: 5, onNext: (_, sub) => sub.cancel() });
      from(countingIterable(3, log)).subscribe(s);
      expect(log).toEqual(['next', 'return']);
    });

    it('does not create an iterator when cancelled before any request', () => {
      const log: string[] = [];
      const s = new TestSubscriber<number>();
      from(countingIterable(3, log)).subscribe(s);
      s.cancel();
      expect(log).toEqual([]);
    });

    it('drops a throw from iterator.return() instead of throwing from cancel (onErrorDropped)', () => {
      const captured = captureReportedErrors();
      try {
        const iterable = {
          [Symbol.iterator]: () => ({
            next: () => ({ done: false, value: 1 }),
            return: (): IteratorResult<number> => {
              throw new Error('return broke');
            },
          }),
        };
        const s = new TestSubscriber<number>(1);
        from(iterable).subscribe(s);
        expect(() => s.cancel()).not.toThrow();
        expect(captured.dropped).toEqual([new Error('return broke')]);
        expect(captured.errors).toEqual([]);
      } finally {
        captured.restore();
      }
    });

    it('releases the subscriber while the promise is still pending (§3.13)', async () => {
      let resolve!: (v: number) => void;
      const pending = new Promise<number>((r) => (resolve = r));
      const ref = (() => {
        const s = new TestSubscriber<number>(1);
        from(pending).subscribe(s);
        s.cancel();
        return new WeakRef(s);
      })();
      await collectGarbage();
      expect(ref.deref()).toBeUndefined();
      resolve(1);
    });
  });

  describe('empty and edge cases', () => {
    it('completes an empty array without any request', () => {
      const s = new TestSubscriber<number>();
      from([]).subscribe(s);
      expect(s.log).toEqual(['subscribe', 'complete']);
    });

    it('completes empty for a Promise resolving to undefined', async () => {
      const s = new TestSubscriber<never>();
      from(Promise.resolve(undefined)).subscribe(s);
      await flush();
      expect(s.log).toEqual(['subscribe', 'complete']);
    });

    it('emits the code points of a string', () => {
      const s = new TestSubscriber<string>('unbounded');
      from('a😀').subscribe(s);
      expect(s.values).toEqual(['a', '😀']);
    });

    it('delegates async iterables to fromAsyncIterable', async () => {
      async function* gen(): AsyncGenerator<number> {
        yield 1;
      }
      const s = new TestSubscriber<number>(2);
      from(gen()).subscribe(s);
      await flush();
      expect(s.log).toEqual(['subscribe', 'request(2)', 'next(1)', 'complete']);
    });
  });
});
