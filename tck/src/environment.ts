/**
 * All timing of a verification in one object (the JVM TCK's `TestEnvironment`).
 *
 * - `defaultTimeoutMillis` (T): how long to wait for an expected signal. Waits end as soon as the signal arrives, so a
 *   fast publisher never pays T; only a failing test does.
 * - `defaultNoSignalsTimeoutMillis` (N): how long to watch for signals that must NOT come. Every "silence" window costs N
 *   in full, so it dominates the run time of a passing verification.
 * - `defaultPollTimeoutMillis` (Pl): poll interval while waiting for an expected `onError`.
 * - `publisherReferenceGCTimeoutMillis` (G): grace period before checking that a cancelled subscriber was collected (§3.13).
 *
 * Defaults are chosen so the whole publisher verification of a correct in-memory publisher takes well under 2 s
 * (about 15 silence windows of N plus G). Raise N for publishers that deliver through timers or I/O.
 *
 * Precedence: explicit option > environment variable > default. The four environment variables are all read (unlike
 * the JVM TCK, whose default constructor ignores the poll timeout, reactive-streams-jvm#548).
 */
export interface TestEnvironment {
  readonly defaultTimeoutMillis: number;
  readonly defaultNoSignalsTimeoutMillis: number;
  readonly defaultPollTimeoutMillis: number;
  readonly publisherReferenceGCTimeoutMillis: number;
}

export const DEFAULT_ENVIRONMENT: TestEnvironment = Object.freeze({
  defaultTimeoutMillis: 500,
  defaultNoSignalsTimeoutMillis: 40,
  defaultPollTimeoutMillis: 10,
  publisherReferenceGCTimeoutMillis: 100,
});

/** Environment variable for each setting (the JVM TCK's names). */
export const ENVIRONMENT_VARIABLES: Readonly<Record<keyof TestEnvironment, string>> = Object.freeze({
  defaultTimeoutMillis: 'DEFAULT_TIMEOUT_MILLIS',
  defaultNoSignalsTimeoutMillis: 'DEFAULT_NO_SIGNALS_TIMEOUT_MILLIS',
  defaultPollTimeoutMillis: 'DEFAULT_POLL_TIMEOUT_MILLIS',
  publisherReferenceGCTimeoutMillis: 'PUBLISHER_REFERENCE_GC_TIMEOUT_MILLIS',
});

function readEnv(name: string): string | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  return env?.[name];
}

function parseMillis(source: string, raw: unknown): number {
  const value = typeof raw === 'string' ? Number(raw.trim()) : raw;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (typeof raw === 'string' && raw.trim() === '')) {
    throw new RangeError(`${source}: expected a non-negative number of milliseconds, got ${JSON.stringify(raw)}`);
  }
  return value;
}

/**
 * Builds an environment: each setting comes from `overrides`, else its environment variable, else the default.
 * If only `defaultTimeoutMillis` is overridden, N and Pl keep their own defaults (they are not derived from T, because
 * a large T for slow CI machines should not make every passing test slower).
 */
export function createEnvironment(overrides: Partial<TestEnvironment> = {}): TestEnvironment {
  const result: Record<string, number> = {};
  for (const key of Object.keys(DEFAULT_ENVIRONMENT) as (keyof TestEnvironment)[]) {
    const given = overrides[key];
    if (given !== undefined) {
      result[key] = parseMillis(`option ${key}`, given);
      continue;
    }
    const variable = ENVIRONMENT_VARIABLES[key];
    const fromEnv = readEnv(variable);
    result[key] = fromEnv !== undefined ? parseMillis(`environment variable ${variable}`, fromEnv) : DEFAULT_ENVIRONMENT[key];
  }
  return Object.freeze(result as unknown as TestEnvironment);
}
