import type { TestEnvironment } from './environment';
import { activity, currentActivity } from './harness/activity';
import { describeThrown, TckFailure, TckSkip } from './harness/errors';
import type { Report, TestResult } from './report/types';
import { groupCauses, summarize } from './report/types';
import { UNTESTED_REASON, type RuleEntry, type VerificationKind } from './rules';

/** One runnable TCK test: its catalogue entry and its body (absent for `untested_` entries). */
export interface TestCase {
  readonly entry: RuleEntry;
  readonly run?: () => Promise<void>;
  /** Runs after the body whatever happened (cancel leftover subscriptions, release resources). */
  readonly cleanup?: () => void | Promise<void>;
}

/** Optional tests whose misbehaviour is a failure, not a skip (JVM semantics: 1.4 fails when a failed publisher is given). */
const FAIL_ON_MISBEHAVIOUR = new Set(['optional_spec104_mustSignalOnErrorWhenFails']);

export const OPTIONAL_SKIP_PREFIX = 'Skipped because the tested implementation does NOT implement this OPTIONAL requirement.';

export interface RunOptions {
  /** Rule numbers (`1.9`, `3`) or test ids to run; others are left out of the report. */
  readonly only?: readonly string[] | undefined;
  /** Called after each test (the CLI prints progress with it). */
  readonly onResult?: ((result: TestResult) => void) | undefined;
  /** Called before each test that runs, with its index in the verification's full list and its watchdog limit. */
  readonly onTestStart?: ((entry: RuleEntry, index: number, limitMillis: number) => void) | undefined;
  /**
   * Watchdog of one test (default `watchdogMillis(env)`, at least 5 s): a test still running after this long fails,
   * naming its rule and what it was waiting for.
   */
  readonly testTimeoutMillis?: number | undefined;
  /**
   * Deadline of the whole run, in ms from its start (default: none). Once it has passed no further test starts; those
   * left are reported as skipped with the reason, and a running test's watchdog never outlasts the deadline.
   */
  readonly deadlineMillis?: number | undefined;
  /** @internal Absolute deadline (epoch ms), overriding `deadlineMillis`: the CLI's resumed processes share one. */
  readonly deadlineAt?: number | undefined;
  /** @internal Skip (and leave out of the report) every test before this index: the CLI resumes after a killed test. */
  readonly startAt?: number | undefined;
  /** Attribute errors that escape asynchronously (uncaughtException / unhandledRejection) to the running test. */
  readonly captureUncaughtErrors?: boolean | undefined;
}

/** Does the test match an `only` filter entry? `3` matches every 3.x rule, `3.9` that rule, an id that test. */
export function matchesOnly(entry: RuleEntry, only: readonly string[] | undefined): boolean {
  if (!only || only.length === 0) return true;
  return only.some((raw) => {
    const f = raw.trim().replace(/^§/, '');
    if (f === '') return false;
    if (f === entry.id) return true;
    if (/^\d+$/.test(f)) return entry.rule.split('.')[0] === f;
    return entry.rule === f;
  });
}

/** Upper bound for one test, so a test waiting on a promise that never settles cannot stall the verification. */
export function watchdogMillis(env: TestEnvironment): number {
  return Math.max(5_000, 25 * env.defaultTimeoutMillis + 40 * env.defaultNoSignalsTimeoutMillis + 4 * env.publisherReferenceGCTimeoutMillis);
}

function positiveMillis(name: string, value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !(value > 0)) throw new RangeError(`${name} must be a positive number of milliseconds, got ${String(value)}`);
  return value;
}

/** Every `only` entry must select at least one test: a typo must not turn into a green run of 0 tests. */
export function checkOnly(kind: string, tests: readonly TestCase[], only: readonly string[] | undefined): void {
  if (!only || only.length === 0) return;
  const unmatched = only.filter((f) => !tests.some((t) => matchesOnly(t.entry, [f])));
  if (unmatched.length > 0) {
    throw new RangeError(`only: ${unmatched.map((f) => JSON.stringify(f)).join(', ')} match${unmatched.length === 1 ? 'es' : ''} no test of the ${kind} verification (give a rule such as 3.9, a section such as 3, or a test id)`);
  }
}

/**
 * Runs the tests one after another (never in parallel: a publisher's timers from one test must not leak into the
 * next test's observations), isolating every error to the test that raised it, and maps outcomes to statuses with
 * the JVM TCK's semantics.
 */
export async function runTests(kind: VerificationKind, tests: readonly TestCase[], env: TestEnvironment, options: RunOptions = {}): Promise<Report> {
  const started = Date.now();
  const results: TestResult[] = [];
  checkOnly(kind, tests, options.only);
  const perTest = positiveMillis('testTimeoutMillis', options.testTimeoutMillis) ?? watchdogMillis(env);
  const deadlineMillis = positiveMillis('deadlineMillis', options.deadlineMillis);
  const deadline = options.deadlineAt ?? (deadlineMillis === undefined ? Infinity : started + deadlineMillis);
  let stoppedAt: string | null = null;
  // One process-wide listener for the whole run, so an error an implementation rethrows on a timer after its test
  // ended cannot crash the verification; it is attributed to the test running (or just finished) when it surfaces.
  const escapes = options.captureUncaughtErrors === true ? new EscapeCollector() : undefined;
  escapes?.install();
  try {
    for (const [index, test] of tests.entries()) {
      if (!matchesOnly(test.entry, options.only) || index < (options.startAt ?? 0)) continue;
      let result: TestResult;
      const left = deadline - Date.now();
      if (left <= 0 && test.run && test.entry.category !== 'untested') {
        stoppedAt ??= results.at(-1)?.id ?? 'the start';
        result = notRun(test, `Not run: the run's deadline${deadlineMillis !== undefined ? ` of ${deadlineMillis} ms` : ''} passed (after ${stoppedAt})`);
      } else {
        const limit = Math.max(1, Math.min(perTest, left));
        options.onTestStart?.(test.entry, index, limit);
        result = await runOne(test, env, escapes, limit, limit < perTest ? "the run's deadline" : undefined);
      }
      results.push(result);
      options.onResult?.(result);
    }
  } finally {
    escapes?.uninstall();
  }
  return { tool: 'sluice-tck', kind, results, summary: summarize(results), durationMs: Date.now() - started, causes: groupCauses(results) };
}

