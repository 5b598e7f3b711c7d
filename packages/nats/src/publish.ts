import { reportDroppedError, reportError, type Inspectable, type StageSnapshot, type Subscriber, type Subscription } from '@sluice/core';
import { headers as makeHeaders, type MsgHdrs } from '@nats-io/transport-node';
import { jetstream, type JetStreamClient, type JetStreamPublishOptions } from '@nats-io/jetstream';
import { closeConnection, openConnection, requireConnection, type NatsConnectionLike, type OwnedConnection } from './internal/connection';
import { NatsStreamError, requireName, requirePositiveInteger, toError } from './internal/errors';

/** What one item becomes on the wire. */
export interface OutgoingMessage {
  /** Overrides the sink's `subject` for this item. */
  subject?: string;
  data: Uint8Array | string;
  /** Becomes `Nats-Msg-Id`: the stream drops a second message with the same id within its `duplicate_window`. */
  msgId?: string;
  headers?: Record<string, string>;
}

export interface ToJetStreamOptions<T> {
  /** A `nats://` URL, connection options, or a NatsConnection (left open). */
  nats: NatsConnectionLike;
  /** The subject to publish to (a stream must capture it); an item's `subject` overrides it. */
  subject: string;
  /** Publishes sent and not yet acknowledged by a PubAck, at most (default 64): the server's pace is the producer's pace. */
  maxInFlight?: number;
  /** Turns an item into a message (default: a Uint8Array or string as the payload, anything else as JSON). */
  encode?: (item: T) => OutgoingMessage | Uint8Array | string;
  /** Items whose payload exceeds this fail the sink before anything of them is sent (default: the server's max_payload). */
  maxMessageBytes?: number;
  /** Fail a publish whose PubAck names another stream (`Nats-Expected-Stream`). */
  expectStream?: string;
  /** How long to wait for each PubAck (default 5000 ms). */
  timeoutMs?: number;
  /** Aborting cancels the flow and rejects `finished` with the signal's reason. */
  signal?: AbortSignal;
}

/** A Subscriber that publishes each item to JetStream; `finished` resolves with the number of messages stored. */
export interface JetStreamSink<T> extends Subscriber<T>, Inspectable {
  /** Resolves once the flow completed and every PubAck arrived; rejects (once) on the first failure. */
  readonly finished: Promise<number>;
  /** PubAcks received (duplicates included). */
  readonly written: number;
  /** PubAcks that reported a duplicate (a `msgId` seen within the stream's duplicate window: not stored again). */
  readonly duplicates: number;
}

/**
 * A sink that publishes each item with JetStream (`js.publish`, awaiting its PubAck), with at most `maxInFlight`
 * publishes unacknowledged.
 *
 * ```
 * flow:    a b c d e |
 * publish: a b c        (maxInFlight 3)   d     e
 * PubAck:        a       b   c            d     e   → finished(5)
 * request: 3.      1.     1.  1.
 * ```
 *
 * **Demand**: requests `maxInFlight` items and one more per PubAck, so a fast producer waits for the server instead
 * of growing the client's outbound buffer (which, while disconnected, grows without a bound).
 *
 * **Errors**: a flow error rejects `finished` after the publishes in flight were answered; a rejected publish (no
 * stream for the subject, a wrong `expectStream`), a missing PubAck, an `encode` throw or an oversized item cancels
 * the flow and rejects with `NatsStreamError`. A publish whose PubAck was lost may or may not be stored: give items a
 * `msgId` to make a retry a no-op within the duplicate window.
 *
 * @example
 * await publishAll(range(0, 1000).pipe(map((seq) => ({ data: JSON.stringify({ seq }), msgId: `order-${seq}` }))),
 *   { nats: url, subject: 'jobs.new' }); // 1000
 */
