// distributed-workers: one stream, three worker processes of different speeds, one of them killed with SIGKILL
// in the middle of a batch, and nothing lost.
//
//   pnpm build && node examples/distributed-workers.mjs [--broker redis|nats] [--count 20000]
//                                                      [--delays 0,1,4] [--kill-at 0.3] [--timeout-ms 120000]
//
// The driver starts a broker of its own (a redis-server or nats-server -js on a free loopback port, data in a temp
// directory), creates the stream and its consumer group, starts three worker processes and a producer, and kills the
// second worker with SIGKILL once `--kill-at` of the messages have been acknowledged. The killed worker's
// unacknowledged messages stay with the broker (Redis: in the group's Pending Entries List, claimed by a survivor
// once idle; NATS: redelivered after ack_wait). The driver waits until every published seq has been acknowledged
// (or `--timeout-ms` passes), stops the survivors with SIGTERM, and prints per-worker counts, what the broker reports
// as pending and redelivered, and "published N, acknowledged N, lost 0". It exits 1 if anything was lost.
//
// Each broker is an adapter in examples/distributed/<broker>.mjs with the same exports:
//   name, startBroker() → { url, stop() }, setup(url, { stream, group }), publish(url, { stream, count }),
//   stats(url, { stream, group }) → { pending, redeliveries }
// and a worker mode: `node <adapter> worker --url U --stream S --group G --name W --delay-ms D`, which acks each
// message after processing it and prints one JSON line per ack: {"event":"ack","seq":N,"worker":"W","redelivered":b}.
// A worker writes the line first and sends the ack only once the write's callback says the line was handed to the
// pipe (a line still queued inside the worker would die with it). A worker killed between the two leaves the message
// unacked, its redelivery prints it again and the driver counts a duplicate; printing after the broker's reply
// instead would let a worker killed in between ack a message the driver never hears of, and the run would report it
// lost.

import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values: flags } = parseArgs({
  options: {
    broker: { type: 'string', default: 'redis' },
    count: { type: 'string', default: '20000' },
    delays: { type: 'string', default: '0,1,4' },
    'kill-at': { type: 'string', default: '0.3' },
    'timeout-ms': { type: 'string', default: '120000' },
    stream: { type: 'string', default: 'jobs' },
    group: { type: 'string', default: 'workers' },
    json: { type: 'boolean', default: false },
  },
});

const brokers = ['redis', 'nats'];
if (!brokers.includes(flags.broker)) fail(`--broker must be one of ${brokers.join(', ')}, got ${flags.broker}`);
const count = positiveInteger('count', flags.count);
const timeoutMs = positiveInteger('timeout-ms', flags['timeout-ms']);
const killAt = Number(flags['kill-at']);
if (!(killAt > 0 && killAt < 1)) fail(`--kill-at must be a fraction between 0 and 1, got ${flags['kill-at']}`);
const delays = flags.delays.split(',').map((d) => Number(d));
if (delays.length !== 3 || delays.some((d) => !Number.isInteger(d) || d < 0)) {
  fail(`--delays takes three non-negative integers (ms per message of each worker), got ${flags.delays}`);
}
const { stream, group } = flags;
const adapterPath = fileURLToPath(new URL(`./distributed/${flags.broker}.mjs`, import.meta.url));
const adapter = await import(adapterPath);

function positiveInteger(name, text) {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) fail(`--${name} must be a positive integer, got ${text}`);
  return n;
}
function fail(message) {
  console.error(`distributed-workers: ${message}`);
  process.exit(2);
}
const log = (line) => { if (!flags.json) console.log(line); };

// ---- the ledger: which seqs were acknowledged, by whom, and how often a seq came back ---------------------------
const acked = new Uint8Array(count); // 1 once any worker acked the seq
let distinct = 0;
let ackEvents = 0;
let redeliveredAcks = 0;
const workers = [];
let whenAllAcked = null;
let allAcked = null;
const allAckedPromise = new Promise((resolve) => { allAcked = resolve; });

function onAck(worker, event) {
  ackEvents++;
  worker.acks++;
  if (event.redelivered) { worker.redelivered++; redeliveredAcks++; }
  const seq = event.seq;
  if (!Number.isInteger(seq) || seq < 0 || seq >= count) {
    worker.bad++;
    return;
  }
  if (acked[seq] === 0) {
    acked[seq] = 1;
    distinct++;
    if (distinct === count) { whenAllAcked = Date.now(); allAcked(); }
  }
  maybeKill();
}

