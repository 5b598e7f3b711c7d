// The workloads: which implementations run, on what input, and how each table is rendered.
import { impls as w1, slow as w1slow } from './workloads/w1-throughput.mjs';
import { impls as w2, unbounded as w2unbounded, na as w2na } from './workloads/w2-overload.mjs';
import { impls as w3, slow as w3slow, na as w3na } from './workloads/w3-flatten.mjs';
import { impls as w4, slow as w4slow, na as w4na } from './workloads/w4-observeon.mjs';
import { impls as w5, slow as w5slow, na as w5na } from './workloads/w5-node.mjs';
import { impls as w6, slow as w6slow, na as w6na } from './workloads/w6-forawait.mjs';
import { impls as w7 } from './workloads/w7-tck.mjs';
import { impls as w8, render as w8render } from './workloads/w8-rsocket.mjs';
import { impls as w9redis } from './workloads/w9-redis.mjs';
import { impls as w9nats } from './workloads/w9-nats.mjs';

const fmt = (x) => (x >= 1e6 ? `${(x / 1e6).toFixed(1)} M` : x >= 1e3 ? `${(x / 1e3).toFixed(1)} k` : x.toFixed(1));
const table = (header, lines) =>
  [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...lines.map((l) => `| ${l.join(' | ')} |`)].join('\n');

/** Items-per-second table with the ratio to a baseline row measured in the same run. */
function throughputTable(baseline) {
  return (rows, median) => {
    const rate = (row) => (row.samples.length ? median(row.samples.map((s) => s.itemsPerSec)) : NaN);
    const base = rate(rows.find((r) => r.entry.impl === baseline));
    return table(
      ['implementation', 'N', 'items/s (median)', `ratio to ${baseline}`],
      rows.map((row) =>
        row.failure
          ? [row.entry.impl, String(row.entry.n), `failed: ${row.failure}`, '']
          : [row.entry.impl, fmt(row.entry.n), fmt(rate(row)), (rate(row) / base).toFixed(3)],
      ),
    );
  };
}

/**
 * Peers that cannot express a workload (a workload file's `na`: implementation name → one-line reason) are never
 * sampled: the render appends one row per peer saying "n/a: <reason>" below the measured rows.
 */
function withNa(render, na = {}) {
  const reasons = Object.entries(na);
  if (reasons.length === 0) return render;
  return (rows, median) => {
    const measured = render(rows, median);
    const columns = measured.split('\n')[0].split(' | ').length;
    const lines = reasons.map(([impl, reason]) => [impl, '–', `n/a: ${reason}`, ...Array(columns - 3).fill('')]);
    return [measured, ...lines.map((l) => `| ${l.join(' | ')} |`)].join('\n');
  };
}

const mib = (bytes) => (bytes === undefined ? '–' : `${(bytes / 2 ** 20).toFixed(2)} MiB`);

/** W2: time as a multiple of the consumer alone; live heap growth since the pipeline was built, at 1% and 50%. */
function overloadTable(rows, median) {
  const stat = (row, key) => median(row.samples.map((s) => s[key]));
  const byN = new Map();
  for (const row of rows) {
    if (!row.failure && row.entry.impl === 'consumer alone') byN.set(row.entry.n, row);
  }
  return table(
    ['implementation', 'N', 'time ÷ consumer alone', 'live heap growth at 1%', 'live heap growth at 50%'],
    rows.map((row) => {
      if (row.failure) return [row.entry.impl, fmt(row.entry.n), `failed: ${row.failure}`, '', ''];
      const base = byN.get(row.entry.n);
      const ratio = base ? (stat(row, 'ms') / stat(base, 'ms')).toFixed(2) : '–';
      return [row.entry.impl, fmt(row.entry.n), ratio, mib(stat(row, 'heap1')), mib(stat(row, 'heap50'))];
    }),
  );
}

