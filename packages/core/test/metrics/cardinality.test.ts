import { describe, expect, it } from 'vitest';
import type { Inspectable, StageSnapshot } from '../../src/internal/inspect';
import { createMetricsRegistry, ENDED_STAGE, OVERFLOW_STAGE } from '../../src/metrics/MetricsRegistry';
import { name } from '../../src/metrics/name';
import { map } from '../../src/operators/map';
import { onBackpressureBuffer } from '../../src/operators/onBackpressureBuffer';
import { TestPublisher } from '../../src/testing/TestPublisher';
import { TestSubscriber } from '../../src/testing/TestSubscriber';
import { collectGarbage } from '../support/collectGarbage';

/** A fixed snapshot source with the counters given. */
function fixed(values: Partial<StageSnapshot>): Inspectable {
  const snapshot: StageSnapshot = {
    stage: 'fixed', capacity: 0, buffered: 0, requested: 0, upstreamRequested: 0, received: 0, emitted: 0,
    dropped: 0, terminated: false, cancelled: false, ...values,
  };
  return { inspect: () => ({ ...snapshot }) };
}

/** One "client" pipeline under its own stage name: subscribes, moves `items` through, then ends as told. */
function client(registry: ReturnType<typeof createMetricsRegistry>, stage: string, items: number, end: 'complete' | 'cancel') {
  const upstream = new TestPublisher<number>();
  const s = new TestSubscriber<number>('unbounded');
  onBackpressureBuffer<number>({ capacity: 4 })(upstream).pipe(name(stage, { registry })).subscribe(s);
  for (let i = 0; i < items; i++) upstream.next(i);
  if (end === 'complete') upstream.complete();
  else s.cancel();
  return s;
}

