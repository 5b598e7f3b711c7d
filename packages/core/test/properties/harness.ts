/**
 * The shared model for the property suites (issue #8). A *subject* is one exported stage built over zero or more
 * hostile TestPublishers; fast-check generates a *schedule* of steps (downstream `request(k)` with good and bad k,
 * `cancel()`, upstream emissions within and beyond demand, nulls, terminals, signals after a terminal or after
 * cancel, virtual
 * time) plus a script of reentrant actions run from inside `onNext`. After every step the harness checks:
 *
 * - total onNext ≤ total (valid) requested (§1.1);
 * - each upstream's total requested ≤ the subject's bound (its documented prefetch or pass-through demand);
 * - signals are serial: no signal while another is on the stack (§1.3, §3.3), except a terminal signal delivered
 *   inside the subscriber's own request/cancel call;
 * - at most one terminal signal and nothing after it (§1.7); nothing at all after `cancel()` returned (§2.8, §3.6);
 * - a bad `request(k)` ends the subscription with `onError(RangeError '§3.9: …')` (§3.9) unless it was over;
 * - a hostile upstream (over-delivery, null element) is cancelled and the downstream fails (§1.1, §2.13);
 * - after everything, unbounded demand plus completing every upstream terminates the subscriber (liveness).
 *
 * `SLUICE_PROPERTY_RUNS` raises the number of runs per property (default 200). On failure the message carries
 * fast-check's seed and shrunk counterexample path; `SLUICE_PROPERTY_SEED` and `SLUICE_PROPERTY_PATH` replay it.
 */
import fc from 'fast-check';
import type { Publisher } from '../../src/spec/Publisher';
import type { Subscriber } from '../../src/spec/Subscriber';
import type { Subscription } from '../../src/spec/Subscription';
import { VirtualTimeScheduler } from '../../src/schedulers/VirtualTimeScheduler';
import { TestPublisher } from '../../src/testing/TestPublisher';
import { captureReportedErrors } from '../../src/testing/reportedErrors';

export const RUNS = Math.max(1, Number(process.env['SLUICE_PROPERTY_RUNS'] ?? 200) || 200);

const SEED = process.env['SLUICE_PROPERTY_SEED'];
const PATH = process.env['SLUICE_PROPERTY_PATH'];

/**
 * fast-check parameters shared by every property: the run count, and, to replay a reported failure,
 * `SLUICE_PROPERTY_SEED` (and `SLUICE_PROPERTY_PATH`) from the failure message.
 */
export function params(runs = RUNS): fc.Parameters<unknown> {
  return {
    numRuns: runs, verbose: fc.VerbosityLevel.None,
    ...(SEED !== undefined ? { seed: Number(SEED) } : {}), ...(PATH !== undefined ? { path: PATH } : {}),
  };
}

/** Runs a property and rethrows fast-check's report (seed, path, counterexample) as the test failure message. */
export async function check<Ts>(property: fc.IAsyncPropertyWithHooks<Ts> | fc.IPropertyWithHooks<Ts>, runs = RUNS): Promise<void> {
  const details = await fc.check(property as fc.IAsyncProperty<Ts>, params(runs) as fc.Parameters<Ts>);
  if (details.failed) {
    // fast-check's default report starts with "Property failed after N tests { seed: S, path: "P", endOnFailure: true }".
    const report = fc.defaultReportMessage(details) ?? `property failed, seed ${details.seed}`;
    const cause = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
    throw new Error(`${report}\n\nCaused by: ${cause}\n` +
      `(replay: SLUICE_PROPERTY_SEED=${details.seed} SLUICE_PROPERTY_PATH=${details.counterexamplePath ?? ''} npx vitest run <file> -t '<test>')`);
  }
}

// ---- The environment one run builds a subject in ----------------------------------------------------------------

export interface Env {
  readonly scheduler: VirtualTimeScheduler;
  /** Upstreams the subject was built over; they may be subscribed late (concat) or several times (retry-like). */
  readonly upstreams: TestPublisher<number>[];
  /** A new hostile upstream made while the run goes (an inner publisher of mergeMap…); steps address it too. */
  inner(): TestPublisher<number>;
  /** Marks a user callback (mapper, predicate, project…) so the leak tests can check it is released (§3.13). */
  track<F extends object>(callback: F): F;
}

