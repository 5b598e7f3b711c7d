import { describe, expect, it } from 'vitest';
import { Flow } from '../../src/Flow';
import { isInspectable } from '../../src/internal/inspect';
import { concatMap } from '../../src/operators/concatMap';
import { groupBy, type GroupedFlow } from '../../src/operators/groupBy';
import { map } from '../../src/operators/map';
import { mergeMap } from '../../src/operators/mergeMap';
import { take } from '../../src/operators/take';
import { range } from '../../src/sources/range';
import { TestPublisher } from '../../src/testing/TestPublisher';
import { TestSubscriber } from '../../src/testing/TestSubscriber';
import { operatorContract } from '../contract/operatorContract';
import { isReleased, recorded, seededRandom } from './_helpers/flatten';

type Group = GroupedFlow<string, number>;

/** Subscribes the main subscriber, and a TestSubscriber (with `request`) to each group as it is emitted. */
function subscribeGroups(flow: Flow<Group>, main: TestSubscriber<Group>, request: number | 'unbounded' = 'unbounded'): Map<string, TestSubscriber<number>> {
  const groups = new Map<string, TestSubscriber<number>>();
  flow.subscribe({
    onSubscribe: (subscription) => main.onSubscribe(subscription),
    onNext: (group) => {
      main.onNext(group);
      const s = new TestSubscriber<number>(request);
      groups.set(group.key, s);
      group.subscribe(s);
    },
    onError: (error) => main.onError(error),
    onComplete: () => main.onComplete(),
  });
  return groups;
}

function snapshot(s: { subscription: unknown }): Record<string, unknown> | null {
  return isInspectable(s.subscription) ? { ...s.subscription.inspect() } : null;
}

const parity = (x: number): string => (x % 2 === 0 ? 'even' : 'odd');