describe('MetricsRegistry cardinality', () => {
  describe('behaviour', () => {
    it("retains ended stages by default and folds the one that ended longest ago when a new name needs room", () => {
      const registry = createMetricsRegistry({ maxStages: 3 });
      client(registry, 'a', 2, 'complete');
      client(registry, 'b', 3, 'cancel');
      client(registry, 'c', 4, 'complete');
      expect(registry.snapshot().map((s) => s.stage)).toEqual(['a', 'b', 'c']);
      client(registry, 'd', 5, 'complete'); // full: 'a' ended first, so it is folded
      expect(registry.snapshot().map((s) => s.stage)).toEqual(['b', 'c', 'd', ENDED_STAGE]);
      expect(registry.stage('a')).toBeUndefined();
      expect(registry.stage(ENDED_STAGE)).toMatchObject({ subscriptions: 0, received: 2, emitted: 2, completed: 1, cancelled: 0 });
      client(registry, 'e', 1, 'complete'); // then 'b'
      expect(registry.stage(ENDED_STAGE)).toMatchObject({ received: 5, emitted: 5, completed: 1, cancelled: 1 });
      expect(registry.size).toBe(3);
    });

    it('continues the counters of a retained stage when it is subscribed again', () => {
      const registry = createMetricsRegistry({ maxStages: 2 });
      client(registry, 'a', 2, 'complete');
      client(registry, 'b', 1, 'complete');
      client(registry, 'a', 3, 'complete'); // 'a' is held: no eviction, the counters go on
      expect(registry.stage('a')).toMatchObject({ received: 5, completed: 2 });
      client(registry, 'c', 1, 'complete'); // 'b' ended longest ago now ('a' was used again after it)
      expect(registry.snapshot().map((s) => s.stage)).toEqual(['a', 'c', ENDED_STAGE]);
    });

    it("with ended 'fold' keeps a per-client name only while the client is live, and the totals never go down", () => {
      const registry = createMetricsRegistry({ maxStages: 5, ended: 'fold' });
      let totalReceived = 0;
      for (let i = 0; i < 1000; i++) {
        client(registry, `client-${i}`, i % 7, i % 2 === 0 ? 'complete' : 'cancel');
        const received = registry.snapshot().reduce((sum, s) => sum + s.received, 0);
        expect(received).toBeGreaterThanOrEqual(totalReceived);
        totalReceived = received;
        expect(registry.snapshot().length).toBeLessThanOrEqual(1); // only (ended): every client already left
      }
      expect(registry.stage(ENDED_STAGE)).toMatchObject({ completed: 500, cancelled: 500 });
      expect(totalReceived).toBe(Array.from({ length: 1000 }, (_, i) => i % 7).reduce((a, b) => a + b, 0));
    });

    it("with ended 'drop' forgets a stage and its counters once its last subscription ended", () => {
      const registry = createMetricsRegistry({ ended: 'drop' });
      const upstream = new TestPublisher<number>();
      const one = new TestSubscriber<number>(5);
      const two = new TestSubscriber<number>(5);
      const flow = map((x: number) => x)(upstream).pipe(name('m', { registry }));
      flow.subscribe(one);
      flow.subscribe(two);
      upstream.next(1);
      one.cancel();
      expect(registry.stage('m')).toMatchObject({ subscriptions: 1, cancelled: 1 }); // still one live
      two.cancel();
      expect(registry.snapshot()).toEqual([]);
    });

    it("with overflow 'fold' measures subscriptions past the bound under one overflow stage", () => {
      const registry = createMetricsRegistry({ maxStages: 2, overflow: 'fold' });
      const live = [0, 1, 2, 3].map((i) => {
        const upstream = new TestPublisher<number>();
        const s = new TestSubscriber<number>(1);
        onBackpressureBuffer<number>({ capacity: 4 })(upstream).pipe(name(`live-${i}`, { registry })).subscribe(s);
        upstream.next(1, 2, 3);
        return s;
      });
      expect(registry.snapshot().map((s) => s.stage)).toEqual(['live-0', 'live-1', OVERFLOW_STAGE]);
      expect(registry.stage(OVERFLOW_STAGE)).toMatchObject({ subscriptions: 2, capacity: 8, buffered: 4, received: 6 });
      live[3]!.cancel();
      expect(registry.stage(OVERFLOW_STAGE)).toMatchObject({ subscriptions: 1, cancelled: 1, received: 6 });
      expect(live.slice(0, 3).every((s) => s.violations.length === 0)).toBe(true);
    });
  });

  describe('errors', () => {
    it("throws a RangeError naming the bound and the ways out when register passes maxStages with overflow 'error'", () => {
      const registry = createMetricsRegistry({ maxStages: 2 });
      registry.register('a', fixed({}));
      registry.register('b', fixed({}));
      expect(() => registry.register('c', fixed({}))).toThrow(
        new RangeError("register: cannot register stage 'c': the registry holds 2 live stages (maxStages). " +
          "Give per-client stages one shared name, raise maxStages, or pass overflow: 'fold'"),
      );
      registry.register('a', fixed({})); // a held name is no new series: always accepted
      expect(registry.stage('a')!.subscriptions).toBe(2);
    });

    it('fails a name stage past the bound with that RangeError downstream and cancels its upstream', () => {
      const registry = createMetricsRegistry({ maxStages: 1 });
      registry.register('held', fixed({}));
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>(3);
      map((x: number) => x)(upstream).pipe(name('late', { registry })).subscribe(s);
      expect(s.log[0]).toBe('subscribe');
      expect(s.error).toBeInstanceOf(RangeError);
      expect(s.error!.message).toMatch(/^register: cannot register stage 'late'/);
      expect(upstream.cancelled).toBe(true);
      upstream.next(1); // a late item from an upstream that ignores cancel goes nowhere
      expect(s.values).toEqual([]);
      expect(registry.snapshot().map((x) => x.stage)).toEqual(['held']);
    });

    it('rejects bad options and the reserved total names', () => {
      expect(() => createMetricsRegistry({ maxStages: 0 })).toThrow(RangeError);
      expect(() => createMetricsRegistry({ maxStages: 1.5 })).toThrow(RangeError);
      expect(() => createMetricsRegistry({ ended: 'keep' as never })).toThrow(TypeError);
      expect(() => createMetricsRegistry({ overflow: 'drop' as never })).toThrow(TypeError);
      expect(() => name(ENDED_STAGE)).toThrow(/reserved/);
      expect(() => createMetricsRegistry().register(OVERFLOW_STAGE, fixed({}))).toThrow(/reserved/);
    });
  });

  describe('cancellation', () => {
    it('§3.13: holds no reference to an ended subscription nor, once released, to its stage', async () => {
      const registry = createMetricsRegistry({ ended: 'fold' });
      let refs: WeakRef<object>[] = [];
      (() => {
        for (let i = 0; i < 50; i++) {
          const upstream = new TestPublisher<number>();
          const s = new TestSubscriber<number>(2);
          onBackpressureBuffer<number>({ capacity: 4 })(upstream).pipe(name(`conn-${i}`, { registry })).subscribe(s);
          upstream.next(1, 2, 3);
          refs.push(new WeakRef(s), new WeakRef(upstream));
          s.cancel();
        }
      })();
      expect(registry.snapshot().map((s) => s.stage)).toEqual([ENDED_STAGE]);
      expect(registry.stage(ENDED_STAGE)).toMatchObject({ received: 150, emitted: 100, cancelled: 50 });
      await collectGarbage();
      expect(refs.filter((ref) => ref.deref() !== undefined)).toEqual([]);
      refs = [];
    });
  });

  describe('empty and edge cases', () => {
    it('holds at most maxStages names whatever the mix of live and ended stages', () => {
      const registry = createMetricsRegistry({ maxStages: 4, overflow: 'fold' });
      const open = new Map<number, TestSubscriber<number>>(); // insertion order: the oldest open one first
      for (let i = 0; i < 200; i++) {
        if (i % 3 === 0) {
          const s = new TestSubscriber<number>(1);
          map((x: number) => x)(new TestPublisher<number>()).pipe(name(`s-${i}`, { registry })).subscribe(s);
          open.set(i, s);
        } else {
          client(registry, `s-${i}`, 1, 'complete');
        }
        if (open.size > 6) {
          const [oldest, s] = open.entries().next().value!;
          open.delete(oldest);
          s.cancel();
        }
        expect(registry.size).toBeLessThanOrEqual(4);
        expect(registry.snapshot().length).toBeLessThanOrEqual(6);
      }
    });
  });
});