/** A fresh environment for one run: a virtual clock and the subject's hostile upstreams. */
export function makeEnv(subject: Subject, track: <F extends object>(callback: F) => F = (f) => f): Env {
  const hostile = () => new TestPublisher<number>({ allow: { overDelivery: true, afterTerminal: true, nulls: true, ignoreCancel: true } });
  const upstreams = Array.from({ length: subject.upstreams }, hostile);
  return {
    scheduler: new VirtualTimeScheduler(), upstreams, track,
    inner: () => { const p = hostile(); upstreams.push(p); return p; },
  };
}

export interface BoundContext {
  /** Valid demand the downstream requested so far (Infinity once unbounded). */
  requested: number;
  /** Items the downstream received. */
  received: number;
  /** Items this upstream delivered to the subject. */
  emitted: number;
  /** For resubscribing stages (repeat, retry): requested from and delivered by earlier subscriptions. */
  previousRequested: number;
  previousEmitted: number;
}

export type Bound = (c: BoundContext) => number;
/** One item up per item requested down (map, tap, scan…). */
export const passThrough: Bound = (c) => c.requested;
/** Pass-through, plus one replacement request per item that was swallowed (filter, distinctUntilChanged…). */
export const replacing: Bound = (c) => c.requested + Math.max(0, c.emitted - c.received);
/**
 * A queueing stage: never more than `p` outstanding upstream beyond what arrived (per subscription: a stage that
 * reconnects, like share after its last subscriber left, starts a fresh `p`).
 */
export const prefetch = (p: number): Bound => (c) => c.previousRequested + (c.emitted - c.previousEmitted) + p;
export const unbounded: Bound = () => Infinity;
/**
 * A resubscribing stage (repeat, retry): earlier subscriptions used what they used; the current one is asked at
 * most for the downstream demand still outstanding.
 */
export const resubscribing: Bound = (c) => c.previousRequested + (c.emitted - c.previousEmitted) + (c.requested - c.received);

export interface Subject {
  /** The export this subject covers (scanned by coverage.prop.test.ts). */
  name: string;
  /** How many hostile TestPublishers to build over (0 for sources). */
  upstreams: number;
  build(env: Env): Publisher<unknown>;
  /** Upper bound of each upstream's total requested. Default: passThrough. */
  bound?: Bound;
  /** A bad request(k) from the downstream ends the subscription with a §3.9 RangeError. Default true. */
  failsOnBadRequest?: boolean;
  /** Cancelling the (only) downstream cancels every subscribed upstream. Default true. */
  cancelsUpstream?: boolean;
  /** Subscribers to run (multicast stages): the first subscribes at once, the others at 'join' steps. Default 1. */
  subscribers?: number;
  /** The subject makes inner upstreams with `env.inner()`: steps address up to this many upstreams in all. */
  maxUpstreams?: number;
  /** Upper bound of each inner upstream's total requested (default: the subject's bound). */
  innerBound?: Bound;
  /** Unbounded demand and completed upstreams terminate the subscriber. Default true. */
  terminates?: boolean;
  /** The subject signals from microtasks (promises, async iterables): settle also drains the job queue. */
  async?: boolean;
  /** Generate hostile upstream steps (over-delivery, nulls, signals after terminal). Default true. */
  hostile?: boolean;
  /** Upstream errors (rule violations included) are caught and replaced (catchError): no failure is owed. */
  catchesErrors?: boolean;
  /** Runs per property (defaults to RUNS); lower for slow async subjects. */
  runs?: number;
  /** Extra checks after the run (user callbacks called once, resources released…); returns the problems. */
  verify?(env: Env, monitor: Monitor): string[];
}

// ---- Schedules -------------------------------------------------------------------------------------------------

export type Step =
  | { kind: 'request'; n: number; target?: number }
  | { kind: 'cancel'; target?: number }
  | { kind: 'join' }
  | { kind: 'emit'; upstream: number; count: number }
  | { kind: 'overEmit'; upstream: number }
  | { kind: 'emitNull'; upstream: number }
  | { kind: 'complete'; upstream: number }
  | { kind: 'error'; upstream: number }
  | { kind: 'afterTerminal'; upstream: number; what: 'next' | 'complete' | 'error' }
  | { kind: 'advance'; ms: number };