function startWorker(name, delayMs) {
  const child = spawn(process.execPath, [adapterPath, 'worker', '--url', broker.url, '--stream', stream, '--group', group,
    '--name', name, '--delay-ms', String(delayMs)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const worker = { name, delayMs, child, acks: 0, redelivered: 0, bad: 0, killed: false, exit: null, stderr: '' };
  worker.exited = new Promise((resolve) => child.once('exit', (code, signal) => { worker.exit = signal ?? code; resolve(); }));
  createInterface({ input: child.stdout }).on('line', (line) => {
    let event;
    try { event = JSON.parse(line); } catch { return; } // not an event line: ignore
    if (event?.event === 'ack') onAck(worker, event);
  });
  child.stderr.on('data', (chunk) => { worker.stderr = (worker.stderr + chunk).slice(-4_000); });
  workers.push(worker);
  return worker;
}

let victim = null;
function maybeKill() {
  if (victim === null || victim.killed || distinct < count * killAt) return;
  victim.killed = true;
  victim.killedAfter = victim.acks;
  // SIGKILL: no chance to finish or ack what it holds. Whatever it had received and not acked stays with the broker.
  victim.child.kill('SIGKILL');
  log(`killed ${victim.name} (SIGKILL) after ${victim.acks} acks, with ${distinct}/${count} acknowledged overall`);
}

// ---- the run -----------------------------------------------------------------------------------------------------
const broker = await adapter.startBroker();
let exitCode = 1;
try {
  log(`${adapter.name} broker at ${broker.url}; stream "${stream}", group "${group}", ${count} messages`);
  await adapter.setup(broker.url, { stream, group });
  const names = ['worker-a', 'worker-b', 'worker-c'];
  names.forEach((name, i) => startWorker(name, delays[i]));
  victim = workers[1];
  log(`workers: ${workers.map((w) => `${w.name} (${w.delayMs} ms per message)`).join(', ')}`);

  const started = Date.now();
  const published = adapter.publish(broker.url, { stream, count });
  let timer;
  const timedOut = new Promise((resolve) => { timer = setTimeout(() => resolve('timeout'), timeoutMs); });
  const outcome = await Promise.race([Promise.all([published, allAckedPromise]).then(() => 'done'), timedOut]);
  clearTimeout(timer);
  if (outcome === 'timeout') log(`timed out after ${timeoutMs} ms with ${distinct}/${count} acknowledged`);

  // Stop the survivors: SIGTERM lets each finish (and ack) what it is processing, then exit 0.
  for (const w of workers) if (!w.killed) w.child.kill('SIGTERM');
  await Promise.all(workers.map((w) => w.exited));
  const brokerStats = await adapter.stats(broker.url, { stream, group });
  const lost = count - distinct;
  const summary = {
    broker: adapter.name,
    published: count,
    acknowledged: distinct,
    lost,
    ackEvents,
    duplicates: ackEvents - distinct,
    redeliveredAcks,
    pending: brokerStats.pending,
    redeliveries: brokerStats.redeliveries,
    ms: (whenAllAcked ?? Date.now()) - started,
    workers: workers.map((w) => ({ name: w.name, delayMs: w.delayMs, acks: w.acks, redelivered: w.redelivered,
      killed: w.killed, exit: w.exit })),
  };
  if (flags.json) {
    console.log(JSON.stringify(summary));
  } else {
    console.log('\nper worker:');
    for (const w of summary.workers) {
      console.log(`  ${w.name.padEnd(9)} ${String(w.delayMs).padStart(3)} ms/msg  ${String(w.acks).padStart(7)} acked` +
        `  ${String(w.redelivered).padStart(5)} of them redelivered  ${w.killed ? 'killed with SIGKILL' : `exit ${w.exit}`}`);
    }
    console.log(`broker: pending ${brokerStats.pending}, redeliveries ${brokerStats.redeliveries}`);
    console.log(`acks ${ackEvents} (${summary.duplicates} duplicates: at-least-once), in ${summary.ms} ms`);
    console.log(`published ${count}, acknowledged ${distinct}, lost ${lost}`);
  }
  for (const w of workers) {
    if (!w.killed && w.exit !== 0) console.error(`${w.name} exited with ${w.exit}:\n${w.stderr}`);
  }
  exitCode = lost === 0 && workers.every((w) => w.killed || w.exit === 0) ? 0 : 1;
} finally {
  for (const w of workers) if (w.exit === null) w.child.kill('SIGKILL');
  await broker.stop();
}
process.exitCode = exitCode;
