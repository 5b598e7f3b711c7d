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
      expect(out).toMatch(/^§3\.9\s+PASS\s+required_spec309_requestZeroMustSignalRangeError \[js-mapped\]$/m);
      expect(out).toMatch(/^§1\.9\s+PASS\s+required_spec109_mustIssueOnSubscribeForNonNullSubscriber$/m); // no tag: the JVM's own test
      expect(out).toMatch(/^sluice-tck publisher: \d+ passed, 0 failed, \d+ skipped \(44 tests, [\d.]+ s\)$/m);
    });

    it('writes the JSON report in exactly the documented shape and JUnit XML', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'sluice-tck-cli-'));
      const code = await runCli(['publisher', fixture('good-publisher.mjs'), '--only', '1.9,3.9', '--json', join(dir, 'r.json'), '--junit', join(dir, 'r.xml'), ...fast]);
      expect(code).toBe(0);
      const json = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8'));
      expect(Object.keys(json)).toEqual(['tool', 'kind', 'complete', 'running', 'results', 'summary', 'causes', 'durationMs']);
      expect(json).toMatchObject({ tool: 'sluice-tck', kind: 'publisher', complete: true, running: null, causes: [] });
      expect(Object.keys(json.results[0])).toEqual(['id', 'rule', 'category', 'status', 'message', 'hints', 'durationMs', 'tags', 'violations']);
      const tags = (id: string) => json.results.find((r: { id: string }) => r.id === id).tags;
      expect(tags('required_spec309_requestNaNMustSignalRangeError')).toEqual(['js-only']); // not in the JVM TCK
      expect(tags('required_spec109_subscribeThrowTypeErrorOnNullSubscriber')).toEqual(['js-mapped']); // NPE there
      expect(tags('required_spec309_requestZeroMustSignalRangeError')).toEqual(['js-mapped']); // IllegalArgumentException there
      expect(tags('required_spec109_mustIssueOnSubscribeForNonNullSubscriber')).toEqual([]); // the same test on the JVM
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

    it('exits 2 when an --only entry matches no test, instead of a green run of 0 tests', async () => {
      expect(await runCli(['publisher', fixture('good-publisher.mjs'), '--only', '1.9,9.9'])).toBe(2);
      expect(await runCli(['publisher', fixture('good-publisher.mjs'), '--only', 'required_spec999_nothing'])).toBe(2);
      expect(err.trim().split('\n')).toEqual([
        'sluice-tck: --only "9.9" matches no test of the publisher verification (give a rule such as 3.9, a section such as 3, or a test id)',
        'sluice-tck: --only "required_spec999_nothing" matches no test of the publisher verification (give a rule such as 3.9, a section such as 3, or a test id)',
      ]);
      expect(out).toBe('');
    });

    it('warns about a misspelled optional export and still runs', async () => {
      expect(await runCli(['publisher', fixture('misspelled-export.mjs'), '--only', '1.4', ...fast])).toBe(0);
      expect(err).toContain('sluice-tck: warning: export createFailedPublishr of');
      expect(err).toContain('is not used by the publisher verification; did you mean createFailedPublisher?');
      expect(out).toMatch(/§1\.4\s+SKIP\s+optional_spec104_mustSignalOnErrorWhenFails/); // the misspelled one was not used
    });

    it('keeps what the module prints apart from the table: shown under the test it printed in', async () => {
      expect(await runCli(['publisher', fixture('chatty-publisher.mjs'), '--only', '1.9', ...fast])).toBe(0);
      const lines = out.split('\n');
      // every table row is intact: no chatter on a row line
      for (const line of lines.filter((l) => l.startsWith('§'))) expect(line).toMatch(/^§[\d.]+\s+(PASS|FAIL|SKIP)\s+\w+( \[js-(only|mapped)\])?$/);
      const row = lines.findIndex((l) => /required_spec109_subscribeThrowTypeErrorOnNullSubscriber/.test(l));
      expect(lines[row + 1]).toMatch(/^\s+output of the implementation during this test:$/);
      expect(lines[row + 2]).toMatch(/^\s+\| chatty: subscribe\(null\)$/);
      expect(out).toContain('output of the implementation while loading:\n  | chatty: loaded');
      expect(err).not.toContain('chatty');
    });
  });

  describe('processor options', () => {
    it('honours a createHelperPublisher export', async () => {
      expect(await runCli(['processor', fixture('processor-with-helper.mjs'), '--only', 'required_createPublisher1MustProduceAStreamOfExactly1Element', ...fast])).toBe(0);
      expect(out).toMatch(/required_createPublisher1MustProduceAStreamOfExactly1Element\n\s+output of the implementation during this test:\n\s+\| helper: createHelperPublisher\(1\)/);
      expect(out).toMatch(/sluice-tck processor: 1 passed, 0 failed, 0 skipped/);
    });
  });

  describe('help and version', () => {
    it('--help prints the usage on stdout and exits 0; --version prints the package version', async () => {
      expect(await runCli(['--help'])).toBe(0);
      expect(out).toMatch(/^usage: sluice-tck <kind> <module> \[options\]/);
      expect(out).toContain('--test-timeout <ms>');
      out = '';
      expect(await runCli(['publisher', 'x.mjs', '-v'])).toBe(0);
      const { version } = JSON.parse(readFileSync(fileURLToPath(new URL('../package.json', import.meta.url)), 'utf8'));
      expect(out).toBe(`sluice-tck ${version}\n`);
      expect(err).toBe('');
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