export function notRun(test: { entry: RuleEntry }, reason: string): TestResult {
  const { entry } = test;
  return { id: entry.id, rule: entry.rule, category: entry.category, status: 'skipped', message: reason, hints: [], durationMs: 0, tags: tagsOf(entry), violations: [] };
}

/**
 * Report tags of a catalogue entry: `js-only` for tests the JVM TCK does not have; `js-mapped` for tests it has with a
 * Java exception, which here expect the JavaScript one (`NullPointerException` → `TypeError`, for `null` and
 * `undefined` alike; `IllegalArgumentException` → `RangeError`): the catalogue's ids carry the mapped name.
 */
export function tagsOf(entry: RuleEntry): string[] {
  if (entry.js) return ['js-only'];
  return /TypeError|RangeError/.test(entry.id) ? ['js-mapped'] : [];
}

/** Collects errors that reach `uncaughtException` / `unhandledRejection` while a verification runs. */
export class EscapeCollector {
  private errors: unknown[] = [];
  private readonly listener = (error: unknown) => {
    this.errors.push(error);
  };

  install(): void {
    const proc = (globalThis as any).process;
    proc?.on?.('uncaughtException', this.listener);
    proc?.on?.('unhandledRejection', this.listener);
  }

  uninstall(): void {
    const proc = (globalThis as any).process;
    proc?.off?.('uncaughtException', this.listener);
    proc?.off?.('unhandledRejection', this.listener);
  }

  take(): unknown[] {
    const errors = this.errors;
    this.errors = [];
    return errors;
  }
}

/** Runs one test and turns its outcome into a result. */
export async function runOne(test: TestCase, env: TestEnvironment, escapes?: EscapeCollector, limit = watchdogMillis(env), limitName?: string): Promise<TestResult> {
  const { entry } = test;
  const started = Date.now();
  let details: TckFailure['details'] = {};
  const result = (status: TestResult['status'], message: string): TestResult => ({
    id: entry.id, rule: entry.rule, category: entry.category, status, message,
    hints: status === 'failed' ? (details.hints ?? entry.hints) : [], durationMs: Date.now() - started,
    tags: tagsOf(entry), violations: status === 'failed' ? [...(details.violations ?? [])] : [],
  });
  if (entry.category === 'untested' || !test.run) return result('skipped', UNTESTED_REASON);

  escapes?.take(); // errors from before this test are not its own
  activity('starting');
  let outcome: { kind: 'pass' } | { kind: 'skip' | 'fail'; message: string };
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([
      test.run(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          const what = currentActivity() || 'running';
          reject(new TckFailure(`§${entry.rule}: the test did not finish within ${limit} ms (${limitName ?? 'its watchdog'}); it was ${what}`));
        }, limit);
      }),
    ]);
    outcome = { kind: 'pass' };
  } catch (error) {
    if (error instanceof TckSkip) outcome = { kind: 'skip', message: error.message };
    else if (error instanceof TckFailure) {
      outcome = { kind: 'fail', message: error.message };
      details = error.details;
    } else outcome = { kind: 'fail', message: `test aborted by ${describeThrown(error)}` };
  } finally {
    clearTimeout(timer);
    try {
      await test.cleanup?.();
    } catch {
      // cleanup problems never change a result
    }
  }
  if (escapes) {
    // let errors rethrown on a timer by the implementation surface while this test still owns them
    await new Promise((resolve) => setTimeout(resolve, 0));
    const escaped = escapes.take();
    if (escaped.length > 0 && outcome.kind === 'pass') {
      outcome = { kind: 'fail', message: `an error escaped asynchronously (uncaught): ${describeThrown(escaped[0])}` };
    }
  }
  if (outcome.kind === 'pass') return result('passed', '');
  if (outcome.kind === 'skip') return result('skipped', outcome.message);
  const message = withRule(entry.rule, outcome.message);
  // A skip reason must never hide a REQUIRED rule that was in fact broken (a recorded violation, a starved
  // subscriber): then the optional test fails, with that rule in its message.
  if (entry.category === 'optional' && !FAIL_ON_MISBEHAVIOUR.has(entry.id) && details.required !== true) {
    return result('skipped', `${OPTIONAL_SKIP_PREFIX} Reason: ${message}`);
  }
  return result('failed', message);
}

/** Every failure names the test's rule first: `§3.9: …`, or `§3.9: violated §3.16: …` when another rule broke. */
function withRule(rule: string, message: string): string {
  if (message.startsWith(`§${rule}:`)) return message;
  if (message.startsWith('§')) return `§${rule}: violated ${message}`;
  if (message.startsWith('setup: ')) return `§${rule}: ${message}`;
  return `§${rule}: ${message}`;
}
