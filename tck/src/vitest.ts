// @sluice/tck/vitest: registers one vitest test per TCK test, so a library's own suite lists every rule.
// This is the only file of the TCK that imports a test framework.
import { describe, it } from 'vitest';
import { createEnvironment, type TestEnvironment } from './environment';
import { processorTestCases, type ProcessorVerificationOptions } from './processor/verification';
import type { PublisherVerificationOptions } from './publisher/context';
import { publisherTestCases, type CommonVerificationOptions } from './publisher/verification';
import { checkOnly, matchesOnly, runOne, watchdogMillis, type TestCase } from './runner';
import type { SubscriberBlackboxVerificationOptions, SubscriberWhiteboxVerificationOptions } from './subscriber/context';
import { blackboxTestCases, whiteboxTestCases } from './subscriber/verification';

type VitestOptions = Pick<CommonVerificationOptions, 'env' | 'only' | 'testTimeoutMillis'>;

function register(title: string, cases: (env: TestEnvironment) => TestCase[], options: VitestOptions): void {
  const env = createEnvironment(options.env);
  const all = cases(env);
  checkOnly(`"${title}"`, all, options.only); // an `only` that selects nothing is an error, not 0 tests
  const limit = options.testTimeoutMillis ?? watchdogMillis(env);
  describe(title, () => {
    for (const test of all) {
      if (!matchesOnly(test.entry, options.only)) continue;
      // Test titles are the TCK ids verbatim, so results map 1:1 to the rule catalogue.
      it(test.entry.id, async (ctx) => {
        const result = await runOne(test, env, undefined, limit);
        if (result.status === 'skipped') {
          ctx.skip(result.message); // reported as skipped, with the reason as the note
          return;
        }
        if (result.status === 'failed') {
          const hints = result.hints.map((h) => `\n  if this fails, check ${h}`).join('');
          throw new TckFailureError(`${result.message}${hints}`);
        }
      });
    }
  });
}

/** A failing TCK test as seen by vitest (message: rule, expectation, observation, calls, hints). */
class TckFailureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TckFailure';
  }
}

/**
 * Registers the publisher verification as a vitest `describe(name)` with one `it` per TCK test.
 *
 * @example
 * publisherVerification('range', { createPublisher: (n) => range(0, n) });
 */
export function publisherVerification<T>(name: string, options: PublisherVerificationOptions<T> & VitestOptions): void {
  register(name, (env) => publisherTestCases(options, env), options);
}

export function subscriberBlackboxVerification<T>(name: string, options: SubscriberBlackboxVerificationOptions<T> & VitestOptions): void {
  register(name, (env) => blackboxTestCases(options, env), options);
}

export function subscriberWhiteboxVerification<T>(name: string, options: SubscriberWhiteboxVerificationOptions<T> & VitestOptions): void {
  register(name, (env) => whiteboxTestCases(options, env), options);
}

export function processorVerification<T>(name: string, options: ProcessorVerificationOptions<T> & VitestOptions): void {
  register(name, (env) => processorTestCases(options, env), options);
}

