import {
  DrainSubscription, Flow, RingBuffer, reportError, type Inspectable, type StageSnapshot, type Subscriber,
} from '@sluice/core';
import type { Redis } from 'ioredis';
import {
  blockingConnection, close, commandConnection, requireConnection, type OwnedConnection, type RedisConnection,
} from './internal/connection';
import { entryBytes, flattenFields, parseEntries, parseReadReply, type Fields, type RawBatch } from './internal/entries';
import {
  RedisStreamError, isReplyError, requireName, requireNonNegativeInteger, requirePositiveInteger, toError,
} from './internal/errors';

/** Where entries that cannot be processed go, and after how many deliveries an entry counts as one of them. */
export interface DeadLetterOptions {
  /** The dead-letter stream's key. */
  stream: string;
  /** An entry delivered more than this many times is dead-lettered instead of delivered again (default 5). */
  maxDeliveries?: number;
  /** Trim the dead-letter stream with `MAXLEN ~ maxLen` on each write (default: never trimmed). */
  maxLen?: number;
}

export interface ReadGroupOptions<T = Fields> {
  /** A `redis://` URL, ioredis options or an ioredis client (used for acks; its `duplicate()` does the reads). */
  redis: RedisConnection;
  stream: string;
  group: string;
  /** This consumer's name in the group. A restarted worker that keeps its name gets its own pending entries back first. */
  consumer: string;
  /**
   * Create the group (and with `MKSTREAM` the stream) at subscribe when missing. `true` starts a new group at `0`, the
   * beginning of the stream, so entries added before the first worker are not missed; `{ startId: '$' }` starts
   * after the last entry. Default `false`: a missing stream or group fails with `RedisStreamError` code `NOGROUP`.
   */
  createGroup?: boolean | { startId?: string };
  /** The largest `COUNT` of one read (default 100). */
  maxBatch?: number;
  /** `BLOCK` of each read of new entries, in ms (default 2000). */
  blockMs?: number;
  /**
   * The low tide (default 1): while elements this source delivered are still unacknowledged, a new read waits until
   * the demand it would serve is at least `lowTide`, so a consumer that requests one at a time does not cost one round
   * trip per entry. With nothing unacknowledged in the process any demand is read at once (no stall).
   */
  lowTide?: number;
  /** A blocking read not answered by `blockMs` + this many ms counts as a dead connection (default 5000). */
  readTimeoutGraceMs?: number;
  /** Claim (`XAUTOCLAIM`) entries pending on any consumer of the group for longer than this (default: no claiming). */
  claimIdleMs?: number;
  /** How often a claim scan of the group's pending entries starts, in ms (default `claimIdleMs`). */
  claimEveryMs?: number;
  /** A dead-letter stream for entries delivered too often, undecodable or oversized (default: none). */
  deadLetter?: DeadLetterOptions;
  /** Turns an entry's fields into the element's `value` (default: the fields). A throw dead-letters or fails. */
  decode?: (fields: Fields, id: string) => T;
  /** Entries larger than this (names and values, UTF-8 bytes) are dead-lettered, or fail the stream (default: no limit). */
  maxEntryBytes?: number;
  /**
   * A dropped connection (or a blocking read outliving its grace): `'resume'` (default) waits for ioredis to
   * reconnect, re-reads this consumer's pending entries from `0` and goes on with `>`; `'fail'` signals onError with
   * `RedisStreamError` code `DISCONNECTED` (or `READ_TIMEOUT`). Either way nothing delivered and unacked is lost: it
   * stays in the group's Pending Entries List.
   */
  onDisconnect?: 'resume' | 'fail';
  /** With `'resume'`, how long to wait for the connection to come back before failing (default 30000 ms). */
  reconnectTimeoutMs?: number;
  /**
   * Complete once the group has nothing left to deliver (`XINFO GROUPS` lag 0) and this consumer has no pending
   * entries left to re-read (default `false`: a stream has no end, the source waits with BLOCK for new entries). For
   * batch jobs that drain a backlog and exit; reads then do not BLOCK, and an empty read of new entries completes.
   */
  completeWhenDrained?: boolean;
  /** After cancel, how long acks of elements already delivered may still go out before the ack connection closes (default 2000 ms). */
  ackGraceMs?: number;
}

/** An element of `readGroup`: one stream entry, to be acknowledged once processed. */
export interface StreamEntry<T = Fields> {
  readonly id: string;
  readonly stream: string;
  readonly fields: Fields;
  /** `decode(fields)`, or the fields themselves. */
  readonly value: T;
  /** How many times the server has delivered this entry, this delivery included (1 = first delivery). */
  readonly deliveries: number;
  /** `deliveries > 1`: a previous delivery (to this or another consumer) was not acknowledged. */
  readonly redelivered: boolean;
  /** True once `ack()` succeeded. */
  readonly acked: boolean;
  /**
   * `XACK`s the entry. Idempotent: a second call returns the same promise and sends nothing. Rejects with a
   * `RedisStreamError` when the ack could not be sent (the entry then stays pending and is delivered again).
   */
  ack(): Promise<void>;
  /**
   * Gives the entry back without acknowledging it: it stays pending in the group and this process stops counting it
   * as held, so a claim (once idle for `claimIdleMs`) or a re-read of the pending list delivers it again, until
   * `deadLetter.maxDeliveries`. A no-op after `ack()`. Returns nothing and sends nothing.
   */
  release(): void;
}

