import { describe, expect, it } from 'vitest';
import {
  AsyncReferencePublisher, HELPER_ELEMENT_BUDGET, ReferenceProcessor, ReferencePublisher, verifyProcessor, verifyPublisher,
  type Processor, type Publisher, type Subscriber, type Subscription,
} from '@sluice/tck';
import { mutantEnv } from './mutants/harness';

// Hostile subjects for the guards of the programmatic API: each must get the right verdict and a report, fast.
// (The ones that block the event loop for good need the CLI's supervisor: test/cli-process.test.ts.)

/** Calls nothing at all: subscribe() returns and no signal ever comes. */
const silent: Publisher<number> = {
  subscribe(subscriber) {
    if (subscriber == null) throw new TypeError('§1.9: subscriber required');
  },
};

describe('watchdogs', () => {
  it('fails a test that outlives its watchdog, naming its rule and what it was waiting for', async () => {
    const report = await verifyPublisher({
      createPublisher: () => silent,
      env: { ...mutantEnv, defaultTimeoutMillis: 5_000 },
      testTimeoutMillis: 150,
      only: ['required_spec101_subscriptionRequestMustResultInTheCorrectNumberOfProducedElements'],
    });
    expect(report.results.map((r) => [r.status, r.message])).toEqual([
      ['failed', '§1.1: the test did not finish within 150 ms (its watchdog); it was waiting up to 5000 ms for onSubscribe'],
    ]);
  });

  it('stops starting tests at the run deadline and reports the rest as not run', async () => {
    const report = await verifyPublisher({
      createPublisher: () => silent,
      env: { ...mutantEnv, defaultTimeoutMillis: 5_000 },
      deadlineMillis: 150,
      only: ['3.9'],
    });
    expect(report.results).toHaveLength(6);
    expect(report.results[0]).toMatchObject({ status: 'failed', message: expect.stringMatching(/^§3\.9: the test did not finish within \d+ ms \(the run's deadline\); it was waiting up to 5000 ms for onSubscribe$/) });
    for (const r of report.results.slice(1)) {
      expect(r).toMatchObject({ status: 'skipped', message: "Not run: the run's deadline of 150 ms passed (after required_spec309_requestZeroMustSignalRangeError)" });
    }
  });

  it('rejects an only filter that selects nothing, or bad limits, instead of running 0 tests', async () => {
    await expect(verifyPublisher({ createPublisher: () => silent, only: ['4.2'] })).rejects.toThrow(
      'only: "4.2" matches no test of the publisher verification (give a rule such as 3.9, a section such as 3, or a test id)',
    );
    await expect(verifyPublisher({ createPublisher: () => silent, testTimeoutMillis: 0 })).rejects.toThrow(RangeError);
  });
});

/** Identity processor that ignores the cancel of its upstream: it keeps the upstream when its last subscriber leaves. */
class KeepsUpstream<T> extends ReferenceProcessor<T> {
  private first = true;
  override onSubscribe(subscription: Subscription): void {
    if (subscription == null) throw new TypeError('§2.13: subscription required');
    if (!this.first) return super.onSubscribe(subscription); // a second upstream is still cancelled (§2.5)
    this.first = false;
    super.onSubscribe({ request: (n) => subscription.request(n), cancel: () => {} });
  }
}

/** Keeps its upstream like KeepsUpstream, and throws from onNext once its only subscriber has left (§2.13). */
class KeepsUpstreamThrowsWhenAlone<T> extends KeepsUpstream<T> {
  private left = false;
  override subscribe(subscriber: Subscriber<T>): void {
    if (subscriber == null) throw new TypeError('§1.9: subscriber required');
    super.subscribe({
      onSubscribe: (s) => subscriber.onSubscribe({ request: (n) => s.request(n), cancel: () => { this.left = true; s.cancel(); } }),
      onNext: (x) => subscriber.onNext(x), onError: (e) => subscriber.onError(e), onComplete: () => subscriber.onComplete(),
    });
  }
  override onNext(element: T): void {
    if (this.left) throw new Error(`nobody to give ${String(element)} to`); // wrong: §2.13
    super.onNext(element);
  }
}

/**
 * A multicast processor that silently starves: once a second subscriber arrives, the earlier one gets nothing more
 * (not even a terminal signal), although it has demand.
 */
class LatestSubscriberWins<T> extends ReferenceProcessor<T> {
  private generation = 0;

  override subscribe(subscriber: Subscriber<T>): void {
    if (subscriber == null) throw new TypeError('§1.9: subscriber required');
    const mine = ++this.generation;
    const live = () => mine === this.generation;
    super.subscribe({
      onSubscribe: (s) => subscriber.onSubscribe(s),
      onNext: (x) => live() && subscriber.onNext(x),
      onError: (e) => live() && subscriber.onError(e),
      onComplete: () => live() && subscriber.onComplete(),
    });
  }
}

/**
 * A multicast processor that stalls for good once it has a second subscriber: every subscriber keeps its subscription
 * and its demand, and nobody receives anything more (no element, no terminal signal). Nobody being fed more than the
 * others, this is not "one subscriber's demand served to another", and every subscriber having demand, it is not
 * coordinated emission either.
 */
class StallsWithTwoSubscribers<T> extends ReferenceProcessor<T> {
  private subscribers = 0;

  override subscribe(subscriber: Subscriber<T>): void {
    if (subscriber == null) throw new TypeError('§1.9: subscriber required');
    this.subscribers++;
    const open = () => this.subscribers < 2;
    super.subscribe({
      onSubscribe: (s) => subscriber.onSubscribe(s),
      onNext: (x) => open() && subscriber.onNext(x),
      onError: (e) => open() && subscriber.onError(e),
      onComplete: () => open() && subscriber.onComplete(),
    });
  }
}

/**
 * A correct multicast processor with coordinated emission: it asks upstream for one element only when every
 * subscriber has demand, and holds an element that arrives while some subscriber has none (one slot) until all do.
 */
class CoordinatedProcessor<T> implements Processor<T, T> {
  private upstream: Subscription | null = null;
  private awaiting = false;
  private pending: { value: T } | null = null;
  private terminal: { error: Error | null } | null = null;
  private readonly entries = new Set<{ subscriber: Subscriber<T>; demand: number }>();
  private draining = false;
  private again = false;

  onSubscribe(subscription: Subscription): void {
    if (subscription == null) throw new TypeError('§2.13: subscription required');
    if (this.upstream !== null || this.terminal !== null) return subscription.cancel(); // §2.5
    this.upstream = subscription;
    this.drain();
  }
  onNext(value: T): void {
    if (value == null) throw new TypeError('§2.13: element required');
    this.awaiting = false;
    this.pending = { value };
    this.drain();
  }
  onError(error: Error): void {
    if (error == null) throw new TypeError('§2.13: error required');
    this.pending = null; // an error may overtake the held element
    this.terminate({ error });
  }
  onComplete(): void {
    this.terminate({ error: null });
  }
  subscribe(subscriber: Subscriber<T>): void {
    if (subscriber == null) throw new TypeError('§1.9: subscriber required');
    const entry = { subscriber, demand: 0 };
    this.entries.add(entry);
    subscriber.onSubscribe({
      request: (n) => {
        if (!this.entries.has(entry)) return;
        if (typeof n !== 'number' || !(n > 0) || (!Number.isInteger(n) && n !== Infinity)) {
          this.entries.delete(entry);
          subscriber.onError(new RangeError(`§3.9: non-positive subscription request ${n}`));
          return;
        }
        entry.demand = entry.demand + n >= Number.MAX_SAFE_INTEGER ? Infinity : entry.demand + n;
        this.drain();
      },
      cancel: () => {
        if (this.entries.delete(entry)) this.drain();
      },
    });
    this.drain();
  }
  private terminate(terminal: { error: Error | null }): void {
    if (this.terminal !== null) return;
    this.terminal = terminal;
    this.upstream = null;
    this.drain();
  }
  private everyoneHasDemand(): boolean {
    if (this.entries.size === 0) return false;
    for (const e of this.entries) if (e.demand <= 0) return false;
    return true;
  }
  private drain(): void {
    if (this.draining) {
      this.again = true;
      return;
    }
    this.draining = true;
    try {
      do {
        this.again = false;
        if (this.pending !== null && this.everyoneHasDemand()) {
          const { value } = this.pending;
          this.pending = null;
          for (const e of [...this.entries]) {
            if (e.demand !== Infinity) e.demand--;
            e.subscriber.onNext(value);
          }
        }
        if (this.pending === null && this.terminal !== null) {
          for (const e of [...this.entries]) {
            this.entries.delete(e);
            if (this.terminal.error) e.subscriber.onError(this.terminal.error);
            else e.subscriber.onComplete();
          }
        } else if (this.pending === null && this.upstream !== null && !this.awaiting && this.everyoneHasDemand()) {
          this.awaiting = true;
          this.upstream.request(1);
        }
      } while (this.again);
    } finally {
      this.draining = false;
    }
  }
}

/**
 * The naive adapter users write: it requests Number.MAX_SAFE_INTEGER upstream as soon as it is subscribed and queues
 * everything per subscriber until that subscriber asks. Correct towards its subscribers, unbounded towards upstream:
 * fed synchronously inside onSubscribe, the §3.17 test (2^31 - 1 elements) would run it out of memory.
 */
class NaiveBufferingProcessor<T> implements Processor<T, T> {
  private readonly subs: { s: Subscriber<T>; demand: number; queue: T[]; head: number; active: boolean }[] = [];
  private terminal: { error: Error | null } | null = null;

  onSubscribe(subscription: Subscription): void {
    if (subscription == null) throw new TypeError('§2.13: subscription required');
    subscription.request(Number.MAX_SAFE_INTEGER);
  }
  onNext(x: T): void {
    if (x == null) throw new TypeError('§2.13: element required');
    for (const sub of this.subs) if (sub.active) sub.queue.push(x), this.drain(sub);
  }
  onError(e: Error): void {
    if (e == null) throw new TypeError('§2.13: error required');
    this.terminal = { error: e };
    for (const sub of this.subs) this.drain(sub);
  }
  onComplete(): void {
    this.terminal = { error: null };
    for (const sub of this.subs) this.drain(sub);
  }
  subscribe(s: Subscriber<T>): void {
    if (s == null) throw new TypeError('§1.9: subscriber required');
    const sub = { s, demand: 0, queue: [] as T[], head: 0, active: true };
    this.subs.push(sub);
    s.onSubscribe({
      request: (n) => {
        if (!sub.active) return;
        if (!(n > 0) || (!Number.isInteger(n) && n !== Infinity)) {
          sub.active = false;
          s.onError(new RangeError(`§3.9: non-positive subscription request ${n}`));
          return;
        }
        sub.demand = sub.demand + n >= Number.MAX_SAFE_INTEGER ? Infinity : sub.demand + n;
        this.drain(sub);
      },
      cancel: () => {
        sub.active = false;
        sub.queue = [];
      },
    });
    this.drain(sub);
  }
  private drain(sub: (typeof this.subs)[number]): void {
    while (sub.active && sub.demand > 0 && sub.head < sub.queue.length) {
      if (sub.demand !== Infinity) sub.demand--;
      sub.s.onNext(sub.queue[sub.head++]!);
    }
    if (sub.active && this.terminal && sub.head >= sub.queue.length) {
      sub.active = false;
      if (this.terminal.error) sub.s.onError(this.terminal.error);
      else sub.s.onComplete();
    }
  }
}

/** A unicast publisher that throws from subscribe() for a second subscriber instead of rejecting it with onError. */
class ThrowsForSecondSubscriber<T> extends ReferencePublisher<T> {
  private subscribed = false;
  override subscribe(subscriber: Subscriber<T>): void {
    if (subscriber == null) throw new TypeError('§1.9: subscriber required');
    if (this.subscribed) throw new Error('already subscribed');
    this.subscribed = true;
    super.subscribe(subscriber);
  }
}

describe('optional tests never hide a broken required rule', () => {
  it('a subscribe() that throws for a second subscriber fails the §1.11 tests as §1.9 instead of skipping them', async () => {
    const report = await verifyPublisher({ createPublisher: (n) => new ThrowsForSecondSubscriber<number>(n, (i) => i), env: mutantEnv, only: ['1.11'] });
    const optional = report.results.filter((r) => r.category === 'optional');
    expect(optional.length).toBeGreaterThan(3);
    for (const r of optional) {
      expect(r).toMatchObject({ status: 'failed', message: expect.stringMatching(/^§1\.11: violated §1\.9: subscribe\(\) threw Error: already subscribed instead of returning normally/) });
    }
    expect(report.causes?.[0]?.tests.length).toBe(optional.length);
  });

  it('an optional test that observes a required violation (an element after onComplete, §1.7) fails, naming that rule', async () => {
    // an element after onComplete (§1.7) on a stream that stops short: the one-by-one §1.11 test times out, and the
    // §1.7 violation it observed on the way makes that a failure, not a skip
    const lateElement: Publisher<number> = {
      subscribe(s) {
        if (s == null) throw new TypeError('§1.9: subscriber required');
        let sent = false;
        s.onSubscribe({
          request: () => {
            if (sent) return;
            sent = true;
            s.onNext(0);
            s.onComplete();
            s.onNext(1);
          },
          cancel: () => {},
        });
      },
    };
    const report = await verifyPublisher({ createPublisher: () => lateElement, env: mutantEnv, only: ['optional_spec111_registeredSubscribersMustReceiveOnNextOrOnCompleteSignals'] });
    expect(report.results[0]).toMatchObject({ status: 'failed', message: expect.stringMatching(/^§1\.11: violated §1\.7: /) });
  });
});

describe('processor harness', () => {
  it('bounds the work a naive unbounded-requesting processor gets from the default helper: the §3.17 tests end and pass', async () => {
    const report = await verifyProcessor({ createIdentityProcessor: () => new NaiveBufferingProcessor<number>(), createElement: (i) => i, env: mutantEnv, only: ['3.17'] });
    expect(report.results.map((r) => [r.id, r.status])).toEqual([
      ['required_spec317_mustSupportAPendingElementCountUpToLongMaxValue', 'passed'],
      ['required_spec317_mustSupportACumulativePendingElementCountUpToLongMaxValue', 'passed'],
      ['required_spec317_mustNotSignalOnErrorWhenPendingAboveLongMaxValue', 'passed'],
      ['required_spec317_requestInfinityMustBeTreatedAsUnbounded', 'passed'],
    ]);
  });

  it('bounds what the default helper pushes into one processor subscription (helperElementBudget, default HELPER_ELEMENT_BUDGET)', async () => {
    const run = async (helperElementBudget: number) => {
      let created = 0;
      const report = await verifyProcessor({
        createIdentityProcessor: () => new NaiveBufferingProcessor<number>(), createElement: (i) => (created++, i), helperElementBudget,
        env: mutantEnv, only: ['3.17'],
      });
      return { created, summary: report.summary };
    };
    // the processor asks upstream for everything and buffers it all: without a tight budget the helper keeps going
    const loose = await run(1e9);
    expect(loose.created).toBeGreaterThan(4 * 50); // thousands: 64 per macrotask for as long as each test runs
    const tight = await run(50);
    expect(tight.summary).toEqual({ passed: 4, failed: 0, skipped: 0 }); // stopped, and no false completion
    expect(tight.created).toBeLessThanOrEqual(4 * 50); // at most the budget per helper subscription
    expect(HELPER_ELEMENT_BUDGET).toBe(100_000);
    await expect(verifyProcessor({ createIdentityProcessor: () => new NaiveBufferingProcessor<number>(), createElement: (i) => i, helperElementBudget: 0 })).rejects.toThrow(RangeError);
  });

  it('AsyncReferencePublisher with a budget stops at it without completing', async () => {
    const got: string[] = [];
    new AsyncReferencePublisher(Number.MAX_SAFE_INTEGER, (i) => i, 3).subscribe({
      onSubscribe: (s) => s.request(Infinity), onNext: (x) => got.push(String(x)), onError: (e) => got.push(`error ${e.message}`), onComplete: () => got.push('complete'),
    });
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    expect(got).toEqual(['0', '1', '2']);
  });

  it('does not assume a multicast processor cancels upstream when its only subscriber leaves', async () => {
    const report = await verifyProcessor({ createIdentityProcessor: (n) => new KeepsUpstream<number>(n), createElement: (i) => i, env: mutantEnv });
    expect(report.results.filter((r) => r.status === 'failed').map((r) => `${r.id}: ${r.message}`)).toEqual([]);
  });

  it('retells a failure after its subscriber left as traffic into a processor that kept its upstream, with hints that fit', async () => {
    const report = await verifyProcessor({
      createIdentityProcessor: (n) => new KeepsUpstreamThrowsWhenAlone<number>(n), createElement: (i) => i, env: mutantEnv, only: ['2.8'],
    });
    const spec208 = report.results.find((r) => r.id === 'required_spec208_mustBePreparedToReceiveOnNextSignalsAfterHavingCalledSubscriptionCancel')!;
    expect(spec208.status).toBe('failed');
    expect(spec208.message).toMatch(/^§2\.8: .*\(note: the processor did not cancel its upstream when its only subscriber left, which the spec permits; the element was not an onNext after cancel\)$/);
    expect(spec208.hints.join('\n')).toMatch(/^nothing was cancelled upstream/);
    expect(spec208.hints.join('\n')).not.toContain('onNext after cancel does not throw'); // the hint that pointed the wrong way
  });

  it('reports silent starvation of a subscriber with demand as a required §3.8 failure, not an optional skip', async () => {
    const report = await verifyProcessor({ createIdentityProcessor: (n) => new LatestSubscriberWins<number>(n), createElement: (i) => i, env: mutantEnv, only: ['1.11'] });
    const byId = new Map(report.results.map((r) => [r.id, r]));
    for (const id of [
      'optional_spec111_registeredSubscribersMustReceiveOnNextOrOnCompleteSignals',
      'optional_spec111_multicast_mustProduceTheSameElementsInTheSameSequenceToAllOfItsSubscribersWhenRequestingManyUpfront',
    ]) {
      expect(byId.get(id)).toMatchObject({ status: 'failed', message: expect.stringMatching(/^§1\.11: violated §3\.8: subscriber 1 requested \d+ and received 0 elements within the timeout, while subscriber \d was given \d+: the publisher starved a subscriber that had demand/) });
    }
    // no skip reason of this run names a required rule as the reason
    for (const r of report.results.filter((x) => x.status === 'skipped')) expect(r.message).not.toMatch(/violated §/);
  });

  it('reports a publisher that stalls with demand at every subscriber (nobody received anything) as a required §3.8 failure', async () => {
    const report = await verifyProcessor({ createIdentityProcessor: (n) => new StallsWithTwoSubscribers<number>(n), createElement: (i) => i, env: mutantEnv, only: ['1.11'] });
    const byId = new Map(report.results.map((r) => [r.id, r]));
    for (const id of [
      'optional_spec111_registeredSubscribersMustReceiveOnNextOrOnCompleteSignals',
      'optional_spec111_multicast_mustProduceTheSameElementsInTheSameSequenceToAllOfItsSubscribersWhenRequestingManyUpfront',
      'optional_spec111_multicast_mustProduceTheSameElementsInTheSameSequenceToAllOfItsSubscribersWhenRequestingManyUpfrontAndCompleteAsExpected',
    ]) {
      expect(byId.get(id)).toMatchObject({
        status: 'failed',
        message: expect.stringMatching(/^§1\.11: violated §3\.8: subscriber 1 requested \d+ and received 0 elements within the timeout, while all [23] live subscribers had outstanding demand and none was given more \(no coordinated emission waits then\): the publisher starved a subscriber that had demand/),
      });
    }
    // one-by-one: the first request finds the others without demand, which coordinated emission may wait for (a skip)
    const oneByOne = byId.get('optional_spec111_multicast_mustProduceTheSameElementsInTheSameSequenceToAllOfItsSubscribersWhenRequestingOneByOne')!;
    expect(oneByOne.status).toBe('skipped');
    for (const r of report.results.filter((x) => x.status === 'skipped')) expect(r.message).not.toMatch(/violated §|starved/);
    // the same failures share one cause in the summary
    expect(report.causes?.some((c) => c.tests.length === 3 && /§3\.8/.test(c.cause))).toBe(true);
  });

  it('a coordinated-emission processor (pacing every subscriber by the slowest) is not reported as starving anybody', async () => {
    const report = await verifyProcessor({ createIdentityProcessor: () => new CoordinatedProcessor<number>(), createElement: (i) => i, env: mutantEnv, doesCoordinatedEmission: true });
    expect(report.results.filter((r) => r.status === 'failed').map((r) => `${r.id}: ${r.message}`)).toEqual([]);
    expect(report.results.filter((r) => r.status === 'skipped').map((r) => r.message).filter((m) => /§3\.8|starved/.test(m))).toEqual([]);
  });

  it('feeds the processor from an asynchronous helper by default: its subscriber is attached before upstream signals', async () => {
    const orders: string[] = [];
    class Recording<T> extends ReferenceProcessor<T> {
      private downstream = false;
      override onSubscribe(s: Subscription): void {
        orders.push(this.downstream ? 'downstream first' : 'upstream first');
        super.onSubscribe(s);
      }
      override subscribe(s: Subscriber<T>): void {
        this.downstream = true;
        super.subscribe(s);
      }
    }
    const run = (sync: boolean) => verifyProcessor({
      createIdentityProcessor: (n) => new Recording<number>(n), createElement: (i) => i, env: mutantEnv, only: ['1.2'],
      ...(sync ? { createHelperPublisher: (n: number) => new ReferencePublisher(n, (i) => i) } : {}),
    });
    expect((await run(false)).summary.failed).toBe(0);
    expect(new Set(orders)).toEqual(new Set(['downstream first']));
    orders.length = 0;
    await run(true); // the synchronous helper, explicitly asked for: upstream signals come first
    expect(new Set(orders)).toEqual(new Set(['upstream first']));
  });

  it('stops the helper when a test ends, so a processor that never cancels upstream cannot keep it pumping', async () => {
    let pumping = 0;
    const helper = (n: number): Publisher<number> => ({
      subscribe(s) {
        const inner = new ReferencePublisher(n, (i) => i);
        inner.subscribe({
          onSubscribe: (sub) => s.onSubscribe({ request: (k) => sub.request(k), cancel: () => { pumping--; sub.cancel(); } }),
          onNext: (x) => s.onNext(x), onError: (e) => s.onError(e), onComplete: () => s.onComplete(),
        });
        pumping++;
      },
    });
    const report = await verifyProcessor({
      createIdentityProcessor: (n) => new KeepsUpstream<number>(n), createElement: (i) => i, createHelperPublisher: helper, env: mutantEnv,
      only: ['required_spec312_cancelMustMakeThePublisherToEventuallyStopSignaling'],
    });
    expect(report.summary).toEqual({ passed: 1, failed: 0, skipped: 0 });
    expect(pumping).toBe(0);
  });
});
