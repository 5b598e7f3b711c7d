// An HTTP ingress that sheds load instead of drowning in it, next to the naive version that drowns.
//
// The sluice server:
//   - the request handler offers each job to a bounded queue (`createQueue`) and learns at once whether it was
//     accepted; when the queue is full it answers 429 with a Retry-After header (the load-shedding decision);
//   - each job carries an AbortSignal: a client that hangs up withdraws its job from the queue ('aborted');
//   - the queue has an age budget (`maxAge`): a job that waited too long is dropped as 'expired' and answered 504,
//     never processed late;
//   - a worker pool (`mergeMap` with `concurrency`) runs the jobs; each job gets an AbortSignal that fires when the
//     pool cancels it, and `onJobError` keeps one failed job from killing the pool;
//   - GET /metrics gives the counters and the heap in the Prometheus text format.
// The load generator offers 2× what the workers can do, with jittered retries that honour Retry-After and share one
// retry budget (`retryBudget`: at most 10% extra attempts plus a small floor), so retries cannot multiply the
// overload.
//
// The naive server pushes every job onto an unbounded array that the same number of workers drains: it never says
// no, so the queue, the latency and the heap grow for as long as the overload lasts.
//
// Each server runs in its own child process (so the heap numbers are its own); everything is on 127.0.0.1.
//
//   node examples/ingress.mjs                    3 s per run
//   node examples/ingress.mjs --duration 1000    shorter runs
//
// The last line is a JSON summary (`RESULT {...}`) that examples/test/ingress.test.ts checks.
import { fork } from 'node:child_process';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { createQueue, defer, firstValue, from, mergeMap, retry, retryBudget } from '@sluice/core';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : fallback;
};
const DURATION_MS = Number(option('duration', 3_000));
const WORKERS = 4; // jobs processed at once
const SERVICE_MS = 25; // each job's work: the pool does WORKERS × 1000 / SERVICE_MS = 160 jobs/s
const CAPACITY_PER_S = (WORKERS * 1000) / SERVICE_MS;
const OFFERED_PER_S = 2 * CAPACITY_PER_S; // the load: 2× capacity
const QUEUE = 24; // jobs waiting at most (≈ 150 ms of work)
const MAX_AGE_MS = 250; // a job that waited longer is answered 504, never processed
const LATENCY_BUDGET_MS = MAX_AGE_MS + SERVICE_MS; // what an accepted job may take at most, plus HTTP overhead
const BODY = 'x'.repeat(4 * 1024); // each job's payload (a POSTed document), held while the job waits
const CLIENT_TIMEOUT_MS = 1_500;

// ---- the servers -----------------------------------------------------------------------------------------------