export type Reentrant = { kind: 'none' } | { kind: 'request'; n: number } | { kind: 'cancel' };

export const BAD_REQUESTS = [0, -1, NaN, 1.5, -Infinity] as const;

/** Mostly small valid requests, sometimes unbounded, sometimes one of the §3.9 bad values. */
export const requestAmount: fc.Arbitrary<number> = fc.oneof(
  { weight: 12, arbitrary: fc.integer({ min: 1, max: 5 }) },
  { weight: 1, arbitrary: fc.constantFrom(Infinity, Number.MAX_SAFE_INTEGER, 64) },
  { weight: 1, arbitrary: fc.constantFrom(...BAD_REQUESTS) },
);

export function stepArbitrary(upstreams: number, hostile: boolean, subscribers = 1): fc.Arbitrary<Step> {
  const target = fc.integer({ min: 0, max: subscribers - 1 });
  const request = fc.tuple(requestAmount, target).map(([n, t]): Step => (subscribers > 1 ? { kind: 'request', n, target: t } : { kind: 'request', n }));
  const cancel = target.map((t): Step => (subscribers > 1 ? { kind: 'cancel', target: t } : { kind: 'cancel' }));
  const advance = fc.integer({ min: 0, max: 30 }).map((ms): Step => ({ kind: 'advance', ms }));
  const choices: fc.WeightedArbitrary<Step>[] = [
    { weight: 10, arbitrary: request },
    { weight: 1, arbitrary: cancel },
    { weight: 3, arbitrary: advance },
  ];
  if (subscribers > 1) choices.push({ weight: 2, arbitrary: fc.constant<Step>({ kind: 'join' }) });
  if (upstreams > 0) {
    const up = fc.integer({ min: 0, max: upstreams - 1 });
    choices.push(
      { weight: 12, arbitrary: fc.record({ upstream: up, count: fc.integer({ min: 1, max: 4 }) }).map((r): Step => ({ kind: 'emit', ...r })) },
      { weight: 1, arbitrary: up.map((upstream): Step => ({ kind: 'complete', upstream })) },
      { weight: 1, arbitrary: up.map((upstream): Step => ({ kind: 'error', upstream })) },
    );
    if (hostile) {
      choices.push(
        { weight: 1, arbitrary: up.map((upstream): Step => ({ kind: 'overEmit', upstream })) },
        { weight: 1, arbitrary: up.map((upstream): Step => ({ kind: 'emitNull', upstream })) },
        {
          weight: 1,
          arbitrary: fc.record({ upstream: up, what: fc.constantFrom('next' as const, 'complete' as const, 'error' as const) })
            .map((r): Step => ({ kind: 'afterTerminal', ...r })),
        },
      );
    }
  }
  return fc.oneof(...choices);
}

export const reentrantArbitrary: fc.Arbitrary<Reentrant[]> = fc.array(
  fc.oneof(
    { weight: 6, arbitrary: fc.constant<Reentrant>({ kind: 'none' }) },
    { weight: 4, arbitrary: requestAmount.map((n): Reentrant => ({ kind: 'request', n })) },
    { weight: 1, arbitrary: fc.constant<Reentrant>({ kind: 'cancel' }) },
  ),
  { maxLength: 8 },
);

// ---- The monitoring subscriber -----------------------------------------------------------------------------------

/** Records what the subject signals and every rule it sees broken, running a reentrant script from onNext. */
export class Monitor implements Subscriber<unknown> {
  subscription: Subscription | null = null;
  requested = 0;
  received = 0;
  terminal: 'complete' | Error | null = null;
  cancelled = false;
  readonly violations: string[] = [];
  /** A bad request was made while the subscription was live; a §3.9 error is owed. */
  owedRangeError = false;
  private signalDepth = 0;
  private ownCallDepth = 0;
  private script: Reentrant[];
  private scriptIndex = 0;

  constructor(script: Reentrant[] = [], private readonly initialRequest = 0) {
    this.script = script;
  }

  get over(): boolean {
    return this.cancelled || this.terminal !== null;
  }

  onSubscribe(subscription: Subscription): void {
    if (this.subscription !== null) this.violations.push('§2.5: onSubscribe twice');
    this.subscription = subscription;
    if (this.initialRequest !== 0) this.request(this.initialRequest); // from inside onSubscribe (§2.7, §3.3)
  }

