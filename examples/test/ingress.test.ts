import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

// Runs examples/ingress.mjs briefly (both servers, loopback only) and checks its summary line. Only counts are
// asserted, never timings: the latency and heap columns are printed for people, and vary with the machine.
const root = fileURLToPath(new URL('../..', import.meta.url));

interface Run {
  mode: 'sluice' | 'naive'; requests: number; attempts: number; retried: number; budgetRefused: number; metricsScraped: boolean;
  server: {
    accepted: number; shed: number; expired: number; aborted: number; processed: number; failed: number; late: number;
    inFlight: number; maxDepth: number; depthAtEnd: number;
  };
}

function run(args: string[]): Promise<{ stdout: string; summary: { queue: number; runs: Run[] } }> {
  return new Promise((ok, fail) => {
    execFile(process.execPath, [resolve(root, 'examples/ingress.mjs'), ...args], { timeout: 60_000 }, (error, stdout, stderr) => {
      if (error) return fail(new Error(`ingress.mjs failed: ${error.message}\n${stderr}`));
      const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
      if (line === undefined) return fail(new Error(`no RESULT line in:\n${stdout}`));
      ok({ stdout, summary: JSON.parse(line.slice('RESULT '.length)) });
    });
  });
}

describe('examples/ingress.mjs', () => {
  beforeAll(() => {
    // The example imports the built package; `pnpm test` builds first, a bare `vitest run` may not have.
    if (!existsSync(resolve(root, 'packages/core/dist/index.js'))) {
      execFileSync('pnpm', ['--filter', '@sluice/core', 'build'], { cwd: root, stdio: 'ignore' });
    }
  }, 180_000);

  it('sheds with 429 at the bound, never starts a job past its age budget, budgets retries; the naive queue grows', async () => {
    const { stdout, summary } = await run(['--duration', '800']);
    expect(stdout).toMatch(/accepted-job latency p50\/p99/);
    const sluice = summary.runs.find((r) => r.mode === 'sluice')!;
    const naive = summary.runs.find((r) => r.mode === 'naive')!;
    const s = sluice.server;
    expect(s.maxDepth).toBeLessThanOrEqual(summary.queue); // the bound held
    expect(s.shed).toBeGreaterThan(0); // 2× overload: some requests were told 429
    expect(s.accepted).toBeGreaterThan(0);
    expect(s.late).toBe(0); // an expired job is answered 504, never processed late
    // every accepted job was processed, expired, withdrawn, failed while running, or is still waiting/running
    expect(s.accepted).toBe(s.processed + s.expired + s.aborted + s.failed + s.depthAtEnd + s.inFlight);
    // retries are budgeted: without the budget each 429 would be retried up to 3 times
    expect(sluice.attempts).toBe(sluice.requests + sluice.retried);
    expect(sluice.budgetRefused).toBeGreaterThan(0);
    expect(sluice.retried).toBeLessThan(0.5 * sluice.requests);
    expect(sluice.metricsScraped).toBe(true);
    // the naive queue never says no: it grew past the bounded queue's capacity
    expect(naive.server.shed).toBe(0);
    expect(naive.server.maxDepth).toBeGreaterThan(summary.queue);
  }, 90_000);
});