/** Counters (for the life of the Flow, over all its subscriptions) and gauges (live subscriptions, summed). */
export interface RedisSourceMetrics {
  /** Demand from downstream not yet met. */
  readonly outstandingDemand: number;
  /** Reads (XREADGROUP/XAUTOCLAIM) in flight now; at most one per subscription. */
  readonly inFlightReads: number;
  /** The COUNT those reads asked for. */
  readonly inFlightCount: number;
  /** Entries read and not yet delivered downstream. */
  readonly buffered: number;
  /** Elements delivered and not yet acknowledged. */
  readonly unacked: number;
  readonly reads: number;
  readonly received: number;
  readonly delivered: number;
  readonly acked: number;
  readonly claimed: number;
  readonly deadLettered: number;
  /** Pending entries found deleted from the stream (trimmed by MAXLEN or XDEL), acknowledged and not delivered. */
  readonly trimmed: number;
  /** Entries a re-read of this consumer's pending list returned that this process still holds unacked (not delivered twice). */
  readonly skippedInProcess: number;
  /** Times the read connection closed under a live subscription (a read in flight then is re-done from `0`). */
  readonly reconnects: number;
}

/** The server's view (`XPENDING`): how many entries of the group are delivered and unacknowledged, per consumer. */
export interface PendingSummary {
  readonly count: number;
  readonly consumers: Readonly<Record<string, number>>;
}

/** What `inspect()` of a readGroup subscription returns: the stage snapshot plus the Redis side. */
export interface ReadGroupSnapshot extends StageSnapshot {
  readonly inFlightCount: number;
  readonly unacked: number;
  readonly phase: 'setup' | 'history' | 'new';
}

/** The Flow `readGroup` returns: a Publisher of entries with the source's metrics and the server's pending count. */
export class RedisStreamSource<T = Fields> extends Flow<StreamEntry<T>> {
  /** @internal */
  readonly totals: Totals;
  private readonly options: ResolvedOptions<T>;

  /** @internal use `readGroup` */
  constructor(options: ResolvedOptions<T>) {
    const totals = new Totals();
    super((subscriber) => {
      const subscription = new ReadGroupSubscription<T>(subscriber, options, totals);
      subscriber.onSubscribe(subscription);
      subscription.start();
    });
    this.totals = totals;
    this.options = options;
  }

  /** The source's counters and gauges now (see `RedisSourceMetrics`). */
  metrics(): RedisSourceMetrics {
    return this.totals.snapshot();
  }

  /** `XPENDING stream group`, through a live subscription's ack connection or a short-lived one of its own. */
  async pending(): Promise<PendingSummary> {
    const live = this.totals.anyClient();
    const own = live === null ? commandConnection(this.options.redis, `sluice:pending:${this.options.group}`) : null;
    try {
      return await pendingSummary(live ?? own!.client, this.options.stream, this.options.group);
    } finally {
      close(own);
    }
  }
}

function pairsToObject(list: unknown[]): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  for (let i = 0; i + 1 < list.length; i += 2) object[String(list[i])] = list[i + 1];
  return object;
}

/** `XPENDING stream group` as a summary. */
export async function pendingSummary(client: Redis, stream: string, group: string): Promise<PendingSummary> {
  const reply = (await client.call('XPENDING', stream, group)) as [number, string | null, string | null, [string, string][] | null];
  const consumers: Record<string, number> = {};
  for (const [name, count] of reply[3] ?? []) consumers[name] = Number(count);
  return { count: Number(reply[0]), consumers };
}

/**
 * A Redis Streams consumer group as a Publisher: each element is one entry, delivered to this consumer and kept in
 * the group's Pending Entries List (PEL) until its `ack()`.
 *
 * ```
 * request:   3.              2.
 * redis:     XREADGROUP COUNT 3 BLOCK 2000 … >   XREADGROUP COUNT 2 …
 * flow:      -a-b-c-------------d-e-
 * ack():       a   b c            d e            (XACK; until then each stays pending)
 * ```
 *
 * **Demand**: a read is issued only while there is demand, for `COUNT min(demand, maxBatch)`, one read at a time on
 * a connection of its own; the next read goes out when the previous one's entries were delivered (low tide: see
 * `lowTide`). So the entries held by the process and not yet delivered never exceed the outstanding demand, and
 * with no demand nothing is read: new entries wait in Redis. A subscription first re-reads this consumer's own
 * pending entries (`0`, no BLOCK) and then reads new ones (`>`); with `claimIdleMs` it also claims entries idle
 * that long on other consumers (`XAUTOCLAIM`, alternating with new reads while a scan is under way).
 *
 * **Errors**: a missing stream or group → `RedisStreamError` `NOGROUP` (unless `createGroup`); other error replies
 * → `REPLY`; a dropped connection resumes or fails by `onDisconnect`. An entry delivered more than
 * `deadLetter.maxDeliveries` times, one that `decode` throws for, or one over `maxEntryBytes` goes to the dead-letter
 * stream with its reason (`XADD` + `XACK` in one `MULTI`) and is not delivered; without a dead-letter stream the last
 * two fail the stream (`DECODE`, `OVERSIZED`). The source never completes: a stream has no end.
 *
 * **Cancellation**: stops reading (a blocking read in flight is abandoned with its connection, so entries it may
 * still receive stay pending); delivered entries that were not acknowledged stay pending, for this consumer's next
 * start or a claim. Acks of delivered elements may still go out for `ackGraceMs`.
 *
 * @example
 * const jobs = readGroup({ redis: 'redis://127.0.0.1:6379', stream: 'jobs', group: 'workers', consumer: 'w1',
 *   createGroup: true, claimIdleMs: 30_000, deadLetter: { stream: 'jobs:dead', maxDeliveries: 5 } });
 * await forEach(jobs, autoAck(async (job) => { await handle(job.value); }), { prefetch: 16 });
 */
