import fc from 'fast-check';
import { Observable, concatMap, type Subscription as RxSubscription, filter, map as rxMap, mergeMap, of, take as rxTake, type OperatorFunction } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { Flow, type Subscriber, type Subscription } from '@sluice/core';
import { backpressure, controlled, fromObservable, toObservable, viaRx } from '@sluice/rxjs';
import {
  Consumer, Injected, TEST_TIMEOUT, check, length, pacedSource, pacing, property, seed, type Pacing,
} from '../../core/test/support/faultHarness';
import { settle } from '../../core/test/support/async';

/**
 * Fault injection for every RxJS bridge: a long transfer is broken at a random point (an error in the Observable,
 * the Flow, an inner or a user function; an unsubscribe; a cancel; an early completion) with random pacing. Each run
 * must end with exactly one terminal outcome within a watchdog, tear down every RxJS subscription and cancel the Flow
 * it left, and produce no unhandled rejection, uncaught exception or unexpected reported error.
 *
 * fast-check picks the fault plan and a seed for the pacing; a failure prints the seed and the shrunk plan.
 * SLUICE_PROPERTY_RUNS raises the number of runs per bridge.
 */



interface ObservableProbe {
  /** Live subscriptions (incremented on subscribe, decremented by the teardown). */
  active: number;
  subscriptions: number;
  pushed: number;
  /** Errors the live subscription now (a fault injected from outside, e.g. from inside a consumer's onNext). */
  fail?: (error: Error) => void;
}

/**
 * A cold Observable of `total` numbers pushed in random bursts at random moments (it cannot be slowed down), that
 * errors with `fault` after `failAt` items. Its teardown cancels the pending burst and is counted.
 */
function pacedObservable(rng: Pacing, total: number, failAt: number, fault: Error | null): { observable: Observable<number>; probe: ObservableProbe } {
  const probe: ObservableProbe = { active: 0, subscriptions: 0, pushed: 0 };
  const observable = new Observable<number>((subscriber) => {
    probe.active++;
    probe.subscriptions++;
    probe.fail = (error) => subscriber.error(error);
    let index = 0;
    let stopped = false;
    const burst = (): void => {
      if (stopped) return;
      let n = 1 + rng.int(16);
      while (n-- > 0 && !subscriber.closed) {
        if (fault !== null && index === failAt) return subscriber.error(fault);
        if (index === total) return subscriber.complete();
        probe.pushed++;
        subscriber.next(index++);
      }
      if (!subscriber.closed) rng.later(burst);
    };
    rng.later(burst);
    return () => {
      stopped = true;
      probe.active--;
    };
  });
  return { observable, probe };
}

/** An asynchronous inner Observable that emits `value` (and maybe `value` again) then completes, or errors. */
function innerOf(rng: Pacing, value: number, fault: Error | null, probe: ObservableProbe): Observable<number> {
  return new Observable<number>((subscriber) => {
    probe.active++;
    probe.subscriptions++;
    let stopped = false;
    rng.later(() => {
      if (stopped) return;
      if (fault !== null) return subscriber.error(fault);
      subscriber.next(value);
      rng.later(() => {
        if (!stopped) subscriber.complete();
      });
    });
    return () => {
      stopped = true;
      probe.active--;
    };
  });
}

/** Records an RxJS observer's signals. */
function rxObserver() {
  const state = {
    items: [] as number[],
    terminals: [] as Array<Error | 'complete'>,
    afterEnd: 0,
    done: null as unknown as Promise<void>,
    resolve: () => {},
  };
  state.done = new Promise<void>((resolve) => (state.resolve = resolve));
  return state;
}

// ---- Observable → Flow ----------------------------------------------------------------------------------------------