async function serve(mode) {
  const stats = {
    mode, accepted: 0, shed: 0, expired: 0, aborted: 0, processed: 0, failed: 0, late: 0, inFlight: 0, maxDepth: 0,
    heapStart: 0, heapPeak: 0,
  };
  const latencies = []; // ms from enqueue to the 200 response, per processed job (at most MAX_SAMPLES kept)
  const MAX_SAMPLES = 100_000;
  const reply = (job, status, headers = {}) => {
    if (!job.res.headersSent && !job.res.destroyed) job.res.writeHead(status, headers).end(status === 200 ? 'done' : '');
  };

  /** The job's work: SERVICE_MS of waiting, abandoned (and the job failed) if its client or the pool cancels it. */
  const work = (job, poolSignal) => new Promise((resolve, reject) => {
    if (Date.now() - job.arrived > MAX_AGE_MS) stats.late++; // started past its age budget
    stats.inFlight++;
    const done = (error) => {
      clearTimeout(timer);
      job.signal.removeEventListener('abort', abort);
      poolSignal?.removeEventListener('abort', abort);
      stats.inFlight--;
      if (error) reject(error);
      else resolve();
    };
    const abort = () => done(new Error('cancelled while running'));
    const timer = setTimeout(() => {
      stats.processed++;
      if (latencies.length < MAX_SAMPLES) latencies.push(Date.now() - job.arrived);
      reply(job, 200);
      done(null);
    }, SERVICE_MS);
    if (mode === 'sluice') job.signal.addEventListener('abort', abort, { once: true });
    poolSignal?.addEventListener('abort', abort, { once: true });
  });

  let offer;
  let depth;
  if (mode === 'sluice') {
    const queue = createQueue({
      capacity: QUEUE,
      maxAge: MAX_AGE_MS,
      onDrop: (job, reason) => {
        if (reason === 'expired') {
          stats.expired++;
          reply(job, 504);
        } else if (reason === 'aborted') {
          stats.aborted++; // the client is gone: nobody to answer
        }
      },
    });
    queue.flow
      .pipe(mergeMap((job, _index, signal) => from(work(job, signal)), { concurrency: WORKERS, onJobError: () => stats.failed++ }))
      .subscribe({ onSubscribe: (s) => s.request(Infinity), onNext: () => {}, onError: (e) => console.error('pool failed', e), onComplete: () => {} });
    offer = (job) => {
      const outcome = queue.offer(job, { signal: job.signal });
      if (outcome === 'accepted') {
        stats.accepted++;
      } else {
        stats.shed++;
        reply(job, 429, { 'retry-after': '1' }); // seconds, as HTTP says
      }
    };
    depth = () => queue.size;
  } else {
    // The naive queue: an array that only grows (a head index instead of shift(), which would be O(n) per job).
    const backlog = [];
    let head = 0;
    let busy = 0;
    const pump = () => {
      while (busy < WORKERS && head < backlog.length) {
        const job = backlog[head];
        backlog[head++] = undefined;
        busy++;
        work(job, null).catch(() => stats.failed++).finally(() => { busy--; pump(); });
      }
    };
    offer = (job) => {
      backlog.push(job);
      stats.accepted++;
      pump();
    };
    depth = () => backlog.length - head;
  }

  const metrics = () => [
    `# TYPE ingress_jobs_total counter`,
    ...['accepted', 'shed', 'expired', 'aborted', 'processed', 'failed', 'late'].map((k) => `ingress_jobs_total{outcome="${k}"} ${stats[k]}`),
    `# TYPE ingress_queue_depth gauge`, `ingress_queue_depth ${depth()}`,
    `# TYPE ingress_queue_depth_max gauge`, `ingress_queue_depth_max ${stats.maxDepth}`,
    `# TYPE ingress_heap_used_bytes gauge`, `ingress_heap_used_bytes ${process.memoryUsage().heapUsed}`,
    '',
  ].join('\n');

  const server = http.createServer((req, res) => {
    if (req.url === '/metrics') {
      req.resume();
      return res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(metrics());
    }
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      const arrived = Date.now(); // enqueue time: the queue's age budget counts from here (on the same clock)
      const controller = new AbortController();
      res.on('close', () => { if (!res.writableEnded) controller.abort(); }); // the client hung up first
      offer({ res, signal: controller.signal, arrived, body: Buffer.concat(chunks).toString() });
      stats.maxDepth = Math.max(stats.maxDepth, depth());
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  // the live heap: heapUsed right after a full GC (the child runs with --expose-gc), so garbage does not count
  const liveHeap = () => { globalThis.gc?.(); return process.memoryUsage().heapUsed; };
  stats.heapStart = liveHeap();
  const sampler = setInterval(() => { stats.heapPeak = Math.max(stats.heapPeak, liveHeap()); }, 200);
  process.send({ port: server.address().port });
  process.on('disconnect', () => process.exit(0)); // the parent is gone: never outlive it
  process.on('message', (message) => {
    if (message !== 'stop') return;
    clearInterval(sampler);
    const p50 = percentile(latencies, 50);
    const p99 = percentile(latencies, 99);
    process.send({ stats: { ...stats, depthAtEnd: depth(), p50, p99 } }, () => process.exit(0));
  });
}

// ---- the load generator ----------------------------------------------------------------------------------------

class HttpError extends Error {
  constructor(status, retryAfter) {
    super(`HTTP ${status}`);
    this.status = status;
    const seconds = Number(retryAfter);
    if (retryAfter !== undefined && Number.isFinite(seconds)) this.retryAfterMs = seconds * 1000; // read by retry()
  }
}

async function load(port) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1024 });
  const budget = retryBudget({ ratio: 0.1, minRetries: 5, windowMs: 1_000 });
  const counts = { requests: 0, attempts: 0, ok: 0, shed: 0, expired: 0, failed: 0, latencies: [] };

  /** One HTTP attempt: resolves on 200, rejects with an HttpError (carrying Retry-After) otherwise. */
  const attempt = () => new Promise((resolve, reject) => {
    counts.attempts++;
    const started = performance.now();
    const req = http.request({ method: 'POST', host: '127.0.0.1', port, path: '/job', agent, timeout: CLIENT_TIMEOUT_MS }, (res) => {
      res.resume();
      res.on('end', () => {
        if (res.statusCode === 200) resolve(performance.now() - started);
        else reject(new HttpError(res.statusCode, res.headers['retry-after']));
      });
    });
    req.on('timeout', () => req.destroy(new Error('client timeout')));
    req.on('error', reject);
    req.end(BODY);
  });

  /** A request with up to 3 jittered retries of 429s, honouring Retry-After, within the shared budget. */
  const request = () => {
    counts.requests++;
    const call = defer(() => from(attempt())).pipe(retry({
      count: 3, backoff: { initialMs: 100, maxMs: 2_000, jitter: 0.5 }, budget,
      when: (error) => error instanceof HttpError && error.status === 429,
    }));
    return firstValue(call).then(
      (latency) => { counts.ok++; counts.latencies.push(latency); },
      (error) => {
        if (error.status === 429) counts.shed++;
        else if (error.status === 504) counts.expired++;
        else counts.failed++;
      },
    );
  };

  // Open-loop arrivals: the offered rate does not slow down when the server does (as real clients do not).
  const pending = [];
  const started = performance.now();
  let sent = 0;
  await new Promise((resolve) => {
    const tick = setInterval(() => {
      const due = Math.min(Math.floor(((performance.now() - started) / 1000) * OFFERED_PER_S), (DURATION_MS / 1000) * OFFERED_PER_S);
      while (sent < due) { sent++; pending.push(request()); }
      if (performance.now() - started >= DURATION_MS) { clearInterval(tick); resolve(); }
    }, 5);
  });
  await Promise.all(pending); // bounded: each attempt times out, and the retries are few and budgeted
  agent.destroy();
  counts.budget = budget.inspect();
  return counts;
}

