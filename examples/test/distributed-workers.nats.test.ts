import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { requireBinary } from '../../packages/core/test/support/binaries';

// The example's NATS mode as a person runs it: its own nats-server -js, three workers of different speeds, one killed
// with SIGKILL, and the summary lines. (The 20,000-message crash test with its counts is packages/nats/test/crash.test.ts.)
const root = fileURLToPath(new URL('../..', import.meta.url));

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [resolve(root, 'examples/distributed-workers.mjs'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('exit', (code) => done({ code, stdout, stderr }));
  });
}

describe('distributed-workers example on NATS', () => {
  beforeAll(() => {
    requireBinary('nats-server', 'nats-server');
    for (const pkg of ['core', 'nats']) {
      if (!existsSync(resolve(root, `packages/${pkg}/dist/index.js`))) {
        execFileSync('pnpm', ['--filter', `@sluice/${pkg}`, 'build'], { cwd: root, stdio: 'ignore' });
      }
    }
  }, 180_000);

  it('the human-readable run kills worker-b and ends with the documented summary line', async () => {
    const { code, stdout, stderr } = await run(['--broker', 'nats', '--count', '3000', '--delays', '0,1,2', '--kill-at', '0.5', '--timeout-ms', '45000']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^nats broker at nats:\/\/127\.0\.0\.1:\d+; stream "jobs", group "workers", 3000 messages$/m);
    expect(stdout).toMatch(/killed worker-b \(SIGKILL\)/);
    expect(stdout).toMatch(/broker: pending 0, redeliveries \d+/);
    // per-worker counts: every worker's acks and redeliveries, the killed one marked; together at least every message
    const rows = [...stdout.matchAll(/^  (worker-[abc]) +\d+ ms\/msg +(\d+) acked +(\d+) of them redelivered +(killed with SIGKILL|exit \d+)$/gm)];
    expect(rows.map((r) => r[1])).toEqual(['worker-a', 'worker-b', 'worker-c']);
    expect(rows.map((r) => r[4])).toEqual(['exit 0', 'killed with SIGKILL', 'exit 0']);
    expect(rows.reduce((sum, r) => sum + Number(r[2]), 0)).toBeGreaterThanOrEqual(3000);
    expect(rows.every((r) => Number(r[3]) <= Number(r[2]))).toBe(true);
    expect(stdout.trim().split('\n').pop()).toBe('published 3000, acknowledged 3000, lost 0');
  }, 60_000);
});
