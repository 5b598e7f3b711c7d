import {
  DrainSubscription, Flow, RingBuffer, reportError, type Inspectable, type StageSnapshot, type Subscriber,
} from '@sluice/core';
import { createInbox, headers as makeHeaders, type Msg, type NatsConnection, type Subscription as NatsSubscription } from '@nats-io/transport-node';
import {
  AckPolicy, jetstream, jetstreamManager, type ConsumerConfig, type ConsumerInfo, type JetStreamManager,
} from '@nats-io/jetstream';
import { closeConnection, openConnection, requireConnection, type NatsConnectionLike, type OwnedConnection } from './internal/connection';
import {
  CONSUMER_NOT_FOUND, NatsStreamError, STREAM_NOT_FOUND, apiErrorCode, requireName, requireNonNegativeInteger,
  requirePositiveInteger, toError,
} from './internal/errors';
import { parseAckSubject, type DeliveryInfo, type JetStreamEntry } from './entry';
import { Message, type AckOwner } from './internal/message';

const NS_PER_MS = 1_000_000;

/** Where messages that cannot be processed go, and after how many deliveries a message counts as one of them. */
export interface DeadLetterOptions {
  /** A subject captured by a stream (not the source stream): the message is published there with `Sluice-Dlq-*` headers, then termed. */
  subject: string;
  /** A message delivered more than this many times is dead-lettered instead of delivered again (default 5). */
  maxDeliveries?: number;
}

export interface PullConsumerOptions<T = Uint8Array> {
  /** A `nats://` URL, connection options, or a NatsConnection (left open). */
  nats: NatsConnectionLike;
  stream: string;
  /**
   * A durable consumer's name. Workers that share it share the work (each message goes to one of them). Without it,
   * each subscription creates an ephemeral consumer of its own (config from `ephemeral`), deleted when it ends.
   */
  consumer?: string;
  /** Create the durable consumer at subscribe when it is missing, with this config (`ack_policy` is always explicit). */
  createConsumer?: Partial<ConsumerConfig>;
  /** Config of the ephemeral consumer (no `consumer` given), e.g. `{ filter_subject, deliver_policy }`. */
  ephemeral?: Partial<ConsumerConfig>;
  /** The largest `batch` of one pull (default 100; also capped by the consumer's `max_batch`). */
  maxBatch?: number;
  /** `max_bytes` of each pull: the server stops a pull's batch early once that many bytes were sent (default: none). */
  maxBytes?: number;
  /** Pulls open at a time, at most (default 4). */
  maxPulls?: number;
  /**
   * The re-pull threshold (default `ceil(maxBatch / 4)`): while a pull is still open, another one is issued only once
   * the demand no open pull covers reaches this. With no pull open any demand is pulled at once.
   */
  lowTide?: number;
  /** `expires` of each pull in ms (default 5000): the server ends a pull it could not fill with a 408 after this. */
  expiresMs?: number;
  /** `idle_heartbeat` of each pull in ms (default `expiresMs / 5`, at least 100): an open pull that hears neither a message nor a heartbeat for two of these is dead. */
  heartbeatMs?: number;
  /** A dead-letter subject for messages delivered too often, undecodable or oversized (default: none). */
  deadLetter?: DeadLetterOptions;
  /** Turns a message into the element's `value` (default: the payload bytes). A throw dead-letters or fails. */
  decode?: (message: { subject: string; data: Uint8Array; headers: Msg['headers'] }) => T;
  /** Messages whose payload is larger than this are dead-lettered, or fail the stream (default: no limit). */
  maxMessageBytes?: number;
  /**
   * A dropped connection or a dead pull: `'resume'` (default) waits for the client to reconnect and pulls again;
   * `'fail'` signals onError (`DISCONNECTED` or `PULL_TIMEOUT`). Either way nothing delivered and unacked is lost:
   * the server redelivers it after `ack_wait`.
   */
  onDisconnect?: 'resume' | 'fail';
  /** With `'resume'`, how long to wait for the connection to come back before failing (default 30000 ms). */
  reconnectTimeoutMs?: number;
  /** How long `ack()`/`term()` wait for the server's confirmation (default 5000 ms). */
  ackTimeoutMs?: number;
  /**
   * `true` (default): each ack and term is a request the server answers once it applied it ("double ack"), so
   * `acked` counts only what the server confirmed. `false`: they are published like JetStream's own `m.ack()` and
   * `ack()` resolves once the client has them to send: no round trip, but an ack lost on the way (a connection that
   * drops before its buffer reached the server) is only noticed as a redelivery after `ack_wait`.
   */
  confirmAcks?: boolean;
  /** After cancel, how long acks of elements already delivered may still go out before an owned connection closes (default 2000 ms). */
  ackGraceMs?: number;
  /**
   * Complete once the consumer has nothing left to deliver (`num_pending` 0) and nothing delivered to others is
   * waiting for an ack (default `false`: a stream has no end). For batch jobs; pulls then use `no_wait`.
   */
  completeWhenDrained?: boolean;
}

