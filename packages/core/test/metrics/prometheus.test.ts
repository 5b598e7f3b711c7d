import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { describe, expect, it } from 'vitest';
import type { Inspectable, StageSnapshot } from '../../src/internal/inspect';
import { createMetricsRegistry, ENDED_STAGE, type MetricsRegistry } from '../../src/metrics/MetricsRegistry';
import { name } from '../../src/metrics/name';
import { PROMETHEUS_CONTENT_TYPE, toPrometheus } from '../../src/metrics/prometheus';
import { onBackpressureBuffer } from '../../src/operators/onBackpressureBuffer';
import { create, type CreateEmitter } from '../../src/sources/create';
import { TestPublisher } from '../../src/testing/TestPublisher';
import { TestSubscriber } from '../../src/testing/TestSubscriber';
import { expositionViolations } from './exposition';

function fixed(values: Partial<StageSnapshot>): Inspectable {
  const snapshot: StageSnapshot = {
    stage: 'fixed', capacity: 0, buffered: 0, requested: 0, upstreamRequested: 0, received: 0, emitted: 0,
    dropped: 0, terminated: false, cancelled: false, ...values,
  };
  return { inspect: () => ({ ...snapshot }) };
}

/** Parses with the npm parser after the strict grammar passed; returns `family → [labels, value][]`. */
function scrape(registry: MetricsRegistry): Map<string, { type: string; help: string; samples: [Record<string, string>, string][] }> {
  const text = registry.toPrometheus();
  expect(expositionViolations(text)).toEqual([]);
  const families = new Map<string, { type: string; help: string; samples: [Record<string, string>, string][] }>();
  for (const family of parsePrometheusTextFormat(text)) {
    families.set(family.name, { type: family.type, help: family.help, samples: family.metrics.map((m) => [m.labels ?? {}, m.value]) });
  }
  return families;
}

const value = (families: ReturnType<typeof scrape>, family: string, labels: Record<string, string>): string | undefined =>
  families.get(family)?.samples.find(([l]) => JSON.stringify(l) === JSON.stringify(labels))?.[1];

