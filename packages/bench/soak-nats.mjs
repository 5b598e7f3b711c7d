// Soak for @sluice/nats: a 1,000,000-message backlog in a JetStream stream, drained by one slow worker of a durable
// pull consumer (pullConsumer → forEach(prefetch 64) with one macrotask per message, acked after processing with the
// default confirmed acks). Samples the live heap (after forced GCs) every 5% consumed, prints the curve and exits 1 if
// it grows: the source pulls only what the worker asked for, so the backlog stays in the server and the worker's heap
// is flat whatever its length.
//
//   node soak-nats.mjs [messages] [--max-growth-mib X] [--max-seconds S]   (re-execs itself with --expose-gc)
//
// It runs the built packages (`pnpm build` first) and starts its own nats-server -js (loopback, free port, temp store
// dir, killed on exit; see workloads/w9-nats.mjs). Not a test: a run takes a few minutes here. Verdict as in
// soak-redis.mjs: the first 10% of samples are warm-up; max(last third) − max(first third) > max-growth MiB (default 4)
// fails. Exit codes: 0 bounded, 1 heap growth, 2 wrong count or error or over --max-seconds (default 900, publishing
// the backlog included).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { setImmediate as nextTurn } from 'node:timers/promises';

if (typeof globalThis.gc !== 'function') {
  const child = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(child.status ?? 1);
}

const args = process.argv.slice(2);
const flag = (name, fallback) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const total = Number(args.find((a) => /^\d+$/.test(a)) ?? 1_000_000);
const maxGrowthMiB = flag('--max-growth-mib', 4);
const maxSeconds = flag('--max-seconds', 900);

const deadline = setTimeout(() => { console.error(`over --max-seconds ${maxSeconds}`); process.exit(2); }, maxSeconds * 1000);
const { forEach } = await import('@sluice/core');
const { pullConsumer, autoAck } = await import('@sluice/nats');
const { backlog } = await import('./workloads/w9-nats.mjs');

const mib = (b) => (b / 2 ** 20).toFixed(2);
const heap = () => { globalThis.gc(); globalThis.gc(); return process.memoryUsage().heapUsed; };

const t0 = Date.now();
const { url, stream } = await backlog(total);
console.log(`backlog of ${total.toLocaleString('en')} messages published in ${((Date.now() - t0) / 1000).toFixed(1)} s; draining with one slow worker`);
const flow = pullConsumer({ nats: url, stream, consumer: 'c', maxBatch: 64, ackGraceMs: 5_000 });
const every = Math.max(1, Math.floor(total / 20));
const samples = [];
let done = 0;
let heldMax = 0;
const held = (m) => m.buffered + m.inFlightCount + (m.delivered - done);
const stop = new AbortController();
const start = Date.now();
try {
  await forEach(flow, autoAck(async () => {
    await nextTurn(); // the slow worker: one macrotask per message
    done++;
    const m = flow.metrics();
    heldMax = Math.max(heldMax, held(m));
    if (done % every === 0) {
      const h = heap();
      samples.push(h);
      console.log(`${String(done).padStart(9)} consumed  live heap ${mib(h)} MiB  held ${held(m)}  unacked ${m.unacked}`);
    }
    if (done === total) stop.abort(new Error('drained'));
  }, { awaitAck: false }), { prefetch: 64, signal: stop.signal });
} catch (error) {
  if (!stop.signal.aborted) { console.error(`pipeline error: ${error.stack ?? error}`); process.exit(2); }
}
while (flow.metrics().acked < total) await new Promise((resolve) => setTimeout(resolve, 5)); // every ack confirmed
clearTimeout(deadline);
const seconds = (Date.now() - start) / 1000;
if (done !== total) { console.error(`consumed ${done}, expected ${total}`); process.exit(2); }
const info = await flow.pending();
const judged = samples.slice(Math.max(1, Math.ceil(samples.length / 10)));
const third = Math.max(1, Math.floor(judged.length / 3));
const growth = Math.max(...judged.slice(-third)) - Math.max(...judged.slice(0, third));
console.log(`consumed ${done.toLocaleString('en')} in ${seconds.toFixed(1)} s (${Math.round(done / seconds).toLocaleString('en')}/s); ` +
  `live heap ${mib(Math.min(...judged))}–${mib(Math.max(...judged))} MiB, growth ${mib(growth)} MiB; held at most ${heldMax} messages; ` +
  `server: ${info.numPending} pending, ${info.numAckPending} ack pending`);
if (growth > maxGrowthMiB * 2 ** 20) { console.error(`live heap grew by ${mib(growth)} MiB (> ${maxGrowthMiB})`); process.exit(1); }
console.log('bounded');
process.exit(0);