describe('groupBy', () => {
  operatorContract('groupBy', {
    apply: (source) => groupBy((x: number) => x % 3)(source),
    applyThrowing: (source) =>
      groupBy(() => {
        throw new Error('keySelector failed');
      })(source),
    upstreamBound: () => 32,
  });

  operatorContract('groupBy flattened with mergeMap', {
    apply: (source) => groupBy((x: number) => x % 3, { prefetch: 4 })(source).pipe(mergeMap((g) => g)),
    upstreamBound: () => 4,
  });

  describe('behaviour', () => {
    it('emits one GroupedFlow per key, each with the items of its key in order', () => {
      const main = new TestSubscriber<Group>('unbounded');
      const groups = subscribeGroups(range(1, 7).pipe(groupBy(parity)), main);
      expect(main.values.map((g) => g.key)).toEqual(['odd', 'even']);
      expect(main.values[0]).toBeInstanceOf(Flow);
      expect(groups.get('odd')!.values).toEqual([1, 3, 5, 7]);
      expect(groups.get('even')!.values).toEqual([2, 4, 6]);
      expect([main.completed, groups.get('odd')!.completed, groups.get('even')!.completed]).toEqual([true, true, true]);
    });

    it('composes with mergeMap to process every group', () => {
      const s = new TestSubscriber<string>('unbounded');
      range(1, 6)
        .pipe(
          groupBy((x) => x % 3),
          mergeMap((g) => g.pipe(map((x) => `${g.key}:${x}`))),
        )
        .subscribe(s);
      expect(s.values).toEqual(['1:1', '2:2', '0:3', '1:4', '2:5', '0:6']);
      expect(s.completed).toBe(true);
    });

    it('opens a new group for a key whose previous group was cancelled', () => {
      const s = new TestSubscriber<string>('unbounded');
      range(0, 6)
        .pipe(
          groupBy(parity),
          mergeMap((g) => g.pipe(take(1), map((x) => `${g.key}:${x}`))),
        )
        .subscribe(s);
      expect(s.values).toEqual(['even:0', 'odd:1', 'even:2', 'odd:3', 'even:4', 'odd:5']);
      expect(s.completed).toBe(true);
    });

    it('accepts any key, undefined and NaN included', () => {
      const main = new TestSubscriber<GroupedFlow<unknown, number>>('unbounded');
      const values: unknown[] = [];
      range(0, 4)
        .pipe(groupBy((x) => (x % 2 === 0 ? undefined : NaN)))
        .subscribe({
          onSubscribe: (sub) => main.onSubscribe(sub),
          onNext: (g) => {
            main.onNext(g);
            g.subscribe(new TestSubscriber<number>({ initialRequest: 'unbounded', onNext: (x) => values.push([g.key, x]) }));
          },
          onError: (e) => main.onError(e),
          onComplete: () => main.onComplete(),
        });
      expect(values).toEqual([[undefined, 0], [NaN, 1], [undefined, 2], [NaN, 3]]);
      expect(main.count).toBe(2);
    });
  });

  describe('demand', () => {
    it('requests prefetch upstream and replenishes in batches as the groups consume', () => {
      const upstream = new TestPublisher<number>();
      const main = new TestSubscriber<Group>(1);
      const groups = subscribeGroups(groupBy(parity, { prefetch: 4 })(recorded('up', upstream, main.log)), main, 0);
      upstream.next(1, 3, 5, 7);
      const odd = groups.get('odd')!;
      odd.request(2);
      odd.request(1);
      expect(main.log.map((entry) => (entry.startsWith('next(') ? 'next(group)' : entry))).toEqual([
        'subscribe',
        'request(1)',
        'up.request(4)',
        'next(group)',
        'up.request(3)', // 3 of 4 consumed (75%)
      ]);
      expect(odd.values).toEqual([1, 3, 5]);
    });

    it('never requests more than the fullest open group can still take', () => {
      const upstream = new TestPublisher<number>();
      const main = new TestSubscriber<Group>('unbounded');
      const groups = subscribeGroups(groupBy(parity, { prefetch: 4 })(upstream), main, 0);
      upstream.next(1, 3, 5, 2); // odd holds 3, even 1
      expect(upstream.outstanding).toBe(0);
      groups.get('even')!.request(1);
      expect(upstream.totalRequested).toBe(4); // odd is the fullest: 1 free, less than a batch of 3
      groups.get('odd')!.request(2);
      expect(upstream.totalRequested).toBe(7); // odd has 3 free: one batch, and no group can overflow
      expect(snapshot(main)).toMatchObject({ buffered: 1, upstreamRequested: 3 });
      expect(main.violations).toEqual([]);
    });

    it('emits groups only as the downstream requests them', () => {
      const upstream = new TestPublisher<number>();
      const main = new TestSubscriber<Group>();
      subscribeGroups(groupBy(parity)(upstream), main);
      upstream.next(1, 2);
      expect(main.count).toBe(0);
      main.request(1);
      expect(main.values.map((g) => g.key)).toEqual(['odd']);
      main.request(1);
      expect(main.values.map((g) => g.key)).toEqual(['odd', 'even']);
    });

    it('reports held items, open groups\' capacity and drops through inspect()', () => {
      const upstream = new TestPublisher<number>();
      const main = new TestSubscriber<Group>(1);
      subscribeGroups(groupBy(parity, { prefetch: 8, maxGroups: 4 })(upstream), main, 0);
      upstream.next(1, 3, 2);
      expect(snapshot(main)).toEqual({
        stage: 'groupBy',
        capacity: 32,
        buffered: 3,
        requested: 0,
        upstreamRequested: 5,
        received: 3,
        emitted: 1,
        dropped: 0,
        terminated: false,
        cancelled: false,
      });
    });

    it('never overflows a group and keeps every item in order under 200 seeded random interleavings', () => {
      let moved = 0;
      for (let seed = 1; seed <= 200; seed++) {
        const random = seededRandom(seed);
        const prefetch = 1 + random(5);
        const keys = 1 + random(4);
        const context = `seed ${seed}, prefetch ${prefetch}, keys ${keys}`;
        const upstream = new TestPublisher<number>();
        const main = new TestSubscriber<GroupedFlow<number, number>>('unbounded');
        const readers: { key: number; s: TestSubscriber<number>; cancelled: boolean }[] = [];
        const sentSince = new Map<number, number[]>(); // items of each key sent since its current group opened
        const expected = new Map<TestSubscriber<number>, number[]>();
        groupBy((x: number) => x % keys, { prefetch, maxGroups: keys })(upstream).subscribe({
          onSubscribe: (sub) => main.onSubscribe(sub),
          onNext: (g) => {
            main.onNext(g);
            const s = new TestSubscriber<number>({ onNext: (_, sub) => random(3) === 0 && sub.request(1) });
            readers.push({ key: g.key, s, cancelled: false });
            expected.set(s, (sentSince.get(g.key) ?? []).slice(-1)); // the item that opened the group
            sentSince.set(g.key, []);
            g.subscribe(s);
          },
          onError: (e) => main.onError(e),
          onComplete: () => main.onComplete(),
        });
        let next = 0;
        for (let step = 0; step < 80 && !main.terminated; step++) {
          const open = readers.filter((r) => !r.cancelled && !r.s.terminated);
          const reader = open[random(Math.max(open.length, 1))];
          const action = random(8);
          if (action < 4 && upstream.outstanding > 0) {
            const value = next++ * keys + random(keys); // any key
            const key = value % keys;
            const current = readers.filter((r) => r.key === key && !r.cancelled).at(-1);
            if (current !== undefined) expected.get(current.s)!.push(value);
            else sentSince.set(key, [value]);
            upstream.next(value);
            moved++;
          } else if (action < 7 && reader !== undefined) {
            reader.s.request(1 + random(3));
          } else if (reader !== undefined && random(3) === 0) {
            reader.cancelled = true;
            reader.s.cancel();
          }
          const snapshot = isInspectable(main.subscription) ? main.subscription.inspect() : null;
          if (main.error !== null) expect.fail(`${main.error.message} at step ${step} (${context})`);
          if (snapshot === null || snapshot.buffered > keys * prefetch) expect.fail(`snapshot ${JSON.stringify(snapshot)} (${context})`);
          if (upstream.outstanding > prefetch) expect.fail(`upstream outstanding ${upstream.outstanding} (${context})`);
        }
        for (const r of readers) {
          if (r.cancelled) continue;
          r.s.request(Infinity);
          expect(r.s.values, context).toEqual(expected.get(r.s));
          expect(r.s.violations, context).toEqual([]);
        }
        expect(main.violations, context).toEqual([]);
      }
      expect(moved).toBeGreaterThan(2000); // the model really moved items
    });

    it('keeps onNext depth at 1 when groups are read with request(1) from inside onNext', () => {
      const s = new TestSubscriber<number>({ initialRequest: 1, onNext: (_, sub) => sub.request(1) });
      s.recordLog = false;
      range(0, 10_000).pipe(groupBy((x) => x % 5, { prefetch: 2 }), mergeMap((g) => g, { prefetch: 1 })).subscribe(s);
      expect(s.count).toBe(10_000);
      expect(s.maxOnNextDepth).toBe(1);
      expect(s.completed).toBe(true);
    });
  });

  describe('errors', () => {
    it('cancels the upstream and fails the downstream and every open group when keySelector throws', () => {
      const upstream = new TestPublisher<number>();
      const main = new TestSubscriber<Group>('unbounded');
      const groups = subscribeGroups(
        groupBy((x: number) => {
          if (x === 3) throw new Error('bad key');
          return parity(x);
        })(upstream),
        main,
      );
      upstream.next(1, 2, 3);
      expect(upstream.cancelled).toBe(true);
      expect(main.error?.message).toBe('bad key');
      expect([...groups.values()].map((g) => g.log.at(-1))).toEqual(['error(Error: bad key)', 'error(Error: bad key)']);
    });

    it('fails with an error naming maxGroups when a new key exceeds it', () => {
      const upstream = new TestPublisher<number>();
      const main = new TestSubscriber<GroupedFlow<number, number>>('unbounded');
      groupBy((x: number) => x, { maxGroups: 2 })(upstream).subscribe(main);
      upstream.next(10, 20, 30);
      expect(main.error).toBeInstanceOf(RangeError);
      expect(main.error?.message).toMatch(/^groupBy: the key 30 would open group 3 but maxGroups is 2;/);
      expect(upstream.cancelled).toBe(true);
    });

    it('passes an upstream error to every open group and the downstream', () => {
      const upstream = new TestPublisher<number>();
      const main = new TestSubscriber<Group>('unbounded');
      const groups = subscribeGroups(groupBy(parity)(upstream), main);
      upstream.next(1, 2);
      upstream.error(new Error('boom'));
      expect(main.error?.message).toBe('boom');
      expect([...groups.values()].map((g) => g.error?.message)).toEqual(['boom', 'boom']);
    });

    it('fails instead of deadlocking when concatMap leaves a group unsubscribed until the first completes', () => {
      const s = new TestSubscriber<number>('unbounded');
      range(0, 100).pipe(groupBy(parity, { prefetch: 4 }), concatMap((g) => g)).subscribe(s);
      expect(s.values).toEqual([0, 2, 4, 6]); // the even group flows until the odd one, held by concatMap, is full (1 3 5 7)
      expect(s.error?.message).toMatch(
        /^groupBy: stalled: the group "odd" holds 4 items \(its prefetch\) and it was emitted but nobody subscribed to it/,
      );
      expect(s.violations).toEqual([]);
    });

    it('fails instead of deadlocking when mergeMap\'s concurrency is below the number of keys', () => {
      const s = new TestSubscriber<number>('unbounded');
      range(0, 100).pipe(groupBy((x) => x % 3, { prefetch: 4 }), mergeMap((g) => g, { concurrency: 2 })).subscribe(s);
      expect(s.error?.message).toMatch(/^groupBy: stalled: the group 2 holds 4 items \(its prefetch\) and it is waiting for the downstream to request it/);
      expect(s.violations).toEqual([]);
    });

    it('lets a group have one subscriber: a second receives onSubscribe then onError', () => {
      const main = new TestSubscriber<Group>('unbounded');
      subscribeGroups(range(1, 1).pipe(groupBy(parity)), main);
      const second = new TestSubscriber<number>();
      main.values[0]!.subscribe(second);
      expect(second.log).toEqual(['subscribe', 'error(Error: the group "odd" of groupBy allows only one subscriber (§1.11: it is unicast))']);
    });

    it('validates its arguments at assembly time', () => {
      expect(() => groupBy(42 as never)).toThrow('groupBy: keySelector must be a function, got number');
      expect(() => groupBy(parity, { maxGroups: 0 })).toThrow('groupBy: maxGroups must be a positive integer, got 0');
      expect(() => groupBy(parity, { prefetch: Infinity })).toThrow(RangeError);
    });
  });

  describe('cancellation', () => {
    it('discards a cancelled group\'s items with a counter and keeps the other groups flowing', () => {
      const upstream = new TestPublisher<number>();
      const main = new TestSubscriber<Group>('unbounded');
      const groups = subscribeGroups(groupBy(parity, { prefetch: 4 })(upstream), main, 0);
      upstream.next(1, 3, 2);
      groups.get('odd')!.cancel(); // 1 and 3 are discarded, odd's slot is freed
      groups.get('even')!.request(10);
      upstream.next(4, 6, 8);
      expect(groups.get('even')!.values).toEqual([2, 4, 6, 8]);
      expect(snapshot(main)).toMatchObject({ dropped: 2, buffered: 0 });
      upstream.next(5); // odd again: a new group
      expect(main.values.map((g) => g.key)).toEqual(['odd', 'even', 'odd']);
      expect(upstream.cancelled).toBe(false);
    });

    it('keeps the upstream for subscribed groups after the downstream cancelled, dropping new keys', () => {
      const upstream = new TestPublisher<number>();
      const main = new TestSubscriber<GroupedFlow<number, number>>('unbounded');
      const groups: TestSubscriber<number>[] = [];
      groupBy((x: number) => x % 3)(upstream).subscribe({
        onSubscribe: (sub) => main.onSubscribe(sub),
        onNext: (g) => {
          main.onNext(g);
          const s = new TestSubscriber<number>('unbounded');
          groups.push(s);
          g.subscribe(s);
        },
        onError: (e) => main.onError(e),
        onComplete: () => main.onComplete(),
      });
      upstream.next(0);
      main.cancel();
      upstream.next(3, 1, 6);
      expect(groups[0]!.values).toEqual([0, 3, 6]);
      expect(main.count).toBe(1);
      expect(snapshot(main)).toMatchObject({ dropped: 1 });
      expect(upstream.cancelled).toBe(false);
      groups[0]!.cancel();
      expect(upstream.cancelled).toBe(true);
    });

    it('cancels the upstream and fails unsubscribed groups when the downstream cancels', () => {
      const upstream = new TestPublisher<number>();
      const main = new TestSubscriber<Group>(1);
      groupBy(parity)(upstream).subscribe(main);
      upstream.next(1, 2);
      main.cancel();
      expect(upstream.cancelled).toBe(true);
      const late = new TestSubscriber<number>(1);
      main.values[0]!.subscribe(late);
      expect(late.error?.message).toBe('groupBy: the downstream cancelled before this group was subscribed');
    });

    it('releases the subscribers after cancel (§3.13)', async () => {
      const upstream = new TestPublisher<number>();
      const refs = (() => {
        const main = new TestSubscriber<Group>('unbounded');
        const groups = subscribeGroups(groupBy(parity)(upstream), main, 1);
        upstream.next(1, 2);
        main.cancel();
        for (const g of groups.values()) g.cancel();
        return [new WeakRef(main), ...[...groups.values()].map((g) => new WeakRef(g))];
      })();
      expect(upstream.cancelled).toBe(true);
      upstream.subscriber = null;
      for (const ref of refs) expect(await isReleased(ref)).toBe(true);
    });
  });

  describe('empty and edge cases', () => {
    it('completes without groups for an empty source', () => {
      const main = new TestSubscriber<Group>('unbounded');
      range(0, 0).pipe(groupBy(parity)).subscribe(main);
      expect(main.log).toEqual(['subscribe', 'request(Infinity)', 'complete']);
    });

    it('completes the downstream only after the groups it has not received yet', () => {
      const upstream = new TestPublisher<number>();
      const main = new TestSubscriber<Group>();
      const groups = subscribeGroups(groupBy(parity)(upstream), main);
      upstream.next(1, 2);
      upstream.complete();
      expect(main.completed).toBe(false);
      main.request(2);
      expect(main.completed).toBe(true);
      expect(groups.get('even')!.log).toEqual(['subscribe', 'request(Infinity)', 'next(2)', 'complete']);
    });

    it('runs 1,000,000 synchronous items through 4 groups without stack growth', () => {
      const s = new TestSubscriber<number>('unbounded');
      s.recordLog = false;
      s.keepValues = false;
      range(0, 1_000_000).pipe(groupBy((x) => x & 3), mergeMap((g) => g)).subscribe(s);
      expect(s.count).toBe(1_000_000);
      expect(s.completed).toBe(true);
    });
  });
});