export function readGroup<T = Fields>(options: ReadGroupOptions<T>): RedisStreamSource<T> {
  return new RedisStreamSource<T>(resolveOptions(options));
}

interface ResolvedOptions<T> {
  readonly redis: RedisConnection;
  readonly stream: string;
  readonly group: string;
  readonly consumer: string;
  readonly createGroup: string | null;
  readonly maxBatch: number;
  readonly blockMs: number;
  readonly lowTide: number;
  readonly readTimeoutGraceMs: number;
  readonly claimIdleMs: number | null;
  readonly claimEveryMs: number;
  readonly deadLetter: Required<Omit<DeadLetterOptions, 'maxLen'>> & { maxLen: number | null } | null;
  readonly decode: ((fields: Fields, id: string) => T) | null;
  readonly maxEntryBytes: number | null;
  readonly onDisconnect: 'resume' | 'fail';
  readonly reconnectTimeoutMs: number;
  readonly ackGraceMs: number;
  readonly completeWhenDrained: boolean;
}

function resolveOptions<T>(options: ReadGroupOptions<T>): ResolvedOptions<T> {
  const where = 'readGroup';
  if (options === null || typeof options !== 'object') throw new TypeError(`${where}: options must be an object, got ${String(options)}`);
  const createGroup = options.createGroup ?? false;
  if (typeof createGroup !== 'boolean' && (typeof createGroup !== 'object' || createGroup === null)) {
    throw new TypeError(`${where}: createGroup must be a boolean or { startId }, got ${String(createGroup)}`);
  }
  const claimIdleMs = options.claimIdleMs === undefined ? null : requirePositiveInteger(where, 'claimIdleMs', options.claimIdleMs);
  const dl = options.deadLetter;
  if (dl !== undefined && (dl === null || typeof dl !== 'object')) throw new TypeError(`${where}: deadLetter must be { stream, maxDeliveries?, maxLen? }`);
  const onDisconnect = options.onDisconnect ?? 'resume';
  if (onDisconnect !== 'resume' && onDisconnect !== 'fail') {
    throw new TypeError(`${where}: onDisconnect must be 'resume' or 'fail', got ${String(onDisconnect)}`);
  }
  if (options.decode !== undefined && typeof options.decode !== 'function') throw new TypeError(`${where}: decode must be a function`);
  const stream = requireName(where, 'stream', options.stream);
  const resolved: ResolvedOptions<T> = {
    redis: requireConnection(where, options.redis),
    stream,
    group: requireName(where, 'group', options.group),
    consumer: requireName(where, 'consumer', options.consumer),
    createGroup: createGroup === false ? null : createGroup === true ? '0' : requireName(where, 'createGroup.startId', createGroup.startId ?? '0'),
    maxBatch: options.maxBatch === undefined ? 100 : requirePositiveInteger(where, 'maxBatch', options.maxBatch),
    blockMs: options.blockMs === undefined ? 2_000 : requirePositiveInteger(where, 'blockMs', options.blockMs),
    lowTide: options.lowTide === undefined ? 1 : requirePositiveInteger(where, 'lowTide', options.lowTide),
    readTimeoutGraceMs: options.readTimeoutGraceMs === undefined ? 5_000 : requirePositiveInteger(where, 'readTimeoutGraceMs', options.readTimeoutGraceMs),
    claimIdleMs,
    claimEveryMs: options.claimEveryMs === undefined ? claimIdleMs ?? 0 : requirePositiveInteger(where, 'claimEveryMs', options.claimEveryMs),
    deadLetter: dl === undefined ? null : {
      stream: requireName(where, 'deadLetter.stream', dl.stream),
      maxDeliveries: dl.maxDeliveries === undefined ? 5 : requirePositiveInteger(where, 'deadLetter.maxDeliveries', dl.maxDeliveries),
      maxLen: dl.maxLen === undefined ? null : requirePositiveInteger(where, 'deadLetter.maxLen', dl.maxLen),
    },
    decode: options.decode ?? null,
    maxEntryBytes: options.maxEntryBytes === undefined ? null : requirePositiveInteger(where, 'maxEntryBytes', options.maxEntryBytes),
    onDisconnect,
    reconnectTimeoutMs: options.reconnectTimeoutMs === undefined ? 30_000 : requirePositiveInteger(where, 'reconnectTimeoutMs', options.reconnectTimeoutMs),
    ackGraceMs: options.ackGraceMs === undefined ? 2_000 : requireNonNegativeInteger(where, 'ackGraceMs', options.ackGraceMs),
    completeWhenDrained: options.completeWhenDrained ?? false,
  };
  if (typeof resolved.completeWhenDrained !== 'boolean') throw new TypeError(`${where}: completeWhenDrained must be a boolean`);
  if (resolved.deadLetter !== null && resolved.deadLetter.stream === stream) {
    throw new RangeError(`${where}: deadLetter.stream must differ from stream ("${stream}")`);
  }
  return resolved;
}

/** Counters of one Flow and the set of its live subscriptions (for the gauges). */
class Totals {
  reads = 0;
  received = 0;
  delivered = 0;
  acked = 0;
  claimed = 0;
  deadLettered = 0;
  trimmed = 0;
  skippedInProcess = 0;
  reconnects = 0;
  readonly live = new Set<ReadGroupSubscription<any>>();

  anyClient(): Redis | null {
    for (const s of this.live) {
      const client = s.ackClient();
      if (client !== null) return client;
    }
    return null;
  }

