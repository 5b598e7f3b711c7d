import { describe, expect, it } from 'vitest';
import { fromAsyncIterable } from '../../src/sources/fromAsyncIterable';
import { captureReportedErrors } from '../../src/testing/reportedErrors';
import { TestSubscriber } from '../../src/testing/TestSubscriber';
import { collectGarbage } from '../support/collectGarbage';

const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** An async iterator driven by the test: every next() call waits until the test settles it. */
class ManualAsyncIterable<T> implements AsyncIterable<T> {
  readonly log: string[] = [];
  readonly calls: { resolve: (r: IteratorResult<T>) => void; reject: (e: unknown) => void }[] = [];
  returnResult: Promise<IteratorResult<T>> = Promise.resolve({ done: true, value: undefined });

  [Symbol.asyncIterator](): AsyncIterator<T> {
    this.log.push('open');
    return {
      next: () => {
        this.log.push('next');
        return new Promise<IteratorResult<T>>((resolve, reject) => this.calls.push({ resolve, reject }));
      },
      return: () => {
        this.log.push('return');
        return this.returnResult;
      },
    };
  }

  get inFlight(): number {
    return this.calls.length;
  }

  /** Settles the `index`-th outstanding call (0 = oldest) with a value, or with done when value is omitted. */
  settle(value?: T, index = 0): void {
    const [call] = this.calls.splice(index, 1);
    call!.resolve(value === undefined ? { done: true, value: undefined } : { done: false, value });
  }
}

async function* letters(): AsyncGenerator<string> {
  yield 'a';
  yield 'b';
  yield 'c';
}

