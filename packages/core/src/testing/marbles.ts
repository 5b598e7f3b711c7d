import { Flow } from '../Flow';
import { VirtualTimeScheduler } from '../schedulers/VirtualTimeScheduler';
import type { CancelTask } from '../schedulers/Scheduler';
import type { Publisher } from '../spec/Publisher';
import type { Subscriber } from '../spec/Subscriber';
import type { Subscription } from '../spec/Subscription';

// Marble tests that speak demand. Signal marbles are those of rxjs/testing (`-a-b|`); demand marbles add what the
// subscriber requests (`2--1!`) and what a source was asked (`expectRequests(src).toBe('2--1')`). Every character
// except spaces is one frame, and a group `(ab)` is ONE frame (unlike rxjs, where it spans its characters): demand
// marbles are full of same-frame groups (`(11)(11)`, a filter asking again), and counting positions must stay simple.
// Everything runs on a VirtualTimeScheduler: no wall clock is involved. Within one frame, a source's signals of that
// frame come before the test subscriber's calls of that frame (the source scheduled them first).

/** A signal at a frame, as parsed from a marble or recorded from a subscriber. */
export type MarbleSignal<T> =
  | { readonly frame: number; readonly kind: 'next'; readonly value: T }
  | { readonly frame: number; readonly kind: 'complete' }
  | { readonly frame: number; readonly kind: 'error'; readonly error: unknown };

/** A call on a subscription at a frame: `request(n)` (raw, invalid values included) or `cancel()`. */
export type DemandCall = { readonly frame: number; readonly kind: 'request'; readonly n: number } | { readonly frame: number; readonly kind: 'cancel' };

/** One subscription to a marble source: when it started and every call its subscriber made. */
export interface MarbleSubscriptionLog {
  readonly subscribedFrame: number;
  readonly calls: readonly DemandCall[];
}

export interface MarbleOptions {
  /** Virtual milliseconds per frame (default 1): `delay(3 * frameMs, { scheduler })` moves a signal by 3 frames. */
  readonly frameMs?: number;
  /** `flush()` runs the clock up to this frame and no further (default 1000), so periodic sources end. */
  readonly maxFrames?: number;
  /** The clock to run on (default: a new VirtualTimeScheduler); give it to every time-based operator under test. */
  readonly scheduler?: VirtualTimeScheduler;
}

export interface ExpectFlowOptions {
  /**
   * What the test subscriber requests, as a demand marble (default `'*'`: unbounded at frame 0): digits request that
   * many (`0` too, to test §3.9), `*` requests unbounded (Infinity), `!` cancels, other letters are looked up in
   * `requestValues`, `-` is a frame without a call. Requests of frame 0 are made inside onSubscribe.
   */
  readonly request?: string;
  readonly requestValues?: Readonly<Record<string, number>>;
}

export interface FlowExpectation<T> {
  /**
   * The signals the subscriber must have received, as a signal marble: letters are values (looked up in `values`
   * when given, else the letter itself), `|` complete, `#` error (matching `error` by name and message when given,
   * any error otherwise). Also fails when the subscriber saw a rule broken (§1.1 over-delivery, §1.7, §1.9, §2.13).
   */
  toBe(marble: string, values?: Readonly<Record<string, T>>, error?: unknown): void;
}

export interface RequestsExpectation {
  /** The calls the source received from its subscriber, as a demand marble (same marks as `ExpectFlowOptions.request`). */
  toBe(marble: string, values?: Readonly<Record<string, number>>): void;
}

/** A source built from a marble; `subscriptions` records every subscription and the calls made on it. */
export interface MarbleSource<T> extends Publisher<T> {
  readonly subscriptions: readonly MarbleSubscriptionLog[];
}

const WHITESPACE = /\s/;