  snapshot(): RedisSourceMetrics {
    let outstandingDemand = 0;
    let inFlightReads = 0;
    let inFlightCount = 0;
    let buffered = 0;
    let unacked = 0;
    for (const s of this.live) {
      const g = s.gauges();
      outstandingDemand += g.requested;
      inFlightReads += g.inFlightCount > 0 ? 1 : 0;
      inFlightCount += g.inFlightCount;
      buffered += g.buffered;
      unacked += g.unacked;
    }
    return {
      outstandingDemand, inFlightReads, inFlightCount, buffered, unacked,
      reads: this.reads, received: this.received, delivered: this.delivered, acked: this.acked, claimed: this.claimed,
      deadLettered: this.deadLettered, trimmed: this.trimmed, skippedInProcess: this.skippedInProcess,
      reconnects: this.reconnects,
    };
  }
}

/**
 * The acknowledgement side of one subscription. It outlives the subscription's reads: elements delivered before a
 * cancel may still be acked, until every one is or `ackGraceMs` passed; then the ack connection closes.
 */
class AckLedger {
  command: OwnedConnection | null;
  /** Ids delivered downstream and not yet acked: the process's share of the PEL. */
  readonly unacked = new Set<string>();
  onChange: (() => void) | null = null;
  private closing: NodeJS.Timeout | null = null;
  /** Entries whose ack was asked for in this microtask: one `XACK stream group id…` for all of them. */
  private batch: Entry<unknown>[] = [];

  constructor(
    command: OwnedConnection,
    private readonly stream: string,
    private readonly group: string,
    private readonly totals: Totals,
  ) {
    this.command = command;
  }

  /** Queues `entry`'s XACK; `entry.ackSettled` runs with the outcome. No promise per entry. */
  enqueue(entry: Entry<unknown>): void {
    if (this.command === null || !this.unacked.has(entry.id)) {
      this.unacked.delete(entry.id);
      entry.ackSettled(new RedisStreamError('DISCONNECTED',
        `ack of ${this.stream} ${entry.id}: the source's ack connection is closed; the entry stays pending and will be delivered again`));
      return;
    }
    if (this.batch.length === 0) queueMicrotask(this.flush);
    this.batch.push(entry);
  }

  /** Stops holding `id` (released unacked: a later claim or re-read may deliver it again). */
  release(id: string): void {
    if (this.unacked.delete(id)) this.settled();
  }

  private readonly flush = (): void => {
    const entries = this.batch;
    this.batch = [];
    const ids = new Array<string>(entries.length);
    for (let i = 0; i < entries.length; i++) ids[i] = entries[i]!.id;
    const failed = (error: unknown): void => {
      // Not acked on the server (as far as we know): forget them here so that a re-read of our pending list may
      // deliver them again, which is what at-least-once promises.
      for (const id of ids) this.unacked.delete(id);
      this.settled();
      const failure = new RedisStreamError('DISCONNECTED',
        `ack of ${ids.length} entries of ${this.stream} failed; they stay pending: ${toError(error).message}`, { cause: error });
      for (const entry of entries) entry.ackSettled(failure);
    };
    const command = this.command;
    if (command === null) return failed(new Error('the ack connection is closed'));
    command.client.call('XACK', this.stream, this.group, ...ids).then(() => {
      for (const id of ids) this.unacked.delete(id);
      this.totals.acked += ids.length;
      this.settled();
      for (const entry of entries) entry.ackSettled(null);
    }, failed);
  };

  /** The subscription ended: close the ack connection once nothing delivered is unacked, or after `graceMs`. */
  retire(graceMs: number): void {
    this.onChange = null;
    if (this.unacked.size === 0 || graceMs === 0) return this.close();
    this.closing = setTimeout(() => this.close(), graceMs);
  }

  private settled(): void {
    if (this.closing !== null) {
      if (this.unacked.size === 0) this.close();
      return;
    }
    this.onChange?.();
  }

  private close(): void {
    if (this.closing !== null) clearTimeout(this.closing);
    this.closing = null;
    close(this.command);
    this.command = null;
  }
}

/** `autoAck`'s promise-free path: send the ack, report a failure through `onError` (used with `awaitAck: false`). */
export const ackInBackground: unique symbol = Symbol('sluice.redis.ackInBackground');

/** One entry: made when read, delivered (with its ledger) when there is demand. */
class Entry<T> implements StreamEntry<T> {
  private ledger: AckLedger | null = null;
  private state: 'held' | 'sending' | 'acked' | 'failed' | 'released' = 'held';
  private waiter: { promise: Promise<void>; resolve(): void; reject(error: Error): void } | null = null;
  private failure: Error | null = null;
  private onFailure: ((error: Error) => void) | null = null;

  constructor(
    readonly id: string,
    readonly stream: string,
    readonly fields: Fields,
    readonly value: T,
    readonly deliveries: number,
  ) {}

  /** @internal the source hands the entry out */
  deliver(ledger: AckLedger): this {
    this.ledger = ledger;
    return this;
  }

  get redelivered(): boolean {
    return this.deliveries > 1;
  }

  get acked(): boolean {
    return this.state === 'acked';
  }

  ack(): Promise<void> {
    if (this.waiter === null) {
      let resolve!: () => void;
      let reject!: (error: Error) => void;
      const promise = new Promise<void>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      this.waiter = { promise, resolve, reject };
      if (this.state === 'acked') resolve();
      else if (this.state === 'failed' || this.state === 'released') reject(this.failure!);
      else this.send(); // once: nothing is acked twice
    }
    return this.waiter.promise;
  }

