import { Flow, type Operator } from '../Flow';
import { describeValue, replenishAt, requirePositiveBound } from '../internal/demand';
import { DrainSubscription } from '../internal/DrainSubscription';
import { nullArgumentError, overDeliveryError, toError, withCode } from '../internal/errors';
import type { Inspectable, StageSnapshot } from '../internal/inspect';
import { lift } from '../internal/lift';
import { reportDroppedError, reportLateError } from '../internal/report';
import { RingBuffer } from '../internal/RingBuffer';
import { Subflow, type SubflowOwner } from '../internal/Subflow';
import type { Publisher } from '../spec/Publisher';
import type { Subscriber } from '../spec/Subscriber';
import type { Subscription } from '../spec/Subscription';

export interface GroupByOptions {
  /** Most groups open at once; an item with a new key beyond it fails the stream. Default 256. */
  maxGroups?: number;
  /** Items each group may hold ahead of its subscriber; also the most requested upstream at once. Default 32. */
  prefetch?: number;
}

/** One group of `groupBy`: a unicast Flow of the items with the same `key`. */
export class GroupedFlow<K, T> extends Flow<T> {
  readonly key: K;
  /** @internal */ readonly subflow: Subflow<T>;

  /** @internal made by groupBy only */
  constructor(key: K, subflow: Subflow<T>) {
    super((subscriber) => subflow.subscribe(subscriber));
    this.key = key;
    this.subflow = subflow;
  }
}

/**
 * Splits the items into groups by key: each new key emits a `GroupedFlow` (`key` + a unicast Flow) that receives
 * every item with that key.
 *
 * ```
 * source:                 1 2 3 4 5 |
 * groupBy(x => x % 2):    G1 G0 |
 *   G1 (key 1):           1 - 3 - 5 |
 *   G0 (key 0):           - 2 - 4 - |
 * ```
 *
 * **Demand**: the groups are emitted as the downstream requests them. `prefetch` items are requested upstream at
 * subscription (groups made before the downstream asks for them wait, with their items, in bounded queues), and
 * after that only as far as every open group has room: outstanding upstream demand never exceeds the free space of
 * the fullest group's queue (`prefetch` each), so no item ever has to be dropped or queued without bound; it is
 * replenished in batches of 75% of `prefetch` as the groups' subscribers consume. Memory is bounded by `maxGroups × prefetch` items. **Deadlock rule**: a group whose
 * queue is full holds the upstream back. If that group has a subscriber, that is ordinary backpressure (its
 * subscriber will request). If it has none (the downstream has not requested it yet, or received it and did not
 * subscribe), nothing could ever unblock the stream, so instead of hanging it fails with an error that names the
 * key and `prefetch`: subscribe to every group as it is emitted (e.g. `mergeMap` with a concurrency at least the
 * number of keys) or cancel the groups you do not want. A group whose subscriber cancels is closed: its queued items
 * are discarded and counted (`dropped` in `inspect()`), its slot is freed, and a later item with the same key opens
 * a new group. **Errors**: `keySelector` throwing, an upstream error, or a new key beyond `maxGroups` (the message
 * names the bound) cancels the upstream and fails the downstream and every open group at once. A group accepts one
 * subscriber; a second receives `onError`. **Completion**: completes every group (after its queue) and the
 * downstream (after the groups not yet emitted). **Cancellation**: cancelling the downstream stops new groups (items
 * with new keys are dropped and counted) and closes groups not yet subscribed; the upstream is cancelled once no
 * group has a live subscriber.
 *
 * @example
 * range(1, 6).pipe(groupBy((x) => x % 2), mergeMap((g) => g.pipe(reduce((a, b) => a + b, 0)))); // 9, 12
 */
export function groupBy<T, K>(keySelector: (value: T) => K, options: GroupByOptions = {}): Operator<T, GroupedFlow<K, T>> {
  if (typeof keySelector !== 'function') throw new TypeError(`groupBy: keySelector must be a function, got ${typeof keySelector}`);
  const maxGroups = requirePositiveBound('groupBy: maxGroups', options.maxGroups ?? 256);
  const prefetch = requirePositiveBound('groupBy: prefetch', options.prefetch ?? 32);
  return (source: Publisher<T>): Flow<GroupedFlow<K, T>> =>
    lift(source, (downstream: Subscriber<GroupedFlow<K, T>>) => new GroupBySubscriber<T, K>(downstream, keySelector, maxGroups, prefetch));
}

