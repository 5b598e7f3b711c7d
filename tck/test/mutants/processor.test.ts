import { describe, expect, it } from 'vitest';
import { FailedPublisher, ReferenceProcessor, verifyProcessor, type Processor, type Subscriber, type Subscription } from '@sluice/tck';
import { expectOnlyTargetFails, mutantEnv, type MutantCase } from './harness';

// Deliberately broken identity processors for the processor's own three tests and one delegated publisher rule.

/** The reference processor, except that an upstream error waits for the next element (§4.2: pass it on at once). */
class HoldsErrorsBehindElements<T> extends ReferenceProcessor<T> {
  private held: Error | null = null;

  override onError(error: Error): void {
    if (error == null) throw new TypeError('§2.13: error required');
    this.held = error; // wrong: kept until the next onNext
  }

  override onNext(element: T): void {
    super.onNext(element);
    if (this.held) super.onError(this.held);
  }
}

/** The reference processor, except that an upstream error reaches only the first subscriber (§1.4: all of them). */
class ErrorsFirstSubscriberOnly<T> extends ReferenceProcessor<T> {
  private subscribers = 0;

  override subscribe(subscriber: Subscriber<T>): void {
    if (subscriber == null) throw new TypeError('§1.9: subscriber required');
    const first = this.subscribers++ === 0;
    super.subscribe({
      onSubscribe: (s) => subscriber.onSubscribe(s),
      onNext: (v) => subscriber.onNext(v),
      onComplete: () => subscriber.onComplete(),
      onError: (e) => {
        if (first) subscriber.onError(e); // wrong: later subscribers never hear of the failure
      },
    });
  }
}

interface Entry<T> {
  readonly subscriber: Subscriber<T>;
  demand: number;
}

/**
 * A compact multicast processor that is correct except for one thing: an element is delivered only to subscribers
 * that have demand when it arrives; idle subscribers lose it instead of getting it once they request (§2.1 via the
 * processor's "requested long ago" test).
 */
class DropsForIdleSubscribers<T> implements Processor<T, T> {
  private upstream: Subscription | null = null;
  private awaiting = false;
  private terminal: { error: Error | null } | null = null;
  private readonly entries = new Set<Entry<T>>();

  onSubscribe(subscription: Subscription): void {
    if (subscription == null) throw new TypeError('§2.13: subscription required');
    if (this.upstream !== null || this.terminal !== null) {
      subscription.cancel();
      return;
    }
    this.upstream = subscription;
    this.pull();
  }

  onNext(element: T): void {
    if (element == null) throw new TypeError('§2.13: element required');
    for (const entry of [...this.entries]) {
      if (entry.demand > 0 && this.entries.has(entry)) {
        entry.demand--;
        entry.subscriber.onNext(element);
      } // wrong: no demand, element lost for this subscriber
    }
    this.awaiting = false;
    this.pull();
  }

  onError(error: Error): void {
    if (error == null) throw new TypeError('§2.13: error required');
    this.finish({ error });
  }

  onComplete(): void {
    this.finish({ error: null });
  }

  subscribe(subscriber: Subscriber<T>): void {
    if (subscriber == null) throw new TypeError('§1.9: subscriber required');
    const entry: Entry<T> = { subscriber, demand: 0 };
    this.entries.add(entry);
    subscriber.onSubscribe({
      request: (n) => {
        if (!this.entries.has(entry)) return;
        if (typeof n !== 'number' || !(n > 0) || (!Number.isInteger(n) && n !== Infinity)) {
          this.remove(entry);
          subscriber.onError(new RangeError(`§3.9: non-positive subscription request ${n}`));
          return;
        }
        entry.demand += n;
        this.pull();
      },
      cancel: () => this.remove(entry),
    });
    if (this.terminal !== null && this.entries.delete(entry)) {
      if (this.terminal.error) subscriber.onError(this.terminal.error);
      else subscriber.onComplete();
    }
  }

  private pull(): void {
    if (this.upstream === null || this.awaiting) return;
    for (const entry of this.entries) {
      if (entry.demand > 0) {
        this.awaiting = true;
        this.upstream.request(1);
        return;
      }
    }
  }

  private remove(entry: Entry<T>): void {
    if (!this.entries.delete(entry)) return;
    if (this.entries.size === 0 && this.upstream !== null) {
      const upstream = this.upstream;
      this.upstream = null;
      upstream.cancel();
    }
  }

  private finish(terminal: { error: Error | null }): void {
    if (this.terminal !== null) return;
    this.terminal = terminal;
    this.upstream = null;
    for (const entry of [...this.entries]) {
      this.entries.delete(entry);
      if (terminal.error) entry.subscriber.onError(terminal.error);
      else entry.subscriber.onComplete();
    }
  }
}

