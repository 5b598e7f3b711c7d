import type { Subscriber, Subscription } from '@sluice/core';
import { headers } from '@nats-io/transport-node';
import { jetstream, type ConsumerConfig } from '@nats-io/jetstream';
import type { JetStreamEntry } from '../../src/index';
import type { NatsServer } from './natsServer';

export { settle, watchdog } from '../../../core/test/support/async';

let counter = 0;
/** A fresh stream name (and its subject prefix) per test, so tests sharing one server never see each other's messages. */
export function freshStream(what: string): { stream: string; subject: string } {
  const stream = `${what}_${process.pid}_${++counter}`.toUpperCase();
  return { stream, subject: stream.toLowerCase() };
}

/** Creates a stream capturing `<subject>.>` with file storage. */
export async function createStream(server: NatsServer, stream: string, subject: string, extra: Record<string, unknown> = {}): Promise<void> {
  await server.jsm.streams.add({ name: stream, subjects: [`${subject}.>`], ...extra });
}

/** A durable pull consumer with explicit acks. */
export async function createConsumer(server: NatsServer, stream: string, name: string, extra: Partial<ConsumerConfig> = {}): Promise<void> {
  await server.jsm.consumers.add(stream, { durable_name: name, ack_policy: 'explicit' as ConsumerConfig['ack_policy'], ...extra });
}

/** Publishes `{ seq: i }` JSON messages to `<subject>.job` for i in from..from+count-1, awaiting the PubAcks in windows. */
export async function publish(server: NatsServer, subject: string, count: number, from = 0): Promise<void> {
  const js = jetstream(server.admin);
  const window = 500;
  for (let start = from; start < from + count; start += window) {
    const batch: Promise<unknown>[] = [];
    for (let i = start; i < Math.min(from + count, start + window); i++) {
      const h = headers();
      h.set('seq', String(i));
      batch.push(js.publish(`${subject}.job`, JSON.stringify({ seq: i }), { headers: h }));
    }
    await Promise.all(batch);
  }
}

/** The consumer's info as the server reports it. */
export async function consumerInfo(server: NatsServer, stream: string, name: string) {
  return server.jsm.consumers.info(stream, name);
}

/** Records every pull request the server receives for `stream` (a plain subscription on the JetStream API subject). */
export async function watchPulls(server: NatsServer, stream: string): Promise<{ pulls: Record<string, number>[]; stop(): void }> {
  const pulls: Record<string, number>[] = [];
  const sub = server.admin.subscribe(`$JS.API.CONSUMER.MSG.NEXT.${stream}.>`, {
    callback: (_e, msg) => { pulls.push(JSON.parse(msg.string()) as Record<string, number>); },
  });
  await server.admin.flush();
  return { pulls, stop: () => sub.unsubscribe() };
}

export const seqOf = (entry: JetStreamEntry<unknown>): number => (entry.json() as { seq: number }).seq;

/** A manual subscriber: records elements and terminal signals; the test drives request/cancel. */
export function recorder<T = JetStreamEntry>(): Subscriber<T> & {
  items: T[]; error: Error | null; completed: boolean; subscription: Subscription | null;
  next(n: number): Promise<void>; terminated(): Promise<void>;
} {
  const waiters: { n: number; resolve: () => void; reject: (e: Error) => void }[] = [];
  const ends: (() => void)[] = [];
  const check = () => {
    for (let i = waiters.length - 1; i >= 0; i--) {
      const w = waiters[i]!;
      if (self.items.length >= w.n) { waiters.splice(i, 1); w.resolve(); }
      else if (self.error) { waiters.splice(i, 1); w.reject(self.error); }
    }
    if (self.error || self.completed) for (const end of ends.splice(0)) end();
  };
  const self = {
    items: [] as T[],
    error: null as Error | null,
    completed: false,
    subscription: null as Subscription | null,
    onSubscribe(s: Subscription) { self.subscription = s; },
    onNext(x: T) { self.items.push(x); check(); },
    onError(e: Error) { self.error = e; check(); },
    onComplete() { self.completed = true; check(); },
    /** Resolves once at least `n` elements arrived in total (rejects on onError). */
    next(n: number) { return new Promise<void>((resolve, reject) => { waiters.push({ n, resolve, reject }); check(); }); },
    /** Resolves once onError or onComplete arrived. */
    terminated() { return new Promise<void>((resolve) => { ends.push(resolve); check(); }); },
  };
  return self;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` until it returns true (a hang detector bound, not a timing assertion). */
export async function eventually(probe: () => boolean | Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`eventually: ${what} did not happen within ${ms} ms`);
    await sleep(20);
  }
}