class GroupBySubscriber<T, K> extends DrainSubscription<GroupedFlow<K, T>> implements Subscriber<T>, SubflowOwner<T>, Inspectable {
  private upstream: Subscription | null = null;
  private keySelector: ((value: T) => K) | null;
  private readonly maxGroups: number;
  private readonly prefetch: number;
  /** Consumption needed before upstream is asked again (75% of prefetch): requests come in batches. */
  private readonly limit: number;
  private readonly groups = new Map<K, Subflow<T>>();
  private readonly keys = new Map<Subflow<T>, K>();
  /** Groups made and waiting for the downstream to request them. */
  private readonly pending: RingBuffer<GroupedFlow<K, T>>;
  /** The groups in `pending`, by their subflow. */
  private readonly unemitted = new Set<Subflow<T>>();
  private upstreamOutstanding = 0;
  private upstreamDone = false;
  /** This stage cancelled the upstream (a failure, the downstream left): its late errors are dropped. */
  private upstreamCancelled = false;
  private error: Error | null = null;

  constructor(downstream: Subscriber<GroupedFlow<K, T>>, keySelector: (value: T) => K, maxGroups: number, prefetch: number) {
    super(downstream);
    this.keySelector = keySelector;
    this.maxGroups = maxGroups;
    this.prefetch = prefetch;
    this.limit = replenishAt(prefetch);
    this.pending = new RingBuffer(maxGroups);
  }

  onSubscribe(subscription: Subscription): void {
    if (subscription == null) throw nullArgumentError('onSubscribe', subscription); // §2.13
    if (this.upstream !== null || this.upstreamDone) {
      subscription.cancel(); // §2.5
      return;
    }
    this.upstream = subscription;
    this.downstream!.onSubscribe(this);
    this.replenish();
  }

  onNext(value: T): void {
    if (value == null) throw nullArgumentError('onNext', value); // §2.13
    if (this.upstreamDone) return; // §2.8
    if (this.upstreamOutstanding === 0) return this.stop(overDeliveryError('groupBy', 0)); // §1.1
    this.upstreamOutstanding--;
    this.receivedItems++;
    let key: K;
    try {
      key = this.keySelector!(value);
    } catch (thrown) {
      return this.stop(toError(thrown));
    }
    let group = this.groups.get(key);
    if (group === undefined) {
      if (this.cancelled) {
        this.droppedItems++; // the downstream is gone: no new groups
        return this.replenish();
      }
      if (this.groups.size >= this.maxGroups) {
        return this.stop(
          withCode(new RangeError(
            `groupBy: the key ${describeKey(key)} would open group ${this.maxGroups + 1} but maxGroups is ${this.maxGroups}; ` +
              'a group stays open until the source completes or its subscriber cancels: raise maxGroups or close groups sooner',
          ), 'ERR_SLUICE_LIMIT'),
        );
      }
      group = new Subflow<T>(`the group ${describeKey(key)} of groupBy`, this.prefetch, this);
      this.groups.set(key, group);
      this.keys.set(group, key);
      this.pending.offer(new GroupedFlow<K, T>(key, group)); // never full: pending groups are open groups
      this.unemitted.add(group);
    }
    if (!group.push(value)) return this.stop(overDeliveryError(`the group ${describeKey(key)} of groupBy`, 0)); // §1.1
    this.drain();
    this.replenish();
  }

  onError(error: Error): void {
    if (error == null) throw nullArgumentError('onError', error); // §2.13
    if (this.upstreamDone) return reportLateError(error, this.upstreamCancelled); // dropped after our cancel (ADR 0012), else §1.7
    this.upstream = null;
    this.stop(error);
  }

  onComplete(): void {
    if (this.upstreamDone) return; // §1.7
    this.upstreamDone = true;
    this.upstream = null;
    this.closeAll(null);
    this.drain();
  }

  subflowRequested(): void {}

  subflowConsumed(): void {
    this.replenish();
  }

  subflowCancelled(group: Subflow<T>, discarded: number): void {
    this.droppedItems += discarded;
    if (this.keys.has(group)) {
      const key = this.keys.get(group) as K; // keys may be undefined or NaN: look them up, never test them
      this.keys.delete(group);
      if (this.groups.get(key) === group) this.groups.delete(key);
    }
    if (this.cancelled && this.groups.size === 0) return this.cancelUpstream();
    this.replenish();
  }

