import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { requireBinary } from '../../core/test/support/binaries';

// Crash recovery with real processes: examples/distributed-workers.mjs --broker nats starts its own nats-server -js
// (free loopback port, temp store dir), publishes 20,000 messages, runs three worker processes
// (examples/distributed/nats.mjs worker mode, one shared durable pull consumer with ack_wait 1 s) and kill -9s one of
// them in the middle of its batch. Every message must be acknowledged (distinct seqs acked = published), none lost,
// and the server must report nothing pending. 100,000 is the example's own run (see the README).
const root = fileURLToPath(new URL('../../..', import.meta.url));

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

describe('crash recovery with worker processes on NATS', () => {
  beforeAll(() => {
    requireBinary('nats-server', 'nats-server');
    // The example imports the built packages; `pnpm test` builds first, a bare `vitest run` may not have.
    for (const pkg of ['core', 'nats']) {
      if (!existsSync(resolve(root, `packages/${pkg}/dist/index.js`))) {
        execFileSync('pnpm', ['--filter', `@sluice/${pkg}`, 'build'], { cwd: root, stdio: 'ignore' });
      }
    }
  }, 180_000);

  it('kill -9 of one of three workers mid-batch loses nothing: published 20000, acknowledged 20000, pending 0', async () => {
    const { code, stdout, stderr } = await run(['--broker', 'nats', '--count', '20000', '--delays', '0,0,1', '--kill-at', '0.3',
      '--timeout-ms', '45000', '--json']);
    expect(stderr).toBe('');
    const summary = JSON.parse(stdout.trim().split('\n').pop()!);
    expect(summary).toMatchObject({ broker: 'nats', published: 20_000, acknowledged: 20_000, lost: 0, pending: 0 });
    expect(code).toBe(0);
    const [a, b, c] = summary.workers;
    expect(b).toMatchObject({ name: 'worker-b', killed: true });
    expect(a.exit).toBe(0);
    expect(c.exit).toBe(0);
    // The victim held unacked messages when it died (its prefetch): the server redelivered them after ack_wait.
    expect(summary.redeliveredAcks).toBeGreaterThan(0);
    expect(a.acks + b.acks + c.acks).toBe(summary.ackEvents);
    expect(summary.ackEvents).toBeGreaterThanOrEqual(20_000);
  }, 60_000);
});
