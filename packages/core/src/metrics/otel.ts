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
  'sluice.stage.deepest': 'deepest',
  'sluice.stage.fill_ratio': 'fillRatio',
} as const satisfies Record<string, keyof StageMetrics>;

/** Monotonic counter name → the StageMetrics field it reads. */
export const STAGE_COUNTERS = {
  'sluice.stage.received': 'received',
  'sluice.stage.emitted': 'emitted',
  'sluice.stage.dropped': 'dropped',
  'sluice.stage.errors': 'errors',
  'sluice.stage.completed': 'completed',
  'sluice.stage.cancelled': 'cancelled',
} as const satisfies Record<string, keyof StageMetrics>;

const DESCRIPTIONS: Record<keyof typeof STAGE_GAUGES | keyof typeof STAGE_COUNTERS, string> = {
  'sluice.stage.buffered': 'Items held in the stage buffer now (received, not yet emitted downstream)',
  'sluice.stage.capacity': 'The bound of the stage buffer (0 for a stage that does not buffer)',
  'sluice.stage.requested': 'Demand downstream signalled that the stage has not met yet (+Inf when unbounded)',
  'sluice.stage.upstream_requested': 'Demand the stage signalled upstream that upstream has not met yet',
  'sluice.stage.subscriptions': 'Live subscriptions of the stage',
  'sluice.stage.deepest': 'Items held by the deepest live subscription of the stage',
  'sluice.stage.fill_ratio': 'The fullest live buffer of the stage, buffered over capacity (0 to 1)',
  'sluice.stage.received': 'Items that entered the stage',
  'sluice.stage.emitted': 'Items the stage delivered downstream',
  'sluice.stage.dropped': 'Items the stage discarded, with the attribute reason',
  'sluice.stage.errors': 'Subscriptions of the stage that ended with an error',
  'sluice.stage.completed': 'Subscriptions of the stage that completed',
  'sluice.stage.cancelled': 'Subscriptions of the stage that were cancelled from downstream',
};

const SUBSCRIPTION_UNITS = new Set(['sluice.stage.subscriptions', 'sluice.stage.errors', 'sluice.stage.completed', 'sluice.stage.cancelled']);

/**
 * Publishes every stage of `registry` as OpenTelemetry observable instruments, with the attribute `stage`:
 * gauges `sluice.stage.buffered`, `.capacity`, `.requested`, `.upstream_requested`, `.subscriptions`, `.deepest`,
 * `.fill_ratio` and monotonic counters `sluice.stage.received`, `.emitted`, `.dropped` (with the attribute `reason`),
 * `.errors`, `.completed`, `.cancelled` (unit `{item}`, `{subscription}`, or `1` for the ratio). One
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
  const unit = (name: string): string =>
    SUBSCRIPTION_UNITS.has(name) ? '{subscription}' : name === 'sluice.stage.fill_ratio' ? '1' : '{item}';
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
      for (const [instrument, field] of instruments) {
        if (field !== 'dropped') {
          result.observe(instrument, stage[field] as number, attributes);
          continue;
        }
        for (const [reason, n] of Object.entries(stage.droppedByReason)) result.observe(instrument, n, { ...attributes, reason });
      }
    }
  };
  const observables: Observable[] = instruments.map(([instrument]) => instrument);
  meter.addBatchObservableCallback(callback, observables);
  return () => meter.removeBatchObservableCallback(callback, observables);
}