  /**
   * Asks upstream for as much as every open group can still take (at most `prefetch` outstanding), once 75% of the
   * last batch was used. When nothing can be asked because a group without a subscriber is full, fails instead of
   * waiting forever (the deadlock rule in the JSDoc and ADR 0006).
   */
  private replenish(): void {
    const upstream = this.upstream;
    if (upstream === null || this.upstreamDone) return;
    const outstanding = this.upstreamOutstanding;
    if (outstanding > 0 && outstanding > this.prefetch - this.limit) return; // most of the last batch is still due
    let room = this.prefetch;
    // The emptiest-room group without a subscriber, if its room is below a batch: only it can make the stream stall.
    let stuck: Subflow<T> | null = null;
    let stuckFree = this.prefetch;
    for (const group of this.groups.values()) {
      const free = this.prefetch - group.queue.size;
      if (free < room) room = free;
      if (!group.subscribed && free < this.limit && free < stuckFree) {
        stuck = group;
        stuckFree = free;
      }
    }
    const gap = room - outstanding;
    // Batches of 75% of prefetch; a group nobody reads yet is topped up exactly, so the stall below means "full".
    if (gap >= this.limit || (gap > 0 && outstanding === 0 && stuck !== null)) {
      this.upstreamOutstanding = room;
      upstream.request(gap);
    } else if (outstanding === 0 && stuck !== null && stuckFree === 0) {
      const key = describeKey(this.keys.get(stuck));
      const where = this.unemitted.has(stuck) ? 'it is waiting for the downstream to request it' : 'it was emitted but nobody subscribed to it';
      this.stop(
        withCode(new Error(
          `groupBy: stalled: the group ${key} holds ${this.prefetch} items (its prefetch) and ${where}, so no more items can be ` +
            'requested without overflowing it; subscribe to every group as it is emitted (e.g. mergeMap with a concurrency of at ' +
            'least the number of keys), cancel the groups you do not need, or raise prefetch',
        ), 'ERR_SLUICE_GROUP_STALLED'),
      );
    }
  }

  /** Fails everything at once: upstream cancelled, every open group and the downstream get `error`. */
  private stop(error: Error): void {
    this.cancelUpstream();
    const delivered = this.groups.size > 0 || !this.cancelled;
    this.closeAll(error);
    if (this.cancelled) {
      if (!delivered) reportDroppedError(error); // the downstream cancelled and no group listens: dropped (ADR 0012)
      return;
    }
    this.error = error;
    this.drain();
  }

  private closeAll(error: Error | null): void {
    for (const group of this.groups.values()) group.finish(error);
    this.groups.clear();
    this.keys.clear();
  }

  private cancelUpstream(): void {
    const upstream = this.upstream;
    this.upstream = null;
    this.upstreamDone = true;
    this.keySelector = null; // §3.13
    if (upstream !== null) this.upstreamCancelled = true;
    upstream?.cancel();
  }

  protected emitSome(downstream: Subscriber<GroupedFlow<K, T>>): void {
    if (this.error !== null) return this.end(this.error);
    while (this.requested > 0 && !this.pending.isEmpty) {
      const group = this.pending.poll()!;
      this.unemitted.delete(group.subflow);
      this.requested--;
      this.emittedItems++;
      downstream.onNext(group);
      if (this.cancelled) return;
    }
    if (this.upstreamDone && this.pending.isEmpty) this.end(null);
  }

  private end(error: Error | null): void {
    this.pending.clear();
    this.unemitted.clear();
    if (error === null) this.complete();
    else this.fail(error);
  }

  protected override dispose(): void {
    if (this.terminated) return;
    // The downstream cancelled: groups it never received, or received and did not subscribe, are closed.
    this.pending.clear();
    this.unemitted.clear();
    const closed = withCode(new Error('groupBy: the downstream cancelled before this group was subscribed'), 'ERR_SLUICE_ABANDONED');
    for (const [key, group] of this.groups) {
      if (group.subscribed) continue;
      this.droppedItems += group.queue.size;
      group.finish(closed);
      this.groups.delete(key);
      this.keys.delete(group);
    }
    if (this.groups.size === 0) this.cancelUpstream();
  }

  inspect(): StageSnapshot {
    let buffered = 0;
    for (const group of this.groups.values()) buffered += group.queue.size;
    return {
      stage: 'groupBy',
      capacity: this.maxGroups * this.prefetch,
      buffered,
      requested: this.requested,
      upstreamRequested: this.upstreamOutstanding,
      received: this.receivedItems,
      emitted: this.emittedItems,
      dropped: this.droppedItems,
      terminated: this.terminated,
      cancelled: this.cancelled && !this.terminated,
    };
  }
}

function describeKey(key: unknown): string {
  if (typeof key === 'string') return JSON.stringify(key);
  if (typeof key === 'symbol') return key.toString();
  return describeValue(key);
}