// ---- the two runs, side by side --------------------------------------------------------------------------------

function startServer(mode) {
  const child = fork(fileURLToPath(import.meta.url), ['--role', 'server', '--mode', mode], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: ['--expose-gc'] });
  const port = new Promise((resolve, reject) => {
    child.once('message', (m) => resolve(m.port));
    child.once('exit', (code) => reject(new Error(`the ${mode} server exited with ${code}`)));
  });
  const stop = () => new Promise((resolve) => {
    child.on('message', (m) => { if (m.stats) resolve(m.stats); });
    child.send('stop');
  });
  return { port, stop, child };
}

const percentile = (values, p) => {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]);
};

async function runOnce(mode) {
  const server = startServer(mode);
  try {
    const port = await server.port;
    const counts = await load(port);
    const scrape = await fetch(`http://127.0.0.1:${port}/metrics`).then((r) => r.text());
    const stats = await server.stop();
    const seconds = DURATION_MS / 1000;
    return {
      mode,
      requestsPerS: Math.round(counts.requests / seconds),
      attemptsPerS: Math.round(counts.attempts / seconds),
      requests: counts.requests, attempts: counts.attempts, retried: counts.attempts - counts.requests,
      ok: counts.ok, shedFinal: counts.shed, expiredFinal: counts.expired, failedFinal: counts.failed,
      p50: percentile(counts.latencies, 50), p99: percentile(counts.latencies, 99),
      budgetRefused: counts.budget.refused,
      server: stats,
      heapGrowthMb: Math.round(((stats.heapPeak - stats.heapStart) / 1024 / 1024) * 10) / 10,
      metricsScraped: scrape.includes('ingress_jobs_total{outcome="accepted"}'),
    };
  } finally {
    server.child.kill();
  }
}

async function main() {
  console.log(`pool: ${WORKERS} workers × ${SERVICE_MS} ms = ${CAPACITY_PER_S} jobs/s; offered ${OFFERED_PER_S} requests/s for ${DURATION_MS} ms`);
  console.log(`sluice: queue ${QUEUE}, age budget ${MAX_AGE_MS} ms, 429 + Retry-After when full, retries budgeted at 10% + 5/s`);
  const runs = [await runOnce('sluice'), await runOnce('naive')];
  const row = (label, f) => console.log(`${label.padEnd(44)}${runs.map((r) => String(f(r)).padStart(16)).join('')}`);
  row('', (r) => r.mode);
  row('requests/s offered', (r) => r.requestsPerS);
  row('attempts/s (with retries)', (r) => r.attemptsPerS);
  row('accepted by the server', (r) => r.server.accepted);
  row('shed with 429', (r) => r.server.shed);
  row('expired in the queue (504)', (r) => r.server.expired);
  row('withdrawn by clients (aborted)', (r) => r.server.aborted);
  row('retried (refused by the budget)', (r) => `${r.retried} (${r.budgetRefused})`);
  row('processed', (r) => r.server.processed);
  row('started past the age budget', (r) => r.server.late);
  row('deepest queue', (r) => r.server.maxDepth);
  row(`accepted-job latency p50/p99 ms (budget ${LATENCY_BUDGET_MS})`, (r) => `${r.server.p50}/${r.server.p99}`);
  row('  the same, seen by the clients', (r) => `${r.p50}/${r.p99}`);
  row('client timeouts and errors', (r) => r.failedFinal);
  row('server heap growth MB', (r) => r.heapGrowthMb);
  console.log(`RESULT ${JSON.stringify({ queue: QUEUE, maxAgeMs: MAX_AGE_MS, serviceMs: SERVICE_MS, latencyBudgetMs: LATENCY_BUDGET_MS, runs })}`);
}

if (option('role', 'main') === 'server') await serve(option('mode', 'sluice'));
else await main();
