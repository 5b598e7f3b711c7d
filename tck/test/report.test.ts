import { describe, expect, it } from 'vitest';
import { formatTable, toJson, toJunitXml, type Report, type TestResult } from '@sluice/tck';
import { groupCauses } from '../src/report/types';

const report: Report = {
  tool: 'sluice-tck', kind: 'publisher', durationMs: 1234, summary: { passed: 1, failed: 1, skipped: 1 },
  results: [
    { id: 'required_spec101_x', rule: '1.1', category: 'required', status: 'passed', message: '', hints: [], durationMs: 1, tags: [], violations: [] },
    {
      id: 'required_spec309_y', rule: '3.9', category: 'required', status: 'failed', message: '§3.9: expected <a> & "b"', hints: ['the validation'],
      durationMs: 2, tags: ['js-only'], violations: ['§3.16: request(0) threw'], output: 'debug: hello\n',
    },
    { id: 'untested_spec106_z', rule: '1.6', category: 'untested', status: 'skipped', message: 'Not verified', hints: [], durationMs: 0, tags: [], violations: [] },
  ],
};

const failed = (id: string, rule: string, message: string, violations: string[] = []): TestResult => ({
  id, rule, category: 'required', status: 'failed', message, hints: [], durationMs: 0, tags: [], violations,
});

describe('report formatting', () => {
  it('prints rule, status, id and tags per test, the message and hints under failures, the reason under skips, the output apart, then the summary', () => {
    expect(formatTable(report).split('\n')).toEqual([
      'rule   status  test',
      '§1.1   PASS    required_spec101_x',
      '§3.9   FAIL    required_spec309_y [js-only]',
      '               §3.9: expected <a> & "b"',
      '               if this fails, check the validation',
      '               output of the implementation during this test:',
      '               | debug: hello',
      '§1.6   SKIP    untested_spec106_z',
      '               Not verified',
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
    expect(xml).toContain('<system-out>debug: hello\n</system-out>');
    expect(xml).toContain('<skipped message="Not verified"/>');
    expect(xml).toContain('<testcase classname="sluice-tck.publisher.spec1.1" name="required_spec101_x" time="0.001"/>');
  });

  it('puts hints, durations, tags, violations and output into the JSON results', () => {
    const json = toJson(report);
    expect(json.complete).toBe(true);
    expect(json.results[1]).toEqual({
      id: 'required_spec309_y', rule: '3.9', category: 'required', status: 'failed', message: '§3.9: expected <a> & "b"',
      hints: ['the validation'], durationMs: 2, tags: ['js-only'], violations: ['§3.16: request(0) threw'], output: 'debug: hello\n',
    });
  });
});

describe('root causes', () => {
  it('groups failures that share one violated rule and text, whatever the test, numbers and calls', () => {
    const results = [
      failed('a', '3.9', '§3.9: violated §3.16: request(0) threw Error: boom; calls: request(0)'),
      failed('b', '1.1', '§1.1: violated §3.16: request(1) threw Error: boom; calls: request(1)'),
      failed('c', '1.2', '§1.2: expected onComplete within 100 ms, but it did not arrive; calls: request(1)', ['§3.16: request(2) threw Error: boom']),
      failed('d', '3.12', '§3.12: something else entirely'),
    ];
    const causes = groupCauses(results);
    expect(causes).toHaveLength(1);
    expect(causes[0]!.tests).toEqual(['a', 'b', 'c']);
    expect(causes[0]!.firstSeen).toBe('a');
    expect(causes[0]!.cause).toBe('§3.16: request(…) threw Error: boom');
  });

  it('prints the groups before the summary and none for single failures', () => {
    const results = [failed('a', '3.9', '§3.9: violated §3.16: request(0) threw'), failed('b', '1.1', '§1.1: violated §3.16: request(1) threw')];
    const text = formatTable({ ...report, results, causes: groupCauses(results) });
    expect(text).toContain('- these 2 failures share one cause: first seen as §3.9: violated §3.16: request(0) threw (in a)');
    expect(groupCauses([failed('a', '3.9', '§3.9: x')])).toEqual([]);
  });
});
