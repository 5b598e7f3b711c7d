import { describe, expect, it } from 'vitest';
import { Flow } from '../../src/Flow';
import { createMetricsRegistry } from '../../src/metrics/MetricsRegistry';
import { map } from '../../src/operators/map';
import { name } from '../../src/metrics/name';
import { onBackpressureBuffer } from '../../src/operators/onBackpressureBuffer';
import { range } from '../../src/sources/range';
import { TestPublisher } from '../../src/testing/TestPublisher';
import { TestSubscriber } from '../../src/testing/TestSubscriber';
import { operatorContract } from '../contract/operatorContract';

describe('name', () => {
  operatorContract('name (registered)', {
    apply: (source) => name<number>('stage', { registry: createMetricsRegistry() })(source),
  });
  operatorContract('name (buffering stage before it)', {
    apply: (source) => onBackpressureBuffer<number>({ capacity: 8 })(source).pipe(name('b', { registry: createMetricsRegistry() })),
    upstreamBound: () => Infinity,
  });

  describe('behaviour', () => {
    it('passes every signal through unchanged', () => {
      const s = new TestSubscriber<number>('unbounded');
      range(1, 3).pipe(name('r', { registry: createMetricsRegistry() })).subscribe(s);
      expect(s.log).toEqual(['subscribe', 'request(Infinity)', 'next(1)', 'next(2)', 'next(3)', 'complete']);
    });

    it('reports the Inspectable stage before it under the given name', () => {
      const registry = createMetricsRegistry();
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>(1);
      onBackpressureBuffer<number>({ capacity: 4 })(upstream).pipe(name('buffer', { registry })).subscribe(s);
      upstream.next(1, 2, 3);
      const stage = registry.stage('buffer')!;
      expect(stage).toMatchObject({ stage: 'buffer', subscriptions: 1, capacity: 4, buffered: 2, emitted: 1, received: 3 });
      expect(stage.details.map((d) => d.stage)).toEqual(['buffer']);
    });

    it('measures a stage that is not Inspectable by the traffic through it', () => {
      const registry = createMetricsRegistry();
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>(5);
      map((x: number) => x * 2)(upstream).pipe(name('double', { registry })).subscribe(s);
      upstream.next(1, 2);
      expect(registry.stage('double')).toMatchObject({
        capacity: 0, buffered: 0, requested: 3, upstreamRequested: 3, received: 2, emitted: 2,
      });
    });

    it('inserts no stage at all when no registry is known', () => {
      const source = range(0, 3);
      const named = source.pipe(name('unused'));
      const s = new TestSubscriber<number>('unbounded');
      const lifter = named.lifter!;
      expect(lifter(s)).toBe(s);
      named.subscribe(s);
      expect(s.values).toEqual([0, 1, 2]);
    });

    it('registers each subscription of a cold Flow separately', () => {
      const registry = createMetricsRegistry();
      const upstream = new TestPublisher<number>();
      const flow = new Flow<number>(null, onBackpressureBuffer<number>({ capacity: 4 })(upstream), (d) => d)
        .pipe(name('twice', { registry }));
      const a = new TestSubscriber<number>(0);
      flow.subscribe(a);
      upstream.next(1);
      const b = new TestSubscriber<number>(0);
      flow.subscribe(b);
      upstream.next(2, 3);
      expect(registry.stage('twice')).toMatchObject({ subscriptions: 2, capacity: 8, buffered: 3, received: 3 });
    });
  });

  describe('demand', () => {
    it('passes each request upstream unchanged', () => {
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>();
      name<number>('d', { registry: createMetricsRegistry() })(upstream).subscribe(s);
      s.request(2);
      s.request(5);
      expect(upstream.requests).toEqual([2, 5]);
    });
  });

  describe('errors', () => {
    it('passes an upstream error through and counts it', () => {
      const registry = createMetricsRegistry();
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>(1);
      name<number>('e', { registry })(upstream).subscribe(s);
      upstream.error(new Error('boom'));
      expect(s.log).toEqual(['subscribe', 'request(1)', 'error(Error: boom)']);
      expect(registry.stage('e')).toMatchObject({ errors: 1, subscriptions: 0 });
    });

    it('rejects an empty name or a registry that is not one, at assembly', () => {
      expect(() => name('')).toThrow(TypeError);
      expect(() => name(42 as never)).toThrow(TypeError);
      expect(() => name('x', { registry: {} as never })).toThrow(TypeError);
    });
  });

  describe('cancellation', () => {
    it('unregisters and cancels upstream', () => {
      const registry = createMetricsRegistry();
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>(1);
      name<number>('c', { registry })(upstream).subscribe(s);
      s.cancel();
      expect(upstream.cancelled).toBe(true);
      expect(registry.stage('c')).toMatchObject({ subscriptions: 0, cancelled: 1 });
    });
  });

  describe('empty and edge cases', () => {
    it('counts a completed empty stage', () => {
      const registry = createMetricsRegistry();
      const s = new TestSubscriber<number>(1);
      range(0, 0).pipe(name('empty', { registry })).subscribe(s);
      expect(s.completed).toBe(true);
      expect(registry.stage('empty')).toMatchObject({ subscriptions: 0, completed: 1, received: 0, emitted: 0 });
    });
  });
});
