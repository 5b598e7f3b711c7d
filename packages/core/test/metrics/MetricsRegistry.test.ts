import { describe, expect, it } from 'vitest';
import { createMetricsRegistry } from '../../src/metrics/MetricsRegistry';
import type { Inspectable, StageSnapshot } from '../../src/internal/inspect';
import { name } from '../../src/metrics/name';
import { metrics } from '../../src/metrics/metrics';
import { map } from '../../src/operators/map';
import { mergeMap } from '../../src/operators/mergeMap';
import { observeOn } from '../../src/operators/observeOn';
import { onBackpressureBuffer } from '../../src/operators/onBackpressureBuffer';
import { limitRate } from '../../src/operators/limitRate';
import { share } from '../../src/operators/share';
import { create, type CreateEmitter } from '../../src/sources/create';
import { captureReportedErrors } from '../../src/testing/reportedErrors';
import { TestPublisher } from '../../src/testing/TestPublisher';
import { TestSubscriber } from '../../src/testing/TestSubscriber';
import { VirtualTimeScheduler } from '../../src/schedulers/VirtualTimeScheduler';

/** A fixed snapshot source, for registry arithmetic without a pipeline. */
function fixed(values: Partial<StageSnapshot>): Inspectable & { values: StageSnapshot } {
  const values_: StageSnapshot = {
    stage: 'fixed', capacity: 0, buffered: 0, requested: 0, upstreamRequested: 0, received: 0, emitted: 0,
    dropped: 0, terminated: false, cancelled: false, ...values,
  };
  return { values: values_, inspect() { return { ...this.values }; } };
}