export function toJetStream<T>(options: ToJetStreamOptions<T>): JetStreamSink<T> {
  const where = 'toJetStream';
  if (options === null || typeof options !== 'object') throw new TypeError(`${where}: options must be an object, got ${String(options)}`);
  if (options.encode !== undefined && typeof options.encode !== 'function') throw new TypeError(`${where}: encode must be a function`);
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) throw new TypeError(`${where}: signal must be an AbortSignal`);
  return new PublishSubscriber<T>({
    nats: requireConnection(where, options.nats),
    subject: requireName(where, 'subject', options.subject),
    maxInFlight: options.maxInFlight === undefined ? 64 : requirePositiveInteger(where, 'maxInFlight', options.maxInFlight),
    encode: options.encode ?? ((item) => item as unknown as OutgoingMessage),
    maxMessageBytes: options.maxMessageBytes === undefined ? null : requirePositiveInteger(where, 'maxMessageBytes', options.maxMessageBytes),
    expectStream: options.expectStream === undefined ? null : requireName(where, 'expectStream', options.expectStream),
    timeoutMs: options.timeoutMs === undefined ? 5_000 : requirePositiveInteger(where, 'timeoutMs', options.timeoutMs),
    signal: options.signal ?? null,
  });
}

/** Publishes every item of `source` (see `toJetStream`) and resolves with the number of PubAcks. */
export function publishAll<T>(source: { subscribe(subscriber: Subscriber<T>): void }, options: ToJetStreamOptions<T>): Promise<number> {
  const sink = toJetStream(options);
  source.subscribe(sink);
  return sink.finished;
}

interface SinkConfig<T> {
  readonly nats: NatsConnectionLike;
  readonly subject: string;
  readonly maxInFlight: number;
  readonly encode: (item: T) => OutgoingMessage | Uint8Array | string;
  readonly maxMessageBytes: number | null;
  readonly expectStream: string | null;
  readonly timeoutMs: number;
  readonly signal: AbortSignal | null;
}

const encoder = new TextEncoder();

function normalise(value: OutgoingMessage | Uint8Array | string | unknown): OutgoingMessage {
  if (value instanceof Uint8Array || typeof value === 'string') return { data: value };
  if (typeof value === 'object' && value !== null && 'data' in value) return value as OutgoingMessage;
  return { data: JSON.stringify(value) };
}

class PublishSubscriber<T> implements JetStreamSink<T> {
  readonly finished: Promise<number>;
  written = 0;
  duplicates = 0;
  private resolve!: (n: number) => void;
  private reject!: (e: Error) => void;
  private upstream: Subscription | null = null;
  private connection: OwnedConnection | null = null;
  private js: JetStreamClient | null = null;
  private readonly config: SinkConfig<T>;
  private inFlight = 0;
  private received = 0;
  private demanded = 0;
  /** Items that arrived before the connection was open (at most maxInFlight: that is all that was requested). */
  private early: T[] | null = [];
  private state: 'idle' | 'running' | 'completing' | 'failing' | 'done' = 'idle';
  private failure: Error | null = null;
  /** This sink cancelled its upstream (abort, a failed write): an error arriving after that is late, not a bug. */
  private cancelledUpstream = false;
  private readonly onAbort = (): void => this.abort(toError(this.config.signal?.reason ?? new Error('aborted')));

  constructor(config: SinkConfig<T>) {
    this.config = config;
    this.finished = new Promise<number>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    this.finished.catch(() => {}); // marked as handled; await it to observe the error
  }

  onSubscribe(subscription: Subscription): void {
    if (subscription == null) throw new TypeError('§2.13: onSubscribe requires a non-null subscription');
    if (this.state !== 'idle') {
      subscription.cancel(); // §2.5 a second subscription is cancelled
      return;
    }
    this.state = 'running';
    this.upstream = subscription;
    const signal = this.config.signal;
    if (signal?.aborted) return this.abort(toError(signal.reason));
    signal?.addEventListener('abort', this.onAbort, { once: true });
    openConnection(this.config.nats, `sluice:publish:${this.config.subject}`).then(
      (connection) => {
        if (this.state === 'done') return closeConnection(connection);
        this.connection = connection;
        this.js = jetstream(connection.nc);
        const early = this.early ?? [];
        this.early = null;
        for (const item of early) this.send(item);
        if (this.state !== 'running') this.settleIfIdle();
      },
      (error: unknown) => this.abort(new NatsStreamError('DISCONNECTED', `toJetStream: cannot connect to NATS (${toError(error).message})`, { cause: error })),
    );
    this.demanded = this.config.maxInFlight;
    subscription.request(this.config.maxInFlight);
  }