/** Counters (for the life of the Flow, over all its subscriptions) and gauges (live subscriptions, summed). */
export interface NatsSourceMetrics {
  /** Demand from downstream not yet met. */
  readonly outstandingDemand: number;
  /** Pulls open now. */
  readonly inFlightPulls: number;
  /** Messages those pulls may still bring. */
  readonly inFlightCount: number;
  /** Messages received and not yet delivered downstream. */
  readonly buffered: number;
  /** Elements delivered and not yet acked, nak'ed or termed. */
  readonly unacked: number;
  /** The consumer's `max_ack_pending` (-1: none), from its info at subscribe. */
  readonly maxAckPending: number;
  readonly pulls: number;
  readonly received: number;
  readonly delivered: number;
  readonly acked: number;
  readonly naked: number;
  readonly termed: number;
  /** Messages received with a delivery count above 1. */
  readonly redelivered: number;
  readonly deadLettered: number;
  /** Pulls the server ended with 408 (expired before it was filled, e.g. with max_ack_pending reached). */
  readonly pullsExpired: number;
  /** Pulls given up by the source: no message or heartbeat in time, or open when the connection dropped. */
  readonly pullsLost: number;
  /** Redeliveries of a message this process still holds unacked (not delivered twice). */
  readonly skippedInProcess: number;
  readonly heartbeats: number;
  /** Times the connection dropped under a live subscription. */
  readonly disconnects: number;
}

/** The server's view of the consumer (consumer info). */
export interface ConsumerPending {
  /** Messages not yet delivered (`num_pending`). */
  readonly numPending: number;
  /** Messages delivered and not yet acknowledged (`num_ack_pending`). */
  readonly numAckPending: number;
  readonly numRedelivered: number;
  /** Pull requests waiting on the server (`num_waiting`). */
  readonly numWaiting: number;
  readonly maxAckPending: number;
  /** Stream sequence of the last message acknowledged in order (`ack_floor.stream_seq`). */
  readonly ackFloor: number;
}

export interface PullConsumerSnapshot extends StageSnapshot {
  readonly inFlightPulls: number;
  readonly unacked: number;
  readonly phase: 'setup' | 'pulling' | 'waiting' | 'done';
}

/** The Flow `pullConsumer` returns: a Publisher of messages with the source's metrics and the server's pending counts. */
export class JetStreamSource<T = Uint8Array> extends Flow<JetStreamEntry<T>> {
  /** @internal */
  readonly totals: Totals;
  private readonly options: Resolved<T>;

  /** @internal use `pullConsumer` */
  constructor(options: Resolved<T>) {
    const totals = new Totals();
    super((subscriber) => {
      const subscription = new PullSubscription<T>(subscriber, options, totals);
      subscriber.onSubscribe(subscription);
      subscription.start();
    });
    this.totals = totals;
    this.options = options;
  }

  metrics(): NatsSourceMetrics {
    return this.totals.snapshot();
  }

  /** Consumer info of the durable consumer (or of a live subscription's ephemeral one). */
  async pending(): Promise<ConsumerPending> {
    const live = this.totals.anyLive();
    const name = live?.consumerName ?? this.options.consumer;
    if (name === null) throw new TypeError('pending(): an ephemeral consumer exists only while a subscription is live');
    const own = live?.connection ?? await openConnection(this.options.nats, 'sluice:pending');
    try {
      const jsm = await jetstreamManager(own.nc);
      return pendingOf(await jsm.consumers.info(this.options.stream, name));
    } finally {
      if (live === null) closeConnection(own);
    }
  }
}

export function pendingOf(info: ConsumerInfo): ConsumerPending {
  return {
    numPending: info.num_pending, numAckPending: info.num_ack_pending, numRedelivered: info.num_redelivered,
    numWaiting: info.num_waiting, maxAckPending: info.config.max_ack_pending ?? -1, ackFloor: info.ack_floor.stream_seq,
  };
}

/**
 * A JetStream pull consumer as a Publisher: each element is one message, held by the server as pending until its
 * `ack()` (or redelivered after `ack_wait`).
 *
 * ```
 * request:   3.                       2.
 * server:    PULL batch 3 expires 5s   PULL batch 2 …
 * flow:      -a-b-c-------------------d-e-
 * ack():       a   b c                  d e     (until then each is in num_ack_pending)
 * ```
 *
 * **Demand**: a pull (`$JS.API.CONSUMER.MSG.NEXT`, on an inbox subscription of its own) is issued only for demand
 * that no open pull covers, for at most `maxBatch` and at most the room left under the consumer's
 * `max_ack_pending`; another pull while one is open waits until that demand reaches `lowTide`. Received plus still
 * pullable messages never exceed the outstanding demand; with no demand nothing is pulled.
 *
 * **Errors**: a missing stream or consumer → `NatsStreamError` `NOT_FOUND` right after subscribe; a dropped
 * connection or dead pull resumes or fails by `onDisconnect`. A message delivered more than
 * `deadLetter.maxDeliveries` times, undecodable or over `maxMessageBytes` is published to the dead-letter subject and
 * termed; without a dead-letter subject the last two fail the stream (`DECODE`, `OVERSIZED`).
 *
 * **Cancellation**: stops pulling; open pulls are unsubscribed (what the server still sends them is redelivered after
 * `ack_wait`), delivered elements that were not acked stay pending. Their acks may still go out for `ackGraceMs`.
 *
 * @example
 * const jobs = pullConsumer({ nats: 'nats://127.0.0.1:4222', stream: 'JOBS', consumer: 'workers',
 *   deadLetter: { subject: 'dead.jobs', maxDeliveries: 5 }, decode: (m) => JSON.parse(new TextDecoder().decode(m.data)) });
 * await forEach(jobs, autoAck(async (job) => { await handle(job.value); }), { prefetch: 16 });
 */
export function pullConsumer<T = Uint8Array>(options: PullConsumerOptions<T>): JetStreamSource<T> {
  return new JetStreamSource<T>(resolve(options));
}

