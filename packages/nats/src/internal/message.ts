import type { Msg, MsgHdrs, NatsConnection } from '@nats-io/transport-node';
import { NatsStreamError, toError } from './errors';

/** What the ack subject of a JetStream message says (`$JS.ACK.<stream>.<consumer>.<delivered>.<sseq>.<cseq>.<ts>.<pending>`). */
export interface DeliveryInfo {
  readonly stream: string;
  readonly consumer: string;
  readonly deliveries: number;
  readonly streamSeq: number;
  readonly consumerSeq: number;
  /** Messages left for this consumer after this one, as the server counted when it sent it. */
  readonly pending: number;
}

/** Parses a v1 (9 tokens) or v2 (12 tokens, with domain and account hash) ack subject; null if it is not one. */
export function parseAckSubject(reply: string | undefined): DeliveryInfo | null {
  if (reply === undefined || !reply.startsWith('$JS.ACK.')) return null;
  const t = reply.split('.');
  let at: number;
  if (t.length === 9) at = 2;
  else if (t.length >= 11) at = 4;
  else return null;
  const deliveries = Number(t[at + 2]);
  const streamSeq = Number(t[at + 3]);
  if (!Number.isFinite(deliveries) || !Number.isFinite(streamSeq)) return null;
  return {
    stream: t[at]!, consumer: t[at + 1]!, deliveries, streamSeq, consumerSeq: Number(t[at + 4]), pending: Number(t[at + 6]),
  };
}

/** An element of `pullConsumer`: one JetStream message, to be acknowledged once processed. */
export interface JetStreamEntry<T = Uint8Array> {
  /** The subject the message was published to. */
  readonly subject: string;
  readonly data: Uint8Array;
  readonly headers: MsgHdrs | undefined;
  /** `decode(message)`, or the payload bytes. */
  readonly value: T;
  /** The message's sequence number in the stream. */
  readonly seq: number;
  /** How many times the server has delivered this message, this delivery included (1 = first delivery). */
  readonly deliveries: number;
  /** `deliveries > 1`: an earlier delivery (to this or another worker) was not acknowledged in time, or was nak'ed. */
  readonly redelivered: boolean;
  /** True once `ack()` was confirmed by the server. */
  readonly acked: boolean;
  /** `data` as UTF-8 text. */
  string(): string;
  /** `data` parsed as JSON. */
  json<J = unknown>(): J;
  /**
   * Acknowledges the message and waits for the server's confirmation (`+ACK` as a request: a "double ack").
   * Idempotent: a second call returns the same promise and sends nothing. Rejects with `NatsStreamError` code `ACK`
   * when the confirmation did not come (the ack may or may not have landed; if not, the message is redelivered after
   * `ack_wait`).
   */
  ack(): Promise<void>;
  /** Negative ack: redeliver, after `delayMs` if given (`-NAK {"delay": …}`). A no-op once acked, nak'ed or termed. */
  nak(delayMs?: number): void;
  /** Never redeliver this message (`+TERM`), e.g. for a poison message; confirmed like `ack()`. */
  term(): Promise<void>;
  /** Still working on it: resets the server's `ack_wait` timer (`+WPI`), for long jobs. */
  working(): void;
}

/** The source side the messages report to (the ack ledger of one subscription). */
export interface AckOwner {
  readonly nc: NatsConnection | null;
  readonly ackTimeoutMs: number;
  /** false: acks are published without asking for a confirmation, and settle once handed to the client. */
  readonly confirmAcks: boolean;
  settled(entry: Message<unknown>, outcome: 'acked' | 'naked' | 'termed' | 'failed'): void;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const ACK = encoder.encode('+ACK');
const TERM = encoder.encode('+TERM');
const WPI = encoder.encode('+WPI');
const NAK = encoder.encode('-NAK');

/** One delivered message and its acknowledgement state. */
export class Message<T> implements JetStreamEntry<T> {
  private owner: AckOwner | null = null;
  private state: 'held' | 'acking' | 'acked' | 'naked' | 'termed' | 'failed' = 'held';
  private promise: Promise<void> | null = null;

