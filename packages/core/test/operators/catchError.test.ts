import { describe, expect, it } from 'vitest';
import { flowOf } from '../../src/Flow';
import { catchError } from '../../src/operators/catchError';
import { range } from '../../src/sources/range';
import type { Publisher } from '../../src/spec/Publisher';
import type { Subscriber } from '../../src/spec/Subscriber';
import type { Subscription } from '../../src/spec/Subscription';
import { TestPublisher } from '../../src/testing/TestPublisher';
import { TestSubscriber } from '../../src/testing/TestSubscriber';
import { operatorContract } from '../contract/operatorContract';

/** A trusted source that fails with `error` as soon as it is subscribed. */
const failing = (error: Error) =>
  flowOf<number>((subscriber) => {
    subscriber.onSubscribe({ request: () => {}, cancel: () => {} });
    subscriber.onError(error);
  });

/** A foreign publisher that calls onSubscribe only when the test says so, to open a window "during the switch". */
class DeferredPublisher<T> implements Publisher<T> {
  subscriber: Subscriber<T> | null = null;
  readonly log: string[] = [];
  subscribe(subscriber: Subscriber<T>): void {
    this.subscriber = subscriber;
  }
  start(): void {
    const subscription: Subscription = {
      request: (n) => this.log.push(`request(${n})`),
      cancel: () => this.log.push('cancel'),
    };
    this.subscriber!.onSubscribe(subscription);
  }
}