/** Parses a signal marble. `^` (hot marbles only) marks frame 0; frames before it are negative. */
export function parseSignalMarble<T>(marble: string, values?: Readonly<Record<string, T>>, error?: unknown, allowZeroMark = false): MarbleSignal<T>[] {
  const signals: MarbleSignal<T>[] = [];
  let zero = 0;
  let zeroSeen = false;
  let ended = false;
  walk(marble, 'signal', (char, frame, index) => {
    if (char === '^') {
      if (!allowZeroMark) throw new SyntaxError(`marble "${marble}": '^' marks the subscription point of a hot marble only (column ${index})`);
      if (zeroSeen) throw new SyntaxError(`marble "${marble}": a second '^' at column ${index}`);
      zeroSeen = true;
      zero = frame;
      return;
    }
    if (ended) throw new SyntaxError(`marble "${marble}": '${char}' at column ${index} comes after the terminal signal`);
    if (char === '|') {
      ended = true;
      signals.push({ frame, kind: 'complete' });
    } else if (char === '#') {
      ended = true;
      signals.push({ frame, kind: 'error', error: error === undefined ? new Error('error') : error });
    } else {
      if (values !== undefined && !Object.hasOwn(values, char)) throw new SyntaxError(`marble "${marble}": no value for '${char}' (column ${index})`);
      signals.push({ frame, kind: 'next', value: values === undefined ? (char as unknown as T) : values[char]! });
    }
  });
  return zero === 0 ? signals : signals.map((s) => ({ ...s, frame: s.frame - zero }));
}

/** Parses a demand marble: digits and `*` request, `!` cancels, other letters come from `values`. */
export function parseDemandMarble(marble: string, values?: Readonly<Record<string, number>>): DemandCall[] {
  const calls: DemandCall[] = [];
  walk(marble, 'demand', (char, frame, index) => {
    if (char === '!') calls.push({ frame, kind: 'cancel' });
    else if (char === '*') calls.push({ frame, kind: 'request', n: Infinity });
    else if (char >= '0' && char <= '9') calls.push({ frame, kind: 'request', n: Number(char) });
    else if (values !== undefined && Object.hasOwn(values, char)) calls.push({ frame, kind: 'request', n: values[char]! });
    else throw new SyntaxError(`demand marble "${marble}": '${char}' at column ${index} is not a request (0-9, *, a letter of the values), a cancel (!) or a frame (-)`);
  });
  return calls;
}

/** Every non-space character is one frame; `-` is a frame without a mark; a group `(…)` is one frame, whatever its length. */
function walk(marble: string, what: string, mark: (char: string, frame: number, index: number) => void): void {
  if (typeof marble !== 'string') throw new TypeError(`${what} marble must be a string, got ${typeof marble}`);
  let frame = 0;
  let group = -1;
  for (let i = 0; i < marble.length; i++) {
    const char = marble[i]!;
    if (WHITESPACE.test(char)) continue;
    if (char === '(') {
      if (group >= 0) throw new SyntaxError(`marble "${marble}": nested group at column ${i}`);
      group = frame;
      continue;
    }
    if (char === ')') {
      if (group < 0) throw new SyntaxError(`marble "${marble}": ')' without '(' at column ${i}`);
      group = -1;
    } else if (char !== '-') {
      mark(char, frame, i);
    }
    if (group < 0) frame++;
  }
  if (group >= 0) throw new SyntaxError(`marble "${marble}": group not closed`);
}

/**
 * Runs marble tests on one virtual clock. Create the sources (`cold`, `hot`), declare what must happen
 * (`expectFlow`, `expectRequests`), then `flush()`: the clock runs to `maxFrames` and every expectation is checked;
 * all mismatches are thrown together in one Error.
 *
 * @example
 * const m = new MarbleTester();
 * const source = m.cold('a-b-c|');
 * m.expectFlow(source.pipe(map((x) => x.toUpperCase())), { request: '2---1' }).toBe('a-b-c|', { a: 'A', b: 'B', c: 'C' });
 * m.expectRequests(source).toBe('2---1');
 * m.flush();
 */
export class MarbleTester {
  readonly scheduler: VirtualTimeScheduler;
  readonly frameMs: number;
  readonly maxFrames: number;
  private readonly start: number;
  private readonly checks: (() => string | null)[] = [];
  private readonly subscribers: MarbleSubscriber<unknown>[] = [];
  private flushed = false;
  private flushing = false;