  constructor(
    readonly subject: string,
    readonly data: Uint8Array,
    readonly headers: MsgHdrs | undefined,
    readonly value: T,
    readonly info: DeliveryInfo,
    private readonly reply: string,
  ) {}

  static of<T>(msg: Msg, info: DeliveryInfo, value: T): Message<T> {
    return new Message<T>(msg.subject, msg.data, msg.headers, value, info, msg.reply!);
  }

  /** @internal the source hands the message out */
  deliver(owner: AckOwner): this {
    this.owner = owner;
    return this;
  }

  get seq(): number {
    return this.info.streamSeq;
  }

  get deliveries(): number {
    return this.info.deliveries;
  }

  get redelivered(): boolean {
    return this.info.deliveries > 1;
  }

  get acked(): boolean {
    return this.state === 'acked';
  }

  string(): string {
    return decoder.decode(this.data);
  }

  json<J = unknown>(): J {
    return JSON.parse(this.string()) as J;
  }

  ack(): Promise<void> {
    if (this.promise === null) this.promise = this.confirm(ACK, 'acked');
    return this.promise;
  }

  term(): Promise<void> {
    if (this.promise === null) this.promise = this.confirm(TERM, 'termed');
    return this.promise;
  }

  nak(delayMs?: number): void {
    if (this.state !== 'held') return;
    const owner = this.owner;
    this.owner = null;
    this.state = 'naked';
    this.promise = Promise.reject(new NatsStreamError('ACK', `message ${this.seq} was nak'ed; it will be delivered again`));
    this.promise.catch(() => {});
    const body = delayMs === undefined || delayMs <= 0 ? NAK : encoder.encode(`-NAK ${JSON.stringify({ delay: Math.round(delayMs * 1e6) })}`);
    try {
      owner?.nc?.publish(this.reply, body);
    } catch {
      // a closed connection: the message is redelivered after ack_wait anyway
    }
    owner?.settled(this as Message<unknown>, 'naked');
  }

  working(): void {
    if (this.state !== 'held') return;
    try {
      this.owner?.nc?.publish(this.reply, WPI);
    } catch {
      // a closed connection: nothing to extend
    }
  }

  private confirm(body: Uint8Array, outcome: 'acked' | 'termed'): Promise<void> {
    const owner = this.owner;
    if (this.state !== 'held' || owner === null || owner.nc === null || owner.nc.isClosed()) {
      const failure = new NatsStreamError('ACK',
        `${outcome === 'acked' ? 'ack' : 'term'} of message ${this.seq}: ${this.state === 'held' ? 'the source\'s connection is closed' : `it was already ${this.state}`}; ` +
        'if it was not acknowledged it is delivered again after ack_wait');
      if (this.state === 'held') {
        this.state = 'failed';
        owner?.settled(this as Message<unknown>, 'failed');
      }
      return Promise.reject(failure);
    }
    this.state = 'acking';
    this.owner = null; // a settled message does not keep the subscription alive
    if (!owner.confirmAcks) {
      try {
        owner.nc.publish(this.reply, body);
      } catch (error) {
        this.state = 'failed';
        owner.settled(this as Message<unknown>, 'failed');
        return Promise.reject(new NatsStreamError('ACK', `${outcome === 'acked' ? 'ack' : 'term'} of message ${this.seq} could not be sent (${toError(error).message})`, { cause: error }));
      }
      this.state = outcome;
      owner.settled(this as Message<unknown>, outcome);
      return Promise.resolve();
    }
    return owner.nc.request(this.reply, body, { timeout: owner.ackTimeoutMs }).then(
      () => {
        this.state = outcome;
        owner.settled(this as Message<unknown>, outcome);
      },
      (error: unknown) => {
        this.state = 'failed';
        owner.settled(this as Message<unknown>, 'failed');
        throw new NatsStreamError('ACK', `${outcome === 'acked' ? 'ack' : 'term'} of message ${this.seq} was not confirmed ` +
          `within ${owner.ackTimeoutMs} ms (${toError(error).message}); it may or may not have landed: if not, the message is delivered again after ack_wait`,
        { cause: error });
      },
    );
  }
}
