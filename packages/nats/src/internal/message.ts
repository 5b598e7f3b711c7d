import type { Msg, MsgHdrs, NatsConnection } from '@nats-io/transport-node';
import { NatsStreamError, toError } from './errors';
import type { DeliveryInfo, JetStreamEntry } from '../entry';

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
