import { expect } from 'vitest';
import type { Report } from '@sluice/tck';

/** Short timeouts: mutants fail by timing out, so T dominates; a correct run never waits T. */
export const mutantEnv = { defaultTimeoutMillis: 100, defaultNoSignalsTimeoutMillis: 15, defaultPollTimeoutMillis: 5, publisherReferenceGCTimeoutMillis: 10 };

export interface MutantCase {
  /** What is broken, as a sentence. */
  readonly title: string;
  /** The TCK test that must fail. */
  readonly target: string;
  /** Other tests that fail too, because they exercise the same broken path (kept explicit and short). */
  readonly alsoFails?: readonly string[];
}

/** Exactly `target` (+ `alsoFails`) failed, and the target's message names its rule. */
export function expectOnlyTargetFails(report: Report, mutant: MutantCase): void {
  const failed = report.results.filter((r) => r.status === 'failed').map((r) => r.id).sort();
  expect(failed).toEqual([mutant.target, ...(mutant.alsoFails ?? [])].sort());
  const target = report.results.find((r) => r.id === mutant.target)!;
  expect(target.message.startsWith(`§${target.rule}:`)).toBe(true);
}
