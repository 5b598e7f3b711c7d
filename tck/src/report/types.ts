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
  /**
   * `js-only` for tests the JVM TCK does not have (such as `request(NaN)`); `js-mapped` for tests it has with a Java
   * exception that here expect `TypeError` (for `null` and `undefined`) or `RangeError`.
   */
  readonly tags: readonly string[];
  /** Every violation a failed test observed (`§x.y: …`), the first of which its message names. */
  readonly violations: readonly string[];
  /** What the implementation under test printed (console, stdout/stderr) while this test ran (CLI only). */
  readonly output?: string | undefined;
}

/** Failures that probably share one defect (see `groupCauses`). */
export interface Cause {
  /** The failure text with numbers and the test's own rule taken out: what the grouped failures have in common. */
  readonly cause: string;
  /** The test in which it was first seen, and its message there. */
  readonly firstSeen: string;
  readonly message: string;
  readonly tests: readonly string[];
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
  /** Groups of two or more failures that share a probable root cause, biggest first. */
  readonly causes?: readonly Cause[] | undefined;
}

export function summarize(results: readonly TestResult[]): Summary {
  const summary: Summary = { passed: 0, failed: 0, skipped: 0 };
  for (const r of results) summary[r.status]++;
  return summary;
}

/**
 * The part of a failure message that names its cause, independent of which test saw it: the violated rule when the
 * message says "violated §x.y: …" (or the first recorded violation), else the message itself, without the test's own
 * rule prefix, the call list and the numbers (element values, counts, timeouts differ from test to test).
 */
export function causeOf(result: TestResult): string {
  let text = result.violations[0] ?? result.message;
  const violated = /violated (§[\d.]+: .*)$/.exec(text);
  if (violated) text = violated[1]!;
  else if (result.violations.length === 0) text = text.replace(/^§[\d.]+: /, '');
  return text
    .replace(/; (calls|subscriber calls|also observed|in total)\b.*$/, '')
    .replace(/\(.*?\)|\[.*?\]/g, '(…)')
    .replace(/`[^`]*`|"[^"]*"/g, '"…"')
    .replace(/-?\b(Infinity|NaN)\b/g, '#')
    .replace(/(?<!§[\d.]*)-?\d+(\.\d+)?/g, '#')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Groups failures by `causeOf`; only groups of two or more are returned (one defect typically fails 6–9 tests). */
export function groupCauses(results: readonly TestResult[]): Cause[] {
  const groups = new Map<string, TestResult[]>();
  for (const r of results) {
    if (r.status !== 'failed') continue;
    const key = causeOf(r);
    const list = groups.get(key);
    if (list) list.push(r);
    else groups.set(key, [r]);
  }
  return [...groups.entries()]
    .filter(([, list]) => list.length > 1)
    .sort((a, b) => b[1].length - a[1].length)
    .map(([cause, list]) => ({ cause, firstSeen: list[0]!.id, message: list[0]!.message, tests: list.map((r) => r.id) }));
}