interface Resolved<T> {
  readonly nats: NatsConnectionLike;
  readonly stream: string;
  readonly consumer: string | null;
  readonly createConsumer: Partial<ConsumerConfig> | null;
  readonly ephemeral: Partial<ConsumerConfig>;
  readonly maxBatch: number;
  readonly maxBytes: number | null;
  readonly maxPulls: number;
  readonly lowTide: number;
  readonly expiresMs: number;
  readonly heartbeatMs: number;
  readonly deadLetter: { subject: string; maxDeliveries: number } | null;
  readonly decode: PullConsumerOptions<T>['decode'] | null;
  readonly maxMessageBytes: number | null;
  readonly onDisconnect: 'resume' | 'fail';
  readonly reconnectTimeoutMs: number;
  readonly ackTimeoutMs: number;
  readonly confirmAcks: boolean;
  readonly ackGraceMs: number;
  readonly completeWhenDrained: boolean;
}

function resolve<T>(options: PullConsumerOptions<T>): Resolved<T> {
  const where = 'pullConsumer';
  if (options === null || typeof options !== 'object') throw new TypeError(`${where}: options must be an object, got ${String(options)}`);
  const onDisconnect = options.onDisconnect ?? 'resume';
  if (onDisconnect !== 'resume' && onDisconnect !== 'fail') throw new TypeError(`${where}: onDisconnect must be 'resume' or 'fail', got ${String(onDisconnect)}`);
  if (options.decode !== undefined && typeof options.decode !== 'function') throw new TypeError(`${where}: decode must be a function`);
  const dl = options.deadLetter;
  if (dl !== undefined && (dl === null || typeof dl !== 'object')) throw new TypeError(`${where}: deadLetter must be { subject, maxDeliveries? }`);
  const maxBatch = options.maxBatch === undefined ? 100 : requirePositiveInteger(where, 'maxBatch', options.maxBatch);
  const expiresMs = options.expiresMs === undefined ? 5_000 : requirePositiveInteger(where, 'expiresMs', options.expiresMs);
  const heartbeatMs = options.heartbeatMs === undefined ? Math.max(100, Math.floor(expiresMs / 5)) : requirePositiveInteger(where, 'heartbeatMs', options.heartbeatMs);
  if (heartbeatMs * 2 > expiresMs) throw new RangeError(`${where}: heartbeatMs (${heartbeatMs}) must be at most half of expiresMs (${expiresMs})`);
  const completeWhenDrained = options.completeWhenDrained ?? false;
  if (typeof completeWhenDrained !== 'boolean') throw new TypeError(`${where}: completeWhenDrained must be a boolean`);
  return {
    nats: requireConnection(where, options.nats),
    stream: requireName(where, 'stream', options.stream),
    consumer: options.consumer === undefined ? null : requireName(where, 'consumer', options.consumer),
    createConsumer: options.createConsumer ?? null,
    ephemeral: options.ephemeral ?? {},
    maxBatch,
    maxBytes: options.maxBytes === undefined ? null : requirePositiveInteger(where, 'maxBytes', options.maxBytes),
    maxPulls: options.maxPulls === undefined ? 4 : requirePositiveInteger(where, 'maxPulls', options.maxPulls),
    lowTide: options.lowTide === undefined ? Math.ceil(maxBatch / 4) : requirePositiveInteger(where, 'lowTide', options.lowTide),
    expiresMs,
    heartbeatMs,
    deadLetter: dl === undefined ? null : {
      subject: requireName(where, 'deadLetter.subject', dl.subject),
      maxDeliveries: dl.maxDeliveries === undefined ? 5 : requirePositiveInteger(where, 'deadLetter.maxDeliveries', dl.maxDeliveries),
    },
    decode: options.decode ?? null,
    maxMessageBytes: options.maxMessageBytes === undefined ? null : requirePositiveInteger(where, 'maxMessageBytes', options.maxMessageBytes),
    onDisconnect,
    reconnectTimeoutMs: options.reconnectTimeoutMs === undefined ? 30_000 : requirePositiveInteger(where, 'reconnectTimeoutMs', options.reconnectTimeoutMs),
    ackTimeoutMs: options.ackTimeoutMs === undefined ? 5_000 : requirePositiveInteger(where, 'ackTimeoutMs', options.ackTimeoutMs),
    ackGraceMs: options.ackGraceMs === undefined ? 2_000 : requireNonNegativeInteger(where, 'ackGraceMs', options.ackGraceMs),
    confirmAcks: options.confirmAcks ?? true,
    completeWhenDrained,
  };
}

class Totals {
  pulls = 0;
  received = 0;
  delivered = 0;
  acked = 0;
  naked = 0;
  termed = 0;
  redelivered = 0;
  deadLettered = 0;
  pullsExpired = 0;
  pullsLost = 0;
  skippedInProcess = 0;
  heartbeats = 0;
  disconnects = 0;
  maxAckPending = -1;
  readonly live = new Set<PullSubscription<any>>();

  anyLive(): PullSubscription<any> | null {
    for (const s of this.live) if (s.connection !== null && s.consumerName !== null) return s;
    return null;
  }

  snapshot(): NatsSourceMetrics {
    let outstandingDemand = 0;
    let inFlightPulls = 0;
    let inFlightCount = 0;
    let buffered = 0;
    let unacked = 0;
    for (const s of this.live) {
      const g = s.gauges();
      outstandingDemand += g.requested;
      inFlightPulls += g.pulls;
      inFlightCount += g.outstanding;
      buffered += g.buffered;
      unacked += g.unacked;
    }
    return {
      outstandingDemand, inFlightPulls, inFlightCount, buffered, unacked, maxAckPending: this.maxAckPending,
      pulls: this.pulls, received: this.received, delivered: this.delivered, acked: this.acked, naked: this.naked,
      termed: this.termed, redelivered: this.redelivered, deadLettered: this.deadLettered, pullsExpired: this.pullsExpired,
      pullsLost: this.pullsLost, skippedInProcess: this.skippedInProcess, heartbeats: this.heartbeats, disconnects: this.disconnects,
    };
  }
}

