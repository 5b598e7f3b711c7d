import type {
  Attributes, BatchObservableCallback, BatchObservableResult, Meter, MetricOptions, Observable, ObservableCounter,
  ObservableGauge,
} from '@opentelemetry/api';
import { registerOtelMetrics, STAGE_COUNTERS, STAGE_GAUGES } from '@sluice/core/otel';
import { describe, expect, it } from 'vitest';
import { createMetricsRegistry } from '../../src/metrics/MetricsRegistry';
import { name } from '../../src/metrics/name';
import { onBackpressureBuffer } from '../../src/operators/onBackpressureBuffer';
import { TestPublisher } from '../../src/testing/TestPublisher';
import { TestSubscriber } from '../../src/testing/TestSubscriber';

interface FakeInstrument {
  kind: 'gauge' | 'counter';
  name: string;
  options: MetricOptions | undefined;
  addCallback(): void;
  removeCallback(): void;
}

/** A Meter that implements only what the bridge may use, and collects like an SDK reader would. */
class FakeMeter {
  readonly instruments: FakeInstrument[] = [];
  readonly callbacks = new Set<BatchObservableCallback>();

  createObservableGauge(name: string, options?: MetricOptions): ObservableGauge {
    return this.instrument('gauge', name, options);
  }

  createObservableCounter(name: string, options?: MetricOptions): ObservableCounter {
    return this.instrument('counter', name, options);
  }

  addBatchObservableCallback(callback: BatchObservableCallback, observables: Observable[]): void {
    for (const o of observables) expect(this.instruments).toContain(o);
    this.callbacks.add(callback);
  }

  removeBatchObservableCallback(callback: BatchObservableCallback): void {
    this.callbacks.delete(callback);
  }

  /** One collection: `instrument name{stage} → value`, or `name{stage,reason}` for an observation with a reason. */
  collect(): Record<string, number> {
    const points: Record<string, number> = {};
    const result: BatchObservableResult = {
      observe: (observable: Observable, value: number, attributes?: Attributes) => {
        const reason = attributes?.reason === undefined ? '' : `,${String(attributes.reason)}`;
        points[`${(observable as unknown as FakeInstrument).name}{${String(attributes?.stage)}${reason}}`] = value;
      },
    };
    for (const callback of this.callbacks) void callback(result);
    return points;
  }

  private instrument(kind: 'gauge' | 'counter', name: string, options: MetricOptions | undefined): FakeInstrument {
    const instrument: FakeInstrument = { kind, name, options, addCallback() {}, removeCallback() {} };
    this.instruments.push(instrument);
    return instrument;
  }
}

function setUp() {
  const registry = createMetricsRegistry();
  const meter = new FakeMeter();
  const stop = registerOtelMetrics(registry, { meter: meter as unknown as Meter });
  return { registry, meter, stop };
}

describe('@sluice/core/otel', () => {
  describe('behaviour', () => {
    it('creates the documented gauges and counters with units and descriptions', () => {
      const { meter } = setUp();
      expect(meter.instruments.map((i) => `${i.kind} ${i.name} ${i.options?.unit}`)).toEqual([
        'gauge sluice.stage.buffered {item}',
        'gauge sluice.stage.capacity {item}',
        'gauge sluice.stage.requested {item}',
        'gauge sluice.stage.upstream_requested {item}',
        'gauge sluice.stage.subscriptions {subscription}',
        'gauge sluice.stage.deepest {item}',
        'gauge sluice.stage.fill_ratio 1',
        'counter sluice.stage.received {item}',
        'counter sluice.stage.emitted {item}',
        'counter sluice.stage.dropped {item}',
        'counter sluice.stage.errors {subscription}',
        'counter sluice.stage.completed {subscription}',
        'counter sluice.stage.cancelled {subscription}',
      ]);
      expect(meter.instruments.every((i) => (i.options?.description ?? '').length > 0)).toBe(true);
      expect(Object.keys(STAGE_GAUGES).length + Object.keys(STAGE_COUNTERS).length).toBe(13);
    });

    it('observes each stage with the stage attribute, reading the registry at collection time', () => {
      const { registry, meter } = setUp();
      const upstream = new TestPublisher<number>();
      const s = new TestSubscriber<number>(1);
      onBackpressureBuffer<number>({ capacity: 4, overflow: 'drop-newest' })(upstream).pipe(name('buf', { registry })).subscribe(s);
      expect(meter.collect()).toMatchObject({ 'sluice.stage.buffered{buf}': 0, 'sluice.stage.capacity{buf}': 4 });
      upstream.next(1, 2, 3, 4, 5, 6);
      expect(meter.collect()).toEqual({
        'sluice.stage.buffered{buf}': 4,
        'sluice.stage.capacity{buf}': 4,
        'sluice.stage.requested{buf}': 0,
        'sluice.stage.upstream_requested{buf}': Infinity,
        'sluice.stage.subscriptions{buf}': 1,
        'sluice.stage.deepest{buf}': 4,
        'sluice.stage.fill_ratio{buf}': 1,
        'sluice.stage.received{buf}': 6,
        'sluice.stage.emitted{buf}': 1,
        'sluice.stage.dropped{buf,overflow}': 1,
        'sluice.stage.errors{buf}': 0,
        'sluice.stage.completed{buf}': 0,
        'sluice.stage.cancelled{buf}': 0,
      });
    });

    it('exports how subscriptions ended: completed and cancelled as well as errors', () => {
      const { registry, meter } = setUp();
      const subscribe = () => {
        const upstream = new TestPublisher<number>();
        const s = new TestSubscriber<number>(1);
        name<number>('ends', { registry })(upstream).subscribe(s);
        return { upstream, s };
      };
      const [a, b, c, d] = [subscribe(), subscribe(), subscribe(), subscribe()];
      a.upstream.complete();
      b.upstream.complete();
      c.s.cancel();
      expect(meter.collect()).toMatchObject({
        'sluice.stage.completed{ends}': 2, 'sluice.stage.cancelled{ends}': 1, 'sluice.stage.errors{ends}': 0,
        'sluice.stage.subscriptions{ends}': 1,
      });
      d.upstream.error(new Error('x'));
      expect(meter.collect()).toMatchObject({
        'sluice.stage.completed{ends}': 2, 'sluice.stage.cancelled{ends}': 1, 'sluice.stage.errors{ends}': 1,
        'sluice.stage.subscriptions{ends}': 0,
      });
    });
  });

  describe('errors', () => {
    it('counts stage errors and rejects a registry that is not one', () => {
      const { registry, meter } = setUp();
      const upstream = new TestPublisher<number>();
      name<number>('e', { registry })(upstream).subscribe(new TestSubscriber<number>(1));
      upstream.error(new Error('x'));
      expect(meter.collect()['sluice.stage.errors{e}']).toBe(1);
      expect(() => registerOtelMetrics(null as never)).toThrow(TypeError);
    });
  });

  describe('cancellation', () => {
    it('removes its callback when stopped', () => {
      const { registry, meter, stop } = setUp();
      name<number>('c', { registry })(new TestPublisher<number>()).subscribe(new TestSubscriber<number>());
      stop();
      expect(meter.collect()).toEqual({});
    });
  });

  describe('empty and edge cases', () => {
    it('observes nothing for an empty registry', () => {
      const { meter } = setUp();
      expect(meter.collect()).toEqual({});
    });
  });
});
