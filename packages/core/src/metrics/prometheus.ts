import type { StageMetrics } from './MetricsRegistry';

/** The content type of `toPrometheus()`'s text: Prometheus text exposition format 0.0.4. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export interface PrometheusOptions {
  /** Prepended to every metric name. Default `'sluice_'`. Must match `[a-zA-Z_:][a-zA-Z0-9_:]*`. */
  prefix?: string;
  /** Labels added to every sample, e.g. `{ service: 'orders' }`. Names must match `[a-zA-Z_][a-zA-Z0-9_]*`. */
  labels?: Readonly<Record<string, string>>;
}

/** @internal what the registry adds: its held stage count and bound. */
interface RegistryFacts {
  held?: number;
  maxStages?: number;
}

type Family = readonly [name: string, type: 'gauge' | 'counter', help: string, read: (s: StageMetrics) => number];

/** Every per-stage family except dropped (which has a `reason` label), in exposition order. */
const FAMILIES: readonly Family[] = [
  ['stage_buffered', 'gauge', 'Items held in the stage buffers now (received, not yet emitted downstream)', (s) => s.buffered],
  ['stage_capacity', 'gauge', 'The sum of the live stage buffers bounds (0 for a stage that does not buffer)', (s) => s.capacity],
  ['stage_deepest_buffered', 'gauge', 'Items held by the deepest live subscription of the stage', (s) => s.deepest],
  ['stage_fill_ratio', 'gauge', 'The fullest live buffer of the stage, buffered over capacity (0 to 1)', (s) => s.fillRatio],
  ['stage_requested', 'gauge', 'Demand downstream signalled that the stage has not met yet (+Inf when unbounded)', (s) => s.requested],
  ['stage_upstream_requested', 'gauge', 'Demand the stage signalled upstream that upstream has not met yet', (s) => s.upstreamRequested],
  ['stage_subscriptions', 'gauge', 'Live subscriptions of the stage', (s) => s.subscriptions],
  ['stage_received_total', 'counter', 'Items that entered the stage', (s) => s.received],
  ['stage_emitted_total', 'counter', 'Items the stage delivered downstream', (s) => s.emitted],
  ['stage_completed_total', 'counter', 'Subscriptions of the stage that ended with onComplete', (s) => s.completed],
  ['stage_cancelled_total', 'counter', 'Subscriptions of the stage that were cancelled from downstream', (s) => s.cancelled],
  ['stage_errors_total', 'counter', 'Subscriptions of the stage that ended with onError', (s) => s.errors],
];

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** A label value as the text format wants it: backslash, double quote and line feed escaped. */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** A sample value: Go's float syntax, with `+Inf`, `-Inf` and `NaN` spelled as the format wants. */
function formatValue(value: number): string {
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  if (Number.isNaN(value)) return 'NaN';
  return String(value);
}

/**
 * Renders stage metrics as Prometheus text exposition (0.0.4): a `# HELP` and `# TYPE` line per family, then one
 * sample per stage with the label `stage` (and `reason` on the dropped counter). Counters end in `_total` and never
 * go down while a stage is held; a stage the registry released stops being exposed, its counters carried on by the
 * `stage="(ended)"` total. With `prefix` `'sluice_'` (the default):
 *
 * | metric | type | from |
 * | --- | --- | --- |
 * | `sluice_stage_buffered`, `_capacity`, `_deepest_buffered`, `_fill_ratio` | gauge | depth against the bound |
 * | `sluice_stage_requested`, `_upstream_requested` | gauge | outstanding demand down and up |
 * | `sluice_stage_subscriptions` | gauge | live subscriptions |
 * | `sluice_stage_received_total`, `_emitted_total` | counter | items in and out |
 * | `sluice_stage_dropped_total{reason}` | counter | items discarded, per reason |
 * | `sluice_stage_completed_total`, `_cancelled_total`, `_errors_total` | counter | how subscriptions ended |
 * | `sluice_registry_stages`, `sluice_registry_max_stages` | gauge | held stage names and their bound |
 */
export function toPrometheus(stages: readonly StageMetrics[], options: PrometheusOptions & RegistryFacts = {}): string {
  const prefix = options.prefix ?? 'sluice_';
  if (typeof prefix !== 'string' || (prefix !== '' && !METRIC_NAME.test(prefix))) {
    throw new TypeError(`toPrometheus: prefix must match [a-zA-Z_:][a-zA-Z0-9_:]*, got ${JSON.stringify(prefix)}`);
  }
  const extra = options.labels ?? {};
  let constant = '';
  for (const [label, value] of Object.entries(extra)) {
    if (!LABEL_NAME.test(label) || label.startsWith('__') || label === 'stage' || label === 'reason') {
      throw new TypeError(`toPrometheus: label name ${JSON.stringify(label)} is not allowed (stage and reason are ours)`);
    }
    if (typeof value !== 'string') throw new TypeError(`toPrometheus: label ${label} must be a string, got ${typeof value}`);
    constant += `,${label}="${escapeLabelValue(value)}"`;
  }
  const lines: string[] = [];
  const header = (name: string, type: string, help: string): void => {
    lines.push(`# HELP ${prefix}${name} ${help}`, `# TYPE ${prefix}${name} ${type}`);
  };
  const labelsOf = (stage: StageMetrics): string => `stage="${escapeLabelValue(stage.stage)}"${constant}`;
  for (const [name, type, help, read] of FAMILIES) {
    header(name, type, help);
    for (const stage of stages) lines.push(`${prefix}${name}{${labelsOf(stage)}} ${formatValue(read(stage))}`);
    if (name === 'stage_emitted_total') {
      header('stage_dropped_total', 'counter', 'Items the stage discarded, by reason');
      for (const stage of stages) {
        for (const [reason, n] of Object.entries(stage.droppedByReason)) {
          lines.push(`${prefix}stage_dropped_total{${labelsOf(stage)},reason="${escapeLabelValue(reason)}"} ${formatValue(n)}`);
        }
      }
    }
  }
  if (options.held !== undefined && options.maxStages !== undefined) {
    const labels = constant === '' ? '' : `{${constant.slice(1)}}`;
    header('registry_stages', 'gauge', 'Stage names the registry holds now (live or retained)');
    lines.push(`${prefix}registry_stages${labels} ${options.held}`);
    header('registry_max_stages', 'gauge', 'The bound on stage names the registry holds (maxStages)');
    lines.push(`${prefix}registry_max_stages${labels} ${options.maxStages}`);
  }
  return lines.join('\n') + '\n';
}
