import type { MsgHdrs } from '@nats-io/transport-node';

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
