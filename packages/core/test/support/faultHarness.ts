import fc from 'fast-check';
import { afterAll, beforeAll, expect } from 'vitest';
import { Flow, type Subscriber, type Subscription } from '../../src/index';
import { captureReportedErrors } from '../../src/testing/index';
import { settle, watchdog } from './async';

/**
 * The fault-injection harness shared by the adapter packages' fault tests (packages/node/test/faults.test.ts,
 * packages/rxjs/test/faults.test.ts): seeded pacing, a capture of everything that escapes a run (unhandled
 * rejections, uncaught exceptions, errors reported as undeliverable), `property` = fast-check + watchdog + that
 * capture, a paced rule-abiding source and a randomly requesting consumer that checks "exactly one outcome".
 * Importing it registers the capture's beforeAll/afterAll hooks in the importing test file.
 */

const LONG = process.env.SLUICE_PROPERTY_RUNS !== undefined;
export const RUNS = Number(process.env.SLUICE_PROPERTY_RUNS ?? 200);
/** The normal suite stops a property after 12 s (CI budget); a long run (SLUICE_PROPERTY_RUNS) does every run. */
export const TIME_LIMIT = LONG ? undefined : 12_000;
export const TEST_TIMEOUT = LONG ? RUNS * 1_000 : 20_000;
export const WATCHDOG_MS = 3_000;

/** A small seeded PRNG (mulberry32) for the pacing decisions inside one run. */
export function pacing(seed: number) {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    int: (n: number): number => Math.floor(next() * n),
    chance: (p: number): boolean => next() < p,
    /** Runs `fn` now, in a microtask or on the next macrotask. */
    later(fn: () => void): void {
      const r = next();
      if (r < 0.3) fn();
      else if (r < 0.6) queueMicrotask(fn);
      else setImmediate(fn);
    },
  };
}
export type Pacing = ReturnType<typeof pacing>;

/** Everything that escapes a run: unhandled rejections, uncaught exceptions, errors reported as undeliverable. */
const escaped: unknown[] = [];
const onEscape = (error: unknown): void => {
  escaped.push(error);
};
let reported: ReturnType<typeof captureReportedErrors>;

beforeAll(() => {
  process.on('unhandledRejection', onEscape);
  process.on('uncaughtException', onEscape);
  reported = captureReportedErrors();
});
afterAll(() => {
  process.off('unhandledRejection', onEscape);
  process.off('uncaughtException', onEscape);
  reported.restore();
});

/** Runs one fault plan under the watchdog, then lets stray signals arrive and checks nothing escaped. */
export async function check(run: () => Promise<void>, what: string): Promise<void> {
  escaped.length = 0;
  reported.errors.length = 0;
  await watchdog(run(), WATCHDOG_MS, what);
  await settle(3);
  expect(escaped.map((e) => (e instanceof Error ? e.stack : String(e))), 'unhandled rejections / uncaught exceptions').toEqual([]);
  expect(reported.errors, 'errors reported as undeliverable').toEqual([]);
}

export function property<P>(plan: fc.Arbitrary<P>, run: (p: P) => Promise<void>, what: string): Promise<void> {
  return fc.assert(
    fc.asyncProperty(plan, (p) => check(() => run(p), what)),
    { numRuns: RUNS, interruptAfterTimeLimit: TIME_LIMIT, markInterruptAsFailure: false },
  );
}

export class Injected extends Error {
  constructor(where: string) {
    super(`injected fault: ${where}`);
  }
}

/** A sluice consumer with random request sizes and pacing that may cancel at item `cancelAt`. */
export class Consumer<T> implements Subscriber<T> {
  items = 0;
  terminals: Array<Error | 'complete'> = [];
  cancelled = false;
  afterEnd = 0;
  readonly done: Promise<void>;
  private resolve!: () => void;
  private subscription: Subscription | null = null;
  private outstanding = 0;

