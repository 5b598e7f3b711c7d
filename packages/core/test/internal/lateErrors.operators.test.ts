import { describe, expect, it } from 'vitest';
import { Flow } from '../../src/Flow';
import { createMetricsRegistry } from '../../src/metrics/MetricsRegistry';
import { name } from '../../src/metrics/name';
import { catchError } from '../../src/operators/catchError';
import { combineLatest } from '../../src/sources/combineLatest';
import { expand } from '../../src/operators/expand';
import { forkJoin } from '../../src/operators/forkJoin';
import { map } from '../../src/operators/map';
import { observeOn } from '../../src/operators/observeOn';
import { race } from '../../src/operators/race';
import { repeat } from '../../src/operators/repeat';
import { retry } from '../../src/operators/retry';
import { skipUntil } from '../../src/operators/skipUntil';
import { take } from '../../src/operators/take';
import { takeLast } from '../../src/operators/takeLast';
import { takeUntil } from '../../src/operators/takeUntil';
import { using } from '../../src/operators/using';
import { withLatestFrom } from '../../src/operators/withLatestFrom';
import { zip } from '../../src/sources/zip';
import { VirtualTimeScheduler } from '../../src/schedulers/VirtualTimeScheduler';
import { empty } from '../../src/sources/empty';
import { TestSubscriber } from '../../src/testing/TestSubscriber';

import { DROPPED, LateSource, REPORTED, channels, late } from '../support/lateErrors';

