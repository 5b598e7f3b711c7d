import { createMetricsRegistry, ENDED_STAGE, type StageMetrics, type StageSnapshot } from '@sluice/core';
import { describe, expect, it } from 'vitest';
import { FrameBuilder, flowColumns, frameJson } from '@sluice/inspector';

const link = (stage: string, ...upstreams: string[]) => ({ stage, upstreams });

/** An Inspectable whose numbers the test sets. */
function fixed(values: Partial<StageSnapshot> = {}) {
  const snapshot: StageSnapshot = {
    stage: 'fixed', capacity: 0, buffered: 0, requested: 0, upstreamRequested: 0, received: 0, emitted: 0, dropped: 0,
    terminated: false, cancelled: false, ...values,
  };
  return { snapshot, inspect: () => ({ ...snapshot }) };
}

describe('flowColumns', () => {
  it('lays source, operators and sink left to right, a fan-in right of all its inputs', () => {
    const columns = flowColumns([
      link('orders'), link('refunds'), link('parse', 'orders'), link('merged', 'parse', 'refunds'),
      link('audit', 'merged'), link('store', 'merged'),
    ]);
    expect(Object.fromEntries(columns)).toEqual({ orders: 0, refunds: 0, parse: 1, merged: 2, audit: 3, store: 3 });
  });

  it('ignores links to stages not held, and terminates on a cycle', () => {
    expect(Object.fromEntries(flowColumns([link('a', 'gone'), link('b', 'a')]))).toEqual({ a: 0, b: 1 });
    const cyclic = flowColumns([link('a', 'b'), link('b', 'a'), link('self', 'self')]);
    expect(cyclic.get('self')).toBe(0);
    expect([...cyclic.values()].every((c) => Number.isInteger(c) && c <= 2)).toBe(true);
  });
});

describe('FrameBuilder', () => {
  it('computes rates from the counters between samples and keeps a bounded depth history', () => {
    const registry = createMetricsRegistry();
    const stage = fixed({ capacity: 10 });
    registry.register('s', stage);
    const frames = new FrameBuilder(500, 3, 0.8);
    expect(frames.sample(registry.snapshot(), 0).stages[0]).toMatchObject({ inRate: 0, outRate: 0, dropRate: 0 });
    Object.assign(stage.snapshot, { received: 50, emitted: 20, dropped: 5, buffered: 30 });
    expect(frames.sample(registry.snapshot(), 500).stages[0]).toMatchObject({ inRate: 100, outRate: 40, dropRate: 10, buffered: 30 });
    Object.assign(stage.snapshot, { buffered: 7 });
    frames.sample(registry.snapshot(), 1000);
    Object.assign(stage.snapshot, { buffered: 9 });
    frames.sample(registry.snapshot(), 1500);
    // Four samples into a history of three: the oldest made room.
    expect(frames.fullFrame().stages[0]!.history).toEqual([30, 7, 9]);
    expect(frames.fullFrame()).toMatchObject({ t: 1500, uptimeMs: 1500, full: true, periodMs: 500, historyLength: 3, warnAt: 0.8 });
  });

  it('forgets a stage the registry released, and marks the totals and the fan-out links', () => {
    const registry = createMetricsRegistry({ ended: 'fold' });
    registry.register('src', fixed());
    const unregister = registry.register('a', fixed(), ['src']);
    registry.register('b', fixed(), ['src']);
    const frames = new FrameBuilder(1000, 5, 0.8);
    const first = frames.sample(registry.snapshot(), 0);
    expect(first.stages.find((s) => s.stage === 'src')).toMatchObject({ column: 0, downstreams: ['a', 'b'], upstreams: [] });
    expect(first.stages.find((s) => s.stage === 'b')).toMatchObject({ column: 1, upstreams: ['src'] });
    unregister(); // 'a' folds into the (ended) total
    const second = frames.sample(registry.snapshot(), 1000);
    expect(second.stages.map((s) => s.stage)).toEqual(['src', 'b', ENDED_STAGE]);
    expect(second.stages.find((s) => s.stage === ENDED_STAGE)).toMatchObject({ total: true, cancelled: 1 });
    expect(second.stages.find((s) => s.stage === 'src')!.downstreams).toEqual(['b']);
    expect(frames.fullFrame().stages.map((s) => s.history)).toEqual([[0, 0], [0, 0], [0]]);
  });

  it('never reports a negative rate when a re-registered stage starts its counters again', () => {
    const frames = new FrameBuilder(1000, 5, 0.8);
    const at = (received: number): StageMetrics[] => [{
      stage: 's', upstreams: [], subscriptions: 1, capacity: 0, buffered: 0, deepest: 0, fillRatio: 0, requested: 0,
      upstreamRequested: 0, received, emitted: 0, dropped: 0, droppedByReason: {}, errors: 0, completed: 0, cancelled: 0,
      details: [],
    }];
    frames.sample(at(100), 0);
    expect(frames.sample(at(3), 1000).stages[0]!.inRate).toBe(0);
  });
});

describe('frameJson', () => {
  it('spells unbounded numbers as strings, since JSON has no Infinity', () => {
    const frames = new FrameBuilder(1000, 2, 0.8);
    const registry = createMetricsRegistry();
    registry.register('open', fixed({ requested: Infinity }));
    const json = JSON.parse(frameJson(frames.sample(registry.snapshot(), 0)));
    expect(json.stages[0].requested).toBe('Infinity');
    expect(json.stages[0].capacity).toBe(0);
  });
});
