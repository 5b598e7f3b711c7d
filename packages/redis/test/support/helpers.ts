import type { Subscriber, Subscription } from '@sluice/core';
import type { Redis } from 'ioredis';
import type { StreamEntry } from '../../src/index';
import type { RedisServer } from './redisServer';

export { settle, watchdog } from '../../../core/test/support/async';

let counter = 0;
/** A fresh stream key per test, so tests sharing one server never see each other's entries. */
export const freshKey = (what: string): string => `${what}:${process.pid}:${++counter}`;

/** XADDs `{ seq: i }` for i in from..from+count-1, pipelined. */
export async function publish(redis: Redis, stream: string, count: number, from = 0, extra: Record<string, string> = {}): Promise<void> {
  const chunk = 5_000;
  for (let start = from; start < from + count; start += chunk) {
    const pipeline = redis.pipeline();
    for (let i = start; i < Math.min(from + count, start + chunk); i++) pipeline.xadd(stream, '*', 'seq', String(i), ...Object.entries(extra).flat());
    await pipeline.exec();
  }
}

/** The group's pending count per consumer, as the server reports it (XPENDING). */
export async function pendingOf(redis: Redis, stream: string, group: string): Promise<{ count: number; consumers: Record<string, number> }> {
  const reply = (await redis.call('XPENDING', stream, group)) as [number, unknown, unknown, [string, string][] | null];
  const consumers: Record<string, number> = {};
  for (const [name, n] of reply[3] ?? []) consumers[name] = Number(n);
  return { count: Number(reply[0]), consumers };
}

/** XINFO GROUPS as objects (entries-read, lag, pending, last-delivered-id). */
export async function groupInfo(redis: Redis, stream: string, group: string): Promise<Record<string, unknown> | undefined> {
  const groups = (await redis.call('XINFO', 'GROUPS', stream).catch(() => [])) as unknown[][];
  return groups.map((g) => {
    const o: Record<string, unknown> = {};
    for (let i = 0; i + 1 < g.length; i += 2) o[String(g[i])] = g[i + 1];
    return o;
  }).find((g) => g.name === group);
}

/**
 * Records every XREADGROUP/XAUTOCLAIM the server executes (MONITOR on a connection of its own): the exact COUNTs
 * the source asked for, as Redis saw them.
 */
export async function watchReads(server: RedisServer): Promise<{ reads: string[][]; stop(): void }> {
  const monitor = await server.admin.monitor();
  const reads: string[][] = [];
  monitor.on('monitor', (_time: string, args: string[]) => {
    const name = args[0]?.toUpperCase();
    if (name === 'XREADGROUP' || name === 'XAUTOCLAIM') reads.push(args);
  });
  return { reads, stop: () => monitor.disconnect() };
}

/** The COUNT argument of a recorded read. */
export const countOf = (args: string[]): number => Number(args[args.findIndex((a) => a.toUpperCase() === 'COUNT') + 1]);

/** A manual subscriber: records elements and terminal signals; the test drives request/cancel. */
export function recorder<T = StreamEntry>(): Subscriber<T> & {
  items: T[]; error: Error | null; completed: boolean; subscription: Subscription | null;
  next(n: number): Promise<void>;
} {
  const waiters: { n: number; resolve: () => void; reject: (e: Error) => void }[] = [];
  const check = () => {
    for (let i = waiters.length - 1; i >= 0; i--) {
      const w = waiters[i]!;
      if (self.items.length >= w.n) { waiters.splice(i, 1); w.resolve(); }
      else if (self.error) { waiters.splice(i, 1); w.reject(self.error); }
    }
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
