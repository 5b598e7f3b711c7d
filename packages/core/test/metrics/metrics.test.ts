import { describe, expect, it } from 'vitest';
import { isInspectable, type Inspectable } from '../../src/internal/inspect';
import { createMetricsRegistry } from '../../src/metrics/MetricsRegistry';
import { limitRate } from '../../src/operators/limitRate';
import { map } from '../../src/operators/map';
import { metrics } from '../../src/metrics/metrics';
import { name } from '../../src/metrics/name';
import { onBackpressureBuffer } from '../../src/operators/onBackpressureBuffer';
import { create, type CreateEmitter } from '../../src/sources/create';
import { range } from '../../src/sources/range';
import { TestPublisher } from '../../src/testing/TestPublisher';
import { TestSubscriber } from '../../src/testing/TestSubscriber';
import { operatorContract } from '../contract/operatorContract';

describe('metrics', () => {
  operatorContract('metrics', {
    apply: (source) => name<number>('n')(source).pipe(metrics(createMetricsRegistry())),
  });
  operatorContract('metrics (all stages)', {
    apply: (source) => map((x: number) => x)(source).pipe(limitRate(4), metrics(createMetricsRegistry(), { all: true })),
    upstreamBound: () => 4,
  });

  describe('behaviour', () => {
    it('binds the name stages before it to the registry', () => {
      const registry = createMetricsRegistry();
      let emitter: CreateEmitter<number> | null = null;
      const s = new TestSubscriber<number>(1);
      create<number>((e) => { emitter = e; }, { capacity: 8 })
        .pipe(name('source'), map((x) => x + 1), name('plusOne'), onBackpressureBuffer({ capacity: 16 }), name('buffer'),
          metrics(registry))
        .subscribe(s);
      emitter!.next(1);
      emitter!.next(2);
      emitter!.next(3);
      expect(registry.snapshot().map((m) => [m.stage, m.buffered, m.capacity])).toEqual([
        ['source', 0, 8], ['plusOne', 0, 0], ['buffer', 2, 16],
      ]);
      expect(registry.stage('plusOne')).toMatchObject({ emitted: 3, requested: Infinity });
    });

    it('leaves a name with its own registry where it is', () => {
      const own = createMetricsRegistry();
      const other = createMetricsRegistry();
      range(0, 3).pipe(name('mine', { registry: own }), name('theirs'), metrics(other)).subscribe(new TestSubscriber('unbounded'));
      expect(own.snapshot().map((m) => m.stage)).toEqual(['mine']);
      expect(other.snapshot().map((m) => m.stage)).toEqual(['theirs']);
    });

    it('with all: registers every Inspectable stage as operator#position, and names win', () => {
      const registry = createMetricsRegistry();
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>(1);
      map((x: number) => x)(upstream)
        .pipe(onBackpressureBuffer({ capacity: 4 }), limitRate(2), name('rate'), metrics(registry, { all: true }))
        .subscribe(s);
      upstream.next(1, 2, 3);
      // stage 0 is the foreign TestPublisher (adapted), stage 1 map: neither is Inspectable
      expect(registry.snapshot().map((m) => [m.stage, m.buffered])).toEqual([['onBackpressureBuffer#2', 1], ['rate', 1]]);
    });

    it('adds no stage of its own: the subscriber gets the buffering stage\'s own subscription', () => {
      const s = new TestSubscriber<number>();
      onBackpressureBuffer<number>({ capacity: 4 })(new TestPublisher<number>()).pipe(metrics(createMetricsRegistry())).subscribe(s);
      expect(isInspectable(s.subscription) ? s.subscription.inspect().stage : null).toBe('onBackpressureBuffer');
    });

    it('computes no snapshot while items flow, only when asked', () => {
      const registry = createMetricsRegistry();
      let emitter: CreateEmitter<number> | null = null;
      const s = new TestSubscriber<number>('unbounded');
      create<number>((e) => { emitter = e; }).pipe(name('src'), metrics(registry)).subscribe(s);
      const source = (s.subscription as unknown as { upstream: Inspectable }).upstream;
      let calls = 0;
      const inspect = source.inspect.bind(source);
      source.inspect = () => (calls++, inspect());
      for (let i = 0; i < 100; i++) emitter!.next(i);
      expect(s.count).toBe(100);
      expect(calls).toBe(0);
      expect(registry.stage('src')!.emitted).toBe(100);
      expect(calls).toBe(1);
    });
  });

  describe('demand', () => {
    it('adds nothing to the demand path', () => {
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>();
      map((x: number) => x)(upstream).pipe(metrics(createMetricsRegistry())).subscribe(s);
      s.request(3);
      expect(upstream.requests).toEqual([3]);
    });
  });

  describe('errors', () => {
    it('rejects a registry that is not one, at assembly', () => {
      expect(() => metrics(null as never)).toThrow(TypeError);
      expect(() => metrics(createMetricsRegistry(), { all: 'yes' as never })).toThrow(TypeError);
    });
  });

  describe('cancellation', () => {
    it('ends the registrations when the subscriber cancels', () => {
      const registry = createMetricsRegistry();
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>(1);
      onBackpressureBuffer<number>({ capacity: 4 })(upstream).pipe(name('b'), metrics(registry)).subscribe(s);
      s.cancel();
      expect(upstream.cancelled).toBe(true);
      expect(registry.stage('b')).toMatchObject({ subscriptions: 0, cancelled: 1 });
    });
  });

  describe('empty and edge cases', () => {
    it('returns a usable Flow when there is nothing to attach', () => {
      const registry = createMetricsRegistry();
      const s = new TestSubscriber<number>('unbounded');
      range(0, 2).pipe(metrics(registry)).subscribe(s);
      expect(s.values).toEqual([0, 1]);
      expect(registry.snapshot()).toEqual([]);
    });
  });
});