/**
 * The acknowledgement side of one subscription. It outlives the pulls: elements delivered before a cancel may still
 * be acked until every one is settled or `ackGraceMs` passed; then an owned connection closes.
 */
class Ledger implements AckOwner {
  nc: NatsConnection | null;
  /** Stream sequences delivered downstream and not yet settled: the process's share of num_ack_pending. */
  readonly unacked = new Set<number>();
  onChange: (() => void) | null = null;
  private closing: NodeJS.Timeout | null = null;
  private afterClose: (() => void) | null = null;

  constructor(private readonly connection: OwnedConnection, readonly ackTimeoutMs: number, readonly confirmAcks: boolean,
    private readonly totals: Totals) {
    this.nc = connection.nc;
  }

  settled(entry: Message<unknown>, outcome: 'acked' | 'naked' | 'termed' | 'failed'): void {
    if (outcome === 'acked') this.totals.acked++;
    else if (outcome === 'naked') this.totals.naked++;
    else if (outcome === 'termed') this.totals.termed++;
    // failed: not acknowledged as far as we know; the server redelivers it after ack_wait
    if (!this.unacked.delete(entry.seq)) return;
    if (this.closing !== null) {
      if (this.unacked.size === 0) this.close();
      return;
    }
    this.onChange?.();
  }

  retire(graceMs: number, afterClose: () => void): void {
    this.onChange = null;
    this.afterClose = afterClose;
    if (this.unacked.size === 0 || graceMs === 0) return this.close();
    this.closing = setTimeout(() => this.close(), graceMs);
  }

  private close(): void {
    if (this.closing !== null) clearTimeout(this.closing);
    this.closing = null;
    const after = this.afterClose;
    this.afterClose = null;
    try {
      after?.();
    } finally {
      closeConnection(this.connection);
      this.nc = null;
    }
  }
}

/** One open pull request: its own inbox subscription, so every message and status is attributed to it exactly. */
interface Pull {
  readonly sub: NatsSubscription;
  readonly batch: number;
  received: number;
  readonly withMaxBytes: boolean;
  timer: NodeJS.Timeout | null;
}

type Phase = 'setup' | 'pulling' | 'waiting' | 'done';

class PullSubscription<T> extends DrainSubscription<JetStreamEntry<T>> implements Inspectable {
  connection: OwnedConnection | null = null;
  consumerName: string | null;
  private readonly options: Resolved<T>;
  private readonly totals: Totals;
  private jsm: JetStreamManager | null = null;
  private ledger: Ledger | null = null;
  private readonly ready: RingBuffer<Message<T>>;
  private readonly pulls = new Set<Pull>();
  /** Messages the open pulls may still bring. */
  private outstanding = 0;
  private phase: Phase = 'setup';
  private failure: Error | null = null;
  private maxAckPending = -1;
  private serverMaxBatch = 0;
  /** A pull with max_bytes found a message larger than max_bytes: the next pull takes it alone, without max_bytes. */
  private oversizeProbe = false;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private statusIterator: { stop(): void } | null = null;
  /** Dead-letter moves in flight. */
  private sideWork = 0;
  private drained = false;
  private probing = false;
  private probeWanted = false;
  /** The last pull attempt found no room under max_ack_pending: everything we may hold is delivered and unacked. */
  private roomBlocked = false;
  private probedAt = -1;
  private received = 0;
  private delivered = 0;
  private ephemeralCreated = false;

  constructor(downstream: Subscriber<JetStreamEntry<T>>, options: Resolved<T>, totals: Totals) {
    super(downstream);
    this.options = options;
    this.totals = totals;
    this.consumerName = options.consumer;
    this.ready = new RingBuffer<Message<T>>(options.maxBatch * options.maxPulls + 1);
    totals.live.add(this);
  }

  gauges(): { requested: number; pulls: number; outstanding: number; buffered: number; unacked: number } {
    return { requested: this.requested, pulls: this.pulls.size, outstanding: this.outstanding, buffered: this.ready.size, unacked: this.ledger?.unacked.size ?? 0 };
  }

  start(): void {
    // Setup runs without waiting for demand, so that a missing stream or consumer fails right after onSubscribe
    // (§1.4, §1.9 onError after onSubscribe).
    this.setup().then(
      () => {
        if (this.cancelled) return;
        this.phase = 'pulling';
        this.drain();
      },
      (error: unknown) => {
        if (this.cancelled) return;
        this.failure = error instanceof NatsStreamError ? error : new NatsStreamError('SERVER', `pullConsumer: setup of "${this.options.stream}" failed: ${toError(error).message}`, { cause: error });
        this.drain();
      },
    );
  }

