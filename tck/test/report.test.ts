import { describe, expect, it } from 'vitest';
import { formatTable, toJunitXml, type Report } from '@sluice/tck';

const report: Report = {
  tool: 'sluice-tck', kind: 'publisher', durationMs: 1234, summary: { passed: 1, failed: 1, skipped: 1 },
  results: [
    { id: 'required_spec101_x', rule: '1.1', category: 'required', status: 'passed', message: '', hints: [], durationMs: 1 },
    { id: 'required_spec309_y', rule: '3.9', category: 'required', status: 'failed', message: '§3.9: expected <a> & "b"', hints: ['the validation'], durationMs: 2 },
    { id: 'untested_spec106_z', rule: '1.6', category: 'untested', status: 'skipped', message: 'Not verified', hints: [], durationMs: 0 },
  ],
};

describe('report formatting', () => {
  it('prints rule, status and id per test, the message and hints under failures, the reason under skips, then the summary', () => {
    expect(formatTable(report).split('\n')).toEqual([
      'rule  status  test',
      '§1.1  PASS    required_spec101_x',
      '§3.9  FAIL    required_spec309_y',
      '              §3.9: expected <a> & "b"',
      '              if this fails, check the validation',
      '§1.6  SKIP    untested_spec106_z',
      '              Not verified',
      '',
      'sluice-tck publisher: 1 passed, 1 failed, 1 skipped (3 tests, 1.23 s)',
    ]);
  });

  it('colours statuses only when asked', () => {
    expect(formatTable(report, true)).toContain('\u001b[31mFAIL  \u001b[0m');
    expect(formatTable(report, false)).not.toContain('\u001b[');
  });

  it('escapes messages in JUnit XML and marks failures and skips', () => {
    const xml = toJunitXml(report);
    expect(xml).toContain('<failure message="§3.9: expected &lt;a&gt; &amp; &quot;b&quot;" type="TckFailure">§3.9: expected &lt;a&gt; &amp; &quot;b&quot;\nif this fails, check the validation</failure>');
    expect(xml).toContain('<skipped message="Not verified"/>');
    expect(xml).toContain('<testcase classname="sluice-tck.publisher.spec1.1" name="required_spec101_x" time="0.001"/>');
  });
});