/** Forwards everything it receives and asks upstream for everything at once: no demand of its own (§1.1). */
class IgnoresDownstreamDemand<T> extends ReferenceProcessor<T> {
  override subscribe(subscriber: Subscriber<T>): void {
    super.subscribe({
      onSubscribe: (s) => {
        subscriber.onSubscribe({ request: () => s.request(Infinity), cancel: () => s.cancel() });
        s.request(Infinity);
      },
      onNext: (v) => subscriber.onNext(v),
      onError: (e) => subscriber.onError(e),
      onComplete: () => subscriber.onComplete(),
    });
  }
}

/**
 * The reference processor, except that subscribe(null) leaves a dead entry behind before it throws the right
 * TypeError: the entry is signalled with the others, so the terminal signal throws on it before any real subscriber
 * gets it (§1.9: the rejected call must change nothing).
 */
class KeepsDeadEntry<T> extends ReferenceProcessor<T> {
  private readonly dead: Subscriber<T>[] = [];

  override subscribe(subscriber: Subscriber<T>): void {
    if (subscriber == null) {
      this.dead.push(subscriber); // wrong: the side effect comes before the check
      throw new TypeError('§1.9: subscriber required');
    }
    super.subscribe(subscriber);
  }

  override onComplete(): void {
    for (const entry of this.dead) entry.onComplete();
    super.onComplete();
  }

  override onError(error: Error): void {
    for (const entry of this.dead) entry.onError(error);
    super.onError(error);
  }
}

interface ProcessorMutant extends MutantCase {
  readonly create: () => Processor<number, number>;
}

const MUTANTS: ProcessorMutant[] = [
  {
    title: 'holds an upstream error until the next element', target: 'mustImmediatelyPassOnOnErrorEventsReceivedFromItsUpstreamToItsDownstream',
    create: () => new HoldsErrorsBehindElements<number>(),
    alsoFails: [
      'required_spec104_mustCallOnErrorOnAllItsSubscribersIfItEncountersANonRecoverableError',
      'required_spec210_mustBePreparedToReceiveAnOnErrorSignalWithPrecedingRequestCall',
      'required_spec210_mustBePreparedToReceiveAnOnErrorSignalWithoutPrecedingRequestCall',
    ],
  },
  { title: 'passes an error to its first subscriber only', target: 'required_spec104_mustCallOnErrorOnAllItsSubscribersIfItEncountersANonRecoverableError', create: () => new ErrorsFirstSubscriberOnly<number>() },
  { title: 'loses elements for idle subscribers', target: 'required_mustRequestFromUpstreamForElementsThatHaveBeenRequestedLongAgo', create: () => new DropsForIdleSubscribers<number>() },
];

describe('processor mutants', () => {
  it.each(MUTANTS.map((m) => [m.title, m] as const))('a processor that %s fails its target test', async (_, mutant) => {
    const report = await verifyProcessor<number>({
      createIdentityProcessor: mutant.create, createElement: (i) => i, createFailedPublisher: () => new FailedPublisher(), env: mutantEnv,
    });
    expectOnlyTargetFails(report, mutant);
  });

  it('a processor that keeps a dead entry for subscribe(null) fails the delegated §1.9 test although it threw TypeError', async () => {
    const report = await verifyProcessor<number>({
      createIdentityProcessor: (n) => new KeepsDeadEntry<number>(n), createElement: (i) => i, env: mutantEnv, only: ['1.9'],
      captureUncaughtErrors: true, // the dead entry's TypeError escapes from the helper's macrotask, as on the JVM
    });
    expect(report.results.filter((r) => r.status === 'failed').map((r) => r.id)).toEqual(['required_spec109_subscribeThrowTypeErrorOnNullSubscriber']);
    expect(report.results.find((r) => r.status === 'failed')!.message).toMatch(
      /^§1\.9: .*after subscribe\(null\) and subscribe\(undefined\) threw/,
    );
    // the same class without the dead entry passes: the verdict is about the side effect, not about the processor
    const clean = await verifyProcessor<number>({ createIdentityProcessor: (n) => new ReferenceProcessor<number>(n), createElement: (i) => i, env: mutantEnv, only: ['1.9'] });
    expect(clean.summary.failed).toBe(0);
  });

  it('a processor that ignores downstream demand fails the delegated §1.1 test', async () => {
    const report = await verifyProcessor<number>({
      createIdentityProcessor: () => new IgnoresDownstreamDemand<number>(), createElement: (i) => i, env: mutantEnv, only: ['1.1'],
    });
    const result = report.results.find((r) => r.id === 'required_spec101_subscriptionRequestMustResultInTheCorrectNumberOfProducedElements')!;
    expect(result.status).toBe('failed');
    expect(result.message).toMatch(/^§1\.1: /);
  });
});
