// Reference release (§3.13) for the sinks: once a sink is cancelled (cancel, abort, unsubscribe, return()) or its
// upstream terminated, the upstream that lives on no longer reaches the sink's user callbacks.
import { describe, expect, it } from 'vitest';
import { BaseSubscriber } from '../../src/sinks/BaseSubscriber';
import { consume } from '../../src/sinks/consume';
import { firstValue } from '../../src/sinks/firstValue';
import { forEach } from '../../src/sinks/forEach';
import { lastValue } from '../../src/sinks/lastValue';
import { subscribeObserver, toInteropObservable } from '../../src/sinks/subscribeObserver';
import { toArray } from '../../src/sinks/toArray';
import { toAsyncIterable } from '../../src/sinks/toAsyncIterable';
import { toFlow } from '../../src/internal/lift';
import { TestPublisher } from '../../src/testing/TestPublisher';
import { captureReportedErrors } from '../../src/testing/reportedErrors';
import { collectGarbage } from '../support/collectGarbage';

type Ending = 'cancel' | 'complete' | 'error';

interface SinkCase {
  name: string;
  /** Starts the sink with `callback` as its user code; returns how to cancel it. */
  start(upstream: TestPublisher<number>, callback: (value: unknown) => void): () => void;
}

class Hooks extends BaseSubscriber<number> {
  constructor(private readonly callback: (value: unknown) => void) {
    super();
  }
  protected override hookOnNext(value: number): void {
    this.callback(value);
  }
  protected override hookOnError(): void {}
}

const ignore = (promise: Promise<unknown>) => { promise.catch(() => {}); };

const cases: SinkCase[] = [
  { name: 'consume', start: (up, cb) => { const h = consume(up, { next: cb, error: () => {}, initialRequest: 'unbounded' }); return () => h.cancel(); } },
  { name: 'BaseSubscriber', start: (up, cb) => { const s = new Hooks(cb); toFlow(up).subscribe(s); return () => (s as unknown as { cancel(): void }).cancel(); } },
  {
    name: 'forEach',
    start: (up, cb) => { const a = new AbortController(); ignore(forEach(up, cb, { signal: a.signal, prefetch: 4 })); return () => a.abort(); },
  },
  { name: 'toArray', start: (up, cb) => { const a = new AbortController(); ignore(toArray(up, { signal: a.signal }).then(cb)); return () => a.abort(); } },
  { name: 'firstValue', start: (up, cb) => { const a = new AbortController(); ignore(firstValue(up, { signal: a.signal }).then(cb)); return () => a.abort(); } },
  { name: 'lastValue', start: (up, cb) => { const a = new AbortController(); ignore(lastValue(up, { signal: a.signal }).then(cb)); return () => a.abort(); } },
  {
    name: 'toAsyncIterable',
    start: (up, cb) => {
      const it = toAsyncIterable(up, { prefetch: 4 })[Symbol.asyncIterator]();
      ignore(it.next().then(cb));
      return () => { ignore(it.return!()); };
    },
  },
  { name: 'subscribeObserver', start: (up, cb) => { const s = subscribeObserver(up, { next: cb, error: () => {} }, { prefetch: 4 }); return () => s.unsubscribe(); } },
  { name: 'toInteropObservable', start: (up, cb) => { const s = toInteropObservable(up).subscribe({ next: cb, error: () => {} }); return () => s.unsubscribe(); } },
];

async function startAndEnd(sink: SinkCase, upstream: TestPublisher<number>, ending: Ending): Promise<WeakRef<object>> {
  const callback = (_value: unknown): void => {};
  const cancel = sink.start(upstream, callback);
  await new Promise<void>((resolve) => setImmediate(resolve));
  if (upstream.subscriber !== null && upstream.outstanding > 0) upstream.next(1);
  if (ending === 'cancel') cancel();
  else if (upstream.subscriber !== null && !upstream.cancelled && !upstream.terminated) {
    if (ending === 'complete') upstream.complete();
    else upstream.error(new Error('upstream failed'));
  }
  for (let i = 0; i < 3; i++) await new Promise<void>((resolve) => setImmediate(resolve));
  return new WeakRef(callback);
}

describe('sinks release their callbacks after the end (§3.13)', () => {
  for (const sink of cases) {
    it(`${sink.name} releases its user callback after cancel, completion and error`, async () => {
      const upstreams: TestPublisher<number>[] = []; // live on past the collection
      const refs: Array<[Ending, WeakRef<object>]> = [];
      const reported = captureReportedErrors();
      try {
        for (const ending of ['cancel', 'complete', 'error'] as const) {
          const upstream = new TestPublisher<number>();
          upstreams.push(upstream);
          refs.push([ending, await startAndEnd(sink, upstream, ending)]);
        }
      } finally {
        reported.restore();
        reported.errors.length = 0;
      }
      await collectGarbage();
      expect(refs.filter(([, ref]) => ref.deref() !== undefined).map(([ending]) => ending)).toEqual([]);
      expect(upstreams.every((up) => up.subscriber !== null || sink.name === 'toAsyncIterable')).toBe(true);
    });
  }
});