  private async setup(): Promise<void> {
    const { stream, consumer, createConsumer, ephemeral, ackTimeoutMs } = this.options;
    let connection: OwnedConnection;
    try {
      connection = await openConnection(this.options.nats, `sluice:pull:${stream}:${consumer ?? 'ephemeral'}`);
    } catch (error) {
      throw new NatsStreamError('DISCONNECTED', `pullConsumer: cannot connect to NATS (${toError(error).message})`, { cause: error });
    }
    if (this.cancelled) return closeConnection(connection);
    this.connection = connection;
    this.ledger = new Ledger(connection, ackTimeoutMs, this.options.confirmAcks, this.totals);
    this.ledger.onChange = () => this.drain();
    this.watchStatus(connection.nc);
    let jsm: JetStreamManager;
    try {
      jsm = await jetstreamManager(connection.nc);
    } catch (error) {
      throw new NatsStreamError('SERVER', `pullConsumer: JetStream is not available on this server (${toError(error).message}); start nats-server with -js`, { cause: error });
    }
    this.jsm = jsm;
    let info: ConsumerInfo;
    if (consumer === null) {
      info = await this.explain(jsm.consumers.add(stream, { inactive_threshold: 60_000 * NS_PER_MS, ...ephemeral, ack_policy: AckPolicy.Explicit }));
      this.ephemeralCreated = true;
      this.consumerName = info.name;
      if (this.cancelled) return;
    } else {
      try {
        info = await jsm.consumers.info(stream, consumer);
      } catch (error) {
        if (apiErrorCode(error) !== CONSUMER_NOT_FOUND || createConsumer === null) throw this.setupError(error);
        info = await this.explain(jsm.consumers.add(stream, { ...createConsumer, durable_name: consumer, ack_policy: AckPolicy.Explicit }));
      }
    }
    if (info.config.deliver_subject) {
      throw new NatsStreamError('CONFIG', `pullConsumer: consumer "${info.name}" on "${stream}" is push-based (deliver_subject ${info.config.deliver_subject}); use a pull consumer`);
    }
    if (info.config.ack_policy !== AckPolicy.Explicit) {
      throw new NatsStreamError('CONFIG', `pullConsumer: consumer "${info.name}" on "${stream}" has ack_policy ${info.config.ack_policy}; acknowledgement after processing needs "explicit"`);
    }
    this.maxAckPending = info.config.max_ack_pending ?? -1;
    this.totals.maxAckPending = this.maxAckPending;
    this.serverMaxBatch = info.config.max_batch ?? 0;
    const maxBytes = info.config.max_bytes ?? 0;
    if (this.options.maxBytes !== null && maxBytes > 0 && this.options.maxBytes > maxBytes) {
      throw new NatsStreamError('CONFIG', `pullConsumer: maxBytes ${this.options.maxBytes} is more than consumer "${info.name}"'s max_bytes ${maxBytes}`);
    }
    const maxExpires = info.config.max_expires ?? 0;
    if (maxExpires > 0 && this.options.expiresMs * NS_PER_MS > maxExpires) {
      throw new NatsStreamError('CONFIG', `pullConsumer: expiresMs ${this.options.expiresMs} is more than consumer "${info.name}"'s max_expires ${maxExpires / NS_PER_MS} ms`);
    }
  }

  private async explain<R>(work: Promise<R>): Promise<R> {
    try {
      return await work;
    } catch (error) {
      throw this.setupError(error);
    }
  }

  private setupError(error: unknown): Error {
    const { stream, consumer } = this.options;
    const code = apiErrorCode(error);
    if (code === STREAM_NOT_FOUND) {
      return new NatsStreamError('NOT_FOUND', `pullConsumer: stream "${stream}" does not exist; create it first (e.g. jsm.streams.add({ name: '${stream}', subjects: [...] }))`, { cause: error });
    }
    if (code === CONSUMER_NOT_FOUND) {
      return new NatsStreamError('NOT_FOUND', `pullConsumer: consumer "${consumer}" does not exist on stream "${stream}"; create it (jsm.consumers.add) or pass createConsumer: { ... }`, { cause: error });
    }
    return new NatsStreamError('SERVER', `pullConsumer: consumer lookup on "${stream}" failed: ${toError(error).message}`, { cause: error });
  }

  private watchStatus(nc: NatsConnection): void {
    const iterator = nc.status() as AsyncIterable<{ type: string }> & { stop(): void };
    this.statusIterator = iterator;
    void (async () => {
      try {
        for await (const status of iterator) {
          if (this.cancelled) return;
          if (status.type === 'disconnect') this.connectionLost();
          else if (status.type === 'reconnect') this.connectionBack();
          else if (status.type === 'close') this.connectionClosed();
        }
      } catch (error) {
        reportError(error);
      }
    })();
  }

  protected emitSome(downstream: Subscriber<JetStreamEntry<T>>): void {
    if (this.failure !== null) return this.fail(this.failure);
    const ledger = this.ledger;
    while (this.requested > 0 && this.ready.size > 0) {
      const message = this.ready.poll()!;
      ledger!.unacked.add(message.seq);
      this.requested--;
      this.delivered++;
      this.totals.delivered++;
      downstream.onNext(message.deliver(ledger!));
      if (this.cancelled) return;
    }
    if (this.failure !== null) return this.fail(this.failure);
    if (this.drained && this.ready.size === 0) return this.complete(); // §1.2 fewer than requested, then complete
    if (this.options.completeWhenDrained) this.maybeProbe();
    this.maybePull();
    if (this.options.completeWhenDrained && this.roomBlocked) this.maybeProbe();
  }

  /** The pull rule: demand no open pull covers, the low tide, and room under max_ack_pending. */
  private maybePull(): void {
    if (this.phase !== 'pulling' || this.sideWork > 0 || this.retryTimer !== null || this.probing || this.probeWanted || this.drained) return;
    const nc = this.connection!.nc;
    while (this.pulls.size < this.options.maxPulls && this.failure === null) {
      const uncovered = this.requested - this.ready.size - this.outstanding;
      if (uncovered <= 0) return;
      if (this.outstanding > 0 && uncovered < this.options.lowTide) return;
      let batch = Math.min(uncovered, this.options.maxBatch); // §3.17 unbounded demand: pulls of maxBatch
      if (this.serverMaxBatch > 0) batch = Math.min(batch, this.serverMaxBatch);
      if (this.maxAckPending > 0) {
        // Our own share only: other workers of the consumer use the rest, and the server holds a pull that would
        // exceed it until `expires` (then 408). Asking only for what can be delivered keeps that the exception.
        const room = this.maxAckPending - this.ledger!.unacked.size - this.ready.size - this.outstanding;
        if (room <= 0) {
          this.roomBlocked = true;
          return; // an ack (ledger onChange) brings the next pull
        }
        batch = Math.min(batch, room);
      }
      if (this.oversizeProbe) batch = 1;
      this.roomBlocked = false;
      this.issuePull(nc, batch);
    }
  }