  [ackInBackground](onError: (error: Error) => void): void {
    if (this.state !== 'held') return;
    this.onFailure = onError;
    this.send();
  }

  private send(): void {
    if (this.state !== 'held') return;
    this.state = 'sending';
    const ledger = this.ledger!;
    this.ledger = null; // an acked element does not keep the subscription's connection alive
    ledger.enqueue(this as Entry<unknown>);
  }

  /** @internal the ledger's answer for this entry's XACK */
  ackSettled(error: Error | null): void {
    if (error === null) {
      this.state = 'acked';
      this.waiter?.resolve();
      return;
    }
    this.state = 'failed';
    this.failure = error;
    this.waiter?.reject(error);
    this.onFailure?.(error);
    this.onFailure = null;
  }

  release(): void {
    if (this.state !== 'held') return;
    const ledger = this.ledger;
    this.ledger = null;
    this.state = 'released';
    this.failure = new RedisStreamError('REPLY', `entry ${this.id} was released unacked; it will be delivered again`);
    ledger?.release(this.id);
  }
}

type Phase = 'setup' | 'history' | 'new';

/** One read's outcome; `fresh`: entries of `>` (never delivered to any consumer before). */
interface ReadBatch {
  readonly entries: RawBatch;
  readonly deliveries: number[] | null;
  readonly claimed: boolean;
  readonly fresh: boolean;
}

class ReadGroupSubscription<T> extends DrainSubscription<StreamEntry<T>> implements Inspectable {
  private readonly options: ResolvedOptions<T>;
  private readonly totals: Totals;
  private blocking: Redis | null;
  private ledger: AckLedger | null;
  private readonly ready: RingBuffer<Entry<T>>;
  private phase: Phase = 'setup';
  private historyCursor = '0';
  private claimCursor = '0-0';
  /** When the last complete claim scan ended (a scan walks the PEL in several XAUTOCLAIM calls). */
  private lastClaimScan = Number.NEGATIVE_INFINITY;
  /** While a claim scan is under way, reads alternate between claiming and new entries. */
  private claimNext = true;
  /** COUNT of the read in flight; 0 when none. */
  private inFlightCount = 0;
  /** Dead-letter moves and acks of deleted entries in flight; the next read waits for them. */
  private sideWork = 0;
  private waitingForConnection = false;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private readWatchdog: NodeJS.Timeout | null = null;
  private watchdogFired = false;
  private failure: Error | null = null;
  /** completeWhenDrained: the group has nothing left for us. */
  private drained = false;
  /** completeWhenDrained: a drain probe is in flight, and `delivered` when the last one was sent. */
  private probing = false;
  private probedAt = -1;
  private received = 0;
  private delivered = 0;
  private readonly onReady = (): void => this.connectionBack();
  /** Bumped when a read in flight is given up (its connection closed): a late outcome of it is ignored. */
  private readGeneration = 0;
  /**
   * ioredis keeps the commands of a closed connection until it has reconnected (or given up after
   * maxRetriesPerRequest), so a read in flight when the connection closes would hang for as long as the broker is
   * away: 'close' gives it up at once (with autoResendUnfulfilledCommands off it is never replayed either).
   */
  private readonly onClose = (): void => {
    if (this.cancelled) return;
    this.totals.reconnects++;
    if (this.inFlightCount === 0) return; // nothing was lost; the next read waits for 'ready'
    this.readGeneration++;
    this.inFlightCount = 0;
    this.disarmWatchdog();
    this.readFailed(new Error('the read connection closed'));
    this.drain();
  };

  constructor(downstream: Subscriber<StreamEntry<T>>, options: ResolvedOptions<T>, totals: Totals) {
    super(downstream);
    this.options = options;
    this.totals = totals;
    const label = `sluice:${options.group}:${options.consumer}`;
    this.ready = new RingBuffer<Entry<T>>(options.maxBatch);
    this.ledger = new AckLedger(commandConnection(options.redis, `${label}:ack`), options.stream, options.group, totals);
    this.ledger.onChange = () => this.drain();
    this.blocking = blockingConnection(options.redis, `${label}:read`);
    this.blocking.on('close', this.onClose);
    totals.live.add(this);
  }

  ackClient(): Redis | null {
    return this.ledger?.command?.client ?? null;
  }

  gauges(): { requested: number; inFlightCount: number; buffered: number; unacked: number } {
    return { requested: this.requested, inFlightCount: this.inFlightCount, buffered: this.ready.size, unacked: this.ledger?.unacked.size ?? 0 };
  }

  start(): void {
    if (this.cancelled) return;
    const { createGroup, stream, group } = this.options;
    const client = this.ledger!.command!.client;
    if (createGroup === null) {
      // A missing stream or group fails at subscribe, without waiting for demand (§1.4, §1.9 onError after onSubscribe).
      client.call('XINFO', 'GROUPS', stream).then(
        (groups) => {
          const found = (groups as unknown[][]).some((g) => pairsToObject(g).name === group);
          this.setupDone(found ? null : new RedisStreamError('NOGROUP', `NOGROUP no consumer group "${group}" on stream "${stream}"`));
        },
        (error: unknown) => this.setupDone(toError(error).message.includes('no such key')
          ? new RedisStreamError('NOGROUP', `NOGROUP no stream "${stream}"`) : error),
      );
      return;
    }
    client.call('XGROUP', 'CREATE', stream, group, createGroup, 'MKSTREAM').then(
      () => this.setupDone(null),
      (error: unknown) => this.setupDone(isReplyError(error) && String((error as Error).message).startsWith('BUSYGROUP') ? null : error),
    );
  }