  constructor(options: MarbleOptions = {}) {
    this.scheduler = options.scheduler ?? new VirtualTimeScheduler();
    this.frameMs = options.frameMs ?? 1;
    this.maxFrames = options.maxFrames ?? 1000;
    if (!(this.frameMs > 0) || !Number.isFinite(this.frameMs)) throw new RangeError(`MarbleTester: frameMs must be a positive finite number, got ${this.frameMs}`);
    if (!Number.isInteger(this.maxFrames) || this.maxFrames < 1) throw new RangeError(`MarbleTester: maxFrames must be a positive integer, got ${this.maxFrames}`);
    this.start = this.scheduler.now();
  }

  /** The current frame of the clock (fractional when a time-based operator scheduled between frames). */
  get frame(): number {
    return (this.scheduler.now() - this.start) / this.frameMs;
  }

  /**
   * A cold source: each subscription replays the marble from its own start. A value whose frame has come but that
   * is not requested yet waits for demand (in order; the marble is finite, so that queue is bounded by it), and the
   * terminal signal follows the values before it.
   */
  cold<T = string>(marble: string, values?: Readonly<Record<string, T>>, error?: unknown): ColdFlow<T> {
    const signals = parseSignalMarble(marble, values, error);
    if (signals.some((s) => s.frame < 0)) throw new SyntaxError(`cold marble "${marble}" cannot have '^'`);
    return new ColdFlow<T>(this, signals);
  }

  /**
   * A hot source: the marble plays once on the clock, from `^` (frame 0; without `^` the first character is frame 0),
   * to every subscriber present. A value that finds a subscriber without demand is not delivered to it (§1.1) and is
   * recorded in `dropped`; a late subscriber gets the terminal signal if the marble already ended.
   */
  hot<T = string>(marble: string, values?: Readonly<Record<string, T>>, error?: unknown): HotFlow<T> {
    return new HotFlow<T>(this, parseSignalMarble(marble, values, error, true));
  }

  /** Subscribes to `flow` now with a test subscriber that requests as `options.request` says. */
  expectFlow<T>(flow: Publisher<T>, options: ExpectFlowOptions = {}): FlowExpectation<T> {
    this.requireOpen('expectFlow');
    const demand = parseDemandMarble(options.request ?? '*', options.requestValues);
    const subscriber = new MarbleSubscriber<T>(this, demand);
    this.subscribers.push(subscriber as MarbleSubscriber<unknown>);
    flow.subscribe(subscriber);
    subscriber.scheduleDemand();
    const label = `expectFlow #${this.subscribers.length}`;
    return {
      toBe: (marble, values, error) => {
        const expected = parseSignalMarble(marble, values, error);
        this.checks.push(() => {
          const problems: string[] = [];
          if (!sameSignals(subscriber.signals, expected, error !== undefined)) {
            problems.push(`expected ${renderSignals(expected, values)}\n  received ${renderSignals(subscriber.signals, values)}`);
          }
          if (subscriber.violations.length > 0) problems.push(`rules broken towards the subscriber: ${subscriber.violations.join('; ')}`);
          return problems.length === 0 ? null : `${label} (${marble}): ${problems.join('\n  ')}`;
        });
      },
    };
  }

  /** Expects the calls one subscription of a marble source received (`subscription`: its index, default 0). */
  expectRequests(source: MarbleSource<unknown>, subscription = 0): RequestsExpectation {
    this.requireOpen('expectRequests');
    return {
      toBe: (marble, values) => {
        const expected = parseDemandMarble(marble, values);
        this.checks.push(() => {
          const log = source.subscriptions[subscription];
          if (log === undefined) return `expectRequests (${marble}): the source has no subscription #${subscription} (it had ${source.subscriptions.length})`;
          if (sameCalls(log.calls, expected)) return null;
          return `expectRequests (${marble}): expected ${renderCalls(expected)}\n  received ${renderCalls(log.calls)}`;
        });
      },
    };
  }

  /** Runs the clock to `maxFrames`, checks every expectation, then cancels the test subscriptions still open. */
  flush(): void {
    this.requireOpen('flush');
    if (this.flushing) throw new Error('MarbleTester.flush from inside flush()');
    this.flushing = true;
    this.scheduler.advanceTo(this.start + this.maxFrames * this.frameMs); // expectFlow may still be called from a task
    this.flushed = true;
    // checked before the test subscriptions are released, so the release's cancel is not in any request log
    const failures = this.checks.map((check) => check()).filter((f): f is string => f !== null);
    for (const s of this.subscribers) s.release();
    if (failures.length > 0) {
      const error = new Error(`${failures.length} marble expectation${failures.length === 1 ? '' : 's'} failed:\n${failures.join('\n')}`);
      error.name = 'MarbleAssertionError';
      throw error;
    }
  }

