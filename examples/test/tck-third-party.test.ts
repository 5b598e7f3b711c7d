import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

// Runs examples/tck-third-party.mjs (the sluice-tck CLI against rsocket-flowable's Flowable) and checks the report's
// shape, not its pass count: the point of the example is an honest report, whatever the third party's score.
const root = fileURLToPath(new URL('../..', import.meta.url));
const cli = resolve(root, 'tck/dist/cli.js');

describe('tck-third-party example', () => {
  beforeAll(() => {
    // The example drives the built CLI; `pnpm test` builds first, a bare `vitest run` may not have.
    if (!existsSync(cli)) execFileSync('pnpm', ['--filter', '@sluice/tck', 'build'], { cwd: root, stdio: 'ignore' });
  }, 180_000);

  it('runs the TCK CLI against rsocket-flowable and writes the documented JSON report', () => {
    const json = join(mkdtempSync(join(tmpdir(), 'sluice-tck-example-')), 'report.json');
    const run = spawnSync(process.execPath, [resolve(root, 'examples/tck-third-party.mjs'), '--json', json], { encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('rsocket-flowable@0.0.27 Flowable:');
    const report = JSON.parse(readFileSync(json, 'utf8'));
    expect(Object.keys(report).sort()).toEqual(['causes', 'complete', 'durationMs', 'kind', 'results', 'running', 'summary', 'tool']);
    expect(report.complete).toBe(true);
    expect(report.tool).toBe('sluice-tck');
    expect(report.kind).toBe('publisher');
    expect(report.results).toHaveLength(44);
    for (const result of report.results) {
      expect(Object.keys(result).filter((k) => k !== 'output').sort()).toEqual(['category', 'durationMs', 'hints', 'id', 'message', 'rule', 'status', 'tags', 'violations']);
      expect(['passed', 'failed', 'skipped']).toContain(result.status);
      expect(['required', 'optional', 'stochastic', 'untested']).toContain(result.category);
      expect(result.rule).toMatch(/^\d\.\d+$/);
      if (result.status === 'failed') expect(result.message.startsWith(`§${result.rule}:`)).toBe(true);
    }
    const { passed, failed, skipped } = report.summary;
    expect(passed + failed + skipped).toBe(44);
  }, 120_000);
});
