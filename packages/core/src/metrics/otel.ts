// @sluice/core/otel: the OpenTelemetry metrics bridge. `@opentelemetry/api` is an optional peer dependency: only
// this entry point imports it, so `@sluice/core` itself never loads it.
import {
  metrics as otelMetrics,
  type BatchObservableCallback,
  type Meter,
  type Observable,
  type ObservableCounter,
  type ObservableGauge,
} from '@opentelemetry/api';
import type { MetricsRegistry, StageMetrics } from './MetricsRegistry';

export interface OtelMetricsOptions {
  /** The Meter the instruments are created on. Default `metrics.getMeter('@sluice/core')` from the global API. */
  meter?: Meter;
}

/** Gauge name → the StageMetrics field it reads. */
export const STAGE_GAUGES = {
  'sluice.stage.buffered': 'buffered',
  'sluice.stage.capacity': 'capacity',
  'sluice.stage.requested': 'requested',
  'sluice.stage.upstream_requested': 'upstreamRequested',
  'sluice.stage.subscriptions': 'subscriptions',
} as const satisfies Record<string, keyof StageMetrics>;

/** Monotonic counter name → the StageMetrics field it reads. */
export const STAGE_COUNTERS = {
  'sluice.stage.received': 'received',
  'sluice.stage.emitted': 'emitted',
  'sluice.stage.dropped': 'dropped',
  'sluice.stage.errors': 'errors',
} as const satisfies Record<string, keyof StageMetrics>;

const DESCRIPTIONS: Record<keyof typeof STAGE_GAUGES | keyof typeof STAGE_COUNTERS, string> = {
  'sluice.stage.buffered': 'Items held in the stage buffer now (received, not yet emitted downstream)',
  'sluice.stage.capacity': 'The bound of the stage buffer (0 for a stage that does not buffer)',
  'sluice.stage.requested': 'Demand downstream signalled that the stage has not met yet (+Inf when unbounded)',
  'sluice.stage.upstream_requested': 'Demand the stage signalled upstream that upstream has not met yet',
  'sluice.stage.subscriptions': 'Live subscriptions of the stage',
  'sluice.stage.received': 'Items that entered the stage',
  'sluice.stage.emitted': 'Items the stage delivered downstream',
  'sluice.stage.dropped': 'Items an overflow strategy discarded',
  'sluice.stage.errors': 'Subscriptions of the stage that ended with an error',
};

/**
 * Publishes every stage of `registry` as OpenTelemetry observable instruments, with the attribute `stage`:
 * gauges `sluice.stage.buffered`, `.capacity`, `.requested`, `.upstream_requested`, `.subscriptions` and monotonic
 * counters `sluice.stage.received`, `.emitted`, `.dropped`, `.errors` (unit `{item}`, or `{subscription}`). One
 * registry snapshot is taken per collection (a batch callback); between collections nothing runs. Prometheus users
 * get the same series through the OpenTelemetry Prometheus exporter (dots become underscores there).
 * Returns the function that removes the callback.
 *
 * @example
 * import { metrics } from '@opentelemetry/api';
 * import { registerOtelMetrics } from '@sluice/core/otel';
 * const stop = registerOtelMetrics(registry, { meter: metrics.getMeter('orders-service') });
 */
export function registerOtelMetrics(registry: MetricsRegistry, options: OtelMetricsOptions = {}): () => void {
  if (registry == null || typeof registry.snapshot !== 'function') {
    throw new TypeError('registerOtelMetrics: registry must come from createMetricsRegistry()');
  }
  const meter = options.meter ?? otelMetrics.getMeter('@sluice/core');
  const unit = (name: string): string => (name.endsWith('errors') || name.endsWith('subscriptions') ? '{subscription}' : '{item}');
  const gauges: [ObservableGauge, keyof StageMetrics][] = Object.entries(STAGE_GAUGES).map(([name, field]) => [
    meter.createObservableGauge(name, { description: DESCRIPTIONS[name as keyof typeof DESCRIPTIONS], unit: unit(name) }),
    field,
  ]);
  const counters: [ObservableCounter, keyof StageMetrics][] = Object.entries(STAGE_COUNTERS).map(([name, field]) => [
    meter.createObservableCounter(name, { description: DESCRIPTIONS[name as keyof typeof DESCRIPTIONS], unit: unit(name) }),
    field,
  ]);
  const instruments = [...gauges, ...counters];
  const callback: BatchObservableCallback = (result) => {
    for (const stage of registry.snapshot()) {
      const attributes = { stage: stage.stage };
      for (const [instrument, field] of instruments) result.observe(instrument, stage[field] as number, attributes);
    }
  };
  const observables: Observable[] = instruments.map(([instrument]) => instrument);
  meter.addBatchObservableCallback(callback, observables);
  return () => meter.removeBatchObservableCallback(callback, observables);
}
