// Property suite: every sink over a hostile upstream. The schedule's upstream steps feed the sink, its `request`
// steps go to the sink's own demand control where it has one (consume, BaseSubscriber, the async iterator's
// next()), and `cancel` is the sink's own way out (cancel, abort, unsubscribe, return()).
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { BaseSubscriber } from '../../src/sinks/BaseSubscriber';
import { consume } from '../../src/sinks/consume';
import { firstValue } from '../../src/sinks/firstValue';
import { forEach } from '../../src/sinks/forEach';
import { lastValue } from '../../src/sinks/lastValue';
import { subscribeObserver, toInteropObservable } from '../../src/sinks/subscribeObserver';
import { toArray } from '../../src/sinks/toArray';
import { toAsyncIterable } from '../../src/sinks/toAsyncIterable';
import { toFlow } from '../../src/internal/lift';
import type { Publisher } from '../../src/spec/Publisher';
import { TestPublisher } from '../../src/testing/TestPublisher';
import { captureReportedErrors } from '../../src/testing/reportedErrors';
import { type Bound, type Step, RUNS, check, prefetch, stepArbitrary, unbounded } from './harness';

/** What a sink reports back; the probe records every rule it sees broken. */
class Probe {
  readonly violations: string[] = [];
  outcome: string | null = null;
  nexts = 0;
  next(): void {
    if (this.outcome !== null) this.violations.push(`a value after the outcome ${this.outcome}`);
    this.nexts++;
  }
  end(outcome: string): void {
    if (this.outcome !== null) this.violations.push(`a second outcome ${outcome} after ${this.outcome}`);
    this.outcome = outcome;
  }
}

interface SinkControl {
  request?(n: number): void;
  cancel(): void;
}

interface SinkSubject {
  name: string;
  /** Upper bound of the upstream's total requested. */
  bound: Bound;
  start(upstream: Publisher<number>, probe: Probe): SinkControl;
  /** The sink ends by itself once the upstream completes (no further consumer action needed). Default true. */
  endsOnComplete?: boolean;
}

const settleOutcome = (probe: Probe, promise: Promise<unknown>): void => {
  promise.then(() => probe.end('resolved'), (e: unknown) => probe.end(`rejected: ${String(e)}`));
};

class Batches extends BaseSubscriber<number> {
  constructor(private readonly probe: Probe) {
    super();
  }
  protected override hookOnSubscribe(): void {
    this.request(2);
  }
  protected override hookOnNext(): void {
    this.probe.next();
  }
  protected override hookOnComplete(): void {
    this.probe.end('complete');
  }
  protected override hookOnError(error: Error): void {
    this.probe.end(`error: ${error.message}`);
  }
  protected override hookOnCancel(): void {
    this.probe.end('cancel');
  }
  more(n: number): void {
    this.request(n);
  }
  stop(): void {
    this.cancel();
  }
}

const sinkSubjects: SinkSubject[] = [
  {
    name: 'consume', bound: (c) => c.requested + 1, // initialRequest: 1
    start: (up, probe) => {
      const handle = consume(up, {
        next: () => probe.next(), error: (e) => probe.end(`error: ${e.message}`), complete: () => probe.end('complete'), initialRequest: 1,
      });
      return { request: (n) => handle.request(n), cancel: () => handle.cancel() };
    },
  },
  {
    name: 'BaseSubscriber', bound: (c) => c.requested + 2, // hookOnSubscribe requests 2
    start: (up, probe) => {
      const s = new Batches(probe);
      // Through the boundary adapter, as every sluice Flow subscribes it: BaseSubscriber itself trusts its publisher
      // on demand (§1.1 is the publisher's rule), so a foreign publisher is wrapped first.
      toFlow(up).subscribe(s);
      return { request: (n) => s.more(n), cancel: () => s.stop() };
    },
  },
  {
    name: 'forEach', bound: prefetch(4),
    start: (up, probe) => {
      const abort = new AbortController();
      settleOutcome(probe, forEach(up, (x) => { probe.next(); if (x === 13) throw new Error('fn threw'); }, { prefetch: 4, signal: abort.signal }));
      return { cancel: () => abort.abort() };
    },
  },
  {
    name: 'toArray', bound: unbounded,
    start: (up, probe) => {
      const abort = new AbortController();
      settleOutcome(probe, toArray(up, { limit: 6, signal: abort.signal }));
      return { cancel: () => abort.abort() };
    },
  },
  {
    name: 'firstValue', bound: unbounded,
    start: (up, probe) => {
      const abort = new AbortController();
      settleOutcome(probe, firstValue(up, { signal: abort.signal }));
      return { cancel: () => abort.abort() };
    },
  },
  {
    name: 'lastValue', bound: unbounded,
    start: (up, probe) => {
      const abort = new AbortController();
      settleOutcome(probe, lastValue(up, { defaultValue: -1, signal: abort.signal }));
      return { cancel: () => abort.abort() };
    },
  },
  {
    name: 'toAsyncIterable', bound: prefetch(3), endsOnComplete: false,
    start: (up, probe) => {
      const iterator = toAsyncIterable(up, { prefetch: 3 })[Symbol.asyncIterator]();
      let finished = false;
      const pull = () => {
        iterator.next().then((r) => {
          if (r.done) { if (!finished) { finished = true; probe.end('done'); } } else probe.next();
        }, (e: unknown) => { finished = true; probe.end(`rejected: ${String(e)}`); });
      };
      return {
        request: (n) => { if (n > 0 && n < 10) for (let i = 0; i < n; i++) pull(); else pull(); },
        cancel: () => { void iterator.return?.(); },
      };
    },
  },
  {
    name: 'subscribeObserver', bound: prefetch(4),
    start: (up, probe) => {
      const sub = subscribeObserver(up, { next: () => probe.next(), error: (e) => probe.end(`error: ${String(e)}`), complete: () => probe.end('complete') }, { prefetch: 4 });
      return { cancel: () => sub.unsubscribe() };
    },
  },
  {
    name: 'toInteropObservable', bound: (c) => c.emitted + 256,
    start: (up, probe) => {
      const sub = toInteropObservable(up).subscribe({ next: () => probe.next(), error: (e) => probe.end(`error: ${String(e)}`), complete: () => probe.end('complete') });
      return { cancel: () => sub.unsubscribe() };
    },
  },
];