/** Items per second, with the ratio to a named baseline row and the live heap at 50% when reported. */
function pairTable(baseline, label = baseline) {
  const baselineOf = typeof baseline === 'function' ? baseline : () => baseline;
  return (rows, median) => {
    const rate = (row) => median(row.samples.map((s) => s.itemsPerSec));
    return table(
      ['implementation', 'N', 'items/s (median)', `ratio to ${label}`, 'live heap at 50%'],
      rows.map((row) => {
        const baseRow = rows.find((r) => r.entry.impl === baselineOf(row.entry.impl) && !r.failure);
        return row.failure
          ? [row.entry.impl, fmt(row.entry.n), `failed: ${row.failure}`, '', '']
          : [row.entry.impl, fmt(row.entry.n), fmt(rate(row)), baseRow ? (rate(row) / rate(baseRow)).toFixed(2) : '–',
            row.samples[0].heap50 === undefined ? '–' : mib(median(row.samples.map((s) => s.heap50)))];
      }),
    );
  };
}

function wallTable(rows, median) {
  return table(['what', 'runs', 'wall time (median)'], rows.map((row) =>
    row.failure ? [row.entry.impl, '', `failed: ${row.failure}`] : [row.entry.impl, String(row.entry.n), `${median(row.samples.map((s) => s.ms)).toFixed(0)} ms`]));
}

