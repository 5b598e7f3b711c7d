import { describe, expect, it } from 'vitest';
import { Flow } from '../../src/Flow';
import type { Subscriber } from '../../src/spec/Subscriber';
import { finalize, type FinalSignal } from '../../src/operators/finalize';
import { range } from '../../src/sources/range';
import { captureReportedErrors } from '../../src/testing/reportedErrors';
import { TestPublisher } from '../../src/testing/TestPublisher';
import { TestSubscriber } from '../../src/testing/TestSubscriber';
import { operatorContract } from '../contract/operatorContract';
import { isCollected } from '../support/collectGarbage';
import { spyUpstream } from '../support/spyUpstream';

/** Subscribes `s` to upstream.pipe(finalize) with a callback that writes `finally(signal)` into the same log. */
function setup(s: TestSubscriber<number>, upstream = new TestPublisher<number>()) {
  const calls: FinalSignal[] = [];
  spyUpstream(upstream, s.log).pipe(finalize((signal) => {
    calls.push(signal);
    s.log.push(`finally(${signal})`);
  })).subscribe(s);
  return { upstream, calls };
}

describe('finalize', () => {
  operatorContract('finalize', { apply: (source) => finalize<number>(() => {})(source) });

  describe('behaviour', () => {
    it('runs the callback once, after onComplete was delivered', () => {
      const s = new TestSubscriber<number>('unbounded');
      const { upstream, calls } = setup(s);
      upstream.next(1);
      upstream.complete();
      expect(s.log).toEqual(['subscribe', 'request(Infinity)', 'up.request(Infinity)', 'next(1)', 'complete', 'finally(complete)']);
      expect(calls).toEqual(['complete']);
    });

    it('runs the callback once, after onError was delivered', () => {
      const s = new TestSubscriber<number>('unbounded');
      const { upstream, calls } = setup(s);
      upstream.error(new Error('boom'));
      expect(s.log.slice(3)).toEqual(['error(Error: boom)', 'finally(error)']);
      expect(calls).toEqual(['error']);
    });
  });

  describe('demand', () => {
    it('passes requests through unchanged', () => {
      const s = new TestSubscriber<number>(2);
      setup(s, undefined);
      s.request(3);
      expect(s.log).toEqual(['subscribe', 'request(2)', 'up.request(2)', 'request(3)', 'up.request(3)']);
    });

    it('runs the callback once when an invalid request makes the source fail (§3.9)', () => {
      const s = new TestSubscriber<number>();
      const calls: FinalSignal[] = [];
      range(0, 5).pipe(finalize((signal) => calls.push(signal))).subscribe(s);
      s.request(-1);
      expect(s.error).toBeInstanceOf(RangeError);
      expect(calls).toEqual(['error']);
    });
  });

  describe('errors', () => {
    it('reports a throwing callback instead of signalling it, after the terminal signal went out', () => {
      const reported = captureReportedErrors();
      try {
        const s = new TestSubscriber<number>('unbounded');
        range(0, 1).pipe(finalize(() => { throw new Error('cleanup failed'); })).subscribe(s);
        expect(s.log).toEqual(['subscribe', 'request(Infinity)', 'next(0)', 'complete']);
        expect(reported.errors).toEqual([new Error('cleanup failed')]);
      } finally {
        reported.restore();
      }
    });

    it('drops a throwing callback on cancel (onErrorDropped), and cancel itself does not throw', () => {
      const reported = captureReportedErrors();
      try {
        const s = new TestSubscriber<number>(1);
        range(0, 5).pipe(finalize(() => { throw 'not an Error'; })).subscribe(s);
        expect(() => s.cancel()).not.toThrow();
        expect(reported.dropped).toEqual(['not an Error']);
        expect(reported.errors).toEqual([]);
      } finally {
        reported.restore();
      }
    });

    it('rejects a non-function callback at assembly', () => {
      expect(() => finalize(null as never)).toThrow(TypeError);
    });
  });

  describe('cancellation', () => {
    it('cancels upstream, then runs the callback once however often cancel is called', () => {
      const s = new TestSubscriber<number>(1);
      const { upstream, calls } = setup(s);
      s.cancel();
      s.cancel();
      expect(s.log).toEqual(['subscribe', 'request(1)', 'up.request(1)', 'cancel', 'up.cancel', 'finally(cancel)', 'cancel']);
      expect(upstream.cancelled).toBe(true);
      expect(calls).toEqual(['cancel']);
    });

    it('does not run the callback again on a cancel after completion', () => {
      const s = new TestSubscriber<number>('unbounded');
      const { upstream, calls } = setup(s);
      upstream.complete();
      s.cancel();
      expect(calls).toEqual(['complete']);
    });

    it('runs the callback when cancelled from inside onNext', () => {
      const calls: FinalSignal[] = [];
      const s = new TestSubscriber<number>({ initialRequest: 'unbounded', onNext: (_, sub) => sub.cancel() });
      range(0, 5).pipe(finalize((signal) => calls.push(signal))).subscribe(s);
      expect(s.values).toEqual([0]);
      expect(calls).toEqual(['cancel']);
    });

    it('releases the callback once it ran, even while the stage itself stays reachable (§3.13)', async () => {
      let held: Subscriber<number> | null = null;
      const source = new Flow<number>((subscriber) => {
        held = subscriber; // a source that keeps its subscriber (the finalize stage) after cancel
        subscriber.onSubscribe({ request() {}, cancel() {} });
      });
      const ref = (() => {
        const callback = () => {};
        const s = new TestSubscriber<number>(1);
        source.pipe(finalize<number>(callback)).subscribe(s);
        s.cancel();
        return new WeakRef(callback);
      })();
      expect(held).not.toBe(null);
      expect(await isCollected(ref)).toBe(true);
    });
  });

  describe('empty and edge cases', () => {
    it('runs the callback for an empty source', () => {
      const calls: FinalSignal[] = [];
      const s = new TestSubscriber<number>();
      range(0, 0).pipe(finalize((signal) => calls.push(signal))).subscribe(s);
      expect(s.completed).toBe(true);
      expect(calls).toEqual(['complete']);
    });
  });
});