describe('fromAsyncIterable', () => {
  describe('behaviour', () => {
    it('emits the values of an async generator, then completes', async () => {
      const s = new TestSubscriber<string>('unbounded');
      fromAsyncIterable(letters()).subscribe(s);
      await flush();
      expect(s.log).toEqual(['subscribe', 'request(Infinity)', 'next(a)', 'next(b)', 'next(c)', 'complete']);
      expect(s.violations).toEqual([]);
    });

    it('delivers results in call order even when they settle out of order', async () => {
      const source = new ManualAsyncIterable<number>();
      const s = new TestSubscriber<number>(3);
      fromAsyncIterable(source, { prefetch: 3 }).subscribe(s);
      source.settle(3, 2);
      source.settle(2, 1);
      await flush();
      expect(s.values).toEqual([]);
      source.settle(1);
      await flush();
      expect(s.values).toEqual([1, 2, 3]);
    });
  });

  describe('demand', () => {
    it('creates the iterator and calls next() only after a request', async () => {
      const source = new ManualAsyncIterable<number>();
      const s = new TestSubscriber<number>();
      fromAsyncIterable(source).subscribe(s);
      await flush();
      expect(source.log).toEqual([]);
      s.request(1);
      expect(source.log).toEqual(['open', 'next']);
    });

    it('keeps at most one next() in flight by default', async () => {
      const source = new ManualAsyncIterable<number>();
      const s = new TestSubscriber<number>(10);
      fromAsyncIterable(source).subscribe(s);
      expect(source.inFlight).toBe(1);
      source.settle(1);
      await flush();
      expect(s.values).toEqual([1]);
      expect(source.inFlight).toBe(1);
    });

    it('keeps up to prefetch next() calls in flight, but never more than the demand', async () => {
      const source = new ManualAsyncIterable<number>();
      const s = new TestSubscriber<number>(2);
      fromAsyncIterable(source, { prefetch: 4 }).subscribe(s);
      expect(source.inFlight).toBe(2);
      s.request(5);
      expect(source.inFlight).toBe(4);
      source.settle(1);
      source.settle(2);
      await flush();
      expect(source.inFlight).toBe(4);
      expect(source.log.filter((e) => e === 'next')).toHaveLength(6);
    });

    it('never emits more than requested', async () => {
      const s = new TestSubscriber<string>(2);
      fromAsyncIterable(letters(), { prefetch: 8 }).subscribe(s);
      await flush();
      expect(s.values).toEqual(['a', 'b']);
      s.request(1);
      await flush();
      expect(s.values).toEqual(['a', 'b', 'c']);
      expect(s.completed).toBe(false);
      s.request(1);
      await flush();
      expect(s.completed).toBe(true);
      expect(s.violations).toEqual([]);
    });

    for (const bad of [0, -1, NaN, 1.5, -Infinity]) {
      it(`signals onError(RangeError) for request(${bad}), does not throw, and closes the iterator`, async () => {
        const source = new ManualAsyncIterable<number>();
        const s = new TestSubscriber<number>(1);
        fromAsyncIterable(source).subscribe(s);
        expect(() => s.request(bad)).not.toThrow();
        expect(s.error?.message).toMatch(/^§3\.9:/);
        expect(source.log).toEqual(['open', 'next', 'return']);
        source.settle(1);
        await flush();
        expect(s.count).toBe(0);
      });
    }
  });

  describe('errors', () => {
    it('signals a rejected next() without calling return()', async () => {
      const source = new ManualAsyncIterable<number>();
      const s = new TestSubscriber<number>(1);
      fromAsyncIterable(source).subscribe(s);
      source.calls[0]!.reject(new Error('read failed'));
      await flush();
      expect(s.log).toEqual(['subscribe', 'request(1)', 'error(Error: read failed)']);
      expect(source.log).toEqual(['open', 'next']);
    });

    it('signals onError(TypeError) for a null value and closes the iterator', async () => {
      const source = new ManualAsyncIterable<number | null>();
      const s = new TestSubscriber<number | null>(2);
      fromAsyncIterable(source).subscribe(s);
      source.settle(1);
      await flush();
      source.calls[0]!.resolve({ done: false, value: null });
      await flush();
      expect(s.error?.message).toBe('§2.13: fromAsyncIterable: item 1 is null; null and undefined are not elements');
      expect(source.log).toEqual(['open', 'next', 'next', 'return']);
    });

    it('signals a throw from [Symbol.asyncIterator]() or from next()', () => {
      const noIterator = {
        [Symbol.asyncIterator](): AsyncIterator<number> {
          throw new Error('cannot open');
        },
      };
      const throwingNext = {
        [Symbol.asyncIterator]: (): AsyncIterator<number> => ({
          next: () => {
            throw new Error('sync throw');
          },
        }),
      };
      const a = new TestSubscriber<number>(1);
      const b = new TestSubscriber<number>(1);
      fromAsyncIterable(noIterator).subscribe(a);
      fromAsyncIterable(throwingNext).subscribe(b);
      expect(a.error?.message).toBe('cannot open');
      expect(b.error?.message).toBe('sync throw');
    });

    it('signals a TypeError when next() resolves to a non-object', async () => {
      const broken = {
        [Symbol.asyncIterator]: () => ({ next: () => Promise.resolve(42) }),
      } as unknown as AsyncIterable<number>;
      const s = new TestSubscriber<number>(1);
      fromAsyncIterable(broken).subscribe(s);
      await flush();
      expect(s.error?.message).toBe('fromAsyncIterable: next() resolved to 42, not an iterator result');
    });

    it('rejects a non-async-iterable and a bad prefetch at assembly time', () => {
      expect(() => fromAsyncIterable([1, 2] as never)).toThrow(TypeError);
      expect(() => fromAsyncIterable(letters(), { prefetch: 0 })).toThrow(RangeError);
      expect(() => fromAsyncIterable(letters(), { prefetch: 1.5 })).toThrow(/prefetch must be a positive integer/);
    });
  });

  describe('cancellation', () => {
    it('calls return() on cancel and discards the call in flight', async () => {
      const source = new ManualAsyncIterable<number>();
      const s = new TestSubscriber<number>(1);
      fromAsyncIterable(source).subscribe(s);
      s.cancel();
      source.settle(1);
      await flush();
      expect(source.log).toEqual(['open', 'next', 'return']);
      expect(s.log).toEqual(['subscribe', 'request(1)', 'cancel']);
    });

    it('runs an async generator’s finally block on cancel', async () => {
      const log: string[] = [];
      async function* gen(): AsyncGenerator<number> {
        try {
          yield 1;
          yield 2;
        } finally {
          log.push('finally');
        }
      }
      const s = new TestSubscriber<number>({ initialRequest: 5, onNext: (_, sub) => sub.cancel() });
      fromAsyncIterable(gen()).subscribe(s);
      await flush();
      expect(s.values).toEqual([1]);
      expect(log).toEqual(['finally']);
    });

    it('drops a rejection from return() instead of delivering it (onErrorDropped)', async () => {
      const captured = captureReportedErrors();
      try {
        const source = new ManualAsyncIterable<number>();
        source.returnResult = Promise.reject(new Error('close failed'));
        const s = new TestSubscriber<number>(1);
        fromAsyncIterable(source).subscribe(s);
        s.cancel();
        await flush();
        expect(captured.dropped).toEqual([new Error('close failed')]);
        expect(captured.errors).toEqual([]);
        expect(s.error).toBeNull();
      } finally {
        captured.restore();
      }
    });

    it('does not call return() when cancelled before the first request', () => {
      const source = new ManualAsyncIterable<number>();
      const s = new TestSubscriber<number>();
      fromAsyncIterable(source).subscribe(s);
      s.cancel();
      expect(source.log).toEqual([]);
    });

    it('releases the subscriber while a next() is still in flight (§3.13)', async () => {
      const source = new ManualAsyncIterable<number>();
      const ref = (() => {
        const s = new TestSubscriber<number>(1);
        fromAsyncIterable(source).subscribe(s);
        s.cancel();
        return new WeakRef(s);
      })();
      await collectGarbage();
      expect(source.inFlight).toBe(1);
      expect(ref.deref()).toBeUndefined();
    });
  });

  describe('empty and edge cases', () => {
    it('completes an empty async iterable after the first request', async () => {
      async function* none(): AsyncGenerator<number> {}
      const s = new TestSubscriber<number>();
      fromAsyncIterable(none()).subscribe(s);
      await flush();
      expect(s.log).toEqual(['subscribe']);
      s.request(1);
      await flush();
      expect(s.log).toEqual(['subscribe', 'request(1)', 'complete']);
    });

    it('keeps depth 1 when request(1) is called from inside onNext', async () => {
      async function* many(): AsyncGenerator<number> {
        for (let i = 0; i < 100; i++) yield i;
      }
      const s = new TestSubscriber<number>({ initialRequest: 1, onNext: (_, sub) => sub.request(1) });
      fromAsyncIterable(many()).subscribe(s);
      while (!s.terminated) await flush();
      expect(s.count).toBe(100);
      expect(s.maxOnNextDepth).toBe(1);
    });
  });
});
