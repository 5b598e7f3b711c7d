import { describe, expect, it } from 'vitest';
import { tap } from '../../src/operators/tap';
import { range } from '../../src/sources/range';
import { captureReportedErrors } from '../../src/testing/reportedErrors';
import { TestPublisher } from '../../src/testing/TestPublisher';
import { TestSubscriber } from '../../src/testing/TestSubscriber';
import { operatorContract } from '../contract/operatorContract';
import { spyUpstream } from '../support/spyUpstream';

/** A tap whose every callback writes into `log`, so callbacks and signals read as one story. */
function loggingTap(log: string[]) {
  return tap<number>({
    subscribe: () => log.push('tap.subscribe'),
    request: (n) => log.push(`tap.request(${n})`),
    next: (x) => log.push(`tap.next(${x})`),
    error: (e) => log.push(`tap.error(${e.message})`),
    complete: () => log.push('tap.complete'),
    cancel: () => log.push('tap.cancel'),
  });
}

describe('tap', () => {
  operatorContract('tap', {
    apply: (source) => tap(() => {})(source),
    applyThrowing: (source) =>
      tap(() => {
        throw new Error('tap failed');
      })(source),
  });

  describe('behaviour', () => {
    it('calls each callback just before the signal it observes, leaving the signals unchanged', () => {
      const s = new TestSubscriber<number>(2);
      range(1, 2).pipe(loggingTap(s.log)).subscribe(s);
      expect(s.log).toEqual([
        'tap.subscribe', 'subscribe', 'request(2)', 'tap.request(2)',
        'tap.next(1)', 'next(1)', 'tap.next(2)', 'next(2)', 'tap.complete', 'complete',
      ]);
    });

    it('treats tap(fn) as tap({ next: fn })', () => {
      const seen: number[] = [];
      const s = new TestSubscriber<number>('unbounded');
      range(1, 3).pipe(tap((x: number) => seen.push(x))).subscribe(s);
      expect(seen).toEqual([1, 2, 3]);
      expect(s.values).toEqual([1, 2, 3]);
    });

    it('calls the error callback with the upstream error, which then passes through', () => {
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>(1);
      loggingTap(s.log)(upstream).subscribe(s);
      upstream.error(new Error('up'));
      expect(s.log.slice(-2)).toEqual(['tap.error(up)', 'error(Error: up)']);
    });
  });

  describe('demand', () => {
    it('sees every raw request, invalid ones included, and forwards them unchanged', () => {
      const s = new TestSubscriber<number>();
      const requests: number[] = [];
      range(0, 5).pipe((source) => spyUpstream(source, s.log), tap<number>({ request: (n) => requests.push(n) })).subscribe(s);
      s.request(2);
      s.request(-1);
      expect(requests).toEqual([2, -1]);
      expect(s.log.slice(0, 3)).toEqual(['subscribe', 'request(2)', 'up.request(2)']);
      expect(s.log.slice(3)).toEqual([
        'next(0)',
        'next(1)',
        'request(-1)',
        'up.request(-1)',
        'error(RangeError: §3.9: request(n) needs a positive integer or Infinity (non-positive subscription request), got -1)',
      ]);
      expect(s.error).toBeInstanceOf(RangeError);
    });
  });

  describe('errors', () => {
    it('fails the stream like a mapper when the next callback throws', () => {
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>(2);
      tap<number>(() => {
        throw new Error('next cb');
      })(upstream).subscribe(s);
      upstream.next(1);
      expect(s.log).toEqual(['subscribe', 'request(2)', 'error(Error: next cb)']);
      expect(upstream.cancelled).toBe(true);
    });

    it('signals onError instead of onComplete when the complete callback throws', () => {
      const s = new TestSubscriber<number>('unbounded');
      range(1, 1)
        .pipe(
          tap<number>({
            complete: () => {
              throw new Error('complete cb');
            },
          }),
        )
        .subscribe(s);
      expect(s.log).toEqual(['subscribe', 'request(Infinity)', 'next(1)', 'error(Error: complete cb)']);
      expect(s.violations).toEqual([]);
    });

    it('signals the error callback’s own error when it throws', () => {
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>(1);
      tap<number>({
        error: () => {
          throw 'error cb';
        },
      })(upstream).subscribe(s);
      upstream.error(new Error('up'));
      expect(s.error?.cause).toBe('error cb');
      expect(s.violations).toEqual([]);
    });

    it('cancels upstream, then calls onSubscribe and onError without forwarding requests, when the subscribe callback throws', () => {
      const s = new TestSubscriber<number>(3);
      range(0, 5)
        .pipe(
          (source) => spyUpstream(source, s.log),
          tap<number>({
            subscribe: () => {
              throw new Error('subscribe cb');
            },
          }),
        )
        .subscribe(s);
      expect(s.log).toEqual(['up.cancel', 'subscribe', 'request(3)', 'error(Error: subscribe cb)']);
      expect(s.values).toEqual([]);
    });

    it('cancels upstream and signals, without forwarding, when the request callback throws', () => {
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>();
      tap<number>({
        request: () => {
          throw new Error('request cb');
        },
      })(upstream).subscribe(s);
      expect(() => s.request(1)).not.toThrow();
      expect(s.log).toEqual(['subscribe', 'request(1)', 'error(Error: request cb)']);
      expect(upstream.requests).toEqual([]);
      expect(upstream.cancelled).toBe(true);
    });

    it('rejects a non-function, non-object argument or a non-function callback at assembly time', () => {
      expect(() => tap(42 as never)).toThrow(TypeError);
      expect(() => tap(null as never)).toThrow(TypeError);
      expect(() => tap({ next: 'x' } as never)).toThrow(/tap: next must be a function/);
    });
  });

  describe('cancellation', () => {
    it('calls the cancel callback, then cancels upstream', () => {
      const s = new TestSubscriber<number>(1);
      range(0, 5).pipe((source) => spyUpstream(source, s.log), loggingTap(s.log)).subscribe(s);
      s.cancel();
      expect(s.log.slice(-3)).toEqual(['cancel', 'tap.cancel', 'up.cancel']);
    });

    it('drops an error thrown by the cancel callback and still cancels upstream', () => {
      const reported = captureReportedErrors();
      try {
        const upstream = new TestPublisher<number>();
        const s = new TestSubscriber<number>(1);
        const boom = new Error('cancel cb');
        tap<number>({
          cancel: () => {
            throw boom;
          },
        })(upstream).subscribe(s);
        expect(() => s.cancel()).not.toThrow();
        expect(upstream.cancelled).toBe(true);
        expect(reported.dropped).toEqual([boom]);
        expect(reported.errors).toEqual([]);
      } finally {
        reported.restore();
      }
    });

    it('does not call the cancel callback after the stream completed, nor twice', () => {
      let cancels = 0;
      const s = new TestSubscriber<number>('unbounded');
      range(0, 1).pipe(tap<number>({ cancel: () => cancels++ })).subscribe(s);
      s.cancel();
      const t = new TestSubscriber<number>(1);
      range(0, 5).pipe(tap<number>({ cancel: () => cancels++ })).subscribe(t);
      t.cancel();
      t.cancel();
      expect(cancels).toBe(1);
    });
  });

  describe('empty and edge cases', () => {
    it('calls subscribe and complete for an empty source', () => {
      const s = new TestSubscriber<number>();
      range(0, 0).pipe(loggingTap(s.log)).subscribe(s);
      expect(s.log).toEqual(['tap.subscribe', 'subscribe', 'tap.complete', 'complete']);
    });
  });
});
