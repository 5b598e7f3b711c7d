import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { range } from '../../src/sources/range';
import { consume } from '../../src/sinks/consume';
import { captureReportedErrors } from '../../src/testing/reportedErrors';
import { TestPublisher } from '../../src/testing/TestPublisher';
import { collectGarbage, failAfter, SignalSpy } from './spy';

describe('consume', () => {
  let reported: ReturnType<typeof captureReportedErrors>;
  beforeEach(() => {
    reported = captureReportedErrors();
  });
  afterEach(() => reported.restore());

  describe('behaviour', () => {
    it('calls next for each item, then complete', () => {
      const log: string[] = [];
      const handle = consume(range(1, 3), { next: (x) => log.push(`next(${x})`), complete: () => log.push('complete') });
      expect(log).toEqual(['next(1)', 'next(2)', 'next(3)', 'complete']);
      expect(handle.isDisposed).toBe(true);
    });

    it('accepts a bare next function', () => {
      const values: number[] = [];
      consume(range(0, 3), (x) => values.push(x));
      expect(values).toEqual([0, 1, 2]);
    });

    it('consumes a foreign Publisher through the boundary adapter', () => {
      const upstream = new TestPublisher<string>();
      const values: string[] = [];
      consume(upstream, { next: (x) => values.push(x) });
      upstream.next('a', 'b');
      upstream.complete();
      expect(values).toEqual(['a', 'b']);
    });
  });

  describe('demand', () => {
    it('requests unbounded by default', () => {
      const spy = new SignalSpy();
      consume(spy.wrap(range(0, 2)), {});
      expect(spy.log).toEqual(['request(Infinity)', 'next(0)', 'next(1)', 'complete']);
    });

    it('requests the initial demand, then what the handle asks for', () => {
      const spy = new SignalSpy();
      const handle = consume(spy.wrap(range(0, 5)), { initialRequest: 2 });
      handle.request(1);
      handle.request(5);
      expect(spy.log).toEqual([
        'request(2)', 'next(0)', 'next(1)', 'request(1)', 'next(2)', 'request(5)', 'next(3)', 'next(4)', 'complete',
      ]);
    });

    it('requests nothing with initialRequest 0 until the handle asks', () => {
      const spy = new SignalSpy();
      const handle = consume(spy.wrap(range(0, 5)), { initialRequest: 0 });
      expect(spy.log).toEqual([]);
      handle.request(1);
      expect(spy.log).toEqual(['request(1)', 'next(0)']);
    });

    it('passes an invalid handle.request to upstream, which ends the stream with a §3.9 RangeError in error', () => {
      const errors: Error[] = [];
      const handle = consume(range(0, 5), { initialRequest: 0, error: (e) => errors.push(e) });
      expect(() => handle.request(-1)).not.toThrow();
      expect(errors).toHaveLength(1);
      expect(errors[0]).toBeInstanceOf(RangeError);
      expect(errors[0]!.message).toMatch(/^§3\.9:/);
      expect(handle.isDisposed).toBe(true);
    });
  });

  describe('errors', () => {
    it('passes an upstream error to error', () => {
      const errors: Error[] = [];
      const boom = new Error('boom');
      consume(failAfter([1], boom), { error: (e) => errors.push(e) });
      expect(errors).toEqual([boom]);
    });

    it('cancels upstream and calls error when next throws', () => {
      const upstream = new TestPublisher<number>();
      const errors: Error[] = [];
      const failure = new Error('next failed');
      consume(upstream, {
        next: () => {
          throw failure;
        },
        error: (e) => errors.push(e),
      });
      upstream.next(1);
      expect(upstream.cancelled).toBe(true);
      expect(errors).toEqual([failure]);
    });

    it('reports errors when there is no error callback', () => {
      const boom = new Error('nobody listens');
      consume(failAfter([], boom), {});
      expect(reported.errors).toEqual([boom]);
    });

    it('reports a throwing error or complete callback', () => {
      const fromError = new Error('error callback failed');
      const fromComplete = new Error('complete callback failed');
      consume(failAfter([], new Error('x')), {
        error: () => {
          throw fromError;
        },
      });
      consume(range(0, 0), {
        complete: () => {
          throw fromComplete;
        },
      });
      expect(reported.errors).toEqual([fromError, fromComplete]);
    });

    it('rejects invalid options at call time', () => {
      expect(() => consume(range(0, 1), { next: 1 as never })).toThrow(TypeError);
      expect(() => consume(range(0, 1), { initialRequest: -1 })).toThrow(RangeError);
      expect(() => consume(range(0, 1), { initialRequest: 1.5 })).toThrow(RangeError);
      expect(() => consume(range(0, 1), { signal: {} as never })).toThrow(TypeError);
      expect(() => consume(null as never, {})).toThrow(TypeError);
    });
  });

  describe('cancellation', () => {
    it('cancels upstream from the handle and runs no callback afterwards', () => {
      const upstream = new TestPublisher<number>();
      const log: string[] = [];
      const handle = consume(upstream, { next: (x) => log.push(`next(${x})`), complete: () => log.push('complete') });
      upstream.next(1);
      handle.cancel();
      handle.cancel();
      expect(upstream.cancelled).toBe(true);
      expect(log).toEqual(['next(1)']);
      expect(handle.isDisposed).toBe(true);
    });

    it('cancels from inside next', () => {
      const values: number[] = [];
      const handle = consume(range(0, 100), {
        next: (x) => {
          values.push(x);
          if (x === 2) handle.cancel();
        },
      });
      expect(values).toEqual([0, 1, 2]);
    });

    it('cancels when the signal aborts, and never subscribes for an aborted signal', () => {
      const upstream = new TestPublisher<number>();
      const controller = new AbortController();
      consume(upstream, { signal: controller.signal });
      controller.abort();
      expect(upstream.cancelled).toBe(true);

      const late = new TestPublisher<number>();
      const handle = consume(late, { signal: AbortSignal.abort() });
      expect(late.subscriberCount).toBe(0);
      expect(handle.isDisposed).toBe(true);
    });

    it('releases the callbacks after cancel while the handle is still held (§3.13)', async () => {
      const upstream = new TestPublisher<number>();
      const { handle, ref } = ((): { handle: ReturnType<typeof consume>; ref: WeakRef<object> } => {
        const next = (x: number): void => void x;
        return { handle: consume(upstream, { next }), ref: new WeakRef(next) };
      })();
      handle.cancel();
      await collectGarbage();
      expect(ref.deref()).toBeUndefined();
      expect(handle.isDisposed).toBe(true);
    });
  });

  describe('empty and edge cases', () => {
    it('completes an empty source without calling next', () => {
      const log: string[] = [];
      consume(range(0, 0), { next: () => log.push('next'), complete: () => log.push('complete') });
      expect(log).toEqual(['complete']);
    });
  });
});
