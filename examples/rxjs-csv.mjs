// rxjs-csv: a large CSV read line by line, each row mapped by an asynchronous RxJS step with bounded concurrency,
// with memory that stays flat however large the file is.
//
//   pnpm build && node examples/rxjs-csv.mjs [rows] [--naive]        (default 1,000,000 rows, about 40 MB)
//
// This is the case RxJS users keep reporting (ReactiveX/rxjs#4610): lines pushed from `readline` into
// `mergeMap(fn, 8)` still pile up, because the concurrency cap only limits the inners, and the lines that wait for a
// slot go into an unbounded array while the file keeps being read. Here the file is read only as fast as rows are
// processed, in two styles:
//
//   A. sluice pipeline with an RxJS stage inside (viaRx):
//        file ─fromReadable─▶ lines ─viaRx(mergeMap(enrich, 8))─▶ forEach
//   B. RxJS pipeline fed by sluice (toObservable + backpressure):
//        file ─fromReadable─▶ lines ─toObservable─▶ backpressure(enrich, { concurrency: 8 }) ─▶ reduce
//
// In both, demand travels back to the file: when no row slot is free, no line is requested, the line splitter's
// object buffer (64 lines) fills, Node stops reading the file. `--naive` adds the classic RxJS version
// (fromEvent(readline, 'line') + mergeMap(enrich, 8)) for comparison: its heap grows with the file, and it is far
// slower (try it with 200000 rows).
//
// Measured on Node 20.20.2 (heap in use, sampled every 5 ms and every 16,384 rows):
//   200,000 rows (5.9 MiB):  A 19.3 MiB peak, B 21.8 MiB peak, naive 35.3 MiB peak (60 s)
//   2,000,000 rows (61 MiB): A 21.8 MiB peak, B 20.7 MiB peak: flat, ten times the file, same heap.
//
// The CSV is generated into os.tmpdir() (no large file in the repository) and deleted at the end.

import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { Transform } from 'node:stream';
import { forEach, skip } from '@sluice/core';
import { fromReadable } from '@sluice/node';
import { backpressure, toObservable, viaRx } from '@sluice/rxjs';
import { fromEvent, lastValueFrom, mergeMap, reduce, takeUntil } from 'rxjs';

const rows = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 1_000_000);
const naive = process.argv.includes('--naive');
const CONCURRENCY = 8;

// ---- the input: a generated CSV in the temp directory ---------------------------------------------------------------
const file = path.join(os.tmpdir(), `sluice-rxjs-csv-${process.pid}.csv`);

async function writeCsv() {
  const out = fs.createWriteStream(file);
  out.write('id,customer,amount,currency\n');
  const currencies = ['EUR', 'USD', 'GBP', 'JPY'];
  for (let i = 0; i < rows; i++) {
    const line = `${i},customer-${(i * 7919) % 100_000},${((i * 37) % 10_000) / 100},${currencies[i % 4]}\n`;
    // Respect the file stream's own backpressure while generating, too.
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

// ---- lines: an object-mode Transform with a small buffer, read by sluice only on demand -----------------------------
class LineSplitter extends Transform {
  constructor() {
    super({ readableObjectMode: true, readableHighWaterMark: 64 });
    this.rest = '';
  }
  _transform(chunk, _encoding, callback) {
    const parts = (this.rest + chunk.toString('utf8')).split('\n');
    this.rest = parts.pop();
    for (const line of parts) if (line !== '') this.push(line);
    callback();
  }
  _flush(callback) {
    if (this.rest !== '') this.push(this.rest);
    callback();
  }
}

const lines = () => fromReadable(fs.createReadStream(file, { highWaterMark: 64 * 1024 }).pipe(new LineSplitter()));

// ---- the asynchronous step: parse a row and "look up" an exchange rate ---------------------------------------------
const RATES = { EUR: 1, USD: 0.92, GBP: 1.17, JPY: 0.0061 };
async function enrich(line) {
  const [id, customer, amount, currency] = line.split(',');
  await new Promise((resolve) => setImmediate(resolve)); // stands for an I/O call (a database, an HTTP service)
  return { id: Number(id), customer, eur: Number(amount) * RATES[currency] };
}

// ---- memory sampling ----------------------------------------------------------------------------------------------
function measure() {
  globalThis.gc?.();
  const baseline = process.memoryUsage().heapUsed;
  let peak = baseline;
  const sample = () => { peak = Math.max(peak, process.memoryUsage().heapUsed); };
  const timer = setInterval(sample, 5);
  return {
    sample,
    stop() {
      clearInterval(timer);
      sample();
      return { baseline, peak };
    },
  };
}

const mib = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

async function run(name, body) {
  const m = measure();
  const started = Date.now();
  const { count, total } = await body(m.sample);
  const { baseline, peak } = m.stop();
  console.log(
    `${name.padEnd(44)} ${String(count).padStart(9)} rows  total ${total.toFixed(2).padStart(14)} EUR  ` +
      `peak heap ${mib(peak).padStart(10)} (+${mib(peak - baseline)} over baseline)  ${Date.now() - started} ms`,
  );
}

// ---- A: an RxJS stage inside a sluice pipeline ----------------------------------------------------------------------
async function sluiceWithRxStage(sample) {
  let count = 0;
  let total = 0;
  const enriched = lines().pipe(
    skip(1), // the header
    // mergeMap runs up to 8 lookups at once; maxPending keeps at most 16 lines inside it (8 running + 8 waiting).
    viaRx(mergeMap(enrich, CONCURRENCY), { maxPending: 2 * CONCURRENCY, capacity: 64 }),
  );
  await forEach(enriched, (row) => {
    count++;
    total += row.eur;
    if ((count & 0x3fff) === 0) sample();
  });
  return { count, total };
}

// ---- B: an RxJS pipeline pulling a sluice source ----------------------------------------------------------------
async function rxjsPullingSluice(sample) {
  return lastValueFrom(
    toObservable(lines().pipe(skip(1))).pipe(
      // The Flow behind toObservable is pulled directly: 8 lines first, then one per finished lookup.
      backpressure(enrich, { concurrency: CONCURRENCY }),
      reduce((acc, row) => {
        acc.count++;
        acc.total += row.eur;
        if ((acc.count & 0x3fff) === 0) sample();
        return acc;
      }, { count: 0, total: 0 }),
    ),
  );
}

// ---- the usual RxJS version, for comparison (--naive) ----------------------------------------------------------------
async function naiveRxjs(sample) {
  const rl = readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity });
  let header = true;
  return lastValueFrom(
    fromEvent(rl, 'line').pipe(
      takeUntil(fromEvent(rl, 'close')),
      mergeMap((line) => (header ? ((header = false), []) : enrich(line)), CONCURRENCY),
      reduce((acc, row) => {
        acc.count++;
        acc.total += row.eur;
        if ((acc.count & 0x3fff) === 0) sample();
        return acc;
      }, { count: 0, total: 0 }),
    ),
  );
}

try {
  await writeCsv();
  console.log(`${rows.toLocaleString('en')} rows, ${mib(fs.statSync(file).size)} of CSV in ${file}; node ${process.version}`);
  await run('A. sluice + viaRx(mergeMap(enrich, 8))', sluiceWithRxStage);
  await run('B. toObservable + backpressure(enrich, 8)', rxjsPullingSluice);
  if (naive) await run('naive: fromEvent(readline) + mergeMap(enrich, 8)', naiveRxjs);
} finally {
  fs.rmSync(file, { force: true });
}
