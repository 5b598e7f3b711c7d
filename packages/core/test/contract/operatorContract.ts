import { describe, expect, it } from 'vitest';
import { range } from '../../src/sources/range';
import type { Publisher } from '../../src/spec/Publisher';
import { captureReportedErrors } from '../../src/testing/reportedErrors';
import { TestPublisher } from '../../src/testing/TestPublisher';
import { TestSubscriber } from '../../src/testing/TestSubscriber';
import { isCollected } from '../support/collectGarbage';

export interface OperatorContractOptions {
  /** Applies the operator under test to a source of numbers 0, 1, 2, … */
  apply: (source: Publisher<number>) => Publisher<unknown>;
  /** Applies a variant whose user function throws on the first item (omit for operators without user code). */
  applyThrowing?: (source: Publisher<number>) => Publisher<unknown>;
  /** The most the operator may have requested upstream after downstream requested `n` (default: n). */
  upstreamBound?: (n: number) => number;
  /** The operator emits one item for an empty source (reduce with a seed, defaultIfEmpty…). */
  emitsOnEmpty?: boolean;
  /** The operator signals onError for an empty source (throwIfEmpty, first/last without a default…). */
  failsOnEmpty?: boolean;
  /** The operator needs at least this many source items before it emits once (buffer(3) needs 3). Default 1. */
  itemsPerOutput?: number;
  /**
   * The operator emits only once upstream completes (reduce, last…): the cancel-inside-onNext scenario then
   * completes the upstream after its items and checks that nothing follows the cancelled onNext.
   */
  emitsAtCompletion?: boolean;
  /**
   * For operators that signal from a scheduler (observeOn, subscribeOn): runs the scheduled work to completion. The
   * battery calls it after subscribing and after each step, before asserting. Default: nothing to run.
   */
  settle?: () => void;
}

/**
 * The cross-cutting battery every operator passes (Reactor's BaseOperatorTest scenario matrix), so no operator
 * test copies these by hand. Call it once per operator, inside its describe block.
 */
export function operatorContract(name: string, options: OperatorContractOptions): void {
  const { apply } = options;
  const perOutput = options.itemsPerOutput ?? 1;
  const settle = options.settle ?? (() => {});
  describe(`${name}: operator contract`, () => {
    it('cancels upstream when cancelled before the first request', () => {
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber();
      apply(upstream).subscribe(s);
      settle();
      s.cancel();
      expect(upstream.cancelled).toBe(true);
      expect(s.terminated).toBe(false);
    });

    it('cancels upstream when cancelled from inside onNext and signals nothing more', () => {
      const s = new TestSubscriber({ initialRequest: 'unbounded', onNext: (_, sub) => sub.cancel() });
      const upstream = new TestPublisher<number>();
      apply(upstream).subscribe(s);
      settle();
      upstream.next(...Array.from({ length: Math.min(Number(upstream.outstanding), perOutput * 3) }, (_, i) => i));
      settle();
      if (options.emitsAtCompletion) {
        upstream.complete();
        settle(); // the upstream is over before the one onNext, so only "nothing more" is checked
        expect(s.completed).toBe(false);
      } else {
        expect(upstream.cancelled).toBe(true);
      }
      expect(s.count).toBe(1);
      expect(s.violations).toEqual([]);
    });

    it('never emits more than requested', () => {
      const s = new TestSubscriber(2);
      apply(range(0, 100 * perOutput)).subscribe(s);
      settle();
      expect(s.count).toBeLessThanOrEqual(2);
      s.request(3);
      settle();
      expect(s.count).toBeLessThanOrEqual(5);
      expect(s.violations).toEqual([]);
    });

    it('requests upstream no more than its bound', () => {
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber(3);
      apply(upstream).subscribe(s);
      settle();
      const bound = options.upstreamBound ? options.upstreamBound(3) : 3;
      expect(upstream.totalRequested).toBeLessThanOrEqual(bound);
    });

    it('keeps onNext depth at 1 when request(1) is called from inside onNext', () => {
      const s = new TestSubscriber({ initialRequest: 1, onNext: (_, sub) => sub.request(1) });
      apply(range(0, 50 * perOutput)).subscribe(s);
      settle();
      expect(s.maxOnNextDepth).toBe(1);
      expect(s.terminated).toBe(true);
      expect(s.violations).toEqual([]);
    });

    it('passes an upstream error through', () => {
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber(1);
      apply(upstream).subscribe(s);
      settle();
      const boom = new Error('boom');
      upstream.error(boom);
      settle();
      expect(s.error).toBe(boom);
      expect(s.violations).toEqual([]);
    });

    if (options.applyThrowing) {
      const applyThrowing = options.applyThrowing;
      it('cancels upstream and signals onError when the user function throws', () => {
        const upstream = new TestPublisher<number>();
        const s = new TestSubscriber('unbounded');
        applyThrowing(upstream).subscribe(s);
        settle();
        for (let i = 0; i < perOutput && !upstream.cancelled; i++) upstream.next(i);
        settle();
        expect(upstream.cancelled).toBe(true);
        expect(s.error).toBeInstanceOf(Error);
        expect(s.violations).toEqual([]);
      });
    }

    for (const bad of [0, -1, NaN, 1.5, -Infinity]) {
      it(`signals onError(RangeError) for request(${bad}), cancels upstream and does not throw`, () => {
        const upstream = new TestPublisher<number>();
        const s = new TestSubscriber();
        const reported = captureReportedErrors();
        try {
          apply(upstream).subscribe(s);
          settle();
          expect(() => s.request(bad)).not.toThrow();
          settle();
          expect(s.error).toBeInstanceOf(RangeError);
          expect(s.error?.message).toMatch(/^§3\.9:/);
          expect(upstream.cancelled).toBe(true);
          expect(s.violations).toEqual([]);
        } finally {
          reported.restore();
        }
      });
    }

    if (options.failsOnEmpty) {
      it('signals onError without items for an empty source', () => {
        const s = new TestSubscriber('unbounded');
        apply(range(0, 0)).subscribe(s);
        settle();
        expect(s.completed).toBe(false);
        expect(s.log.at(-1)).toMatch(/^error\(/);
        expect(s.count).toBe(0);
      });
    } else {
      it(options.emitsOnEmpty ? 'emits once and completes for an empty source' : 'completes without items for an empty source', () => {
        const s = new TestSubscriber('unbounded');
        apply(range(0, 0)).subscribe(s);
        settle();
        expect(s.completed).toBe(true);
        expect(s.count).toBe(options.emitsOnEmpty ? 1 : 0);
      });
    }

    it('releases the subscriber after cancel (§3.13)', async () => {
      const upstream = new TestPublisher<number>();
      const ref = subscribeAndCancel(apply, upstream, settle);
      expect(await isCollected(ref)).toBe(true);
    });
  });
}

function subscribeAndCancel(
  apply: OperatorContractOptions['apply'], upstream: TestPublisher<number>, settle: () => void,
): WeakRef<object> {
  const s = new TestSubscriber(1);
  apply(upstream).subscribe(s);
  settle();
  s.cancel();
  settle();
  // The TestPublisher keeps its last subscriber (the operator's) on purpose; drop it as a real publisher would on cancel.
  upstream.subscriber = null;
  return new WeakRef(s);
}