describe('MetricsRegistry', () => {
  describe('behaviour', () => {
    it('computes nothing until asked and lists stages in the order they were first registered', () => {
      const registry = createMetricsRegistry();
      let calls = 0;
      const counted: Inspectable = { inspect: () => (calls++, fixed({}).inspect()) };
      registry.register('b', counted);
      registry.register('a', fixed({ capacity: 4 }));
      expect(calls).toBe(0);
      expect(registry.snapshot().map((s) => s.stage)).toEqual(['b', 'a']);
      expect(calls).toBe(1);
    });

    it('sums gauges over live subscriptions of one name and keeps counters of ended ones', () => {
      const registry = createMetricsRegistry();
      const one = fixed({ capacity: 8, buffered: 3, requested: 2, upstreamRequested: 5, received: 10, emitted: 7 });
      const two = fixed({ capacity: 8, buffered: 1, requested: Infinity, upstreamRequested: 7, received: 4, emitted: 3, dropped: 2 });
      registry.register('stage', one);
      const unregisterTwo = registry.register('stage', two);
      expect(registry.stage('stage')).toMatchObject({
        subscriptions: 2, capacity: 16, buffered: 4, requested: Infinity, upstreamRequested: 12, received: 14, emitted: 10, dropped: 2,
      });
      unregisterTwo();
      expect(registry.stage('stage')).toMatchObject({
        subscriptions: 1, capacity: 8, buffered: 3, requested: 2, upstreamRequested: 5, received: 14, emitted: 10, dropped: 2, cancelled: 1,
      });
      expect(registry.stage('stage')!.details).toEqual([{ ...one.values, stage: 'stage' }]);
    });

    it('never lets a counter go down, even if a stage reports less once it ended', () => {
      const registry = createMetricsRegistry();
      const shrinking = fixed({ received: 5, emitted: 5 });
      const unregister = registry.register('s', shrinking);
      expect(registry.stage('s')!.received).toBe(5);
      shrinking.values = { ...shrinking.values, received: 0, emitted: 0 };
      unregister();
      expect(registry.stage('s')).toMatchObject({ received: 5, emitted: 5, subscriptions: 0, buffered: 0 });
    });

    it('gives per stage the deepest subscription and the fullest buffer, for alerts', () => {
      const registry = createMetricsRegistry();
      registry.register('pool', fixed({ capacity: 100, buffered: 10 }));
      const hot = fixed({ capacity: 10, buffered: 9 });
      const unregisterHot = registry.register('pool', hot);
      registry.register('pool', fixed({ capacity: 0, buffered: 0 })); // a stage without a buffer adds no ratio
      expect(registry.stage('pool')).toMatchObject({ capacity: 110, buffered: 19, deepest: 10, fillRatio: 0.9 });
      unregisterHot();
      expect(registry.stage('pool')).toMatchObject({ deepest: 10, fillRatio: 0.1 });
      registry.register('plain', fixed({}));
      expect(registry.stage('plain')).toMatchObject({ deepest: 0, fillRatio: 0 });
    });

    it('follows a real buffer: deepest and fillRatio rise and fall with its depth', () => {
      const registry = createMetricsRegistry();
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>(0);
      onBackpressureBuffer<number>({ capacity: 8 })(upstream).pipe(name('buf', { registry })).subscribe(s);
      upstream.next(1, 2, 3, 4, 5, 6);
      expect(registry.stage('buf')).toMatchObject({ deepest: 6, fillRatio: 0.75 });
      s.request(4);
      expect(registry.stage('buf')).toMatchObject({ deepest: 2, fillRatio: 0.25 });
    });

    it('records which stages feed which, from the chain and from after', () => {
      const registry = createMetricsRegistry();
      const left = new TestPublisher<number>();
      const s = new TestSubscriber<number>(1);
      onBackpressureBuffer<number>({ capacity: 4 })(left)
        .pipe(name('src'), map((x: number) => x), name('mid'), name('sink', { after: ['other'] }), metrics(registry))
        .subscribe(s);
      expect(registry.snapshot().map((m) => [m.stage, m.upstreams])).toEqual([
        ['src', []], ['mid', ['src']], ['sink', ['other', 'mid']],
      ]);
    });

    it('links the operator-named stages of metrics all in chain order, past the stages it does not register', () => {
      const registry = createMetricsRegistry();
      const s = new TestSubscriber<number>(1);
      onBackpressureBuffer<number>({ capacity: 4 })(new TestPublisher<number>())
        .pipe(map((x: number) => x), limitRate(2), map((x: number) => x), metrics(registry, { all: true }))
        .subscribe(s);
      // stage 0 is the TestPublisher, 2 and 4 are maps: none is Inspectable, so none is registered or linked
      expect(registry.snapshot().map((m) => [m.stage, m.upstreams])).toEqual([
        ['onBackpressureBuffer#1', []], ['limitRate#3', ['onBackpressureBuffer#1']],
      ]);
    });

    it('samples every period on the scheduler until stopped', () => {
      const clock = new VirtualTimeScheduler();
      const registry = createMetricsRegistry();
      const source = fixed({ buffered: 1 });
      registry.register('s', source);
      const samples: string[] = [];
      const stop = registry.every(100, (stages, now) => samples.push(`${now}:${stages[0]!.buffered}`), { scheduler: clock });
      clock.advanceBy(100);
      source.values = { ...source.values, buffered: 7 };
      clock.advanceBy(250);
      stop();
      clock.advanceBy(1000);
      expect(samples).toEqual(['100:1', '200:7', '300:7']);
      expect(clock.pending).toBe(0);
    });

    describe('depth equals the real buffer', () => {
      it('create: buffered is what the producer pushed minus what was delivered', () => {
        const registry = createMetricsRegistry();
        let emitter: CreateEmitter<number> | null = null;
        const s = new TestSubscriber<number>();
        create<number>((e) => { emitter = e; }, { capacity: 5, overflow: 'drop-newest' })
          .pipe(name('src', { registry }))
          .subscribe(s);
        for (let i = 0; i < 4; i++) emitter!.next(i);
        expect(registry.stage('src')).toMatchObject({ capacity: 5, buffered: 4, requested: 0, received: 4, emitted: 0 });
        s.request(3);
        expect(s.values).toEqual([0, 1, 2]);
        expect(registry.stage('src')).toMatchObject({ buffered: 1, requested: 0, emitted: 3 });
        for (let i = 4; i < 10; i++) emitter!.next(i); // 1 + 6 > 5: two are dropped
        expect(registry.stage('src')).toMatchObject({ buffered: 5, dropped: 2, received: 10 });
        s.request(7);
        expect(s.count).toBe(8);
        expect(registry.stage('src')).toMatchObject({ buffered: 0, requested: 2, emitted: 8 });
        expect(registry.stage('src')!.buffered).toBe(registry.stage('src')!.received - registry.stage('src')!.dropped - s.count);
      });

      it('onBackpressureBuffer: buffered is upstream items minus delivered, demand both ways', () => {
        const registry = createMetricsRegistry();
        const upstream = new TestPublisher<number>();
        const s = new TestSubscriber<number>(2);
        onBackpressureBuffer<number>({ capacity: 10 })(upstream).pipe(name('buf', { registry })).subscribe(s);
        upstream.next(1, 2, 3, 4, 5, 6);
        expect(registry.stage('buf')).toMatchObject({ capacity: 10, buffered: 4, requested: 0, upstreamRequested: Infinity, received: 6, emitted: 2 });
        s.request(3);
        expect(registry.stage('buf')).toMatchObject({ buffered: 1, requested: 0, emitted: 5 });
        s.request(4);
        expect(registry.stage('buf')).toMatchObject({ buffered: 0, requested: 3 });
        expect(s.violations).toEqual([]);
      });

      it('limitRate: buffered plus upstream demand stays within high, and matches the script', () => {
        const registry = createMetricsRegistry();
        const upstream = new TestPublisher<number>();
        const s = new TestSubscriber<number>(1);
        limitRate<number>(4)(upstream).pipe(name('rate', { registry })).subscribe(s);
        expect(upstream.requests).toEqual([4]);
        upstream.next(1, 2, 3);
        expect(registry.stage('rate')).toMatchObject({ capacity: 4, buffered: 2, requested: 0, upstreamRequested: 1, received: 3, emitted: 1 });
        s.request(2);
        // 3 delivered = replenish point (4 - 1): 3 more requested upstream
        expect(upstream.requests).toEqual([4, 3]);
        expect(registry.stage('rate')).toMatchObject({ buffered: 0, requested: 0, upstreamRequested: 4, emitted: 3 });
        upstream.next(4, 5);
        expect(registry.stage('rate')).toMatchObject({ buffered: 2, upstreamRequested: 2 });
        expect(upstream.outstanding).toBe(2);
      });

      it('mergeMap: buffered counts the items waiting in the inner queues', () => {
        const registry = createMetricsRegistry();
        const outer = new TestPublisher<number>();
        const inners = [new TestPublisher<string>(), new TestPublisher<string>()];
        const s = new TestSubscriber<string>(1);
        mergeMap((i: number) => inners[i]!, { concurrency: 2, prefetch: 4 })(outer).pipe(name('merge', { registry })).subscribe(s);
        outer.next(0, 1);
        inners[0]!.next('a', 'b', 'c');
        inners[1]!.next('x', 'y');
        expect(s.values).toEqual(['a']);
        expect(registry.stage('merge')).toMatchObject({ capacity: 8, buffered: 4, requested: 0, upstreamRequested: 0, received: 5, emitted: 1 });
        s.request(3);
        expect(s.count).toBe(4);
        expect(registry.stage('merge')).toMatchObject({ buffered: 1, requested: 0, emitted: 4 });
        expect(registry.stage('merge')!.buffered).toBe(5 - s.count);
      });

      it('observeOn: buffered is what arrived and has not been delivered on a tick', () => {
        const clock = new VirtualTimeScheduler();
        const registry = createMetricsRegistry();
        const upstream = new TestPublisher<number>();
        const s = new TestSubscriber<number>(2);
        observeOn<number>(clock, { prefetch: 8 })(upstream).pipe(name('hop', { registry })).subscribe(s);
        upstream.next(1, 2, 3, 4, 5);
        expect(registry.stage('hop')).toMatchObject({ capacity: 8, buffered: 5, requested: 2, upstreamRequested: 3, received: 5, emitted: 0 });
        clock.runUntilIdle();
        expect(s.values).toEqual([1, 2]);
        expect(registry.stage('hop')).toMatchObject({ buffered: 3, requested: 0, upstreamRequested: 3, emitted: 2 });
        s.request(10);
        clock.runUntilIdle();
        expect(registry.stage('hop')).toMatchObject({ buffered: 0, requested: 7, emitted: 5, upstreamRequested: 3 });
        upstream.next(6, 7, 8);
        expect(registry.stage('hop')).toMatchObject({ buffered: 3, upstreamRequested: 0 });
        clock.runUntilIdle();
        // the 6th item emitted reaches the replenish point (6 of 8): 6 more are requested upstream
        expect(registry.stage('hop')).toMatchObject({ buffered: 0, requested: 4, emitted: 8, upstreamRequested: 6 });
        expect(upstream.outstanding).toBe(6);
      });

      it('share: the shared buffer is counted once, and each subscriber\'s lag is in details', () => {
        const registry = createMetricsRegistry();
        const upstream = new TestPublisher<number>();
        const shared = share<number>({ prefetch: 4 })(upstream).pipe(name('fanout', { registry }));
        const fast = new TestSubscriber<number>(10);
        const slow = new TestSubscriber<number>(1);
        shared.subscribe(fast);
        shared.subscribe(slow);
        upstream.next(1, 2, 3);
        expect(fast.values).toEqual([1, 2, 3]);
        expect(slow.values).toEqual([1]);
        const stage = registry.stage('fanout')!;
        expect(stage).toMatchObject({ subscriptions: 2, capacity: 4, buffered: 2, received: 3 });
        expect(stage.details).toHaveLength(1);
        expect(stage.details[0]!.subscribers).toEqual([{ requested: 7, pending: 0 }, { requested: 0, pending: 2 }]);
        slow.cancel();
        expect(registry.stage('fanout')).toMatchObject({ subscriptions: 1, buffered: 0, cancelled: 1, received: 3 });
      });

      it('matches a model of each buffer and both demands over seeded random request/emit scripts', () => {
        let seed = 42;
        const random = (n: number): number => {
          seed = (seed * 1103515245 + 12345) % 2147483648;
          return seed % n;
        };
        const clock = new VirtualTimeScheduler();
        const stages = {
          onBackpressureBuffer: (up: TestPublisher<number>) => onBackpressureBuffer<number>({ capacity: 16, overflow: 'drop-oldest' })(up),
          limitRate: (up: TestPublisher<number>) => limitRate<number>(8)(up),
          observeOn: (up: TestPublisher<number>) => observeOn<number>(clock, { prefetch: 8 })(up),
        };
        for (const [label, apply] of Object.entries(stages)) {
          for (let run = 0; run < 50; run++) {
            const registry = createMetricsRegistry();
            const upstream = new TestPublisher<number>();
            const s = new TestSubscriber<number>();
            apply(upstream).pipe(name(label, { registry })).subscribe(s);
            let pushed = 0;
            for (let step = 0; step < 30; step++) {
              if (random(2) === 0) s.request(1 + random(6));
              else {
                const k = Math.min(random(6), Number(upstream.outstanding));
                for (let i = 0; i < k; i++) upstream.next(pushed++);
              }
              if (random(3) === 0) clock.runNext(); // observeOn delivers on ticks; often the buffer waits for one
              const m = registry.stage(label)!;
              const model = {
                buffered: pushed - m.dropped - s.count, received: pushed, emitted: s.count,
                requested: s.requested - s.count, upstreamRequested: upstream.outstanding,
              };
              const { buffered, received, emitted, requested, upstreamRequested } = m;
              expect({ label, run, step, buffered, received, emitted, requested, upstreamRequested })
                .toEqual({ label, run, step, ...model });
              expect(m.buffered).toBeLessThanOrEqual(m.capacity);
            }
            expect(s.violations).toEqual([]);
          }
        }
      });
    });
  });

  describe('errors', () => {
    it('counts subscriptions that ended with an error', () => {
      const registry = createMetricsRegistry();
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>(1);
      name<number>('s', { registry })(upstream).subscribe(s);
      upstream.error(new Error('boom'));
      expect(registry.stage('s')).toMatchObject({ errors: 1, completed: 0, subscriptions: 0 });
    });

    it('stops sampling and reports the error when the callback throws', () => {
      const clock = new VirtualTimeScheduler();
      const registry = createMetricsRegistry();
      const reported = captureReportedErrors();
      try {
        registry.every(10, () => { throw new Error('sampler broke'); }, { scheduler: clock });
        clock.advanceBy(100);
      } finally {
        reported.restore();
      }
      expect(reported.errors.map((e) => (e as Error).message)).toEqual(['sampler broke']);
      expect(clock.pending).toBe(0);
    });

    it('rejects a bad period, callback or Inspectable eagerly', () => {
      const registry = createMetricsRegistry();
      expect(() => registry.every(0, () => {})).toThrow(RangeError);
      expect(() => registry.every(Infinity, () => {})).toThrow(RangeError);
      expect(() => registry.every(10, null as never)).toThrow(TypeError);
      expect(() => registry.register('', fixed({}))).toThrow(TypeError);
      expect(() => registry.register('x', {} as never)).toThrow(TypeError);
    });
  });

  describe('cancellation', () => {
    it('drops a cancelled subscription and its references but keeps its counters', () => {
      const registry = createMetricsRegistry();
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>(5);
      map((x: number) => x)(upstream).pipe(name('m', { registry })).subscribe(s);
      upstream.next(1, 2);
      expect(registry.stage('m')).toMatchObject({ subscriptions: 1, requested: 3, emitted: 2 });
      s.cancel();
      expect(registry.stage('m')).toMatchObject({ subscriptions: 0, requested: 0, emitted: 2, cancelled: 1, details: [] });
    });
  });

  describe('empty and edge cases', () => {
    it('returns an empty snapshot and undefined for an unknown stage', () => {
      const registry = createMetricsRegistry();
      expect(registry.snapshot()).toEqual([]);
      expect(registry.stage('nope')).toBeUndefined();
    });
  });
});
