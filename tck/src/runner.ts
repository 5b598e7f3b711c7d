import type { TestEnvironment } from './environment';
import { describeThrown, TckFailure, TckSkip } from './harness/errors';
import type { Report, TestResult } from './report/types';
import { summarize } from './report/types';
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

/**
 * Runs the tests one after another (never in parallel: a publisher's timers from one test must not leak into the
 * next test's observations), isolating every error to the test that raised it, and maps outcomes to statuses with
 * the JVM TCK's semantics.
 */
export async function runTests(kind: VerificationKind, tests: readonly TestCase[], env: TestEnvironment, options: RunOptions = {}): Promise<Report> {
  const started = Date.now();
  const results: TestResult[] = [];
  // One process-wide listener for the whole run, so an error an implementation rethrows on a timer after its test
  // ended cannot crash the verification; it is attributed to the test running (or just finished) when it surfaces.
  const escapes = options.captureUncaughtErrors === true ? new EscapeCollector() : undefined;
  escapes?.install();
  try {
    for (const test of tests) {
      if (!matchesOnly(test.entry, options.only)) continue;
      const result = await runOne(test, env, escapes);
      results.push(result);
      options.onResult?.(result);
    }
  } finally {
    escapes?.uninstall();
  }
  return { tool: 'sluice-tck', kind, results, summary: summarize(results), durationMs: Date.now() - started };
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
export async function runOne(test: TestCase, env: TestEnvironment, escapes?: EscapeCollector): Promise<TestResult> {
  const { entry } = test;
  const started = Date.now();
  const result = (status: TestResult['status'], message: string): TestResult => ({
    id: entry.id, rule: entry.rule, category: entry.category, status, message,
    hints: status === 'failed' ? entry.hints : [], durationMs: Date.now() - started,
  });
  if (entry.category === 'untested' || !test.run) return result('skipped', UNTESTED_REASON);

  escapes?.take(); // errors from before this test are not its own
  let outcome: { kind: 'pass' } | { kind: 'skip' | 'fail'; message: string };
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const limit = watchdogMillis(env);
    await Promise.race([
      test.run(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new TckFailure(`§${entry.rule}: the test did not finish within ${limit} ms (a signal or call never returned)`)), limit);
      }),
    ]);
    outcome = { kind: 'pass' };
  } catch (error) {
    if (error instanceof TckSkip) outcome = { kind: 'skip', message: error.message };
    else if (error instanceof TckFailure) outcome = { kind: 'fail', message: error.message };
    else outcome = { kind: 'fail', message: `test aborted by ${describeThrown(error)}` };
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
  if (entry.category === 'optional' && !FAIL_ON_MISBEHAVIOUR.has(entry.id)) {
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
