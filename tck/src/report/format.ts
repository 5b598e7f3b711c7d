import type { Report, TestResult } from './types';

/** The `--json` document: exactly these keys, so CI scripts can rely on the shape. */
export interface JsonReport {
  tool: 'sluice-tck';
  kind: Report['kind'];
  results: { id: string; rule: string; category: string; status: TestResult['status']; message: string }[];
  summary: { passed: number; failed: number; skipped: number };
}

export function toJson(report: Report): JsonReport {
  return {
    tool: 'sluice-tck',
    kind: report.kind,
    results: report.results.map((r) => ({ id: r.id, rule: r.rule, category: r.category, status: r.status, message: r.message })),
    summary: { passed: report.summary.passed, failed: report.summary.failed, skipped: report.summary.skipped },
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
    if (r.status === 'passed') {
      lines.push(`${open}/>`);
    } else if (r.status === 'skipped') {
      lines.push(`${open}>`, `      <skipped message="${xmlEscape(r.message)}"/>`, '    </testcase>');
    } else {
      const body = [r.message, ...r.hints.map((h) => `if this fails, check ${h}`)].join('\n');
      lines.push(`${open}>`, `      <failure message="${xmlEscape(r.message)}" type="TckFailure">${xmlEscape(body)}</failure>`, '    </testcase>');
    }
  }
  lines.push('  </testsuite>', '</testsuites>', '');
  return lines.join('\n');
}

const COLOURS = { red: 31, green: 32, yellow: 33, grey: 90, bold: 1 } as const;

/**
 * The human-readable table: rule, status, test id, and for failures the message plus the "if this fails, check…"
 * hints (for skips the reason). `colour` adds ANSI colours (the CLI enables it on a TTY).
 */
export function formatTable(report: Report, colour = false): string {
  const paint = (c: keyof typeof COLOURS, text: string) => (colour ? `\u001b[${COLOURS[c]}m${text}\u001b[0m` : text);
  const ruleWidth = Math.max(4, ...report.results.map((r) => r.rule.length + 1));
  const out: string[] = [];
  out.push(paint('bold', `${'rule'.padEnd(ruleWidth)}  status  test`));
  for (const r of report.results) {
    const status = r.status === 'passed' ? paint('green', 'PASS  ') : r.status === 'failed' ? paint('red', 'FAIL  ') : paint('yellow', 'SKIP  ');
    out.push(`${('§' + r.rule).padEnd(ruleWidth)}  ${status}  ${r.id}`);
    const indent = ' '.repeat(ruleWidth + 10);
    if (r.status === 'failed') {
      out.push(indent + paint('red', r.message));
      for (const hint of r.hints) out.push(indent + paint('grey', `if this fails, check ${hint}`));
    } else if (r.status === 'skipped') {
      out.push(indent + paint('grey', r.message));
    }
  }
  out.push('', formatSummary(report, colour));
  return out.join('\n');
}

export function formatSummary(report: Report, colour = false): string {
  const { passed, failed, skipped } = report.summary;
  const text = `sluice-tck ${report.kind}: ${passed} passed, ${failed} failed, ${skipped} skipped (${passed + failed + skipped} tests, ${(report.durationMs / 1000).toFixed(2)} s)`;
  if (!colour) return text;
  return `\u001b[${failed > 0 ? COLOURS.red : COLOURS.green}m${text}\u001b[0m`;
}
