import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { requireBinary } from '../../packages/core/test/support/binaries';

// Crash recovery with real processes: examples/distributed-workers.mjs starts its own redis-server, publishes 100,000
// messages, runs three worker processes (examples/distributed/redis.mjs worker mode) and kill -9s one of them in the
// middle of its batch. Every message must be acknowledged (distinct seqs acked = published), none lost.
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

describe('distributed-workers example on Redis', () => {
  beforeAll(() => {
    requireBinary('redis-server', 'redis-server');
    // The example imports the built package; `pnpm test` builds first, a bare `vitest run` may not have.
    for (const pkg of ['core', 'redis']) {
      if (!existsSync(resolve(root, `packages/${pkg}/dist/index.js`))) {
        execFileSync('pnpm', ['--filter', `@sluice/${pkg}`, 'build'], { cwd: root, stdio: 'ignore' });
      }
    }
  }, 180_000);

  it('kill -9 of one of three workers mid-batch loses nothing: published 100000, acknowledged 100000', async () => {
    const { code, stdout, stderr } = await run(['--broker', 'redis', '--count', '100000', '--delays', '0,0,1', '--kill-at', '0.3',
      '--timeout-ms', '60000', '--json']);
    expect(stderr).toBe('');
    const summary = JSON.parse(stdout.trim().split('\n').pop()!);
    expect(summary).toMatchObject({ broker: 'redis', published: 100_000, acknowledged: 100_000, lost: 0, pending: 0 });
    expect(code).toBe(0);
    const [a, b, c] = summary.workers;
    expect(b).toMatchObject({ name: 'worker-b', killed: true });
    expect(a.exit).toBe(0);
    expect(c.exit).toBe(0);
    // The victim held unacked messages when it died (its prefetch): the survivors claimed and redelivered them.
    expect(summary.redeliveredAcks).toBeGreaterThan(0);
    expect(a.acks + b.acks + c.acks).toBe(summary.ackEvents);
  }, 90_000);

  it('the human-readable run ends with the documented summary line', async () => {
    const { code, stdout } = await run(['--count', '3000', '--delays', '0,1,2', '--kill-at', '0.5', '--timeout-ms', '60000']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/killed worker-b \(SIGKILL\)/);
    expect(stdout).toMatch(/broker: pending 0, redeliveries \d+/);
    // per-worker counts: every worker's acks and redeliveries, the killed one marked; together at least every message
    const rows = [...stdout.matchAll(/^  (worker-[abc]) +\d+ ms\/msg +(\d+) acked +(\d+) of them redelivered +(killed with SIGKILL|exit \d+)$/gm)];
    expect(rows.map((r) => r[1])).toEqual(['worker-a', 'worker-b', 'worker-c']);
    expect(rows.map((r) => r[4])).toEqual(['exit 0', 'killed with SIGKILL', 'exit 0']);
    expect(rows.reduce((sum, r) => sum + Number(r[2]), 0)).toBeGreaterThanOrEqual(3000);
    expect(rows.every((r) => Number(r[3]) <= Number(r[2]))).toBe(true);
    expect(stdout.trim().split('\n').pop()).toBe('published 3000, acknowledged 3000, lost 0');
  }, 90_000);
});
