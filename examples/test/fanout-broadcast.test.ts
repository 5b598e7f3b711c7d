import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

// Runs examples/fanout-broadcast.mjs briefly in its own process and checks its summary line.
const root = fileURLToPath(new URL('../..', import.meta.url));

interface SubscriberStats {
  kind: 'fast' | 'slow'; received: number; inOrder?: boolean; dropped?: number; missed?: number; completed: boolean; error: string | null;
}

function run(args: string[]): Promise<{ stdout: string; summary: { produced: number; capacity: number; deepest: number; subscribers: SubscriberStats[] } }> {
  return new Promise((ok, fail) => {
    execFile(process.execPath, [resolve(root, 'examples/fanout-broadcast.mjs'), ...args], { timeout: 30_000 }, (error, stdout, stderr) => {
      if (error) return fail(new Error(`fanout-broadcast.mjs failed: ${error.message}\n${stderr}`));
      const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
      if (line === undefined) return fail(new Error(`no RESULT line in:\n${stdout}`));
      ok({ stdout, summary: JSON.parse(line.slice('RESULT '.length)) });
    });
  });
}

describe('examples/fanout-broadcast.mjs', () => {
  beforeAll(() => {
    // The example imports the built package; `pnpm test` builds first, a bare `vitest run` may not have.
    if (!existsSync(resolve(root, 'packages/core/dist/index.js'))) {
      execFileSync('pnpm', ['--filter', '@sluice/core', 'build'], { cwd: root, stdio: 'ignore' });
    }
  }, 180_000);

  it('gives fast subscribers every item in order while slow ones drop only their own, within their buffer', async () => {
    const { stdout, summary } = await run(['--duration', '400', '--fast', '2', '--slow', '2']);
    expect(stdout).toMatch(/^produced \d+ items/m);
    expect(summary.produced).toBeGreaterThan(0);
    const fast = summary.subscribers.filter((s) => s.kind === 'fast');
    const slow = summary.subscribers.filter((s) => s.kind === 'slow');
    expect(fast).toHaveLength(2);
    for (const s of fast) expect(s).toMatchObject({ received: summary.produced, inOrder: true, completed: true, error: null });
    for (const s of slow) {
      // every item reached a slow subscriber or was dropped from its own buffer, and it was told of each loss
      expect(s.received + s.dropped!).toBe(summary.produced);
      expect(s.missed).toBe(s.dropped);
      expect(s.dropped).toBeGreaterThan(0);
      expect(s).toMatchObject({ completed: true, error: null });
    }
    expect(summary.deepest).toBeLessThanOrEqual(summary.capacity); // memory bound: no buffer above its capacity
  }, 60_000);
});
