// Property subjects: every source. Pull sources are driven by the schedule's requests alone; push sources (create,
// createSink) and the Publisher-wrapping ones (from, defer) are fed by the schedule's upstream steps.
import { create, type CreateEmitter } from '../../../src/sources/create';
import { EventEmitter } from 'node:events';
import { fromEvent } from '../../../src/sources/fromEvent';
import { createQueue, type IngressQueue } from '../../../src/sources/createQueue';
import { createSink } from '../../../src/sources/createSink';
import { defer } from '../../../src/sources/defer';
import { empty } from '../../../src/sources/empty';
import { fail } from '../../../src/sources/fail';
import { from } from '../../../src/sources/from';
import { fromAsyncIterable } from '../../../src/sources/fromAsyncIterable';
import { generate } from '../../../src/sources/generate';
import { interval } from '../../../src/sources/interval';
import { never } from '../../../src/sources/never';
import { of } from '../../../src/sources/of';
import { range } from '../../../src/sources/range';
import { timer } from '../../../src/sources/timer';
import { flowOf } from '../../../src/Flow';
import { toFlow } from '../../../src/internal/lift';
import type { Publisher } from '../../../src/spec/Publisher';
import type { Subscriber } from '../../../src/spec/Subscriber';
import type { Subscription } from '../../../src/spec/Subscription';
import { type Env, type Subject, passThrough, unbounded } from '../harness';

/** Feeds a push source from a TestPublisher: asks it for everything, relays its signals, cancels it on cancel. */
function relay(upstream: Publisher<number>, target: { next(v: number): unknown; complete(): void; error(e: unknown): void }): () => void {
  let subscription: Subscription | null = null;
  upstream.subscribe({
    onSubscribe: (s) => { subscription = s; s.request(Infinity); },
    onNext: (v) => { target.next(v); },
    onError: (e) => target.error(e),
    onComplete: () => target.complete(),
  });
  return () => subscription?.cancel();
}

async function* countTo(n: number): AsyncGenerator<number> {
  for (let i = 1; i <= n; i++) yield i;
}

/** What a createQueue run offered and saw dropped, for the conservation check in its `verify`. */
const queueRuns = new WeakMap<Env, { queue: IngressQueue<number>; offered: number; dropped: number }>();

export const sourceSubjects: Subject[] = [
  { name: 'range', upstreams: 0, build: () => range(1, 12) },
  { name: 'of', upstreams: 0, build: () => of(1, 2, 3, 4, 5) },
  { name: 'from', upstreams: 0, build: () => from([1, 2, 3, 4, 5, 6]) },
  { name: 'from', upstreams: 0, build: () => from(new Set([1, 2, 3, 4])) },
  // A foreign Publisher: the strict boundary adapter must contain every hostile signal.
  { name: 'from', upstreams: 1, bound: passThrough, build: (env) => from(env.upstreams[0]!) },
  { name: 'from', upstreams: 0, async: true, runs: 50, build: () => from(Promise.resolve(7)) },
  { name: 'fromAsyncIterable', upstreams: 0, async: true, runs: 50, build: () => fromAsyncIterable(countTo(6), { prefetch: 2 }) },
  { name: 'toFlow', upstreams: 1, bound: passThrough, build: (env) => toFlow(env.upstreams[0]!) },
  { name: 'flowOf', upstreams: 0, build: (env) => flowOf<number>(env.track((subscriber: Subscriber<number>) => range(1, 4).subscribe(subscriber))) },
  { name: 'empty', upstreams: 0, build: () => empty() },
  { name: 'never', upstreams: 0, terminates: false, build: () => never() },
  { name: 'fail', upstreams: 0, build: () => fail(new Error('failed source')) },
  { name: 'defer', upstreams: 1, bound: passThrough, build: (env) => defer(env.track(() => env.upstreams[0]!)) },
  {
    name: 'generate', upstreams: 0,
    build: (env) => generate<number, number>(0, env.track((i: number, emit) => { if (i < 9) emit.next(i + 1); else emit.complete(); return i + 1; })),
  },
  { name: 'interval', upstreams: 0, terminates: false, build: (env) => interval(3, { scheduler: env.scheduler }) },
  { name: 'timer', upstreams: 0, build: (env) => timer(5, { scheduler: env.scheduler }) },
  {
    name: 'create', upstreams: 1, bound: unbounded, hostile: false,
    build: (env) => create<number>(env.track((emitter: CreateEmitter<number>) => {
      const cancel = relay(env.upstreams[0]!, emitter);
      emitter.onCancel(cancel);
    }), { capacity: 3, overflow: 'drop-oldest' }),
  },
  {
    // the ingress queue under an age budget: every offered item is shed, delivered, dropped with a reason, or waiting
    name: 'createQueue', upstreams: 1, bound: unbounded, hostile: false, cancelsUpstream: false,
    build: (env) => {
      const run = { queue: null as unknown as IngressQueue<number>, offered: 0, dropped: 0 };
      run.queue = createQueue<number>({ capacity: 3, maxAge: 4, scheduler: env.scheduler, onDrop: () => run.dropped++ });
      queueRuns.set(env, run);
      relay(env.upstreams[0]!, { next: (v) => { run.offered++; return run.queue.offer(v); }, complete: () => run.queue.complete(), error: (e) => run.queue.error(e) });
      return run.queue.flow;
    },
    verify: (env) => {
      const run = queueRuns.get(env)!;
      const q = run.queue.inspect();
      const problems: string[] = [];
      if (q.received + q.shed !== run.offered) problems.push(`offered ${run.offered} ≠ accepted ${q.received} + shed ${q.shed}`);
      if (q.received !== q.emitted + q.dropped + q.buffered) {
        problems.push(`accepted ${q.received} ≠ delivered ${q.emitted} + dropped ${q.dropped} + waiting ${q.buffered}`);
      }
      if (run.dropped !== q.dropped) problems.push(`onDrop ran ${run.dropped} times for ${q.dropped} drops`);
      if (q.buffered > 6) problems.push(`${q.buffered} waiting items exceed 2 × capacity`);
      return problems;
    },
  },
  {
    // events relayed through an EventEmitter: they ignore demand, the bounded buffer drops the oldest
    name: 'fromEvent', upstreams: 1, bound: unbounded, hostile: false, cancelsUpstream: false, terminates: false, catchesErrors: true,
    build: (env) => {
      const emitter = new EventEmitter();
      relay(env.upstreams[0]!, { next: (v) => emitter.emit('item', v), complete: () => {}, error: () => {} });
      return fromEvent<number>(emitter, 'item', { capacity: 3, overflow: 'drop-oldest', maxAge: 6, scheduler: env.scheduler });
    },
  },
  {
    name: 'createSink', upstreams: 1, bound: unbounded, hostile: false, cancelsUpstream: false,
    build: (env) => { const sink = createSink<number>({ overflow: 'latest' }); relay(env.upstreams[0]!, sink); return sink.flow; },
  },
  {
    name: 'createSink', upstreams: 1, subscribers: 3, bound: unbounded, hostile: false, cancelsUpstream: false,
    build: (env) => { const sink = createSink<number>({ capacity: 3, overflow: 'drop-oldest' }); relay(env.upstreams[0]!, sink); return sink.flow; },
  },
];