  private issuePull(nc: NatsConnection, batch: number): void {
    const { stream, expiresMs, heartbeatMs, completeWhenDrained } = this.options;
    const withMaxBytes = this.options.maxBytes !== null && !this.oversizeProbe;
    this.oversizeProbe = false;
    const inbox = createInbox();
    let pull!: Pull;
    let sub: NatsSubscription;
    try {
      sub = nc.subscribe(inbox, { callback: (error, msg) => this.onPullMessage(pull, error, msg) });
    } catch (error) {
      // a closed or draining connection: its status events (or this) end the subscription
      this.failure ??= new NatsStreamError('DISCONNECTED', `pullConsumer "${this.consumerName}" on "${stream}": cannot pull, the connection is closed (${toError(error).message})`, { cause: error });
      return;
    }
    pull = { sub, batch, received: 0, withMaxBytes, timer: null };
    this.pulls.add(pull);
    this.outstanding += batch;
    this.totals.pulls++;
    const request: Record<string, unknown> = { batch, expires: expiresMs * NS_PER_MS };
    if (completeWhenDrained) request.no_wait = true;
    else request.idle_heartbeat = heartbeatMs * NS_PER_MS;
    if (withMaxBytes) request.max_bytes = this.options.maxBytes;
    this.armPull(pull);
    try {
      nc.publish(`$JS.API.CONSUMER.MSG.NEXT.${stream}.${this.consumerName}`, JSON.stringify(request), { reply: inbox });
    } catch (error) {
      this.endPull(pull, 'lost');
      this.pullLost(error);
    }
  }

  /**
   * The dead-pull watchdog: two heartbeats without a message or heartbeat, or `expires` plus a grace in total
   * (the server always ends a pull with a 408 at `expires`; a `no_wait` pull may get no reply at all).
   */
  private armPull(pull: Pull): void {
    if (pull.timer !== null) clearTimeout(pull.timer);
    const { heartbeatMs, expiresMs, completeWhenDrained } = this.options;
    const ms = completeWhenDrained ? expiresMs + 1_000 : Math.min(heartbeatMs * 2 + 50, expiresMs + 1_000);
    pull.timer = setTimeout(() => {
      pull.timer = null;
      if (!this.pulls.has(pull) || this.cancelled) return;
      this.endPull(pull, 'lost');
      if (completeWhenDrained) {
        // A no_wait pull the server did not answer: nothing was there.
        this.probeWanted = true;
        this.drain();
        return;
      }
      this.pullLost(new Error(`no message or heartbeat within ${ms} ms`));
    }, ms);
  }

  private endPull(pull: Pull, how: 'filled' | 'ended' | 'lost'): void {
    if (!this.pulls.delete(pull)) return;
    if (pull.timer !== null) clearTimeout(pull.timer);
    pull.timer = null;
    this.outstanding -= pull.batch - pull.received;
    try {
      pull.sub.unsubscribe();
    } catch {
      // a closed connection has no subscriptions left
    }
    if (how === 'lost') this.totals.pullsLost++;
  }

  private onPullMessage(pull: Pull, error: Error | null | undefined, msg: Msg): void {
    if (!this.pulls.has(pull) || this.cancelled) return;
    if (error) {
      this.endPull(pull, 'lost');
      this.pullLost(error);
      return;
    }
    const status = msg.headers?.code ?? 0;
    if (status > 0 && msg.data.length === 0) return this.onStatus(pull, status, msg.headers!.description ?? '');
    const info = parseAckSubject(msg.reply);
    if (info === null) return; // not a JetStream message (nothing else is published to this inbox)
    pull.received++;
    this.outstanding--;
    if (pull.received >= pull.batch) this.endPull(pull, 'filled');
    else this.armPull(pull);
    this.received++;
    this.totals.received++;
    if (info.deliveries > 1) this.totals.redelivered++;
    if (this.ledger!.unacked.has(info.streamSeq)) {
      // ack_wait passed while we still hold it: the held element's ack settles it; do not deliver it twice.
      this.totals.skippedInProcess++;
    } else {
      this.classify(msg, info);
    }
    this.drain();
  }