  onNext(value: unknown): void {
    this.enter(`onNext(${String(value)})`, false);
    try {
      if (value == null) this.violations.push(`§2.13: onNext(${String(value)})`);
      if (this.received >= this.requested) {
        this.violations.push(`§1.1: onNext #${this.received + 1} beyond demand ${this.requested}`);
      }
      this.received++;
      const action = this.script[this.scriptIndex++ % Math.max(1, this.script.length)];
      if (action?.kind === 'request') this.request(action.n);
      else if (action?.kind === 'cancel') this.cancel();
    } finally {
      this.signalDepth--;
    }
  }

  onError(error: Error): void {
    this.enter(`onError(${error?.message})`, true);
    try {
      if (!(error instanceof Error)) this.violations.push(`onError with a non-Error ${String(error)}`);
      this.terminal = error;
    } finally {
      this.signalDepth--;
    }
  }

  onComplete(): void {
    this.enter('onComplete', true);
    try {
      this.terminal = 'complete';
    } finally {
      this.signalDepth--;
    }
  }

  request(n: number): void {
    if (this.subscription === null) return;
    const wasOver = this.over;
    const valid = typeof n === 'number' && n > 0 && Number.isInteger(n) || n === Infinity;
    if (valid) this.requested = this.requested + n >= Number.MAX_SAFE_INTEGER ? Infinity : this.requested + n;
    else if (!wasOver) this.owedRangeError = true;
    this.ownCallDepth++;
    try {
      this.subscription.request(n);
    } catch (error) {
      this.violations.push(`§3.16: request(${n}) threw ${String(error)}`);
    } finally {
      this.ownCallDepth--;
    }
  }

  cancel(): void {
    if (this.subscription === null) return;
    this.ownCallDepth++;
    try {
      this.subscription.cancel();
    } catch (error) {
      this.violations.push(`§3.15: cancel() threw ${String(error)}`);
    } finally {
      this.ownCallDepth--;
      this.cancelled = true; // from here on nothing may arrive (§2.8, §3.6)
    }
  }

  private enter(signal: string, terminal: boolean): void {
    if (this.subscription === null) this.violations.push(`§1.9: ${signal} before onSubscribe`);
    if (this.terminal !== null) this.violations.push(`§1.7: ${signal} after ${this.terminal === 'complete' ? 'onComplete' : 'onError'}`);
    if (this.cancelled) this.violations.push(`§2.8/§3.6: ${signal} after cancel() returned`);
    if (this.signalDepth > 0 && !(terminal && this.ownCallDepth > 0)) {
      this.violations.push(`§1.3/§3.3: ${signal} delivered while another signal was on the stack`);
    }
    this.signalDepth++;
  }
}

// ---- Running one schedule ----------------------------------------------------------------------------------------

class Upstream {
  emitted = 0;
  previousRequested = 0;
  previousEmitted = 0;
  /** The upstream broke a rule on purpose while it was live: it must end up cancelled. */
  mustBeCancelled = false;
  private nextValue = 1;
  constructor(readonly publisher: TestPublisher<number>) {
    const subscribe = publisher.subscribe.bind(publisher);
    publisher.subscribe = (subscriber) => {
      // A resubscription (repeat, retry) starts a fresh account; containment applies per subscription.
      this.previousRequested = publisher.totalRequested;
      this.previousEmitted = this.emitted;
      this.mustBeCancelled = false;
      publisher.outstanding = 0; // TestPublisher keeps one count across subscriptions; demand is per subscription
      subscribe(subscriber);
    };
  }

  get live(): boolean {
    const p = this.publisher;
    return p.subscriber !== null && !p.cancelled && !p.terminated;
  }

  value(): number {
    return this.nextValue++;
  }
}

async function settle(env: Env, subject: Subject): Promise<void> {
  env.scheduler.advanceBy(0);
  if (subject.async) {
    for (let i = 0; i < 3; i++) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      env.scheduler.advanceBy(0);
    }
  }
}

