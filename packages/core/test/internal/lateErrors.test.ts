import { describe, expect, it } from 'vitest';
import { Flow } from '../../src/Flow';
import { DrainSubscription } from '../../src/internal/DrainSubscription';
import { reportLateError } from '../../src/internal/report';
import { concat } from '../../src/sources/concat';
import { groupBy } from '../../src/operators/groupBy';
import { mergeMap } from '../../src/operators/mergeMap';
import { share } from '../../src/operators/share';
import { subscribeOn } from '../../src/operators/subscribeOn';
import { timeout } from '../../src/operators/timeout';
import { window } from '../../src/operators/window';
import { VirtualTimeScheduler } from '../../src/schedulers/VirtualTimeScheduler';
import { BaseSubscriber } from '../../src/sinks/BaseSubscriber';
import { forEach } from '../../src/sinks/forEach';
import { subscribeObserver } from '../../src/sinks/subscribeObserver';
import { captureReportedErrors } from '../../src/testing/reportedErrors';
import { TestPublisher } from '../../src/testing/TestPublisher';
import { TestSubscriber } from '../../src/testing/TestSubscriber';

import { DROPPED, LateSource, REPORTED, channels, late } from '../support/lateErrors';

// Issue 13: every branch that receives an error after its stream is over asks one question (ADR 0012): did this
// receiver cancel the subscription the error came through? Yes: dropped to onErrorDropped. No: the upstream broke
// §1.7 after its own terminal signal, a bug: reported. One case of each per site.
describe('errors after the end: dropped after our cancel, reported after the upstream’s own end', () => {
  it('reportLateError routes by the one question', () => {
    expect(channels(() => reportLateError(late, true))).toEqual(DROPPED);
    expect(channels(() => reportLateError(late, false))).toEqual(REPORTED);
  });

  describe('mergeMap inners (FlatMapInner)', () => {
    it('drops an inner error after the downstream cancelled', () => {
      const inner = new LateSource<number>();
      expect(channels(() => {
        const s = new TestSubscriber<number>(1);
        const outer = new TestPublisher<number>();
        mergeMap(() => inner.flow)(outer).subscribe(s);
        outer.next(1);
        s.cancel();
        expect(inner.cancelled).toBe(true);
        inner.error(late);
      })).toEqual(DROPPED);
    });

    it('drops an inner error after the stage stopped that inner for over-delivery', () => {
      const inner = new LateSource<number>();
      expect(channels(() => {
        const s = new TestSubscriber<number>(0); // the inner's items stay queued
        const outer = new TestPublisher<number>();
        mergeMap(() => inner.flow, { prefetch: 1 })(outer).subscribe(s);
        outer.next(1);
        inner.next(1, 2); // §1.1 one more than the inner's prefetch
        expect(s.error?.message).toMatch(/§1\.1/);
        inner.error(late);
      })).toEqual(DROPPED);
    });

    it('reports an inner error after that inner completed (§1.7)', () => {
      const inner = new LateSource<number>();
      expect(channels(() => {
        const s = new TestSubscriber<number>('unbounded');
        const outer = new TestPublisher<number>();
        mergeMap(() => inner.flow)(outer).subscribe(s);
        outer.next(1);
        inner.complete();
        inner.error(late);
        expect(s.error).toBeNull();
      })).toEqual(REPORTED);
    });
  });

  describe('subscribeOn', () => {
    it('drops a source error after cancel, reports one after the source completed', () => {
      for (const [end, expected] of [['cancel', DROPPED], ['complete', REPORTED]] as const) {
        const clock = new VirtualTimeScheduler();
        const source = new LateSource<number>();
        expect(channels(() => {
          const s = new TestSubscriber<number>(1);
          subscribeOn<number>(clock)(source.flow).subscribe(s);
          clock.runUntilIdle();
          if (end === 'cancel') s.cancel();
          else source.complete();
          source.error(late);
        })).toEqual(expected);
      }
    });
  });

  describe('concat', () => {
    it('drops a source error after cancel (and after a §3.9 request), reports a second error from a source', () => {
      for (const [end, expected] of [['cancel', DROPPED], ['invalid request', DROPPED], ['error', REPORTED]] as const) {
        const source = new LateSource<number>();
        expect(channels(() => {
          const s = new TestSubscriber<number>(1);
          concat(source.flow).subscribe(s);
          if (end === 'cancel') s.cancel();
          else if (end === 'invalid request') s.request(-1);
          else source.error(new Error('first'));
          source.error(late);
        })).toEqual(expected);
      }
    });
  });

  describe('timeout', () => {
    it('drops an upstream error after the timeout cancelled it, and after the downstream cancelled', () => {
      for (const end of ['timeout', 'cancel'] as const) {
        const clock = new VirtualTimeScheduler();
        const source = new LateSource<number>();
        expect(channels(() => {
          const s = new TestSubscriber<number>(1);
          timeout<number>(10, { scheduler: clock })(source.flow).subscribe(s);
          if (end === 'timeout') clock.advanceBy(10);
          else s.cancel();
          expect(source.cancelled).toBe(true);
          source.error(late);
        })).toEqual(DROPPED);
      }
    });

    it('reports an upstream error after the upstream completed (§1.7)', () => {
      const clock = new VirtualTimeScheduler();
      const source = new LateSource<number>();
      expect(channels(() => {
        const s = new TestSubscriber<number>(1);
        timeout<number>(10, { scheduler: clock })(source.flow).subscribe(s);
        source.complete();
        source.error(late);
      })).toEqual(REPORTED);
    });

    it('drops a fallback error after the downstream cancelled, reports one after the fallback completed', () => {
      for (const [end, expected] of [['cancel', DROPPED], ['complete', REPORTED]] as const) {
        const clock = new VirtualTimeScheduler();
        const source = new LateSource<number>();
        const fallback = new LateSource<number>();
        expect(channels(() => {
          const s = new TestSubscriber<number>(1);
          timeout<number>(10, { scheduler: clock, fallback: fallback.flow })(source.flow).subscribe(s);
          clock.advanceBy(10);
          expect(fallback.subscriber).not.toBeNull();
          if (end === 'cancel') s.cancel();
          else fallback.complete();
          fallback.error(late);
        })).toEqual(expected);
      }
    });
  });

  describe('window and groupBy', () => {
    const stages = [
      ['window', window<number>(2)],
      ['groupBy', groupBy((x: number) => x % 2)],
    ] as const;
    for (const [name, stage] of stages) {
      it(`${name}: drops an upstream error after the downstream cancelled it, reports one after it completed`, () => {
        for (const [end, expected] of [['cancel', DROPPED], ['complete', REPORTED]] as const) {
          const source = new LateSource<number>();
          expect(channels(() => {
            const s = new TestSubscriber<unknown>(1);
            (stage as (f: Flow<number>) => Flow<unknown>)(source.flow).subscribe(s);
            if (end === 'cancel') {
              s.cancel();
              expect(source.cancelled).toBe(true);
            } else {
              source.complete();
            }
            source.error(late);
          })).toEqual(expected);
        }
      });
    }
  });

  describe('share (MulticastHub)', () => {
    it('drops an upstream error after the hub cut an over-delivering upstream, reports one after it completed', () => {
      for (const [end, expected] of [['over-delivery', DROPPED], ['complete', REPORTED]] as const) {
        const source = new LateSource<number>();
        expect(channels(() => {
          const s = new TestSubscriber<number>(0);
          source.flow.pipe(share({ prefetch: 1 })).subscribe(s);
          if (end === 'over-delivery') {
            source.next(1, 2); // §1.1 one more than the hub asked for
            expect(source.cancelled).toBe(true);
          } else {
            source.complete();
          }
          source.error(late);
        })).toEqual(expected);
      }
    });
  });

  describe('subscribeObserver', () => {
    it('drops an error after unsubscribe, reports one after the end', () => {
      for (const [end, expected] of [['unsubscribe', DROPPED], ['complete', REPORTED]] as const) {
        const source = new LateSource<number>();
        expect(channels(() => {
          const subscription = subscribeObserver(source.flow, { next: () => {}, error: () => {} });
          if (end === 'unsubscribe') subscription.unsubscribe();
          else source.complete();
          source.error(late);
        })).toEqual(expected);
      }
    });
  });

  describe('BaseSubscriber sinks (forEach)', () => {
    it('drops an upstream error after forEach cancelled it for a throwing callback, reports one after the end', async () => {
      const thrown = new Error('callback bug');
      const failing = new LateSource<number>();
      const captured = captureReportedErrors();
      try {
        const done = forEach(failing.flow, () => {
          throw thrown;
        });
        failing.next(1);
        await expect(done).rejects.toBe(thrown); // the callback's error is delivered, and the upstream cancelled
        expect(failing.cancelled).toBe(true);
        failing.error(late);
        expect([captured.errors, captured.dropped]).toEqual([[], [late]]);
      } finally {
        captured.restore();
      }
      const ended = new LateSource<number>();
      expect(channels(() => {
        void forEach(ended.flow, () => {});
        ended.complete();
        ended.error(late);
      })).toEqual(REPORTED);
    });
  });

  describe('BaseSubscriber hooks', () => {
    class Throwing extends BaseSubscriber<number> {
      failure: Error | null = null;
      protected override hookOnNext(): void {
        throw new Error('hook bug');
      }
      protected override hookOnError(error: Error): void {
        this.failure = error;
      }
    }

    it('drops an upstream error after it cancelled the upstream for a throwing hook (§2.13)', () => {
      const source = new LateSource<number>();
      const subscriber = new Throwing();
      expect(channels(() => {
        source.flow.subscribe(subscriber);
        source.next(1);
        expect(source.cancelled).toBe(true);
        source.error(late);
      })).toEqual(DROPPED);
      expect(subscriber.failure?.message).toBe('hook bug'); // the hook's own error went to hookOnError
    });
  });

  describe('the subscriber boundary (a foreign subscriber)', () => {
    it('drops an error after the subscriber threw and the chain was cancelled, reports one after the end', () => {
      for (const [end, expected] of [['threw', { reported: [new Error('subscriber bug')], dropped: [late] }], ['complete', REPORTED]] as const) {
        const source = new LateSource<number>();
        expect(channels(() => {
          source.flow.subscribe({
            onSubscribe: (subscription) => subscription.request(1),
            onNext: () => {
              throw new Error('subscriber bug');
            },
            onError: () => {},
            onComplete: () => {},
          });
          if (end === 'threw') source.next(1);
          else source.complete();
          source.error(late);
        })).toEqual(expected);
      }
    });
  });

  describe('DrainSubscription dispose', () => {
    class FailingCleanup extends DrainSubscription<number> {
      protected emitSome(): void {}
      protected override dispose(): void {
        throw late;
      }
      finish(): void {
        this.complete();
      }
    }

    it('drops a cleanup error run by a cancel, reports one run after completion', () => {
      expect(channels(() => {
        const subscription = new FailingCleanup(new TestSubscriber<number>(0));
        subscription.cancel();
      })).toEqual(DROPPED);
      expect(channels(() => {
        const subscription = new FailingCleanup(new TestSubscriber<number>(0));
        subscription.finish();
      })).toEqual(REPORTED);
    });
  });
});
