import type { Category, VerificationKind } from '../rules';

export type Status = 'passed' | 'failed' | 'skipped';

/** One TCK test's outcome. `message` is empty for passes, the reason for skips, the diagnosis for failures. */
export interface TestResult {
  readonly id: string;
  readonly rule: string;
  readonly category: Category;
  readonly status: Status;
  readonly message: string;
  /** "if this fails, check…" hints from the rule catalogue (shown for failures). */
  readonly hints: readonly string[];
  readonly durationMs: number;
}

export interface Summary {
  passed: number;
  failed: number;
  skipped: number;
}

/** The outcome of one verification run. */
export interface Report {
  readonly tool: 'sluice-tck';
  readonly kind: VerificationKind;
  readonly results: readonly TestResult[];
  readonly summary: Summary;
  readonly durationMs: number;
}

export function summarize(results: readonly TestResult[]): Summary {
  const summary: Summary = { passed: 0, failed: 0, skipped: 0 };
  for (const r of results) summary[r.status]++;
  return summary;
}