/** Builds the subject, runs the schedule step by step and returns the violations seen (empty = the property holds). */
export async function runSchedule(subject: Subject, steps: Step[], script: Reentrant[], initialRequest = 0): Promise<string[]> {
  const reported = captureReportedErrors();
  try {
    return await runScheduleInner(subject, steps, script, initialRequest);
  } finally {
    reported.restore();
  }
}

async function runScheduleInner(subject: Subject, steps: Step[], script: Reentrant[], initialRequest: number): Promise<string[]> {
  const env = makeEnv(subject);
  const { scheduler, upstreams: publishers } = env;
  const ups = publishers.map((p) => new Upstream(p));
  /** Inner upstreams appear while the run goes (env.inner()); give each its account. */
  const sync = () => {
    while (ups.length < publishers.length) ups.push(new Upstream(publishers[ups.length]!));
  };
  const bound = subject.bound ?? passThrough;
  const innerBound = subject.innerBound ?? bound;
  const monitors = Array.from({ length: Math.max(1, subject.subscribers ?? 1) }, (_, k) => new Monitor(script, k === 0 ? initialRequest : 0));
  const monitor = monitors[0]!;
  let joined = 1;
  const live = () => monitors.slice(0, joined);
  const problems: string[] = [];
  /** Subscribers that were live when a hostile signal hit a live upstream: each is owed an error. */
  const owedFailure = new Set<Monitor>();
  const markHostile = () => { for (const m of live()) if (!m.over) owedFailure.add(m); };
  const anyViolation = () => problems.length > 0 || monitors.some((m) => m.violations.length > 0);
  let where = 'subscribe';

  const checkInvariants = () => {
    sync();
    for (const [i, up] of ups.entries()) {
      const limit = (i < subject.upstreams ? bound : innerBound)({
        requested: monitor.requested, received: monitor.received, emitted: up.emitted,
        previousRequested: up.previousRequested, previousEmitted: up.previousEmitted,
      });
      if (up.publisher.totalRequested > limit) {
        problems.push(`after ${where}: upstream ${i} requested ${up.publisher.totalRequested} > bound ${limit}`);
      }
      if (up.mustBeCancelled && !up.publisher.cancelled) {
        problems.push(`after ${where}: hostile upstream ${i} was not cancelled`);
      }
    }
    for (const [k, m] of live().entries()) {
      if (m.owedRangeError && (subject.failsOnBadRequest ?? true) && !m.cancelled && m.terminal === null) {
        problems.push(`after ${where}: subscriber ${k} got no §3.9 onError after a bad request`);
      }
    }
    if (live().every((m) => m.cancelled) && (subject.cancelsUpstream ?? true)) {
      for (const [i, up] of ups.entries()) {
        if (up.publisher.subscriber !== null && !up.publisher.cancelled && !up.publisher.terminated) {
          problems.push(`after ${where}: downstream cancelled but upstream ${i} was not`);
        }
      }
    }
  };

  const flow = subject.build(env);
  flow.subscribe(monitor);
  await settle(env, subject);
  checkInvariants();

  for (const [index, step] of steps.entries()) {
    if (anyViolation()) break;
    where = `step ${index} ${JSON.stringify(step)}`;
    sync();
    const up = 'upstream' in step ? ups[step.upstream] : undefined;
    if ('upstream' in step && up === undefined) continue; // an inner upstream not made (yet)
    const publisher = up?.publisher;
    switch (step.kind) {
      case 'request':
        if ((step.target ?? 0) < joined) monitors[step.target ?? 0]!.request(step.n);
        break;
      case 'cancel':
        if ((step.target ?? 0) < joined) monitors[step.target ?? 0]!.cancel();
        break;
      case 'join':
        if (joined < monitors.length) flow.subscribe(monitors[joined++]!);
        break;
      case 'advance':
        scheduler.advanceBy(step.ms);
        break;
      case 'emit':
        for (let k = 0; k < step.count && up!.live && publisher!.outstanding > 0; k++) {
          up!.emitted++;
          publisher!.next(up!.value());
        }
        break;
      case 'overEmit':
        if (up!.live && publisher!.outstanding <= 0) {
          up!.mustBeCancelled = true;
          markHostile();
          up!.emitted++;
          publisher!.next(up!.value());
        }
        break;
      case 'emitNull':
        if (up!.live) {
          const owed = live().filter((m) => !m.over);
          up!.mustBeCancelled = true; // contained by cancelling the upstream (a resubscription starts afresh)
          try {
            publisher!.next(null as unknown as number);
            for (const m of owed) owedFailure.add(m);
          } catch (error) {
            up!.mustBeCancelled = false;
            // §2.13 a Subscriber (a processor subscribed directly) may throw on null instead; anything else is a bug.
            // The rejected null used none of the demand (TestPublisher counted it).
            publisher!.outstanding++;
            if (!(error instanceof TypeError)) problems.push(`${where}: onNext(null) threw ${String(error)}`);
          }
        }
        break;
      case 'complete':
        if (up!.live) publisher!.complete();
        break;
      case 'error':
        if (up!.live) publisher!.error(new Error(`upstream ${step.upstream} failed`));
        break;
      case 'afterTerminal':
        // After its own terminal signal, or after it was cancelled (§2.8: signals may still be in flight).
        if (publisher!.subscriber !== null && (publisher!.terminated || publisher!.cancelled)) {
          if (step.what === 'next') publisher!.next(up!.value());
          else if (step.what === 'complete') publisher!.complete();
          else publisher!.error(new Error('late error'));
        }
        break;
    }
    await settle(env, subject);
    checkInvariants();
  }

  if (!anyViolation()) {
    // Liveness: unbounded demand and every upstream completed must end the subscription.
    where = 'the final drain';
    const owed = [...owedFailure]; // each was live when the hostile signal arrived
    if (live().some((m) => !m.over)) {
      for (const m of live()) if (!m.over) m.request(Infinity);
      for (let round = 0; round <= ups.length + 4; round++) {
        await settle(env, subject);
        sync();
        for (const up of ups) if (up.live) up.publisher.complete();
        scheduler.advanceBy(10_000);
      }
      await settle(env, subject);
      checkInvariants();
      for (const [k, m] of live().entries()) {
        if ((subject.terminates ?? true) && !m.over) problems.push(`subscriber ${k}: no terminal signal after unbounded demand and completed upstreams`);
      }
    }
    if (subject.verify) problems.push(...subject.verify(env, monitor));
    // With several subscribers, a multicast stage may have reconnected: a subscriber of an earlier, completed
    // connection rightly completes, so one failed (or cancelled) subscriber is enough there.
    const failed = (m: Monitor) => m.terminal instanceof Error || m.cancelled;
    const notFailed = owed.filter((m) => !failed(m));
    if (!subject.catchesErrors && notFailed.length > 0 && (monitors.length === 1 || notFailed.length === owed.length)) {
      problems.push(`a hostile upstream did not fail subscriber ${monitors.indexOf(notFailed[0]!)} (terminal: ${String(notFailed[0]!.terminal)})`);
    }
  }
  return [...monitors.flatMap((m, k) => m.violations.map((v) => (k === 0 ? v : `subscriber ${k}: ${v}`))), ...problems];
}