  private setupDone(error: unknown): void {
    if (this.cancelled) return;
    if (error !== null) this.failure = this.replyFailure(this.options.createGroup === null ? 'XINFO GROUPS' : 'XGROUP CREATE', error);
    else this.phase = 'history';
    this.drain();
  }

  protected emitSome(downstream: Subscriber<StreamEntry<T>>): void {
    if (this.failure !== null) return this.fail(this.failure);
    const ledger = this.ledger!;
    while (this.requested > 0 && this.ready.size > 0) {
      const entry = this.ready.poll()!;
      ledger.unacked.add(entry.id);
      this.requested--;
      this.delivered++;
      this.totals.delivered++;
      downstream.onNext(entry.deliver(ledger));
      if (this.cancelled) return;
    }
    if (this.failure !== null) return this.fail(this.failure);
    if (this.drained && this.ready.size === 0) return this.complete(); // §1.2 fewer than requested, then complete
    this.maybeRead();
    if (this.options.completeWhenDrained) this.maybeProbe();
  }

  /**
   * completeWhenDrained without demand (§1.5: a finite stream completes without being asked): asks the server whether
   * the group has undelivered entries (lag) or we have pending ones we do not hold, without reading any.
   */
  private maybeProbe(): void {
    if (this.probing || this.requested > 0 || this.ready.size > 0 || this.inFlightCount > 0 || this.sideWork > 0) return;
    if (this.phase === 'setup' || this.waitingForConnection || this.probedAt === this.delivered) return;
    this.probing = true;
    this.probedAt = this.delivered;
    const { stream, group, consumer } = this.options;
    const client = this.ledger!.command!.client;
    Promise.all([client.call('XINFO', 'GROUPS', stream), pendingSummary(client, stream, group)]).then(
      ([groups, pending]) => {
        this.probing = false;
        if (this.cancelled) return;
        const info = (groups as unknown[][]).map(pairsToObject).find((g) => g.name === group);
        const ours = pending.consumers[consumer] ?? 0;
        if (info !== undefined && info.lag === 0 && ours <= (this.ledger?.unacked.size ?? 0)) this.drained = true;
        this.drain();
      },
      (error: unknown) => {
        this.probing = false;
        if (this.cancelled) return;
        this.failure = this.replyFailure('XINFO GROUPS', error);
        this.drain();
      },
    );
  }

  /** The read rule: demand, nothing buffered, no read or side work in flight, a live connection, and the low tide. */
  private maybeRead(): void {
    if (this.phase === 'setup' || this.inFlightCount > 0 || this.sideWork > 0 || this.waitingForConnection) return;
    if (this.requested === 0 || this.ready.size > 0) return;
    if (this.requested < this.options.lowTide && this.ledger!.unacked.size > 0) return;
    if (this.blocking!.status !== 'ready') {
      // Not connected yet (the first read after subscribe) or not again: without an offline queue a command now
      // would fail, so wait for 'ready' (bounded by reconnectTimeoutMs).
      this.waitForConnection('the read connection is not ready');
      return;
    }
    const count = Math.min(this.requested, this.options.maxBatch);
    this.inFlightCount = count;
    this.totals.reads++;
    const generation = this.readGeneration;
    this.read(count).then(
      (batch) => {
        if (generation === this.readGeneration) this.readDone(batch, null);
      },
      (error: unknown) => {
        if (generation === this.readGeneration) this.readDone(null, error);
      },
    );
  }

  private async read(count: number): Promise<ReadBatch> {
    const blocking = this.blocking!;
    const { stream, group, consumer, blockMs, claimIdleMs } = this.options;
    if (this.phase === 'history') {
      const reply = await blocking.call('XREADGROUP', 'GROUP', group, consumer, 'COUNT', count, 'STREAMS', stream, this.historyCursor);
      const entries = parseReadReply(reply);
      if (entries.ids.length === 0) this.phase = 'new';
      else this.historyCursor = entries.ids[entries.ids.length - 1]!;
      return { entries, deliveries: await this.deliveryCounts(entries.ids), claimed: false, fresh: false };
    }
    if (claimIdleMs !== null && this.claimNext && Date.now() - this.lastClaimScan >= this.options.claimEveryMs) {
      const reply = (await blocking.call('XAUTOCLAIM', stream, group, consumer, claimIdleMs, this.claimCursor, 'COUNT', count)) as
        [string, unknown, unknown];
      this.claimCursor = reply[0];
      if (reply[0] === '0-0') this.lastClaimScan = Date.now();
      else this.claimNext = false; // the scan goes on after one read of new entries
      // Redis 7 removes pending entries that were deleted from the stream and lists their ids as reply[2].
      const deleted = Array.isArray(reply[2]) ? reply[2].length : 0;
      this.totals.trimmed += deleted;
      const entries = parseEntries(reply[1]);
      return { entries, deliveries: await this.deliveryCounts(entries.ids), claimed: true, fresh: false };
    }
    this.claimNext = true;
    if (this.options.completeWhenDrained) {
      const reply = await blocking.call('XREADGROUP', 'GROUP', group, consumer, 'COUNT', count, 'STREAMS', stream, '>');
      const entries = parseReadReply(reply);
      if (entries.ids.length === 0) this.drained = true;
      return { entries, deliveries: null, claimed: false, fresh: true };
    }
    this.armWatchdog(blockMs + this.options.readTimeoutGraceMs);
    try {
      const reply = await blocking.call('XREADGROUP', 'GROUP', group, consumer, 'COUNT', count, 'BLOCK', blockMs, 'STREAMS', stream, '>');
      return { entries: parseReadReply(reply), deliveries: null, claimed: false, fresh: true };
    } finally {
      this.disarmWatchdog();
    }
  }