describe('catchError', () => {
  operatorContract('catchError', {
    // the fallback rethrows, so the battery's "upstream error passes through" sees the same error object
    apply: (source) => catchError((error: Error) => failing(error))(source),
    // no applyThrowing: the selector runs on an upstream error, not per item; its failures are tested by hand below
  });

  describe('behaviour', () => {
    it('switches to the fallback publisher when upstream fails', () => {
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>('unbounded');
      const seen: string[] = [];
      catchError<number>((error: Error) => {
        seen.push(error.message);
        return range(10, 2);
      })(upstream).subscribe(s);
      upstream.next(1);
      upstream.error(new Error('main failed'));
      expect(s.log).toEqual(['subscribe', 'request(Infinity)', 'next(1)', 'next(10)', 'next(11)', 'complete']);
      expect(seen).toEqual(['main failed']);
    });

    it('passes a normal completion through without calling the selector', () => {
      let calls = 0;
      const s = new TestSubscriber<number>('unbounded');
      range(0, 2)
        .pipe(
          catchError<number>(() => {
            calls++;
            return range(9, 1);
          }),
        )
        .subscribe(s);
      expect(s.log).toEqual(['subscribe', 'request(Infinity)', 'next(0)', 'next(1)', 'complete']);
      expect(calls).toBe(0);
    });
  });

  describe('demand', () => {
    it('asks the fallback for exactly the outstanding demand: requested minus delivered', () => {
      const main = new TestPublisher<number>();
      const fallback = new TestPublisher<number>();
      const s = new TestSubscriber<number>(5);
      catchError<number>(() => fallback)(main).subscribe(s);
      main.next(1, 2);
      main.error(new Error('x'));
      expect(fallback.requests).toEqual([3]);
      fallback.next(3, 4, 5);
      s.request(1);
      expect(fallback.requests).toEqual([3, 1]);
      expect(s.values).toEqual([1, 2, 3, 4, 5]);
      expect(s.violations).toEqual([]);
    });

    it('keeps requests made before the fallback subscribed and asks for them all at once', () => {
      const main = new TestPublisher<number>();
      const fallback = new DeferredPublisher<number>();
      const s = new TestSubscriber<number>(3);
      catchError<number>(() => fallback)(main).subscribe(s);
      main.next(1);
      main.error(new Error('x'));
      s.request(4);
      fallback.start();
      expect(fallback.log).toEqual(['request(6)']);
    });

    it('requests nothing from the fallback until downstream asks when no demand is outstanding', () => {
      const main = new TestPublisher<number>();
      const fallback = new TestPublisher<number>();
      const s = new TestSubscriber<number>(1);
      catchError<number>(() => fallback)(main).subscribe(s);
      main.next(1);
      main.error(new Error('x'));
      expect(fallback.subscriberCount).toBe(1);
      expect(fallback.requests).toEqual([]);
      s.request(2);
      expect(fallback.requests).toEqual([2]);
    });

    it('asks the fallback for requested minus delivered over 200 seeded random scripts', () => {
      let seed = 777;
      const random = (bound: number) => {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        return seed % bound;
      };
      for (let run = 0; run < 200; run++) {
        const main = new TestPublisher<number>();
        const fallback = new TestPublisher<number>();
        const s = new TestSubscriber<number>();
        catchError<number>(() => fallback)(main).subscribe(s);
        for (let step = random(4); step > 0; step--) {
          s.request(1 + random(4));
          const emit = Math.min(main.outstanding, random(4));
          for (let i = 0; i < emit; i++) main.next(i);
        }
        const outstanding = s.requested - s.count;
        main.error(new Error('switch'));
        expect(fallback.requests).toEqual(outstanding > 0 ? [outstanding] : []);
        fallback.next(...Array.from({ length: outstanding }, (_, i) => 100 + i));
        expect(s.count).toBe(s.requested);
        expect(s.violations).toEqual([]);
      }
    });

    it('carries unbounded demand over as unbounded', () => {
      const main = new TestPublisher<number>();
      const fallback = new TestPublisher<number>();
      const s = new TestSubscriber<number>('unbounded');
      catchError<number>(() => fallback)(main).subscribe(s);
      main.next(1, 2, 3);
      main.error(new Error('x'));
      expect(fallback.requests).toEqual([Number.MAX_SAFE_INTEGER]); // unbounded, through the boundary adapter
    });
  });

  describe('errors', () => {
    it('passes the fallback’s error through instead of catching it again', () => {
      let calls = 0;
      const s = new TestSubscriber<number>(1);
      failing(new Error('first'))
        .pipe(
          catchError<number>(() => {
            calls++;
            return failing(new Error('second'));
          }),
        )
        .subscribe(s);
      expect(s.log).toEqual(['subscribe', 'request(1)', 'error(Error: second)']);
      expect(calls).toBe(1);
    });

    it('signals the selector’s error when it throws', () => {
      const s = new TestSubscriber<number>(1);
      failing(new Error('first'))
        .pipe(
          catchError<number>(() => {
            throw new RangeError('selector');
          }),
        )
        .subscribe(s);
      expect(s.log).toEqual(['subscribe', 'request(1)', 'error(RangeError: selector)']);
    });

    it('signals TypeError when the selector returns something that is not a Publisher', () => {
      for (const result of [null, 42, {}]) {
        const s = new TestSubscriber<number>(1);
        failing(new Error('first')).pipe(catchError(() => result as never)).subscribe(s);
        expect(s.error).toBeInstanceOf(TypeError);
        expect(s.error?.message).toMatch(/^catchError: the selector returned/);
      }
    });

    it('validates requests itself: an invalid one cancels upstream and is never forwarded or caught', () => {
      const main = new TestPublisher<number>();
      let calls = 0;
      const s = new TestSubscriber<number>(1);
      catchError<number>(() => {
        calls++;
        return range(0, 1);
      })(main).subscribe(s);
      s.request(0);
      expect(main.requests).toEqual([1]);
      expect(main.cancelled).toBe(true);
      expect(s.error?.message).toMatch(/^§3\.9:/);
      expect(calls).toBe(0);
    });

    it('cancels the fallback on an invalid request after the switch', () => {
      const main = new TestPublisher<number>();
      const fallback = new TestPublisher<number>();
      const s = new TestSubscriber<number>(1);
      catchError<number>(() => fallback)(main).subscribe(s);
      main.error(new Error('x'));
      s.request(NaN);
      expect(fallback.cancelled).toBe(true);
      expect(s.error).toBeInstanceOf(RangeError);
      expect(s.violations).toEqual([]);
    });

    it('contains a foreign fallback that emits beyond demand with a §1.1 error', () => {
      const main = new TestPublisher<number>();
      const fallback = new TestPublisher<number>({ allow: { overDelivery: true } });
      const s = new TestSubscriber<number>(1);
      catchError<number>(() => fallback)(main).subscribe(s);
      main.error(new Error('x'));
      fallback.next(1, 2);
      expect(s.values).toEqual([1]);
      expect(s.error?.message).toMatch(/^§1\.1:/);
      expect(fallback.cancelled).toBe(true);
      expect(s.violations).toEqual([]);
    });

    it('rejects a non-function selector at assembly time', () => {
      expect(() => catchError('x' as never)).toThrow(TypeError);
    });
  });

  describe('cancellation', () => {
    it('cancels the main upstream before a failure', () => {
      const main = new TestPublisher<number>();
      const s = new TestSubscriber<number>(1);
      catchError<number>(() => range(0, 1))(main).subscribe(s);
      s.cancel();
      expect(main.cancelled).toBe(true);
    });

    it('cancels the fallback after the switch', () => {
      const main = new TestPublisher<number>();
      const fallback = new TestPublisher<number>();
      const s = new TestSubscriber<number>(1);
      catchError<number>(() => fallback)(main).subscribe(s);
      main.error(new Error('x'));
      s.cancel();
      expect(fallback.cancelled).toBe(true);
    });

    it('cancels a fallback that subscribes after downstream cancelled during the switch', () => {
      const main = new TestPublisher<number>();
      const fallback = new DeferredPublisher<number>();
      const s = new TestSubscriber<number>(2);
      catchError<number>(() => fallback)(main).subscribe(s);
      main.error(new Error('x'));
      s.cancel();
      fallback.start();
      expect(fallback.log).toEqual(['cancel']);
      expect(s.log).toEqual(['subscribe', 'request(2)', 'cancel']);
    });
  });

  describe('empty and edge cases', () => {
    it('switches to an empty fallback and completes', () => {
      const s = new TestSubscriber<number>(1);
      failing(new Error('x')).pipe(catchError(() => range(0, 0))).subscribe(s);
      expect(s.log).toEqual(['subscribe', 'request(1)', 'complete']);
    });

    it('recovers a failure that happens inside onSubscribe, before any request', () => {
      const s = new TestSubscriber<number>();
      failing(new Error('x')).pipe(catchError(() => range(5, 2))).subscribe(s);
      expect(s.log).toEqual(['subscribe']);
      s.request(2);
      expect(s.log).toEqual(['subscribe', 'request(2)', 'next(5)', 'next(6)', 'complete']);
    });
  });
});
