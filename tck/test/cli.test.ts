import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseArgs, runCli } from '../src/cli';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const fast = ['--timeout', '100'];

describe('sluice-tck CLI', () => {
  let out = '';
  let err = '';
  beforeEach(() => {
    out = '';
    err = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((out += String(chunk)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((err += String(chunk)), true));
    process.env.DEFAULT_NO_SIGNALS_TIMEOUT_MILLIS = '10';
  });
  afterEach(() => {
    vi.restoreAllMocks();
    delete process.env.DEFAULT_NO_SIGNALS_TIMEOUT_MILLIS;
  });

  describe('behaviour', () => {
    it('verifies a correct ESM publisher module, prints the table and a summary, and exits 0', async () => {
      expect(await runCli(['publisher', fixture('good-publisher.mjs'), ...fast])).toBe(0);
      expect(out).toMatch(/^rule\s+status\s+test$/m);
      expect(out).toMatch(/^§3\.9\s+PASS\s+required_spec309_requestZeroMustSignalRangeError$/m);
      expect(out).toMatch(/^sluice-tck publisher: \d+ passed, 0 failed, \d+ skipped \(42 tests, [\d.]+ s\)$/m);
    });

    it('writes the JSON report in exactly the documented shape and JUnit XML', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'sluice-tck-cli-'));
      const code = await runCli(['publisher', fixture('good-publisher.mjs'), '--only', '1.9,3.9', '--json', join(dir, 'r.json'), '--junit', join(dir, 'r.xml'), ...fast]);
      expect(code).toBe(0);
      const json = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8'));
      expect(Object.keys(json)).toEqual(['tool', 'kind', 'results', 'summary']);
      expect(json.tool).toBe('sluice-tck');
      expect(json.kind).toBe('publisher');
      expect(Object.keys(json.results[0])).toEqual(['id', 'rule', 'category', 'status', 'message']);
      expect(json.results.map((r: { rule: string }) => r.rule).every((rule: string) => rule === '1.9' || rule === '3.9')).toBe(true);
      expect(json.summary).toEqual({ passed: 8, failed: 0, skipped: 2 }); // mayReject skips: no createFailedPublisher
      const xml = readFileSync(join(dir, 'r.xml'), 'utf8');
      expect(xml).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites name="sluice-tck" tests="10" failures="0" skipped="2"/);
      expect(xml).toContain('<testcase classname="sluice-tck.publisher.spec3.9" name="required_spec309_requestZeroMustSignalRangeError"');
    });

    it('runs the other kinds: a blackbox subscriber module', async () => {
      expect(await runCli(['subscriber-blackbox', fixture('blackbox-subscriber.mjs'), ...fast])).toBe(0);
      expect(out).toMatch(/sluice-tck subscriber-blackbox: 11 passed, 0 failed, 15 skipped/);
    });
  });

  describe('errors', () => {
    it('exits 1 and prints the rule, the observation, the calls and the hints when a test fails (CJS module)', async () => {
      const code = await runCli(['publisher', fixture('broken-publisher.cjs'), '--only', '3.9', ...fast]);
      expect(code).toBe(1);
      expect(out).toMatch(/§3\.9\s+FAIL\s+required_spec309_requestZeroMustSignalRangeError/);
      expect(out).toContain('§3.9: expected onError(RangeError) for request(0) within 100 ms, but it did not arrive; calls: request(0)');
      expect(out).toContain('if this fails, check that request() validates n with `!(n > 0)`');
    });

    it('exits 2 with one line for a missing module, a missing export, a wrong export type or bad arguments', async () => {
      expect(await runCli(['publisher', fixture('nope.mjs')])).toBe(2);
      expect(await runCli(['processor', fixture('good-publisher.mjs')])).toBe(2);
      expect(await runCli(['publisher', fixture('wrong-type.mjs')])).toBe(2);
      expect(await runCli(['publish', fixture('good-publisher.mjs')])).toBe(2);
      expect(await runCli(['publisher', fixture('good-publisher.mjs'), '--timeout', 'soon'])).toBe(2);
      const lines = err.trim().split('\n');
      expect(lines).toEqual([
        expect.stringMatching(/^sluice-tck: cannot find module .*nope\.mjs/),
        expect.stringMatching(/^sluice-tck: module .*good-publisher\.mjs has no export named createIdentityProcessor \(needed for processor verification\)$/),
        expect.stringMatching(/^sluice-tck: export createPublisher of .*wrong-type\.mjs must be a function, got number$/),
        'sluice-tck: unknown verification kind "publish"; expected one of publisher, subscriber-blackbox, subscriber-whitebox, processor',
        'sluice-tck: --timeout needs a positive number of milliseconds, got "soon"',
      ]);
      expect(out).toBe('');
    });
  });

  describe('empty and edge cases', () => {
    it('parses every option', () => {
      expect(parseArgs(['processor', 'm.mjs', '--json', 'a.json', '--junit', 'a.xml', '--only', '1.9, 3.9', '--timeout', '250'])).toEqual({
        kind: 'processor', module: 'm.mjs', json: 'a.json', junit: 'a.xml', only: ['1.9', '3.9'], timeout: 250,
      });
    });
  });
});