/** The standard property of one subject: every generated schedule keeps every invariant. */
export function scheduleProperty(subject: Subject) {
  const addressable = Math.max(subject.upstreams, subject.maxUpstreams ?? 0);
  const hostile = (subject.hostile ?? true) && addressable > 0;
  return fc.asyncProperty(
    fc.array(stepArbitrary(addressable, hostile, Math.max(1, subject.subscribers ?? 1)), { minLength: 1, maxLength: 30 }),
    reentrantArbitrary,
    fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: requestAmount }),
    async (steps, script, initialRequest) => {
      const violations = await runSchedule(subject, steps, script, initialRequest);
      if (violations.length > 0) throw new Error(`${subject.name}: ${violations.join('; ')}`);
    },
  );
}

/** Registers one `it` per subject (call inside a describe). */
export function propertyTests(subjects: Subject[], it: (name: string, fn: () => Promise<void>, timeout?: number) => void): void {
  const seen = new Map<string, number>();
  for (const subject of subjects) {
    const nth = (seen.get(subject.name) ?? 0) + 1;
    seen.set(subject.name, nth);
    it(`${subject.name}${nth > 1 ? ` (variant ${nth})` : ''} keeps demand, serial signals, one terminal and containment under random schedules`, async () => {
      await check(scheduleProperty(subject), subject.runs ?? RUNS);
    }, 60_000);
  }
}