  private onStatus(pull: Pull, code: number, description: string): void {
    const text = description.toLowerCase();
    if (code === 100) {
      this.totals.heartbeats++;
      this.armPull(pull);
      return;
    }
    const short = pull.received < pull.batch;
    if (code === 404 || code === 408) {
      // 404: a no_wait pull found nothing. 408: the pull expired unfilled (an empty stream, or max_ack_pending reached).
      if (code === 408) this.totals.pullsExpired++;
      this.endPull(pull, 'ended');
      if (this.options.completeWhenDrained && short) this.probeWanted = true;
      this.drain();
      return;
    }
    if (code === 409) {
      if (text.includes('exceeds maxbytes')) {
        // The batch stopped at max_bytes (Nats-Pending-Messages says how much of it is left). With nothing received
        // the next message alone is larger than max_bytes: take it by itself, without max_bytes, and judge its size.
        const nothing = pull.received === 0;
        this.endPull(pull, 'ended');
        if (nothing && pull.withMaxBytes) this.oversizeProbe = true;
        this.drain();
        return;
      }
      if (text.includes('consumer deleted') || text.includes('consumer is push based')) {
        this.endPull(pull, 'ended');
        this.failure = new NatsStreamError('NOT_FOUND', `pullConsumer: consumer "${this.consumerName}" on "${this.options.stream}": ${description}; delivered and unacked messages are lost with it`);
        this.drain();
        return;
      }
      if (text.includes('exceeded maxrequest')) {
        this.endPull(pull, 'ended');
        this.failure = new NatsStreamError('CONFIG', `pullConsumer: the server rejected a pull on "${this.consumerName}": ${description}; lower maxBatch, maxBytes or expiresMs`);
        this.drain();
        return;
      }
      // Exceeded MaxWaiting, leadership change, server shutdown: the pull is over; try again shortly.
      this.endPull(pull, 'ended');
      this.retryLater();
      return;
    }
    this.endPull(pull, 'ended');
    this.failure = new NatsStreamError('SERVER', `pullConsumer: pull on "${this.consumerName}" of "${this.options.stream}" answered ${code} ${description}`);
    this.drain();
  }