describe('errors', { timeout: TEST_TIMEOUT }, () => {
  it('fromObservable and controlled end exactly once and unsubscribe the Observable whatever breaks the transfer', async () => {
    const plan = fc.record({
      seed,
      total: length,
      at: fc.nat(2_000),
      fault: fc.constantFrom('none', 'observable-error', 'cancel', 'error-in-onNext'),
      bridge: fc.constantFrom('fromObservable', 'controlled'),
      overflow: fc.constantFrom('error', 'drop-newest', 'drop-oldest', 'latest'),
      capacity: fc.integer({ min: 1, max: 4_096 }),
    });
    await property(
      plan,
      async ({ seed, total, at, fault, bridge, overflow, capacity }) => {
        const rng = pacing(seed);
        const k = at % (total + 1);
        const injected = new Injected(bridge);
        const { observable, probe } = pacedObservable(rng, total, k, fault === 'observable-error' ? injected : null);
        const dropped: number[] = [];
        const options = { capacity: overflow === 'latest' ? 1 : capacity, overflow, onDrop: (item: number) => void dropped.push(item) } as const; // 'latest' takes 1
        const flow = bridge === 'fromObservable' ? fromObservable(observable, options) : controlled(observable, options);
        const consumer = new Consumer<number>(rng, fault === 'cancel' ? k + 1 : -1, (count) => {
          if (fault === 'error-in-onNext' && count === k + 1) probe.fail?.(injected); // reentrant, from inside onNext
        });
        flow.subscribe(consumer);
        await consumer.done;
        await settle(2);
        consumer.expectOneOutcome();
        expect(probe.active, 'the Observable is unsubscribed').toBe(0);
        expect(probe.subscriptions).toBe(1);
        const [terminal] = consumer.terminals;
        const overflowed = terminal instanceof Error && terminal !== injected;
        if (overflowed) expect([overflow, terminal.name]).toEqual(['error', 'OverflowError']);
        if (fault === 'none' && !overflowed) expect(consumer.items + dropped.length).toBe(total);
        if (fault === 'observable-error' && !overflowed) expect(terminal).toBe(injected);
        if (fault === 'error-in-onNext' && !overflowed) expect(terminal === injected || terminal === 'complete').toBe(true);
      },
      'fromObservable transfer',
    );
  });

  // ---- Flow → Observable ------------------------------------------------------------------------------------------

  it('toObservable ends exactly once and cancels the Flow on unsubscribe, take or a Flow error', async () => {
    const plan = fc.record({
      seed,
      total: length,
      at: fc.nat(2_000),
      fault: fc.constantFrom('none', 'flow-error', 'unsubscribe', 'take'),
      prefetch: fc.integer({ min: 1, max: 64 }),
    });
    await property(
      plan,
      async ({ seed, total, at, fault, prefetch }) => {
        const rng = pacing(seed);
        const k = at % (total + 1);
        const injected = new Injected('toObservable');
        const { flow, probe } = pacedSource(rng, total, k, fault === 'flow-error' ? injected : null);
        let observable = toObservable(flow, { prefetch });
        if (fault === 'take') observable = observable.pipe(rxTake(k));
        const seen = rxObserver();
        let live = false;
        let unsubscribed = false;
        let subscription: RxSubscription | undefined;
        const unsubscribe = (): void => {
          if (subscription === undefined) return void queueMicrotask(unsubscribe); // still inside subscribe()
          live = !probe.terminated;
          unsubscribed = true;
          subscription.unsubscribe();
          seen.resolve();
        };
        subscription = observable.subscribe({
          next: (value) => {
            if (seen.terminals.length > 0 || unsubscribed) seen.afterEnd++;
            seen.items.push(value);
            if (fault === 'unsubscribe' && seen.items.length === k) {
              rng.later(unsubscribe);
            }
          },
          error: (error: Error) => {
            seen.terminals.push(error);
            seen.resolve();
          },
          complete: () => {
            seen.terminals.push('complete');
            seen.resolve();
          },
        });
        if (fault === 'unsubscribe' && k === 0) unsubscribe();
        await seen.done;
        await settle(2);
        expect(seen.afterEnd, 'signals after the end').toBe(0);
        expect(seen.terminals.length + (unsubscribed && seen.terminals.length === 0 ? 1 : 0)).toBe(1);
        expect(seen.items).toEqual(Array.from({ length: seen.items.length }, (_, i) => i));
        if (fault === 'none') expect([seen.terminals[0], seen.items.length]).toEqual(['complete', total]);
        if (fault === 'flow-error') expect(seen.terminals[0]).toBe(injected);
        if (fault === 'take') expect([seen.terminals[0], seen.items.length]).toEqual(['complete', k]);
        if (fault === 'take' && k > 0 && k < total) expect(probe.cancelled, 'take cancels the Flow').toBe(1);
        if (live) expect(probe.cancelled, 'unsubscribe cancels the Flow').toBe(1);
        expect(probe.cancelled).toBeLessThanOrEqual(1);
        expect(probe.emitted).toBeLessThanOrEqual(probe.requested);
      },
      'toObservable transfer',
    );
  });

  // ---- RxJS operators inside a Flow -------------------------------------------------------------------------------

  it('viaRx ends exactly once, tears the operator down and cancels upstream whatever breaks the transfer', async () => {
    const plan = fc.record({
      seed,
      total: length,
      at: fc.nat(2_000),
      fault: fc.constantFrom('none', 'flow-error', 'operator-throws', 'inner-error', 'cancel', 'rx-take'),
      op: fc.constantFrom('map', 'filter', 'mergeMap', 'concatMap'),
      maxPending: fc.integer({ min: 1, max: 32 }),
      capacity: fc.integer({ min: 1, max: 64 }),
    });
    await property(
      plan,
      async ({ seed, total, at, fault, op, maxPending, capacity }) => {
        const rng = pacing(seed);
        const k = at % (total + 1);
        const injected = new Injected('viaRx');
        const { flow, probe } = pacedSource(rng, total, k, fault === 'flow-error' ? injected : null);
        const inners: ObservableProbe = { active: 0, subscriptions: 0, pushed: 0 };
        const check = (n: number): number => {
          if (n === k && fault === 'operator-throws') throw injected;
          return n;
        };
        const innerFault = (n: number): Error | null => (n === k && fault === 'inner-error' ? injected : null);
        let operator: OperatorFunction<number, number> =
          op === 'map' ? rxMap(check)
          : op === 'filter' ? filter((n) => check(n) % 3 !== 1)
          : op === 'mergeMap' ? mergeMap((n) => innerOf(rng, check(n), innerFault(n), inners))
          : concatMap((n) => innerOf(rng, check(n), innerFault(n), inners));
        if (fault === 'rx-take') {
          const inner = operator;
          operator = (source) => inner(source).pipe(rxTake(k));
        }
        const consumer = new Consumer<number>(rng, fault === 'cancel' ? k + 1 : -1);
        // maxPending bounds the queueing (asynchronous) operators; a filter must leave it unbounded (viaRx's docs).
        const asyncOp = op === 'mergeMap' || op === 'concatMap';
        flow.pipe(viaRx(operator, { capacity, maxPending: asyncOp ? maxPending : Infinity, overflow: 'error' })).subscribe(consumer);
        await consumer.done;
        await settle(2);
        consumer.expectOneOutcome();
        expect(inners.active, 'inner subscriptions torn down').toBe(0);
        const [terminal] = consumer.terminals;
        // An asynchronous operator may answer every item inside it at once: at most maxPending outputs, which fit in
        // the buffer when capacity ≥ maxPending (viaRx's documented 'late bursts follow overflow' otherwise).
        const overflowed = terminal instanceof Error && terminal.name === 'OverflowError';
        if (overflowed) expect(asyncOp ? capacity < maxPending : false).toBe(true);
        if (overflowed) return;
        const injectedApplies = op === 'map' || op === 'filter' ? fault === 'operator-throws' : fault === 'operator-throws' || fault === 'inner-error';
        if (fault === 'flow-error' || (injectedApplies && k < total)) expect(terminal).toBe(injected);
        if (fault === 'none' && op !== 'filter') expect([terminal, consumer.items]).toEqual(['complete', total]);
        if (fault === 'rx-take' && op !== 'filter') expect([terminal, consumer.items]).toEqual(['complete', Math.min(k, total)]);
        if (terminal !== 'complete' || consumer.cancelled) {
          // A failure or a cancel releases the Flow: cancelled once, unless it had already ended on its own.
          expect(probe.cancelled + (probe.terminated ? 1 : 0)).toBeGreaterThanOrEqual(1);
        }
        expect(probe.cancelled).toBeLessThanOrEqual(1);
        expect(probe.emitted).toBeLessThanOrEqual(probe.requested);
      },
      'viaRx transfer',
    );
  });

  // ---- bounded operators for RxJS pipelines -----------------------------------------------------------------------

  it('backpressure ends exactly once, never exceeds its concurrency and unsubscribes every inner and the source', async () => {
    const plan = fc.record({
      seed,
      total: length,
      at: fc.nat(2_000),
      fault: fc.constantFrom('none', 'source-error', 'inner-error', 'project-throws', 'unsubscribe'),
      sluiceBacked: fc.boolean(),
      concurrency: fc.integer({ min: 1, max: 8 }),
      capacity: fc.integer({ min: 1, max: 4_096 }),
    });
    await property(
      plan,
      async ({ seed, total, at, fault, sluiceBacked, concurrency, capacity }) => {
        const rng = pacing(seed);
        const k = at % (total + 1);
        const injected = new Injected('backpressure');
        const sourceFault = fault === 'source-error' ? injected : null;
        const paced = pacedSource(rng, total, k, sourceFault);
        const pushed = pacedObservable(rng, total, k, sourceFault);
        const source = sluiceBacked ? toObservable(paced.flow, { prefetch: 8 }) : pushed.observable;
        const inners: ObservableProbe = { active: 0, subscriptions: 0, pushed: 0 };
        let maxActive = 0;
        const project = (n: number): Observable<number> => {
          if (n === k && fault === 'project-throws') throw injected;
          maxActive = Math.max(maxActive, inners.active + 1);
          return innerOf(rng, n, n === k && fault === 'inner-error' ? injected : null, inners);
        };
        const seen = rxObserver();
        let unsubscribed = false;
        let subscription: RxSubscription | undefined;
        const unsubscribe = (): void => {
          if (subscription === undefined) return void queueMicrotask(unsubscribe); // still inside subscribe()
          unsubscribed = true;
          subscription.unsubscribe();
          seen.resolve();
        };
        subscription = source.pipe(backpressure(project, { concurrency, capacity, overflow: 'error' })).subscribe({
          next: (value) => {
            if (seen.terminals.length > 0 || unsubscribed) seen.afterEnd++;
            seen.items.push(value);
            if (fault === 'unsubscribe' && seen.items.length === k) {
              rng.later(unsubscribe);
            }
          },
          error: (error: Error) => {
            seen.terminals.push(error);
            seen.resolve();
          },
          complete: () => {
            seen.terminals.push('complete');
            seen.resolve();
          },
        });
        if (fault === 'unsubscribe' && k === 0) unsubscribe();
        await seen.done;
        await settle(2);
        expect(seen.afterEnd, 'signals after the end').toBe(0);
        expect(seen.terminals.length + (unsubscribed && seen.terminals.length === 0 ? 1 : 0)).toBe(1);
        expect(maxActive, 'inners alive at once').toBeLessThanOrEqual(concurrency);
        expect(inners.active, 'every inner unsubscribed').toBe(0);
        const [terminal] = seen.terminals;
        const overflowed = terminal instanceof Error && terminal.name === 'OverflowError';
        if (overflowed) expect(sluiceBacked, 'a sluice-backed source is pulled, never buffered').toBe(false);
        if (!overflowed && k < total && ['source-error', 'inner-error', 'project-throws'].includes(fault)) expect(terminal).toBe(injected);
        if (fault === 'none' && !overflowed) expect([terminal, seen.items.length]).toEqual(['complete', total]);
        if (sluiceBacked) {
          expect(paced.probe.cancelled).toBeLessThanOrEqual(1);
          if (terminal !== 'complete' && !paced.probe.terminated) expect(paced.probe.cancelled, 'the Flow is cancelled').toBe(1);
          expect(paced.probe.emitted).toBeLessThanOrEqual(paced.probe.requested);
        } else {
          expect(pushed.probe.active, 'the source is unsubscribed').toBe(0);
        }
      },
      'backpressure transfer',
    );
  });
});
