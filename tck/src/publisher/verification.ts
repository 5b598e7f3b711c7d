import { createEnvironment, type TestEnvironment } from '../environment';
import type { Report } from '../report/types';
import { PUBLISHER_RULES, type VerificationKind } from '../rules';
import { runTests, type RunOptions, type TestCase } from '../runner';
import { PublisherTestContext, type PublisherVerificationOptions } from './context';
import * as spec1 from './spec1xx';
import * as spec3 from './spec3xx';

/** Settings every verification accepts besides the implementation under test. */
export interface CommonVerificationOptions extends RunOptions {
  /** Timeouts (each overrides its environment variable and default). */
  readonly env?: Partial<TestEnvironment> | undefined;
}

type PublisherTest = (ctx: PublisherTestContext<unknown>) => Promise<void>;
const BODIES: Record<string, PublisherTest> = { ...spec1, ...spec3 } as Record<string, PublisherTest>;

/** The publisher test cases for one implementation, in catalogue order (also used by the processor verification). */
export function publisherTestCases<T>(options: PublisherVerificationOptions<T>, env: TestEnvironment, afterEach?: () => void): TestCase[] {
  return PUBLISHER_RULES.map((entry) => {
    const body = BODIES[entry.id];
    if (!body) return { entry };
    let ctx: PublisherTestContext<unknown> | null = null;
    return {
      entry,
      run: () => {
        ctx = new PublisherTestContext<unknown>(env, options as PublisherVerificationOptions<unknown>);
        return body(ctx);
      },
      cleanup: () => {
        ctx?.cleanup();
        ctx = null;
        afterEach?.();
      },
    };
  });
}

/**
 * Verifies a Publisher against every publisher rule the JVM TCK checks, plus the JavaScript-specific §3.9/§3.17
 * cases. Tests run one at a time; the promise resolves with the report (it never rejects for a failing test).
 *
 * @example
 * const report = await verifyPublisher({ createPublisher: (n) => range(0, n) });
 * if (report.summary.failed > 0) process.exitCode = 1;
 */
export async function verifyPublisher<T>(options: PublisherVerificationOptions<T> & CommonVerificationOptions): Promise<Report> {
  validatePublisherOptions(options);
  const env = createEnvironment(options.env);
  return runTests('publisher' satisfies VerificationKind, publisherTestCases(options, env), env, options);
}

export function validatePublisherOptions(options: PublisherVerificationOptions<unknown>): void {
  if (options == null || typeof options.createPublisher !== 'function') {
    throw new TypeError('verifyPublisher: options.createPublisher must be a function (elements: number) => Publisher');
  }
}