  private requireOpen(what: string): void {
    if (this.flushed) throw new Error(`MarbleTester.${what} after flush(): create a new MarbleTester per test`);
  }
}

/** `new MarbleTester(options)`, `body(tester)`, then `flush()`: the rxjs `TestScheduler.run` shape. */
export function runMarbles(body: (tester: MarbleTester) => void, options?: MarbleOptions): void {
  const tester = new MarbleTester(options);
  body(tester);
  tester.flush();
}

/** The test subscriber of `expectFlow`: frame-stamped signals, the demand marble's calls, and rule checks. */
class MarbleSubscriber<T> implements Subscriber<T> {
  readonly signals: MarbleSignal<T>[] = [];
  readonly violations: string[] = [];
  private subscription: Subscription | null = null;
  private requested = 0;
  private received = 0;
  private terminated = false;
  private done = false;
  private readonly tasks: CancelTask[] = [];
  /** Calls due before onSubscribe arrived (frame 0's to begin with): made as soon as it does. */
  private waiting: DemandCall[];

  constructor(
    private readonly tester: MarbleTester,
    private readonly demand: readonly DemandCall[],
  ) {
    this.waiting = demand.filter((c) => c.frame === 0);
  }

  onSubscribe(subscription: Subscription): void {
    if (subscription == null) {
      this.violations.push('§2.13: onSubscribe(null)');
      return;
    }
    if (this.subscription !== null || this.done) {
      this.violations.push('§2.12: onSubscribe called twice');
      subscription.cancel();
      return;
    }
    this.subscription = subscription;
    const pending = this.waiting;
    this.waiting = [];
    for (const call of pending) this.perform(call);
  }

  onNext(value: T): void {
    const frame = this.tester.frame;
    if (value == null) this.violations.push(`§2.13: onNext(${String(value)}) at frame ${frame}`);
    if (this.subscription === null && !this.done) this.violations.push(`§1.9: onNext before onSubscribe at frame ${frame}`);
    if (this.terminated) this.violations.push(`§1.7: onNext(${show(value)}) after the terminal signal at frame ${frame}`);
    if (this.received >= this.requested) this.violations.push(`§1.1: onNext(${show(value)}) at frame ${frame} beyond demand: requested ${this.requested}, received ${this.received + 1}`);
    this.received++;
    this.signals.push({ frame, kind: 'next', value });
  }

  onError(error: unknown): void {
    const frame = this.tester.frame;
    if (error == null) this.violations.push(`§2.13: onError(${String(error)}) at frame ${frame}`);
    if (this.terminated) this.violations.push(`§1.7: onError after the terminal signal at frame ${frame}`);
    this.terminated = true;
    this.signals.push({ frame, kind: 'error', error });
  }

  onComplete(): void {
    const frame = this.tester.frame;
    if (this.terminated) this.violations.push(`§1.7: onComplete after the terminal signal at frame ${frame}`);
    this.terminated = true;
    this.signals.push({ frame, kind: 'complete' });
  }

  /** Schedules the demand marble's calls after frame 0 on the clock (frames count from the subscription). */
  scheduleDemand(): void {
    for (const call of this.demand) {
      if (call.frame > 0) this.tasks.push(this.tester.scheduler.schedule(() => this.perform(call), call.frame * this.tester.frameMs));
    }
  }

  /** Cancels what is still open at the end of the test, and drops the subscription (§3.13). */
  release(): void {
    for (const cancel of this.tasks.splice(0)) cancel();
    const subscription = this.subscription;
    this.subscription = null;
    this.done = true;
    if (subscription !== null && !this.terminated) subscription.cancel();
  }

  private perform(call: DemandCall): void {
    if (this.done) return;
    if (this.subscription === null) {
      this.waiting.push(call);
      return;
    }
    if (call.kind === 'cancel') {
      const subscription = this.subscription;
      this.done = true;
      this.subscription = null;
      subscription.cancel();
      return;
    }
    if (call.n > 0) this.requested = this.requested + call.n >= Number.MAX_SAFE_INTEGER ? Infinity : this.requested + call.n;
    this.subscription.request(call.n);
  }
}