const flush = async () => {
  for (let i = 0; i < 2; i++) await new Promise<void>((resolve) => setImmediate(resolve));
};

async function runSink(subject: SinkSubject, steps: Step[]): Promise<string[]> {
  const reported = captureReportedErrors();
  const up = new TestPublisher<number>({ allow: { overDelivery: true, afterTerminal: true, nulls: true, ignoreCancel: true } });
  const probe = new Probe();
  const problems: string[] = [];
  let emitted = 0;
  let requested = 0;
  let value = 1;
  let cancelled = false;
  let hostile = false;
  try {
    const control = subject.start(up, probe);
    await flush();
    for (const [index, step] of steps.entries()) {
      const where = `step ${index} ${JSON.stringify(step)}`;
      const live = up.subscriber !== null && !up.cancelled && !up.terminated;
      switch (step.kind) {
        case 'request':
          if (control.request) {
            if (step.n > 0) requested = requested + step.n >= Number.MAX_SAFE_INTEGER ? Infinity : requested + step.n;
            control.request(step.n);
          }
          break;
        case 'cancel':
          cancelled = true;
          control.cancel();
          break;
        case 'emit':
          for (let k = 0; k < step.count && up.subscriber !== null && !up.cancelled && !up.terminated && up.outstanding > 0; k++) {
            emitted++;
            up.next(value++);
          }
          break;
        case 'overEmit':
          if (live && up.outstanding <= 0) { hostile = true; emitted++; up.next(value++); }
          break;
        case 'emitNull':
          if (live) {
            try {
              up.next(null as unknown as number);
              hostile = true;
            } catch (error) {
              // §2.13 a sink subscribed directly may throw on null instead of cancelling; the null used no demand.
              if (!(error instanceof TypeError)) problems.push(`${where}: onNext(null) threw ${String(error)}`);
              up.outstanding++;
            }
          }
          break;
        case 'complete':
          if (live) up.complete();
          break;
        case 'error':
          if (live) up.error(new Error('upstream failed'));
          break;
        case 'afterTerminal':
          if (up.subscriber !== null && (up.terminated || up.cancelled)) up.next(value++);
          break;
        case 'advance':
          break;
      }
      await flush();
      const limit = subject.bound({ requested, received: probe.nexts, emitted, previousRequested: 0, previousEmitted: 0 });
      if (up.totalRequested > limit) problems.push(`after ${where}: upstream requested ${up.totalRequested} > bound ${limit}`);
      if (hostile && !up.cancelled) problems.push(`after ${where}: hostile upstream not cancelled`);
      if (cancelled && up.subscriber !== null && !up.cancelled && !up.terminated) problems.push(`after ${where}: the sink was cancelled but its upstream was not`);
      if (problems.length > 0 || probe.violations.length > 0) break;
    }
    if (problems.length === 0 && !cancelled && (subject.endsOnComplete ?? true)) {
      if (up.subscriber !== null && !up.cancelled && !up.terminated) up.complete();
      await flush();
      if (probe.outcome === null && !up.cancelled) problems.push('no outcome after the upstream completed');
    }
  } finally {
    reported.restore();
  }
  return [...probe.violations, ...problems];
}

describe('sinks: properties under random schedules', () => {
  for (const subject of sinkSubjects) {
    it(`${subject.name} bounds its demand, ends once and contains a hostile upstream under random schedules`, async () => {
      const property = fc.asyncProperty(fc.array(stepArbitrary(1, true), { minLength: 1, maxLength: 25 }), async (steps) => {
        const violations = await runSink(subject, steps);
        if (violations.length > 0) throw new Error(`${subject.name}: ${violations.join('; ')}`);
      });
      await check(property, Math.max(1, Math.round(RUNS / 4)));
    }, 60_000);
  }
});
