import { execFile, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

// Runs examples/fanout.mjs briefly (3 s per run, loopback) and checks what its JSON summary says:
// - sluice: a slow client's lag, counted in items behind the newest item seen, is bounded by its credit: at most
//   about CREDIT items per consumption interval, however long the run; the server's send backlog is bounded by the
//   transports' high-water marks, and its live heap stays flat;
// - naive: the same slow clients fall further behind for as long as the run lasts (kernel buffers, then the server's
//   memory; the memory part shows after ~5 s, beyond this test's budget: run the example longer to see it).
const root = fileURLToPath(new URL('../..', import.meta.url));

interface Side { clients: number; delivered: number; dropped: number; maxLagMs: number; maxLagItems: number; lateMaxLagMs: number; lateMaxLagItems: number }
interface Run { slow: Side; fast: Side; samples: { t: number; heapUsed: number; external: number; backlog: number }[] }
interface Summary { rate: number; seconds: number; clients: number; slowClients: number; slowMs: number; credit: number; lane: number; batch: number; runs: { sluice: Run; naive: Run } }

describe('examples/fanout.mjs', () => {
  beforeAll(() => {
    // The example imports the built package; rebuild it if the build predates the WebSocket bridges.
    const dist = resolve(root, 'packages/rsocket/dist/index.js');
    let built = '';
    try {
      built = readFileSync(dist, 'utf8');
    } catch {}
    if (!built.includes('fromWebSocket')) execFileSync('pnpm', ['--filter', '@sluice/rsocket', 'build'], { cwd: root, stdio: 'ignore' });
  }, 180_000);

  it('keeps slow clients within their credit with sluice, while the naive server lets them fall behind', async () => {
    const output = await new Promise<string>((ok, fail) => {
      execFile(process.execPath, [resolve(root, 'examples/fanout.mjs'), '--seconds', '3', '--clients', '8', '--slow', '3', '--json'], {
        cwd: root, timeout: 60_000, maxBuffer: 1 << 22,
      }, (error, stdout, stderr) => (error ? fail(new Error(`${error.message}\n${stderr}`)) : ok(stdout)));
    });
    const summary = JSON.parse(output.trim().split('\n').at(-1)!) as Summary;
    const { sluice, naive } = summary.runs;
    const itemsPerConsumption = (summary.rate * summary.slowMs) / 1000; // produced while a slow client takes one
    // what the credit allows: CREDIT items waiting at the client, the lane and one producer batch in between;
    // doubled for a loaded machine (timers that fire late make a slow client slower still)
    const creditBound = 2 * ((summary.credit + 1) * itemsPerConsumption + summary.lane + summary.batch);

    expect(sluice.slow.delivered).toBeGreaterThan(0);
    expect(sluice.slow.lateMaxLagItems).toBeLessThanOrEqual(creditBound);
    expect(sluice.slow.dropped).toBeGreaterThan(0); // a slow client skips what it had no credit for
    expect(sluice.fast.dropped).toBe(0);

    // naive: nothing is dropped, so the slow clients are as far behind as the run is long
    expect(naive.slow.dropped).toBe(0);
    expect(naive.slow.lateMaxLagItems).toBeGreaterThan(creditBound);
    expect(naive.slow.lateMaxLagItems).toBeGreaterThan(5 * sluice.slow.lateMaxLagItems);

    // sluice's server: the send backlog never exceeds the transports' bound, and the live heap is flat
    const backlogBound = summary.clients * (64 * 1024 + 2 * 1024);
    expect(Math.max(...sluice.samples.map((s) => s.backlog))).toBeLessThanOrEqual(backlogBound);
    const heaps = sluice.samples.map((s) => s.heapUsed);
    expect(heaps.length).toBeGreaterThanOrEqual(8);
    expect(heaps.at(-1)! - Math.min(...heaps)).toBeLessThan(4 * 1024 * 1024);
  }, 90_000);
});