/** One subscription of a marble source: demand, rule checks on request, and the call log. */
abstract class MarbleSubscriptionBase<T> implements Subscription {
  readonly calls: DemandCall[] = [];
  demand = 0;
  subscriber: Subscriber<T> | null;
  failed = false;

  constructor(
    protected readonly tester: MarbleTester,
    subscriber: Subscriber<T>,
    readonly subscribedFrame: number,
  ) {
    this.subscriber = subscriber;
  }

  request(n: number): void {
    this.calls.push({ frame: this.tester.frame, kind: 'request', n }); // recorded raw: invalid and late calls too
    if (this.subscriber === null) return; // §3.6
    if (typeof n !== 'number' || !(n > 0) || (!Number.isInteger(n) && n !== Infinity)) {
      const subscriber = this.subscriber;
      this.end();
      subscriber.onError(new RangeError(`§3.9: request(${String(n)}) needs a positive integer`)); // never thrown (§3.16)
      return;
    }
    this.demand = this.demand + n >= Number.MAX_SAFE_INTEGER ? Infinity : this.demand + n; // §3.17
    this.drain();
  }

  cancel(): void {
    this.calls.push({ frame: this.tester.frame, kind: 'cancel' });
    this.end(); // §3.12, §3.13
  }

  /** Stops this subscription and drops the subscriber (§3.13). */
  protected end(): void {
    this.subscriber = null;
  }

  protected abstract drain(): void;
}

class ColdSubscription<T> extends MarbleSubscriptionBase<T> {
  /** Signals whose frame has come, in order; at most the marble's length. */
  private readonly ready: MarbleSignal<T>[] = [];
  private head = 0;
  private readonly tasks: CancelTask[] = [];
  private draining = false;
  private again = false;

  start(signals: readonly MarbleSignal<T>[]): void {
    if (this.subscriber === null) return; // cancelled (or failed, §3.9) inside onSubscribe
    for (const signal of signals) {
      if (signal.frame === 0) this.ready.push(signal);
      else this.tasks.push(this.tester.scheduler.schedule(() => this.arrive(signal), signal.frame * this.tester.frameMs));
    }
    this.drain();
  }

  protected override end(): void {
    super.end();
    for (const cancel of this.tasks.splice(0)) cancel();
    this.ready.length = 0;
    this.head = 0;
  }

  private arrive(signal: MarbleSignal<T>): void {
    if (this.subscriber === null) return;
    this.ready.push(signal);
    this.drain();
  }

  protected drain(): void {
    if (this.draining) {
      this.again = true; // §3.3: a request from inside onNext is served by this loop, not by recursion
      return;
    }
    this.draining = true;
    try {
      do {
        this.again = false;
        while (this.subscriber !== null && this.head < this.ready.length) {
          const signal = this.ready[this.head]!;
          const subscriber = this.subscriber;
          if (signal.kind === 'next') {
            if (this.demand <= 0) break; // §1.1: the value waits for demand
            if (this.demand !== Infinity) this.demand--;
            this.head++;
            subscriber.onNext(signal.value);
          } else {
            this.end();
            if (signal.kind === 'complete') subscriber.onComplete();
            else subscriber.onError(signal.error as Error);
          }
        }
      } while (this.again);
    } finally {
      this.draining = false;
    }
  }
}

/** A cold marble source (see `MarbleTester.cold`). */
export class ColdFlow<T> extends Flow<T> implements MarbleSource<T> {
  private readonly logs: ColdSubscription<T>[];

  constructor(tester: MarbleTester, signals: readonly MarbleSignal<T>[]) {
    const logs: ColdSubscription<T>[] = [];
    super((subscriber) => {
      const subscription = new ColdSubscription<T>(tester, subscriber, tester.frame);
      logs.push(subscription);
      subscriber.onSubscribe(subscription);
      subscription.start(signals);
    });
    this.logs = logs;
  }

  get subscriptions(): readonly MarbleSubscriptionLog[] {
    return this.logs;
  }
}

class HotSubscription<T> extends MarbleSubscriptionBase<T> {
  protected drain(): void {
    // hot values are not held: demand only decides whether the next value is delivered
  }
}

