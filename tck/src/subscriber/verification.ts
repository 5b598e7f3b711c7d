import { createEnvironment, type TestEnvironment } from '../environment';
import type { CommonVerificationOptions } from '../publisher/verification';
import type { Report } from '../report/types';
import { BLACKBOX_RULES, WHITEBOX_RULES } from '../rules';
import { runTests, type TestCase } from '../runner';
import { BLACKBOX_TESTS } from './blackbox';
import type { SubscriberBlackboxVerificationOptions, SubscriberWhiteboxVerificationOptions } from './context';
import { WHITEBOX_TESTS } from './whitebox';

export function blackboxTestCases<T>(options: SubscriberBlackboxVerificationOptions<T>, env: TestEnvironment): TestCase[] {
  return BLACKBOX_RULES.map((entry) => {
    const body = BLACKBOX_TESTS[entry.id];
    return body ? { entry, run: () => body(options as SubscriberBlackboxVerificationOptions<unknown>, env) } : { entry };
  });
}

export function whiteboxTestCases<T>(options: SubscriberWhiteboxVerificationOptions<T>, env: TestEnvironment): TestCase[] {
  return WHITEBOX_RULES.map((entry) => {
    const body = WHITEBOX_TESTS[entry.id];
    return body ? { entry, run: () => body(options as SubscriberWhiteboxVerificationOptions<unknown>, env) } : { entry };
  });
}

function requireFunctions(kind: string, options: object, names: string[]): void {
  for (const name of names) {
    if (typeof (options as Record<string, unknown>)?.[name] !== 'function') throw new TypeError(`${kind}: options.${name} must be a function`);
  }
}

/**
 * Verifies a Subscriber from the outside (JVM `SubscriberBlackboxVerification`): the TCK is its upstream and watches
 * only what it requests and whether its methods return normally. Prefer the whitebox verification when you can
 * instrument the subscriber.
 */
export async function verifySubscriberBlackbox<T>(options: SubscriberBlackboxVerificationOptions<T> & CommonVerificationOptions): Promise<Report> {
  requireFunctions('verifySubscriberBlackbox', options, ['createSubscriber', 'createElement']);
  const env = createEnvironment(options.env);
  return runTests('subscriber-blackbox', blackboxTestCases(options, env), env, options);
}

/**
 * Verifies an instrumented Subscriber (JVM `SubscriberWhiteboxVerification`): it reports to a probe and exposes a
 * puppet, so the TCK can check demand (§2.1, §3.8), cancellation (§2.8) and terminal handling precisely.
 */
export async function verifySubscriberWhitebox<T>(options: SubscriberWhiteboxVerificationOptions<T> & CommonVerificationOptions): Promise<Report> {
  requireFunctions('verifySubscriberWhitebox', options, ['createSubscriber', 'createElement']);
  const env = createEnvironment(options.env);
  return runTests('subscriber-whitebox', whiteboxTestCases(options, env), env, options);
}
