import { afterEach, describe, expect, it } from 'vitest';
import { createEnvironment, DEFAULT_ENVIRONMENT, ENVIRONMENT_VARIABLES } from '@sluice/tck';

const VARIABLES = Object.values(ENVIRONMENT_VARIABLES);

describe('TestEnvironment', () => {
  afterEach(() => {
    for (const name of VARIABLES) delete process.env[name];
  });

  describe('behaviour', () => {
    it('uses the defaults when nothing is set', () => {
      expect(createEnvironment()).toEqual(DEFAULT_ENVIRONMENT);
    });

    it('reads all four environment variables, the poll timeout included', () => {
      process.env.DEFAULT_TIMEOUT_MILLIS = '1000';
      process.env.DEFAULT_NO_SIGNALS_TIMEOUT_MILLIS = '50';
      process.env.DEFAULT_POLL_TIMEOUT_MILLIS = '7';
      process.env.PUBLISHER_REFERENCE_GC_TIMEOUT_MILLIS = '400';
      expect(createEnvironment()).toEqual({
        defaultTimeoutMillis: 1000, defaultNoSignalsTimeoutMillis: 50, defaultPollTimeoutMillis: 7, publisherReferenceGCTimeoutMillis: 400,
      });
    });

    it('lets options override environment variables, one setting at a time', () => {
      process.env.DEFAULT_TIMEOUT_MILLIS = '1000';
      process.env.DEFAULT_NO_SIGNALS_TIMEOUT_MILLIS = '50';
      const env = createEnvironment({ defaultTimeoutMillis: 250 });
      expect(env.defaultTimeoutMillis).toBe(250);
      expect(env.defaultNoSignalsTimeoutMillis).toBe(50);
      expect(env.defaultPollTimeoutMillis).toBe(DEFAULT_ENVIRONMENT.defaultPollTimeoutMillis);
    });
  });

  describe('errors', () => {
    it('rejects values that are not non-negative numbers, naming the source', () => {
      process.env.DEFAULT_TIMEOUT_MILLIS = 'soon';
      expect(() => createEnvironment()).toThrow(/^environment variable DEFAULT_TIMEOUT_MILLIS: expected a non-negative number of milliseconds, got "soon"$/);
      delete process.env.DEFAULT_TIMEOUT_MILLIS;
      expect(() => createEnvironment({ defaultNoSignalsTimeoutMillis: -1 })).toThrow(RangeError);
      expect(() => createEnvironment({ defaultPollTimeoutMillis: Number.NaN })).toThrow(RangeError);
    });
  });
});