// Issue 13, second pass (ADR 0012 addendum): each site asks "did this receiver cancel the subscription the error came
// through?" Yes: dropped to onErrorDropped. No: the upstream broke §1.7 after its own end: reported.
describe('late errors, second pass: dropped after our cancel, reported after the upstream’s own end', () => {
  describe('inputs of several-input sources (InnerSubscriber: zip, combineLatest, forkJoin)', () => {
    const stages = [
      ['zip', (a: Flow<number>, b: Flow<number>) => zip(a, b)],
      ['combineLatest', (a: Flow<number>, b: Flow<number>) => combineLatest(a, b)],
      ['forkJoin', (a: Flow<number>, b: Flow<number>) => forkJoin(a, b)],
    ] as const;
    for (const [label, stage] of stages) {
      it(`${label}: drops an input's error after the downstream cancelled`, () => {
        const a = new LateSource<number>();
        const b = new LateSource<number>();
        expect(channels(() => {
          const s = new TestSubscriber<unknown>(1);
          stage(a.flow, b.flow).subscribe(s);
          s.cancel();
          expect(a.cancelled).toBe(true);
          a.error(late);
        })).toEqual(DROPPED);
      });

      it(`${label}: drops the other input's error after one input failed the stage, reports a second error from the failed one`, () => {
        const a = new LateSource<number>();
        const b = new LateSource<number>();
        expect(channels(() => {
          const s = new TestSubscriber<unknown>(1);
          stage(a.flow, b.flow).subscribe(s);
          a.error(new Error('first'));
          expect(s.error?.message).toBe('first');
          expect(b.cancelled).toBe(true);
          b.error(late); // the stage cancelled b
        })).toEqual(DROPPED);
        expect(channels(() => a.error(late))).toEqual(REPORTED); // a ended by itself: §1.7
      });
    }
  });

  describe('race', () => {
    it('drops a loser’s error after the winner was chosen, reports the winner’s error after it completed', () => {
      const a = new LateSource<number>();
      const b = new LateSource<number>();
      const s = new TestSubscriber<number>(1);
      expect(channels(() => {
        race(a.flow, b.flow).subscribe(s);
        a.next(1); // a wins, b is cancelled
        expect(b.cancelled).toBe(true);
        b.error(late);
      })).toEqual(DROPPED);
      expect(channels(() => {
        a.complete();
        a.error(late);
      })).toEqual(REPORTED);
      expect(s.values).toEqual([1]);
    });
  });

  describe('side inputs (SideInputStage: withLatestFrom, skipUntil, takeUntil)', () => {
    const stages = [
      ['withLatestFrom', (side: Flow<number>) => withLatestFrom<number, [number]>(side)],
      ['skipUntil', (side: Flow<number>) => skipUntil<number>(side)],
      ['takeUntil', (side: Flow<number>) => takeUntil<number>(side)],
    ] as const;
    for (const [label, stage] of stages) {
      it(`${label}: drops a side error after the downstream cancelled, reports a side's second error`, () => {
        const source = new LateSource<number>();
        const side = new LateSource<number>();
        expect(channels(() => {
          const s = new TestSubscriber<unknown>(1);
          (stage(side.flow) as (f: Flow<number>) => Flow<unknown>)(source.flow).subscribe(s);
          s.cancel();
          expect(side.cancelled).toBe(true);
          side.error(late);
        })).toEqual(DROPPED);
        const source2 = new LateSource<number>();
        const side2 = new LateSource<number>();
        expect(channels(() => {
          const s = new TestSubscriber<unknown>(1);
          (stage(side2.flow) as (f: Flow<number>) => Flow<unknown>)(source2.flow).subscribe(s);
          side2.error(new Error('first'));
          expect(s.error?.message).toBe('first');
          side2.error(late); // the side ended by itself: §1.7
        })).toEqual(REPORTED);
      });
    }

    it('takeUntil: drops a source error after the notifier stopped it, reports one after the source completed', () => {
      for (const [end, expected] of [['notifier', DROPPED], ['complete', REPORTED]] as const) {
        const source = new LateSource<number>();
        const notifier = new LateSource<number>();
        expect(channels(() => {
          const s = new TestSubscriber<number>(1);
          source.flow.pipe(takeUntil(notifier.flow)).subscribe(s);
          if (end === 'notifier') {
            notifier.next(1);
            expect(s.completed).toBe(true);
            expect(source.cancelled).toBe(true);
          } else {
            source.complete();
          }
          source.error(late);
        })).toEqual(expected);
      }
    });
  });

  describe('pass-through stages (ForwardingSubscriber)', () => {
    it('take: drops a source error after take cancelled it, reports one after the source completed', () => {
      for (const [end, expected] of [['take', DROPPED], ['cancel', DROPPED], ['complete', REPORTED]] as const) {
        const source = new LateSource<number>();
        expect(channels(() => {
          const s = new TestSubscriber<number>(1);
          source.flow.pipe(take(1)).subscribe(s);
          if (end === 'take') source.next(1);
          else if (end === 'cancel') s.cancel();
          else source.complete();
          source.error(late);
        })).toEqual(expected);
      }
    });

    it('map: drops a source error after a throwing mapper cancelled it (failWith)', () => {
      const source = new LateSource<number>();
      expect(channels(() => {
        const s = new TestSubscriber<number>(1);
        source.flow.pipe(map((): number => { throw new Error('mapper bug'); })).subscribe(s);
        source.next(1);
        expect(s.error?.message).toBe('mapper bug');
        expect(source.cancelled).toBe(true);
        source.error(late);
      })).toEqual(DROPPED);
    });
  });

  describe('queue stages (QueueStage)', () => {
    it('takeLast: drops a source error after the downstream cancelled (was swallowed), reports one after it completed', () => {
      for (const [end, expected] of [['cancel', DROPPED], ['complete', REPORTED]] as const) {
        const source = new LateSource<number>();
        expect(channels(() => {
          const s = new TestSubscriber<number>(1);
          source.flow.pipe(takeLast(2)).subscribe(s);
          if (end === 'cancel') s.cancel();
          else source.complete();
          source.error(late);
        })).toEqual(expected);
      }
    });

    it('observeOn: drops a source error after the stage stopped an over-delivering source (stopIntake)', () => {
      const clock = new VirtualTimeScheduler();
      const source = new LateSource<number>();
      expect(channels(() => {
        const s = new TestSubscriber<number>(0);
        source.flow.pipe(observeOn(clock, { prefetch: 1 })).subscribe(s);
        source.next(1, 2); // §1.1 one more than the stage asked for
        expect(source.cancelled).toBe(true);
        source.error(late);
      })).toEqual(DROPPED);
    });
  });

  describe('resubscribing stages (retry, repeat)', () => {
    it('retry: drops a source error after the downstream cancelled, reports one after the source completed', () => {
      for (const [end, expected] of [['cancel', DROPPED], ['complete', REPORTED]] as const) {
        const source = new LateSource<number>();
        expect(channels(() => {
          const s = new TestSubscriber<number>(1);
          source.flow.pipe(retry({ count: 1 })).subscribe(s);
          if (end === 'cancel') s.cancel();
          else source.complete();
          source.error(late);
        })).toEqual(expected);
      }
    });

    it('repeat: drops a source error after the downstream cancelled, reports a second error after the first', () => {
      for (const [end, expected] of [['cancel', DROPPED], ['error', REPORTED]] as const) {
        const source = new LateSource<number>();
        expect(channels(() => {
          const s = new TestSubscriber<number>(1);
          source.flow.pipe(repeat(2)).subscribe(s);
          if (end === 'cancel') s.cancel();
          else source.error(new Error('first'));
          source.error(late);
        })).toEqual(expected);
      }
    });
  });

  describe('catchError and using', () => {
    it('catchError: drops an error after the downstream cancelled, reports one after the source completed', () => {
      for (const [end, expected] of [['cancel', DROPPED], ['complete', REPORTED]] as const) {
        const source = new LateSource<number>();
        expect(channels(() => {
          const s = new TestSubscriber<number>(1);
          source.flow.pipe(catchError(() => empty<number>())).subscribe(s);
          if (end === 'cancel') s.cancel();
          else source.complete();
          source.error(late);
        })).toEqual(expected);
      }
    });

    it('using: drops an error after the downstream cancelled, reports one after the inner flow completed', () => {
      for (const [end, expected] of [['cancel', DROPPED], ['complete', REPORTED]] as const) {
        const source = new LateSource<number>();
        expect(channels(() => {
          const s = new TestSubscriber<number>(1);
          using(() => ({}), () => source.flow, () => {}).subscribe(s);
          if (end === 'cancel') s.cancel();
          else source.complete();
          source.error(late);
        })).toEqual(expected);
      }
    });
  });

  describe('expand', () => {
    it('drops a frame’s error after the downstream cancelled, reports one after that frame completed', () => {
      for (const [end, expected] of [['cancel', DROPPED], ['complete', REPORTED]] as const) {
        const source = new LateSource<number>();
        expect(channels(() => {
          const s = new TestSubscriber<number>(1);
          source.flow.pipe(expand(() => empty<number>())).subscribe(s);
          if (end === 'cancel') s.cancel();
          else source.complete();
          source.error(late);
        })).toEqual(expected);
      }
    });
  });

  describe('name (metrics)', () => {
    it('drops an error after the stage cut its upstream (registry at its bound), reports one after the end', () => {
      const registry = createMetricsRegistry({ maxStages: 1 });
      const cut = new LateSource<number>();
      const held = new LateSource<number>();
      held.flow.pipe(name('held', { registry })).subscribe(new TestSubscriber<number>(1));
      expect(channels(() => {
        const s = new TestSubscriber<number>(1);
        cut.flow.pipe(name('late', { registry })).subscribe(s);
        expect(s.error).toBeInstanceOf(RangeError);
        expect(cut.cancelled).toBe(true);
        cut.error(late);
      })).toEqual(DROPPED);
      expect(channels(() => {
        held.complete();
        held.error(late);
      })).toEqual(REPORTED);
    });
  });
});