  constructor(
    private readonly rng: Pacing,
    private readonly cancelAt: number,
    /** Called synchronously from inside onNext with the item count (to inject faults reentrantly). */
    private readonly onItem: (count: number) => void = () => {},
  ) {
    this.done = new Promise((resolve) => (this.resolve = resolve));
  }

  onSubscribe(subscription: Subscription): void {
    this.subscription = subscription;
    this.ask();
  }

  private ask(): void {
    if (this.cancelled || this.terminals.length > 0) return;
    const n = 1 + this.rng.int(16);
    this.outstanding += n;
    this.subscription!.request(n);
  }

  onNext(): void {
    if (this.cancelled || this.terminals.length > 0) {
      this.afterEnd++;
      return;
    }
    this.items++;
    this.outstanding--;
    this.onItem(this.items);
    if (this.items === this.cancelAt) {
      this.cancelled = true;
      this.subscription!.cancel();
      this.resolve();
      return;
    }
    if (this.outstanding === 0) this.rng.later(() => this.ask());
  }

  onError(error: Error): void {
    if (this.cancelled) this.afterEnd++;
    this.terminals.push(error);
    this.resolve();
  }

  onComplete(): void {
    if (this.cancelled) this.afterEnd++;
    this.terminals.push('complete');
    this.resolve();
  }

  /** Exactly one outcome: one terminal signal, or our cancel and nothing after it. */
  expectOneOutcome(): void {
    expect(this.afterEnd, 'signals after the end').toBe(0);
    expect(this.terminals.length + (this.cancelled ? 1 : 0), `outcomes: ${String(this.terminals)}`).toBe(1);
  }
}

export interface SourceProbe {
  /** Set once the source signalled onComplete/onError (a later cancel is a no-op). */
  terminated: boolean;
  emitted: number;
  cancelled: number;
  requested: number;
}

/**
 * A sluice source of `total` numbers, emitted in random batches at random moments, that fails with `fault` after
 * `failAt` items (if given). Counts cancels and demand. It obeys the rules itself: never beyond demand, serial.
 */
export function pacedSource(rng: Pacing, total: number, failAt: number, fault: Error | null): { flow: Flow<number>; probe: SourceProbe } {
  const probe: SourceProbe = { terminated: false, emitted: 0, cancelled: 0, requested: 0 };
  const flow = new Flow<number>((subscriber) => {
    let demand = 0;
    let done = false;
    let scheduled = false;
    let emitting = false;
    const finish = (error: Error | null): void => {
      done = true;
      probe.terminated = true;
      if (error === null) subscriber.onComplete();
      else subscriber.onError(error);
    };
    const pump = (): void => {
      scheduled = false;
      if (done || emitting) return;
      emitting = true;
      let batch = 1 + rng.int(32);
      while (!done && batch-- > 0) {
        if (fault !== null && probe.emitted === failAt) finish(fault);
        else if (probe.emitted === total) finish(null);
        else if (demand > 0) {
          demand--;
          subscriber.onNext(probe.emitted++);
        } else break;
      }
      emitting = false;
      if (!done && (demand > 0 || probe.emitted === total || (fault !== null && probe.emitted === failAt))) schedule();
    };
    const schedule = (): void => {
      if (scheduled) return;
      scheduled = true;
      rng.later(pump);
    };
    subscriber.onSubscribe({
      request(n) {
        if (done) return;
        if (!(n > 0)) {
          done = true;
          subscriber.onError(new RangeError(`§3.9: request(${n})`));
          return;
        }
        probe.requested += n;
        demand += n;
        schedule();
      },
      cancel() {
        if (done) return;
        done = true;
        probe.cancelled++;
      },
    });
    if (total === 0 || failAt === 0) schedule(); // terminal signals need no demand
  });
  return { flow, probe };
}

export const length = fc.integer({ min: 0, max: 2_000 });
export const seed = fc.integer();