  /** The server's delivery counter of each re-read or claimed entry (one pipelined XPENDING per entry). */
  private async deliveryCounts(ids: string[]): Promise<number[] | null> {
    if (ids.length === 0) return null;
    const { stream, group } = this.options;
    const pipeline = this.blocking!.pipeline();
    for (const id of ids) pipeline.call('XPENDING', stream, group, id, id, 1);
    const results = (await pipeline.exec()) ?? [];
    return ids.map((_, i) => {
      const [error, reply] = results[i] ?? [null, null];
      if (error) throw error;
      const row = (reply as [string, string, number, number][] | null)?.[0];
      return row === undefined ? 2 : Number(row[3]);
    });
  }

  private readDone(batch: ReadBatch | null, error: unknown): void {
    this.inFlightCount = 0;
    if (this.cancelled) return; // entries read for a cancelled subscription stay pending in the group
    if (batch === null) {
      this.readFailed(error);
      this.drain();
      return;
    }
    const { entries: { ids, fields }, deliveries, claimed, fresh } = batch;
    const n = ids.length;
    this.received += n;
    this.totals.received += n;
    if (claimed) this.totals.claimed += n;
    const unacked = this.ledger!.unacked;
    const { maxEntryBytes, decode, stream } = this.options;
    if (fresh && decode === null && maxEntryBytes === null) {
      // The per-message path: new entries ('>': each is delivery 1, within any maxDeliveries ≥ 1), taken as they are,
      // without a check that cannot apply. An entry without fields, or one held here already (possible only if the
      // group was recreated under us), takes the general path.
      for (let i = 0; i < n; i++) {
        const id = ids[i]!;
        const f = fields[i]!;
        if (f === null || unacked.has(id)) this.classifyHeld(id, f, 1);
        else this.ready.offer(new Entry(id, stream, f, f as T, 1));
        if (this.failure !== null) break;
      }
      this.drain();
      return;
    }
    for (let i = 0; i < n; i++) {
      const id = ids[i]!;
      if (unacked.has(id)) {
        // A re-read after a reconnect (or a claim of our own idle entry) found an element this process still holds.
        this.totals.skippedInProcess++;
        continue;
      }
      this.classify(id, fields[i]!, deliveries === null ? 1 : deliveries[i]!);
      if (this.failure !== null) break;
    }
    this.drain();
  }

  /** `classify`, after the check for an element this process still holds (the general path of `readDone`). */
  private classifyHeld(id: string, fields: Fields | null, deliveries: number): void {
    if (this.ledger!.unacked.has(id)) {
      this.totals.skippedInProcess++;
      return;
    }
    this.classify(id, fields, deliveries);
  }

  /** Delivers, dead-letters, acks as deleted, or fails, per entry. */
  private classify(id: string, fields: Fields | null, deliveries: number): void {
    const { deadLetter, maxEntryBytes, decode, stream } = this.options;
    if (fields === null) {
      // Deleted from the stream while pending (MAXLEN trimming, XDEL): nothing left to process; take it off the PEL.
      this.totals.trimmed++;
      this.sideCommand(this.ledger!.command!.client.call('XACK', stream, this.options.group, id));
      return;
    }
    if (deadLetter !== null && deliveries > deadLetter.maxDeliveries) {
      return this.deadLetter(id, fields, deliveries, `delivered ${deliveries} times, more than maxDeliveries ${deadLetter.maxDeliveries}`);
    }
    if (maxEntryBytes !== null) {
      const bytes = entryBytes(fields);
      if (bytes > maxEntryBytes) {
        const reason = `oversized: ${bytes} bytes, more than maxEntryBytes ${maxEntryBytes}`;
        if (deadLetter !== null) return this.deadLetter(id, fields, deliveries, reason);
        this.failure = new RedisStreamError('OVERSIZED',
          `readGroup: entry ${id} of "${stream}" is ${reason}; it stays pending (configure deadLetter to move such entries aside)`);
        return;
      }
    }
    let value: T;
    if (decode === null) {
      value = fields as T;
    } else {
      try {
        value = decode(fields, id);
      } catch (error) {
        const message = toError(error).message;
        if (deadLetter !== null) return this.deadLetter(id, fields, deliveries, `decode failed: ${message}`);
        this.failure = new RedisStreamError('DECODE',
          `readGroup: decode threw for entry ${id} of "${stream}": ${message}; it stays pending (configure deadLetter to move such entries aside)`,
          { cause: error });
        return;
      }
    }
    // Never more than one read's COUNT arrives, and a read is only issued with the ring empty: offer cannot fail.
    this.ready.offer(new Entry(id, stream, fields, value, deliveries));
  }

  /** XADD to the dead-letter stream and XACK the original, atomically (MULTI/EXEC). */
  private deadLetter(id: string, fields: Fields, deliveries: number, reason: string): void {
    const { deadLetter, stream, group, consumer } = this.options;
    const dl = deadLetter!;
    const trim = dl.maxLen === null ? [] : ['MAXLEN', '~', dl.maxLen];
    const letter = [...flattenFields(fields), 'dlq:stream', stream, 'dlq:id', id, 'dlq:group', group,
      'dlq:consumer', consumer, 'dlq:deliveries', String(deliveries), 'dlq:reason', reason];
    const multi = this.ledger!.command!.client.multi();
    multi.call('XADD', dl.stream, ...trim, '*', ...letter);
    multi.call('XACK', stream, group, id);
    this.sideCommand(multi.exec().then((results) => {
      const failed = results?.find(([error]) => error !== null);
      if (results === null || failed !== undefined) throw failed?.[0] ?? new Error('MULTI aborted');
      this.totals.deadLettered++;
    }));
  }