/** A hot marble source (see `MarbleTester.hot`). */
export class HotFlow<T> extends Flow<T> implements MarbleSource<T> {
  /** Values a subscriber missed because it had no demand when they were emitted. */
  readonly dropped: { readonly frame: number; readonly value: T; readonly subscription: number }[];
  private readonly logs: HotSubscription<T>[];

  constructor(tester: MarbleTester, signals: readonly MarbleSignal<T>[]) {
    const logs: HotSubscription<T>[] = [];
    const dropped: { frame: number; value: T; subscription: number }[] = [];
    let terminal: MarbleSignal<T> | null = null;
    super((subscriber) => {
      const subscription = new HotSubscription<T>(tester, subscriber, tester.frame);
      logs.push(subscription);
      subscriber.onSubscribe(subscription);
      if (terminal !== null && subscription.subscriber !== null) deliver(subscription, terminal);
    });
    const deliver = (subscription: HotSubscription<T>, signal: MarbleSignal<T>) => {
      const target = subscription.subscriber;
      if (target === null) return;
      if (signal.kind === 'next') {
        if (subscription.demand <= 0) {
          dropped.push({ frame: signal.frame, value: signal.value, subscription: logs.indexOf(subscription) });
          return;
        }
        if (subscription.demand !== Infinity) subscription.demand--;
        target.onNext(signal.value);
      } else {
        subscription.subscriber = null; // §1.7, §3.13
        if (signal.kind === 'complete') target.onComplete();
        else target.onError(signal.error as Error);
      }
    };
    const offset = tester.frame;
    for (const signal of signals) {
      if (signal.frame < 0) continue; // before '^': nobody of this test can see it
      const at = { ...signal, frame: signal.frame + offset } as MarbleSignal<T>;
      tester.scheduler.schedule(() => {
        if (at.kind !== 'next') terminal = at;
        for (const subscription of [...logs]) deliver(subscription, at);
      }, signal.frame * tester.frameMs);
    }
    this.logs = logs;
    this.dropped = dropped;
  }

  get subscriptions(): readonly MarbleSubscriptionLog[] {
    return this.logs;
  }
}

function sameSignals<T>(actual: readonly MarbleSignal<T>[], expected: readonly MarbleSignal<T>[], exactError: boolean): boolean {
  if (actual.length !== expected.length) return false;
  return actual.every((a, i) => {
    const e = expected[i]!;
    if (a.frame !== e.frame || a.kind !== e.kind) return false;
    if (a.kind === 'next') return deepEqual(a.value, (e as { value: T }).value);
    if (a.kind === 'error') return !exactError || sameError(a.error, (e as { error: unknown }).error);
    return true;
  });
}

function sameCalls(actual: readonly DemandCall[], expected: readonly DemandCall[]): boolean {
  return actual.length === expected.length && actual.every((a, i) => {
    const e = expected[i]!;
    return a.frame === e.frame && a.kind === e.kind && (a.kind === 'cancel' || Object.is(a.n, (e as { n: number }).n));
  });
}

function sameError(a: unknown, b: unknown): boolean {
  if (a instanceof Error && b instanceof Error) return a.name === b.name && a.message === b.message;
  return deepEqual(a, b);
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (typeof x !== 'object' || x === null) return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** `frame 0: a · frame 2: |`, values shown by their letter when `values` has one. */
function renderSignals<T>(signals: readonly MarbleSignal<T>[], values?: Readonly<Record<string, T>>): string {
  if (signals.length === 0) return 'nothing';
  const letter = (value: T): string => {
    if (values === undefined) return typeof value === 'string' && value.length === 1 ? value : show(value);
    const key = Object.keys(values).find((k) => deepEqual(values[k], value));
    return key ?? show(value);
  };
  return signals
    .map((s) => `frame ${s.frame}: ${s.kind === 'next' ? letter(s.value) : s.kind === 'complete' ? '|' : `# (${show(s.error)})`}`)
    .join(' · ');
}

function renderCalls(calls: readonly DemandCall[]): string {
  if (calls.length === 0) return 'no calls';
  return calls.map((c) => `frame ${c.frame}: ${c.kind === 'cancel' ? 'cancel' : `request(${c.n})`}`).join(' · ');
}