  private retryLater(): void {
    if (this.retryTimer !== null) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.drain();
    }, Math.min(this.options.heartbeatMs, 500));
  }

  /** Delivers, dead-letters or fails, per message. */
  private classify(msg: Msg, info: DeliveryInfo): void {
    const { deadLetter, maxMessageBytes, decode, stream } = this.options;
    if (deadLetter !== null && info.deliveries > deadLetter.maxDeliveries) {
      return this.deadLetter(msg, info, `delivered ${info.deliveries} times, more than maxDeliveries ${deadLetter.maxDeliveries}`);
    }
    if (maxMessageBytes !== null && msg.data.length > maxMessageBytes) {
      const reason = `oversized: ${msg.data.length} bytes, more than maxMessageBytes ${maxMessageBytes}`;
      if (deadLetter !== null) return this.deadLetter(msg, info, reason);
      this.failure = new NatsStreamError('OVERSIZED', `pullConsumer: message ${info.streamSeq} of "${stream}" is ${reason}; it stays pending (configure deadLetter to move such messages aside)`);
      return;
    }
    if (this.options.maxBytes !== null && msg.data.length > this.options.maxBytes && maxMessageBytes === null) {
      // Found by the oversize probe: a message no max_bytes pull can ever fetch.
      const reason = `oversized: ${msg.data.length} bytes, more than a pull's maxBytes ${this.options.maxBytes}`;
      if (deadLetter !== null) return this.deadLetter(msg, info, reason);
      this.failure = new NatsStreamError('OVERSIZED', `pullConsumer: message ${info.streamSeq} of "${stream}" is ${reason}; it stays pending (raise maxBytes or configure deadLetter)`);
      return;
    }
    let value: T;
    if (decode === null) value = msg.data as T;
    else {
      try {
        value = decode!({ subject: msg.subject, data: msg.data, headers: msg.headers });
      } catch (error) {
        const message = toError(error).message;
        if (deadLetter !== null) return this.deadLetter(msg, info, `decode failed: ${message}`);
        this.failure = new NatsStreamError('DECODE', `pullConsumer: decode threw for message ${info.streamSeq} of "${stream}": ${message}; it stays pending (configure deadLetter to move such messages aside)`, { cause: error });
        return;
      }
    }
    // Pulls never ask for more than the uncovered demand, so the ring (maxBatch × maxPulls) cannot be full here.
    if (!this.ready.offer(Message.of(msg, info, value))) {
      this.failure = new NatsStreamError('SERVER', `pullConsumer: more messages arrived than were pulled for (${this.ready.size} buffered)`);
    }
  }

  /** Publishes the message to the dead-letter subject (awaiting its PubAck), then terms the original. */
  private deadLetter(msg: Msg, info: DeliveryInfo, reason: string): void {
    // The term is always confirmed: a dead letter must not stay pending as well.
    const dl = this.options.deadLetter!;
    const nc = this.connection!.nc;
    const h = makeHeaders();
    if (msg.headers) for (const [key, values] of msg.headers) for (const v of values) h.append(key, v);
    h.delete('Nats-Msg-Id'); // the copy is not a duplicate of anything in the dead-letter stream
    h.set('Sluice-Dlq-Reason', reason);
    h.set('Sluice-Dlq-Stream', this.options.stream);
    h.set('Sluice-Dlq-Consumer', this.consumerName ?? '');
    h.set('Sluice-Dlq-Subject', msg.subject);
    h.set('Sluice-Dlq-Seq', String(info.streamSeq));
    h.set('Sluice-Dlq-Deliveries', String(info.deliveries));
    this.sideWork++;
    const reply = msg.reply!;
    jetstream(nc).publish(dl.subject, msg.data, { headers: h, timeout: this.options.ackTimeoutMs })
      .then(() => nc.request(reply, new TextEncoder().encode('+TERM'), { timeout: this.options.ackTimeoutMs }))
      .then(
        () => {
          this.sideWork--;
          this.totals.deadLettered++;
          this.drain();
        },
        (error: unknown) => {
          this.sideWork--;
          if (this.cancelled) return;
          if (this.failure === null) {
            this.failure = new NatsStreamError('PUBLISH', `pullConsumer: dead-lettering message ${info.streamSeq} to "${dl.subject}" failed ` +
              `(${toError(error).message}); it stays pending. Does a stream capture "${dl.subject}"?`, { cause: error });
          }
          this.drain();
        },
      );
  }

  private maybeProbe(): void {
    if (this.probing || this.drained || this.phase !== 'pulling') return;
    if (this.ready.size > 0 || this.pulls.size > 0 || this.sideWork > 0) return;
    // §1.5 a drained consumer completes without being asked: probe also when there is no demand.
    // Likewise when demand waits only for room under max_ack_pending: the consumer may have nothing left at all.
    const idle = (this.requested === 0 || this.roomBlocked) && this.probedAt !== this.delivered;
    if (!idle && !this.probeWanted) return;
    this.probeWanted = false;
    this.probing = true;
    this.probedAt = this.delivered;
    this.jsm!.consumers.info(this.options.stream, this.consumerName!).then(
      (info) => {
        this.probing = false;
        if (this.cancelled) return;
        if (info.num_pending === 0 && info.num_ack_pending <= (this.ledger?.unacked.size ?? 0)) this.drained = true;
        this.drain();
      },
      (error: unknown) => {
        this.probing = false;
        if (this.cancelled) return;
        this.failure = this.setupError(error);
        this.drain();
      },
    );
  }

  /** A pull died (no heartbeat) or could not be sent: resume or fail by `onDisconnect`. */
  private pullLost(cause: unknown): void {
    if (this.cancelled || this.failure !== null) return;
    if (this.options.onDisconnect === 'fail') {
      this.failure = new NatsStreamError('PULL_TIMEOUT', `pullConsumer "${this.consumerName}" on "${this.options.stream}": a pull went silent ` +
        `(${toError(cause).message}) and onDisconnect is 'fail'; delivered and unacked messages are redelivered after ack_wait`, { cause });
      this.drain();
      return;
    }
    // The server may have lost the consumer (or itself): check, then pull again.
    this.probing = true;
    this.jsm!.consumers.info(this.options.stream, this.consumerName!).then(
      () => {
        this.probing = false;
        this.drain();
      },
      (error: unknown) => {
        this.probing = false;
        if (this.cancelled) return;
        const code = apiErrorCode(error);
        if (code === CONSUMER_NOT_FOUND || code === STREAM_NOT_FOUND) this.failure = this.setupError(error);
        this.retryLater(); // a timeout: the connection is probably down; its status events take over
        this.drain();
      },
    );
  }

  private connectionLost(): void {
    if (this.cancelled) return;
    this.totals.disconnects++;
    for (const pull of [...this.pulls]) this.endPull(pull, 'lost');
    if (this.options.onDisconnect === 'fail') {
      if (this.failure === null) {
        this.failure = new NatsStreamError('DISCONNECTED', `pullConsumer "${this.consumerName}" on "${this.options.stream}": the connection dropped ` +
          'mid-stream and onDisconnect is \'fail\'; delivered and unacked messages are redelivered after ack_wait');
      }
      this.drain();
      return;
    }
    if (this.phase === 'pulling') this.phase = 'waiting';
    if (this.reconnectTimer === null) {
      this.reconnectTimer = setTimeout(() => {
        this.reconnectTimer = null;
        if (this.cancelled || this.phase !== 'waiting') return;
        this.failure = new NatsStreamError('DISCONNECTED', `pullConsumer "${this.consumerName}" on "${this.options.stream}": the connection did not ` +
          `come back within reconnectTimeoutMs (${this.options.reconnectTimeoutMs} ms); delivered and unacked messages are redelivered after ack_wait`);
        this.drain();
      }, this.options.reconnectTimeoutMs);
    }
  }

  private connectionBack(): void {
    if (this.reconnectTimer !== null) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    if (this.phase === 'waiting') this.phase = 'pulling';
    this.drain();
  }

  private connectionClosed(): void {
    if (this.cancelled || this.failure !== null) return;
    for (const pull of [...this.pulls]) this.endPull(pull, 'lost');
    this.failure = new NatsStreamError('DISCONNECTED', `pullConsumer "${this.consumerName}" on "${this.options.stream}": the connection was closed`);
    this.drain();
  }

  protected override dispose(): void {
    this.totals.live.delete(this);
    this.phase = 'done';
    if (this.reconnectTimer !== null) clearTimeout(this.reconnectTimer);
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.reconnectTimer = null;
    this.retryTimer = null;
    // Open pulls cannot be taken back: unsubscribing drops what the server still sends them (redelivered after ack_wait).
    for (const pull of [...this.pulls]) this.endPull(pull, 'ended');
    this.ready.clear(); // §3.13 received, undelivered messages are dropped (they stay pending on the server)
    try {
      this.statusIterator?.stop();
    } catch (error) {
      reportError(error);
    }
    this.statusIterator = null;
    const ledger = this.ledger;
    this.ledger = null;
    const jsm = this.jsm;
    this.jsm = null;
    const ephemeral = this.ephemeralCreated ? this.consumerName : null;
    const stream = this.options.stream;
    const retire = (): void => {
      if (ephemeral !== null && jsm !== null) void jsm.consumers.delete(stream, ephemeral).catch(() => {});
    };
    try {
      if (ledger !== null) ledger.retire(this.options.ackGraceMs, retire);
      else if (this.connection !== null) closeConnection(this.connection);
    } catch (error) {
      reportError(error);
    }
  }

  inspect(): PullConsumerSnapshot {
    return {
      stage: 'nats.pullConsumer',
      capacity: this.options.maxBatch * this.options.maxPulls,
      buffered: this.ready.size,
      requested: this.requested,
      upstreamRequested: this.outstanding,
      received: this.received,
      emitted: this.delivered,
      dropped: 0,
      terminated: this.cancelled && this.failure !== null,
      cancelled: this.cancelled,
      inFlightPulls: this.pulls.size,
      unacked: this.ledger?.unacked.size ?? 0,
      phase: this.phase,
    };
  }
}
