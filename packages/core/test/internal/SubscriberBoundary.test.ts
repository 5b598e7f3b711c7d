import { describe, expect, it } from 'vitest';
import { concat } from '../../src/sources/concat';
import { finalize, type FinalSignal } from '../../src/operators/finalize';
import { map } from '../../src/operators/map';
import { mergeMap } from '../../src/operators/mergeMap';
import { observeOn } from '../../src/operators/observeOn';
import { using } from '../../src/operators/using';
import { VirtualTimeScheduler } from '../../src/schedulers/VirtualTimeScheduler';
import { range } from '../../src/sources/range';
import type { Subscriber } from '../../src/spec/Subscriber';
import type { Subscription } from '../../src/spec/Subscription';
import { captureReportedErrors } from '../../src/testing/reportedErrors';

/** A hand-written subscriber whose onNext throws on the given item. */
function throwingOn<T>(item: T, error: Error, log: string[] = []): Subscriber<T> {
  let subscription: Subscription | null = null;
  return {
    onSubscribe(s) {
      subscription = s;
      s.request(10);
    },
    onNext(value) {
      log.push(`next(${String(value)})`);
      if (value === item) throw error;
      void subscription;
    },
    onError(e) {
      log.push(`error(${e.message})`);
    },
    onComplete() {
      log.push('complete');
    },
  };
}

// Issue 13 item 4: a subscriber that throws must cancel the whole chain above it (§2.13), not only the source.
describe('SubscriberBoundary', () => {
  describe('behaviour', () => {
    it('runs finalize with cancel when a subscriber below it throws from onNext', () => {
      const captured = captureReportedErrors();
      try {
        const signals: FinalSignal[] = [];
        const boom = new Error('subscriber bug');
        const log: string[] = [];
        range(0, 5).pipe(finalize((s) => signals.push(s)), map((x) => x * 10)).subscribe(throwingOn(10, boom, log));
        expect(signals).toEqual(['cancel']);
        expect(log).toEqual(['next(0)', 'next(10)']);
        expect(captured.errors).toEqual([boom]);
      } finally {
        captured.restore();
      }
    });

    it('disposes the resource of using when a subscriber below it throws', () => {
      const captured = captureReportedErrors();
      try {
        const disposed: string[] = [];
        const boom = new Error('subscriber bug');
        using(() => 'db', () => range(0, 5), (r) => disposed.push(r)).pipe(map((x) => x)).subscribe(throwingOn(0, boom));
        expect(disposed).toEqual(['db']);
        expect(captured.errors).toEqual([boom]);
      } finally {
        captured.restore();
      }
    });

    it('cancels every stage through a queue stage and an inner flow', () => {
      const captured = captureReportedErrors();
      try {
        const clock = new VirtualTimeScheduler();
        const signals: string[] = [];
        const boom = new Error('subscriber bug');
        range(0, 100)
          .pipe(
            finalize((s) => signals.push(`outer:${s}`)),
            mergeMap((x) => range(x * 10, 100).pipe(finalize((s) => signals.push(`inner${x}:${s}`))), { concurrency: 1, prefetch: 2 }),
            observeOn(clock, { prefetch: 2 }),
            finalize((s) => signals.push(`below:${s}`)),
          )
          .subscribe(throwingOn(1, boom));
        clock.runUntilIdle();
        expect(signals).toEqual(['below:cancel', 'outer:cancel', 'inner0:cancel']);
        expect(captured.errors).toEqual([boom]);
      } finally {
        captured.restore();
      }
    });

    it('cancels the inners of a combining source subscribed directly', () => {
      const captured = captureReportedErrors();
      try {
        const signals: FinalSignal[] = [];
        const boom = new Error('subscriber bug');
        concat(range(0, 3).pipe(finalize((s) => signals.push(s))), range(10, 2)).subscribe(throwingOn(1, boom));
        expect(signals).toEqual(['cancel']);
        expect(captured.errors).toEqual([boom]);
      } finally {
        captured.restore();
      }
    });

    it('cancels the chain when onSubscribe throws, and delivers nothing more', () => {
      const captured = captureReportedErrors();
      try {
        const signals: FinalSignal[] = [];
        const boom = new Error('onSubscribe bug');
        const log: string[] = [];
        let subscription: Subscription | null = null;
        range(0, 5).pipe(finalize((s) => signals.push(s))).subscribe({
          onSubscribe(s) {
            subscription = s;
            throw boom;
          },
          onNext: (x) => log.push(`next(${x})`),
          onError: () => log.push('error'),
          onComplete: () => log.push('complete'),
        });
        expect(signals).toEqual(['cancel']);
        expect(captured.errors).toEqual([boom]);
        subscription!.request(5); // §3.6 after the cancel: a no-op
        expect(log).toEqual([]);
      } finally {
        captured.restore();
      }
    });

    it('reports a throwing onComplete, after the stages saw complete', () => {
      const captured = captureReportedErrors();
      try {
        const signals: FinalSignal[] = [];
        const boom = new Error('onComplete bug');
        range(0, 1).pipe(finalize((s) => signals.push(s))).subscribe({
          onSubscribe: (s) => s.request(1),
          onNext: () => {},
          onError: () => {},
          onComplete: () => {
            throw boom;
          },
        });
        expect(signals).toEqual(['complete']);
        expect(captured.errors).toEqual([boom]);
      } finally {
        captured.restore();
      }
    });
  });
});