  onNext(item: T): void {
    if (item == null) throw new TypeError('§2.13: onNext requires a non-null element');
    if (this.state !== 'running') return; // after our own cancel (§1.8 eventually stops)
    this.received++;
    if (this.early !== null) this.early.push(item); // bounded by maxInFlight, the demand signalled so far
    else this.send(item);
  }

  private send(item: T): void {
    if (this.state === 'failing' || this.state === 'done') return;
    let message: OutgoingMessage;
    let data: Uint8Array;
    try {
      message = normalise(this.config.encode(item));
      data = typeof message.data === 'string' ? encoder.encode(message.data) : message.data;
      const limit = this.config.maxMessageBytes ?? this.connection!.nc.info?.max_payload ?? Infinity;
      if (data.length > limit) {
        throw new NatsStreamError('OVERSIZED', `toJetStream: an item of ${data.length} bytes is larger than ${this.config.maxMessageBytes === null ? 'the server\'s max_payload' : 'maxMessageBytes'} ${limit}; nothing of it was sent`);
      }
    } catch (error) {
      return this.abort(toError(error));
    }
    const options: Partial<JetStreamPublishOptions> = { timeout: this.config.timeoutMs };
    if (message.msgId !== undefined) options.msgID = message.msgId;
    if (message.headers !== undefined) {
      const h: MsgHdrs = makeHeaders();
      for (const [k, v] of Object.entries(message.headers)) h.set(k, v);
      options.headers = h;
    }
    if (this.config.expectStream !== null) options.expect = { streamName: this.config.expectStream };
    const subject = message.subject ?? this.config.subject;
    this.inFlight++;
    this.js!.publish(subject, data, options).then(
      (ack) => this.replied(ack.duplicate, null),
      (error: unknown) => this.replied(false, new NatsStreamError('PUBLISH', `toJetStream: publish to "${subject}" failed: ${toError(error).message}`, { cause: error })),
    );
  }

  onError(error: Error): void {
    if (error == null) throw new TypeError('§2.13: onError requires a non-null error');
    if (this.state !== 'running') {
      // ADR 0012 (core): after this sink cancelled the flow itself, a late error is dropped to onErrorDropped; one
      // after the flow had ended (§1.7) is reported; never silently swallowed
      if (this.cancelledUpstream) reportDroppedError(error);
      else reportError(error);
      return;
    }
    this.upstream = null;
    this.state = 'failing';
    this.failure = error;
    this.settleIfIdle();
  }

  onComplete(): void {
    if (this.state !== 'running') return;
    this.upstream = null;
    this.state = 'completing';
    this.settleIfIdle();
  }

  private replied(duplicate: boolean, error: Error | null): void {
    this.inFlight--;
    if (error !== null) {
      this.abort(error);
      this.settleIfIdle();
      return;
    }
    this.written++;
    if (duplicate) this.duplicates++;
    if (this.state === 'running') {
      this.demanded++;
      this.upstream?.request(1);
    } else this.settleIfIdle();
  }

  private abort(error: Error): void {
    if (this.state === 'done' || this.state === 'failing') return;
    const upstream = this.upstream;
    this.upstream = null;
    this.cancelledUpstream = upstream !== null;
    this.state = 'failing';
    this.failure = error;
    try {
      upstream?.cancel();
    } catch (e) {
      reportError(e);
    }
    this.settleIfIdle();
  }

  private settleIfIdle(): void {
    if (this.inFlight > 0 || this.state === 'done' || this.state === 'running') return;
    if (this.early !== null && this.early.length > 0 && this.failure === null) return; // sent once connected
    const failure = this.failure;
    this.state = 'done';
    this.early = null;
    this.config.signal?.removeEventListener('abort', this.onAbort);
    closeConnection(this.connection);
    this.connection = null;
    this.js = null;
    if (failure !== null) this.reject(failure);
    else this.resolve(this.written);
  }

  inspect(): StageSnapshot {
    return {
      stage: 'nats.toJetStream',
      capacity: this.config.maxInFlight,
      buffered: this.inFlight + (this.early?.length ?? 0),
      requested: 0,
      upstreamRequested: this.state === 'running' ? this.demanded - this.received : 0,
      received: this.received,
      emitted: this.written,
      dropped: 0,
      terminated: this.state === 'done',
      cancelled: this.state === 'failing' || (this.state === 'done' && this.failure !== null),
    };
  }
}