  private sideCommand(work: Promise<unknown>): void {
    this.sideWork++;
    work.then(
      () => {
        this.sideWork--;
        this.drain();
      },
      (error: unknown) => {
        this.sideWork--;
        if (this.cancelled) return;
        if (this.failure === null) this.failure = this.replyFailure('dead-letter/ack', error);
        this.drain();
      },
    );
  }

  private readFailed(error: unknown): void {
    const { stream, group, consumer, onDisconnect } = this.options;
    if (isReplyError(error)) {
      this.failure = this.replyFailure('XREADGROUP', error);
      return;
    }
    const timedOut = this.watchdogFired;
    this.watchdogFired = false;
    const what = timedOut
      ? `a blocking read was not answered within blockMs + readTimeoutGraceMs (${this.options.blockMs + this.options.readTimeoutGraceMs} ms)`
      : `the connection dropped mid-stream (${toError(error).message})`;
    if (onDisconnect === 'fail') {
      this.failure = new RedisStreamError(timedOut ? 'READ_TIMEOUT' : 'DISCONNECTED',
        `readGroup "${stream}" as ${group}/${consumer}: ${what}, and onDisconnect is 'fail'; ` +
        'entries delivered and not acked stay pending in the group', { cause: error });
      return;
    }
    // Resume: whatever the lost reply carried is in our PEL now, so read our own pending entries again first.
    this.phase = 'history';
    this.historyCursor = '0';
    this.claimCursor = '0-0';
    this.waitForConnection(what, error);
  }

  private waitForConnection(what: string, cause?: unknown): void {
    const { stream, group, consumer } = this.options;
    this.waitingForConnection = true;
    const blocking = this.blocking!;
    blocking.once('ready', this.onReady);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (this.cancelled || !this.waitingForConnection) return;
      this.failure = new RedisStreamError('DISCONNECTED',
        `readGroup "${stream}" as ${group}/${consumer}: ${what}, and it was not back within reconnectTimeoutMs ` +
        `(${this.options.reconnectTimeoutMs} ms); entries delivered and not acked stay pending in the group`, { cause });
      this.waitingForConnection = false;
      this.drain();
    }, this.options.reconnectTimeoutMs);
    if (blocking.status === 'ready') setImmediate(this.onReady); // the drop was ours (watchdog) or already healed
    else if (blocking.status === 'end' || blocking.status === 'wait') void blocking.connect().catch(() => {});
  }

  private connectionBack(): void {
    this.blocking?.off('ready', this.onReady);
    if (!this.waitingForConnection) return;
    this.waitingForConnection = false;
    if (this.reconnectTimer !== null) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.drain();
  }

  private replyFailure(command: string, error: unknown): Error {
    const { stream, group } = this.options;
    const message = toError(error).message;
    if (message.startsWith('NOGROUP')) {
      return new RedisStreamError('NOGROUP',
        `readGroup: stream "${stream}" or its consumer group "${group}" does not exist (${message}); create it with ` +
        `XGROUP CREATE ${stream} ${group} $ MKSTREAM, or pass createGroup: true`, { cause: error });
    }
    if (isReplyError(error)) return new RedisStreamError('REPLY', `readGroup: ${command} on "${stream}" failed: ${message}`, { cause: error });
    return new RedisStreamError('DISCONNECTED', `readGroup: ${command} on "${stream}" failed: ${message}`, { cause: error });
  }

  private armWatchdog(ms: number): void {
    this.readWatchdog = setTimeout(() => {
      this.readWatchdog = null;
      this.watchdogFired = true;
      // A read the server should have answered by now: treat the connection as dead. The read fails, and with
      // 'resume' ioredis reconnects and we re-read our pending entries, so nothing it may have carried is skipped.
      this.blocking?.disconnect(true);
    }, ms);
  }

  private disarmWatchdog(): void {
    if (this.readWatchdog !== null) clearTimeout(this.readWatchdog);
    this.readWatchdog = null;
  }

  protected override dispose(): void {
    this.totals.live.delete(this);
    this.disarmWatchdog();
    if (this.reconnectTimer !== null) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.ready.clear();
    const blocking = this.blocking;
    this.blocking = null;
    if (blocking !== null) {
      blocking.off('ready', this.onReady);
      blocking.off('close', this.onClose);
      // A BLOCK read in flight cannot be taken back; closing its connection abandons it (whatever it still receives
      // stays pending in the group, nothing is lost).
      blocking.disconnect();
    }
    const ledger = this.ledger;
    this.ledger = null;
    try {
      ledger?.retire(this.options.ackGraceMs);
    } catch (error) {
      reportError(error);
    }
  }

  inspect(): ReadGroupSnapshot {
    return {
      stage: 'redis.readGroup',
      capacity: this.options.maxBatch,
      buffered: this.ready.size,
      requested: this.requested,
      upstreamRequested: this.inFlightCount,
      received: this.received,
      emitted: this.delivered,
      dropped: 0,
      terminated: this.cancelled && this.failure !== null,
      cancelled: this.cancelled,
      inFlightCount: this.inFlightCount,
      unacked: this.ledger?.unacked.size ?? 0,
      phase: this.phase,
    };
  }
}
