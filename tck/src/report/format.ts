import type { Cause, Report, TestResult } from './types';

/** One result in the `--json` document. */
export interface JsonResult {
  id: string;
  rule: string;
  category: string;
  status: TestResult['status'];
  message: string;
  hints: string[];
  durationMs: number;
  tags: string[];
  violations: string[];
  output?: string;
}

/**
 * The `--json` document. The CLI rewrites it after every test with `complete: false` and `running` naming the test
 * in progress, so a run killed from outside still says where it died; the final write has `complete: true`.
 */
export interface JsonReport {
  tool: 'sluice-tck';
  kind: Report['kind'];
  complete: boolean;
  running: string | null;
  results: JsonResult[];
  summary: { passed: number; failed: number; skipped: number };
  causes: Cause[];
  durationMs: number;
}

export function toJsonResult(r: TestResult): JsonResult {
  return {
    id: r.id, rule: r.rule, category: r.category, status: r.status, message: r.message,
    hints: [...r.hints], durationMs: r.durationMs, tags: [...(r.tags ?? [])], violations: [...(r.violations ?? [])],
    ...(r.output ? { output: r.output } : {}),
  };
}

export function toJson(report: Report, progress: { complete: boolean; running: string | null } = { complete: true, running: null }): JsonReport {
  return {
    tool: 'sluice-tck',
    kind: report.kind,
    complete: progress.complete,
    running: progress.running,
    results: report.results.map(toJsonResult),
    summary: { passed: report.summary.passed, failed: report.summary.failed, skipped: report.summary.skipped },
    causes: [...(report.causes ?? [])],
    durationMs: report.durationMs,
  };
}

function xmlEscape(text: string): string {
  return text
    .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;')
    // XML 1.0 forbids most control characters
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');
}

/** JUnit XML (the common Surefire/Jenkins dialect): one testcase per TCK test, rule in the classname. */
export function toJunitXml(report: Report, suiteName = `sluice-tck ${report.kind}`): string {
  const lines: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const { passed, failed, skipped } = report.summary;
  const total = passed + failed + skipped;
  const seconds = (ms: number) => (ms / 1000).toFixed(3);
  lines.push(`<testsuites name="sluice-tck" tests="${total}" failures="${failed}" skipped="${skipped}" time="${seconds(report.durationMs)}">`);
  lines.push(`  <testsuite name="${xmlEscape(suiteName)}" tests="${total}" failures="${failed}" errors="0" skipped="${skipped}" time="${seconds(report.durationMs)}">`);
  for (const r of report.results) {
    const open = `    <testcase classname="sluice-tck.${report.kind}.spec${xmlEscape(r.rule)}" name="${xmlEscape(r.id)}" time="${seconds(r.durationMs)}"`;
    const output = r.output ? [`      <system-out>${xmlEscape(r.output)}</system-out>`] : [];
    if (r.status === 'passed') {
      lines.push(...(output.length > 0 ? [`${open}>`, ...output, '    </testcase>'] : [`${open}/>`]));
    } else if (r.status === 'skipped') {
      lines.push(`${open}>`, `      <skipped message="${xmlEscape(r.message)}"/>`, ...output, '    </testcase>');
    } else {
      const body = [r.message, ...r.hints.map((h) => `if this fails, check ${h}`)].join('\n');
      lines.push(`${open}>`, `      <failure message="${xmlEscape(r.message)}" type="TckFailure">${xmlEscape(body)}</failure>`, ...output, '    </testcase>');
    }
  }
  lines.push('  </testsuite>', '</testsuites>', '');
  return lines.join('\n');
}

const COLOURS = { red: 31, green: 32, yellow: 33, grey: 90, bold: 1 } as const;
type Paint = (c: keyof typeof COLOURS, text: string) => string;
const painter = (colour: boolean): Paint => (c, text) => (colour ? `\u001b[${COLOURS[c]}m${text}\u001b[0m` : text);

/** Width of the rule column: `§` plus the longest rule number there is (`§3.17`, `§1.11`). */
const RULE_WIDTH = 5;

export function formatHeader(colour = false): string {
  return painter(colour)('bold', `${'rule'.padEnd(RULE_WIDTH)}  status  test`);
}

/**
 * One result as table lines: rule, status, id (plus `[js-only]` / `[js-mapped]`), then for a failure the message and the hints, for
 * a skip the reason, and any output the implementation printed during the test, indented and labelled so it never
 * mixes with the table.
 */
export function formatRow(r: TestResult, colour = false): string[] {
  const paint = painter(colour);
  const status = r.status === 'passed' ? paint('green', 'PASS  ') : r.status === 'failed' ? paint('red', 'FAIL  ') : paint('yellow', 'SKIP  ');
  const tags = r.tags && r.tags.length > 0 ? ' ' + paint('grey', `[${r.tags.join(', ')}]`) : '';
  const out = [`${('§' + r.rule).padEnd(RULE_WIDTH)}  ${status}  ${r.id}${tags}`];
  const indent = ' '.repeat(RULE_WIDTH + 10);
  if (r.status === 'failed') {
    out.push(indent + paint('red', r.message));
    for (const hint of r.hints) out.push(indent + paint('grey', `if this fails, check ${hint}`));
  } else if (r.status === 'skipped') {
    out.push(indent + paint('grey', r.message));
  }
  if (r.output) {
    out.push(indent + paint('grey', 'output of the implementation during this test:'));
    for (const line of r.output.replace(/\n$/, '').split('\n')) out.push(`${indent}| ${line}`);
  }
  return out;
}

/** "These N failures share one cause" paragraphs, so an author fixes the one defect first. */
export function formatCauses(report: Report, colour = false): string[] {
  const causes = report.causes ?? [];
  if (causes.length === 0) return [];
  const paint = painter(colour);
  const out = ['', paint('bold', 'Probable root causes (fix these first):')];
  for (const c of causes) {
    out.push(`- these ${c.tests.length} failures share one cause: first seen as ${c.message} (in ${c.firstSeen})`);
    out.push(paint('grey', `  tests: ${c.tests.join(', ')}`));
  }
  return out;
}

/**
 * The human-readable table: rule, status, test id, and for failures the message plus the "if this fails, check…"
 * hints (for skips the reason), then the probable root causes and the summary. `colour` adds ANSI colours.
 */
export function formatTable(report: Report, colour = false): string {
  const out: string[] = [formatHeader(colour)];
  for (const r of report.results) out.push(...formatRow(r, colour));
  out.push(...formatCauses(report, colour));
  out.push('', formatSummary(report, colour));
  return out.join('\n');
}

export function formatSummary(report: Report, colour = false): string {
  const { passed, failed, skipped } = report.summary;
  const text = `sluice-tck ${report.kind}: ${passed} passed, ${failed} failed, ${skipped} skipped (${passed + failed + skipped} tests, ${(report.durationMs / 1000).toFixed(2)} s)`;
  if (!colour) return text;
  return `\u001b[${failed > 0 ? COLOURS.red : COLOURS.green}m${text}\u001b[0m`;
}