describe('toPrometheus', () => {
  describe('behaviour', () => {
    it('exposes every counter and gauge with HELP and TYPE, with the numbers of the registry', () => {
      const registry = createMetricsRegistry();
      let emitter: CreateEmitter<number> | null = null;
      const s = new TestSubscriber<number>(2);
      create<number>((e) => { emitter = e; }, { capacity: 4, overflow: 'drop-newest' }).pipe(name('events', { registry })).subscribe(s);
      for (let i = 0; i < 8; i++) emitter!.next(i); // 2 delivered, 4 buffered, 2 dropped
      const families = scrape(registry);
      expect([...families].map(([family, { type }]) => `${family} ${type}`)).toEqual([
        'sluice_stage_buffered GAUGE', 'sluice_stage_capacity GAUGE', 'sluice_stage_deepest_buffered GAUGE',
        'sluice_stage_fill_ratio GAUGE', 'sluice_stage_requested GAUGE', 'sluice_stage_upstream_requested GAUGE',
        'sluice_stage_subscriptions GAUGE', 'sluice_stage_received_total COUNTER', 'sluice_stage_emitted_total COUNTER',
        'sluice_stage_dropped_total COUNTER', 'sluice_stage_completed_total COUNTER', 'sluice_stage_cancelled_total COUNTER',
        'sluice_stage_errors_total COUNTER', 'sluice_registry_stages GAUGE', 'sluice_registry_max_stages GAUGE',
      ]);
      for (const [, { help }] of families) expect(help.length).toBeGreaterThan(10);
      const stage = { stage: 'events' };
      const metrics = registry.stage('events')!;
      expect(metrics).toMatchObject({ buffered: 4, capacity: 4, received: 8, emitted: 2, dropped: 2 });
      expect(value(families, 'sluice_stage_buffered', stage)).toBe('4');
      expect(value(families, 'sluice_stage_capacity', stage)).toBe('4');
      expect(value(families, 'sluice_stage_deepest_buffered', stage)).toBe('4');
      expect(value(families, 'sluice_stage_fill_ratio', stage)).toBe('1');
      expect(value(families, 'sluice_stage_requested', stage)).toBe('0');
      expect(value(families, 'sluice_stage_received_total', stage)).toBe('8');
      expect(value(families, 'sluice_stage_emitted_total', stage)).toBe('2');
      expect(value(families, 'sluice_stage_dropped_total', { ...stage, reason: 'overflow' })).toBe('2');
      expect(value(families, 'sluice_stage_subscriptions', stage)).toBe('1');
      expect(value(families, 'sluice_registry_stages', {})).toBe('1');
      expect(value(families, 'sluice_registry_max_stages', {})).toBe('1000');
      s.cancel();
      const after = scrape(registry);
      expect(value(after, 'sluice_stage_cancelled_total', stage)).toBe('1');
      expect(value(after, 'sluice_stage_completed_total', stage)).toBe('0');
      expect(value(after, 'sluice_stage_subscriptions', stage)).toBe('0');
    });

    it('counts completed and errored subscriptions and spells unbounded demand +Inf', () => {
      const registry = createMetricsRegistry();
      const flow = (upstream: TestPublisher<number>) => onBackpressureBuffer<number>({ capacity: 2 })(upstream).pipe(name('b', { registry }));
      const [one, two, three] = [new TestPublisher<number>(), new TestPublisher<number>(), new TestPublisher<number>()];
      flow(one).subscribe(new TestSubscriber<number>('unbounded'));
      flow(two).subscribe(new TestSubscriber<number>('unbounded'));
      flow(three).subscribe(new TestSubscriber<number>('unbounded'));
      one.complete();
      two.error(new Error('boom'));
      const families = scrape(registry);
      expect(value(families, 'sluice_stage_completed_total', { stage: 'b' })).toBe('1');
      expect(value(families, 'sluice_stage_errors_total', { stage: 'b' })).toBe('1');
      expect(value(families, 'sluice_stage_requested', { stage: 'b' })).toBe('+Inf');
      expect(value(families, 'sluice_stage_upstream_requested', { stage: 'b' })).toBe('+Inf');
    });

    it('labels dropped items by reason', () => {
      const registry = createMetricsRegistry();
      registry.register('limiter', fixed({ stage: 'throttle', dropped: 3 }));
      registry.register('limiter', fixed({ stage: 'onBackpressureDrop', dropped: 5 }));
      registry.register('groups', fixed({ stage: 'groupBy', dropped: 1 }));
      const families = scrape(registry);
      expect(families.get('sluice_stage_dropped_total')!.samples).toEqual([
        [{ stage: 'limiter', reason: 'throttled' }, '3'],
        [{ stage: 'limiter', reason: 'overflow' }, '5'],
        [{ stage: 'groups', reason: 'abandoned' }, '1'],
      ]);
    });

    it('escapes stage names so any string survives a real parser unchanged', () => {
      const registry = createMetricsRegistry();
      const names = ['quote"d', 'back\\slash', 'line\nfeed', 'all three \\"\n', 'ünïcødé → 流', 'a,b="c"} 1', '#', ' '];
      for (const stage of names) registry.register(stage, fixed({ buffered: 1 }));
      const families = scrape(registry);
      expect(families.get('sluice_stage_buffered')!.samples.map(([labels]) => labels.stage)).toEqual(names);
    });

    it('keeps every counter series monotonic over scrapes while stages come, go and are folded', () => {
      const registry = createMetricsRegistry({ maxStages: 3 });
      let last = new Map<string, number>();
      let sumBefore = 0;
      for (let round = 0; round < 40; round++) {
        const upstream = new TestPublisher<number>();
        const s = new TestSubscriber<number>(1);
        onBackpressureBuffer<number>({ capacity: 8 })(upstream).pipe(name(`client-${round % 6}`, { registry })).subscribe(s);
        upstream.next(...Array.from({ length: round % 5 }, (_, i) => i));
        if (round % 3 === 0) upstream.complete();
        else s.cancel();
        const current = new Map<string, number>();
        let sum = 0;
        for (const [family, { type, samples }] of scrape(registry)) {
          if (type !== 'COUNTER') continue;
          for (const [labels, v] of samples) {
            current.set(`${family}${JSON.stringify(labels)}`, Number(v));
            if (family === 'sluice_stage_received_total') sum += Number(v);
          }
        }
        // A series present in two consecutive scrapes never went down (one round cannot fold and re-create a name).
        for (const [key, n] of current) if (last.has(key)) expect(n, key).toBeGreaterThanOrEqual(last.get(key)!);
        expect(sum).toBeGreaterThanOrEqual(sumBefore); // over all series, folding moves counts, never loses them
        sumBefore = sum;
        last = current;
      }
      expect(registry.stage(ENDED_STAGE)).toBeDefined();
    });

    it('adds constant labels and a prefix, and exports the content type', () => {
      const registry = createMetricsRegistry();
      registry.register('s', fixed({ buffered: 2 }));
      const text = registry.toPrometheus({ prefix: 'app_', labels: { service: 'orders "eu"' } });
      expect(expositionViolations(text)).toEqual([]);
      expect(text).toContain('app_stage_buffered{stage="s",service="orders \\"eu\\""} 2\n');
      expect(text).toContain('app_registry_stages{service="orders \\"eu\\""} 1\n');
      expect(PROMETHEUS_CONTENT_TYPE).toBe('text/plain; version=0.0.4; charset=utf-8');
    });
  });

  describe('errors', () => {
    it('rejects a prefix or label name the format does not allow', () => {
      const registry = createMetricsRegistry();
      expect(() => registry.toPrometheus({ prefix: '9x' })).toThrow(TypeError);
      expect(() => registry.toPrometheus({ labels: { 'bad-name': 'x' } })).toThrow(TypeError);
      expect(() => registry.toPrometheus({ labels: { stage: 'x' } })).toThrow(/stage and reason are ours/);
      expect(() => registry.toPrometheus({ labels: { __meta: 'x' } })).toThrow(TypeError);
    });

    it('the strict grammar catches what the lenient parser lets through', () => {
      expect(expositionViolations('# TYPE a_total counter\na_total{s="x} 1\n')).toHaveLength(1);
      expect(expositionViolations('# TYPE a gauge\na 1 2 x\n')).toHaveLength(1);
      expect(expositionViolations('# TYPE a counter\na 1\n')).toEqual(['line 2: "a 1": a counter not named *_total']);
      expect(expositionViolations('a 1\n')).toEqual(['line 1: "a 1": a sample with no TYPE']);
      expect(expositionViolations('# TYPE a gauge\na 1\n# TYPE b gauge\nb 1\na{x="1"} 2\n')).toHaveLength(1);
      expect(expositionViolations('# TYPE a gauge\na 1\na 2\n')).toEqual(['line 3: "a 2": a repeated series']);
      expect(expositionViolations('# TYPE a gauge\na 1')).toEqual(['the text does not end with a line feed']);
    });
  });

  describe('empty and edge cases', () => {
    it('an empty registry still exposes valid HELP and TYPE lines and its bound', () => {
      const text = toPrometheus([]);
      expect(expositionViolations(text)).toEqual([]);
      const families = scrape(createMetricsRegistry({ maxStages: 7 }));
      expect(value(families, 'sluice_registry_max_stages', {})).toBe('7');
      expect(families.get('sluice_stage_buffered')!.samples).toEqual([]);
    });
  });
});
