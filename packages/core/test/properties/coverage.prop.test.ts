// Every stage exported from @sluice/core has property coverage, and the harness's invariants can fail.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as core from '../../src/index';
import { lift, toFlow } from '../../src/internal/lift';
import { ForwardingSubscriber } from '../../src/internal/ForwardingSubscriber';
import type { Publisher } from '../../src/spec/Publisher';
import { type Subject, runSchedule } from './harness';

/** Runtime exports that are not sources, operators, processors or sinks, with the reason. */
const NOT_A_STAGE: Record<string, string> = {
  Flow: 'the base class every stage returns',
  ConnectableFlow: 'the result type of publish/replay (covered there)',
  SharedFlow: 'the result type of share (covered there)',
  BroadcastFlow: 'the result type of broadcast (covered there)',
  ExpandDepthError: 'an error class',
  GroupedFlow: 'the inner flow type of groupBy (covered there)',
  lift: 'the engine every operator is built with (covered through them)',
  DrainSubscription: 'engine base class (covered through every source and queue operator)',
  ForwardingSubscriber: 'engine base class (covered through every pass-through operator)',
  RingBuffer: 'a data structure', OverflowBuffer: 'a data structure',
  UNBOUNDED: 'a constant', DEFAULT_OBSERVABLE_PREFETCH: 'a constant', DEFAULT_OBSERVE_ON_PREFETCH: 'a constant',
  DEFAULT_SINK_PREFETCH: 'a constant', DEFAULT_TO_ARRAY_LIMIT: 'a constant', observableKey: 'a constant',
  CancellationError: 'an error class', OverflowError: 'an error class', TimeoutError: 'an error class', EmptyError: 'an error class',
  replenishAt: 'a demand helper', requirePositiveBound: 'a validation helper', requireOverflowStrategy: 'a validation helper',
  reportError: 'the error reporting hook',
  reportDroppedError: 'the hook for errors that arrive after cancellation (test/internal/report.test.ts)',
  onErrorDropped: 'installs the hook for errors that arrive after cancellation (test/internal/report.test.ts)',
  VirtualTimeScheduler: 'a scheduler (drives the time properties)', timerScheduler: 'a scheduler', microtaskScheduler: 'a scheduler',
  macrotaskScheduler: 'a scheduler',
  ENDED_STAGE: 'a constant', OVERFLOW_STAGE: 'a constant', PROMETHEUS_CONTENT_TYPE: 'a constant',
  dropReason: 'a metrics helper', toPrometheus: 'the Prometheus exposition of a registry (not a stage)',
  pipe: 'composes operators and adds no stage of its own (covered through the operators it composes)',
  MetricsRegistry: 'the metrics registry (not a stage)', createMetricsRegistry: 'the metrics registry factory (not a stage)',
};

const here = fileURLToPath(new URL('.', import.meta.url));

/** Names of the subjects in ./subjects/*.ts and in the suites that keep their own table (sinks). */
function coveredNames(): Set<string> {
  const names = new Set<string>();
  const files = [
    ...readdirSync(here + 'subjects').filter((f) => f.endsWith('.ts')).map((f) => here + 'subjects/' + f),
    ...readdirSync(here).filter((f) => f.endsWith('.prop.test.ts') && f !== 'coverage.prop.test.ts').map((f) => here + f),
  ];
  for (const file of files) {
    for (const match of readFileSync(file, 'utf8').matchAll(/\bname: '([A-Za-z]+)'/g)) names.add(match[1]!);
  }
  return names;
}

describe('property coverage', () => {
  it('covers every source, operator, processor and sink exported from the package', () => {
    const covered = coveredNames();
    const missing = Object.keys(core).filter((name) => !(name in NOT_A_STAGE) && !covered.has(name)).sort();
    expect(missing).toEqual([]);
  });

  it('lists no stale exceptions', () => {
    expect(Object.keys(NOT_A_STAGE).filter((name) => !(name in core))).toEqual([]);
  });
});

// ---- The harness can fail: broken stages are caught ---------------------------------------------------------------

class Doubling<T> extends ForwardingSubscriber<T> {
  onNext(value: T): void {
    this.downstream.onNext(value);
  }
  override request(n: number): void {
    this.upstream!.request(n > 0 && n < 1e9 ? n * 2 : n); // asks for twice the demand: over the pass-through bound
  }
}

class IgnoresCancel<T> extends ForwardingSubscriber<T> {
  onNext(value: T): void {
    this.downstream.onNext(value);
  }
  override cancel(): void {} // keeps delivering after cancel
}

const broken = (name: string, make: (source: Publisher<number>) => Publisher<number>): Subject => ({
  name, upstreams: 1, build: (env) => make(env.upstreams[0]!),
});

describe('the harness', () => {
  it('catches a stage that requests more upstream than its bound', async () => {
    const subject = broken('doubling', (s) => lift(s, (d) => new Doubling(d)));
    const violations = await runSchedule(subject, [{ kind: 'request', n: 2 }], []);
    expect(violations.join()).toMatch(/requested 4 > bound 2/);
  });

  it('catches a stage that keeps signalling after cancel', async () => {
    const subject = broken('ignoresCancel', (s) => lift(s, (d) => new IgnoresCancel(d)));
    const violations = await runSchedule(subject, [
      { kind: 'request', n: 3 }, { kind: 'cancel' }, { kind: 'emit', upstream: 0, count: 1 },
    ], []);
    expect(violations.join()).toMatch(/after cancel\(\) returned|was not/);
  });

  it('catches a raw upstream that delivers beyond demand when no boundary adapter contains it', async () => {
    const subject: Subject = { name: 'raw', upstreams: 1, build: (env) => ({ subscribe: (s) => env.upstreams[0]!.subscribe(s) }) };
    const violations = await runSchedule(subject, [{ kind: 'overEmit', upstream: 0 }], []);
    expect(violations.join()).toMatch(/§1\.1/);
  });

  it('accepts the boundary adapter, which contains the same upstream', async () => {
    const subject: Subject = { name: 'adapted', upstreams: 1, build: (env) => toFlow(env.upstreams[0]!) };
    expect(await runSchedule(subject, [{ kind: 'overEmit', upstream: 0 }, { kind: 'request', n: 1.5 }], [])).toEqual([]);
  });
});