export function suites(quick) {
  const big = quick ? 2_000_000 : 10_000_000;
  const small = quick ? 200_000 : 1_000_000;
  const all = [
    {
      id: 'w1',
      title: 'W1 throughput: range → map(x * 2) → filter(x % 3 === 0) → sum',
      file: 'w1-throughput.mjs',
      note: 'Synchronous sources; slow implementations run on a smaller N (items per second stay comparable).',
      entries: Object.keys(w1).map((impl) => ({ impl, n: w1slow.has(impl) ? small : big })),
      render: throughputTable('plain loop'),
    },
    {
      id: 'w2',
      title: 'W2 overload: ~100-byte items produced as fast as possible, a consumer awaiting one setImmediate per item',
      file: 'w2-overload.mjs',
      note: 'The consumer alone is the plain loop. Growth = live heap after a forced GC at that point minus the live heap after a ' +
        'forced GC just before the pipeline was built (in the same process, after a warm-up run that loaded the library). ' +
        'Everything runs at the issue\'s N = 200 k and 1 M except RxJS and @most/core, which run at 100 k (with their own ' +
        'consumer-alone row): they have no backpressure, so every item waits in their concatMap buffer, an array they shift, ' +
        'and time grows quadratically (a 200 k sample of RxJS takes ~17 s).',
      entries: [
        ...[quick ? 5_000 : 100_000].flatMap((n) =>
          Object.keys(w2).filter((impl) => impl === 'consumer alone' || w2unbounded.has(impl)).map((impl) => ({ impl, n }))),
        ...(quick ? [20_000, 100_000] : [200_000, 1_000_000]).flatMap((n) =>
          Object.keys(w2).filter((impl) => !w2unbounded.has(impl)).map((impl) => ({ impl, n }))),
      ],
      na: w2na,
      render: overloadTable,
    },
    {
      id: 'w3',
      title: 'W3 mergeMap / concatMap with asynchronous inners (concurrency 8)',
      file: 'w3-flatten.mjs',
      note: 'Rows above the plain loop (await each) run eight inners at a time, rows from it down one at a time. ' +
        'RxJS and @most/core keep every outer value that waits for a slot in an array they shift, so their time grows ' +
        'quadratically with N. Slow implementations run on a smaller N.',
      entries: Object.keys(w3).map((impl) => ({ impl, n: w3slow.has(impl) ? (quick ? 2_000 : 20_000) : quick ? 20_000 : 300_000 })),
      na: w3na,
      render: pairTable('rxjs mergeMap'),
    },
    {
      id: 'w4',
      title: 'W4 observeOn: range → async boundary → sum',
      file: 'w4-observeon.mjs',
      note: 'RxJS\'s schedulers and Effect\'s buffer run on a much smaller N (RxJS\'s asapScheduler is quadratic in the ' +
        'number of queued actions here); RxJS queues one action per item before the first one runs.',
      entries: Object.keys(w4).map((impl) => ({ impl, n: w4slow.has(impl) ? (quick ? 10_000 : 20_000) : quick ? 100_000 : 1_000_000 })),
      na: w4na,
      render: pairTable('rxjs observeOn(asyncScheduler)'),
    },
    {
      id: 'w5',
      title: 'W5 Node adapter: fromReadable → map → toWritable against Readable → Transform → Writable',
      file: 'w5-node.mjs',
      note: 'Slow implementations run on a smaller N (items per second stay comparable).',
      entries: Object.keys(w5).map((impl) => ({
        impl,
        n: w5slow.has(impl) ? (quick ? 5_000 : 50_000) : impl.includes('bytes') ? (quick ? 20_000 : 200_000) : quick ? 50_000 : 500_000,
      })),
      na: w5na,
      render: pairTable((impl) => (impl.includes('bytes') ? 'Node Transform bytes (16 KiB chunks)' : 'Node Transform objects'), 'the Node Transform pipeline of the same kind'),
    },
    {
      id: 'w6',
      title: 'W6 for await over range → map → filter',
      file: 'w6-forawait.mjs',
      note: 'Slow implementations run on a smaller N (items per second stay comparable).',
      entries: Object.keys(w6).map((impl) => ({ impl, n: w6slow.has(impl) ? (quick ? 10_000 : 100_000) : quick ? 100_000 : 1_000_000 })),
      na: w6na,
      render: pairTable('async generators'),
    },
    {
      id: 'w7',
      title: 'W7 full TCK publisher verification of range (a correct in-memory publisher)',
      file: 'w7-tck.mjs',
      entries: Object.keys(w7).map((impl) => ({ impl, n: 1 })),
      render: wallTable,
    },
    {
      id: 'w8',
      title: 'W8 RSocket requestStream of 16-byte payloads over loopback TCP and WebSocket, against rsocket-js 0.0.27',
      file: 'w8-rsocket.mjs',
      note: 'Server and client in one process; the slow consumer yields one setImmediate per item. See workloads/w8-rsocket.mjs.',
      entries: Object.keys(w8).map((impl) => ({ impl, n: impl.includes('slow') ? (quick ? 100_000 : 1_000_000) : quick ? 200_000 : 1_000_000 })),
      render: w8render,
    },
    {
      id: 'w9-redis',
      title: 'W9 Redis Streams: one consumer-group worker draining a backlog, parse + ack after processing, against a raw ioredis loop',
      file: 'w9-redis.mjs',
      note: 'Each sample starts its own redis-server (loopback, no persistence); publishing the backlog is untimed set-up. ' +
        'Both read COUNT 100 per XREADGROUP and ack every entry after processing it: the raw loop with one XACK per batch, ' +
        'awaited before the next read; sluice with readGroup(maxBatch 100) → forEach(prefetch 200, so that its 75% re-requests cover a full COUNT 100, autoAck(awaitAck: false)), ' +
        'whose acks of one tick share one XACK. Live heap at 50% consumed, in the worker process.',
      entries: Object.keys(w9redis).map((impl) => ({ impl, n: quick ? 50_000 : 500_000 })),
      render: pairTable('raw ioredis XREADGROUP COUNT 100 + XACK loop', 'the raw ioredis loop'),
    },
    {
      id: 'w9-nats',
      title: 'W9 NATS JetStream: one pull-consumer worker draining a backlog, parse + ack after processing, against JetStream consume()',
      file: 'w9-nats.mjs',
      note: 'Each sample starts its own nats-server -js (loopback, temp store dir); publishing the backlog is untimed set-up. ' +
        'All pull batches of 100: consume({ max_messages: 100 }) and pullConsumer(maxBatch 100) → forEach(prefetch 100, ' +
        'autoAck(awaitAck: false)). sluice confirms every ack (+ACK as a request) unless confirmAcks: false; so does the ackAck() row, the ack() row does not. ' +
        'Live heap at 50% consumed, in the worker process.',
      entries: Object.keys(w9nats).map((impl) => ({ impl, n: quick ? 20_000 : 200_000 })),
      render: pairTable('raw JetStream consume({ max_messages: 100 }) + ack()', 'JetStream consume() + ack()'),
    },
  ];
  // An entry may carry `na: 'reason'` instead of being run; it renders as an n/a row with the suite's own `na`.
  return all.map((suite) => ({
    ...suite,
    entries: suite.entries.filter((entry) => !entry.na),
    render: withNa(suite.render, {
      ...suite.na,
      ...Object.fromEntries(suite.entries.filter((entry) => entry.na).map((entry) => [entry.impl, entry.na])),
    }),
  }));
}
