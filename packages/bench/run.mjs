// Runs every workload, each sample in a fresh process, and prints one table per workload.
//   node run.mjs            full run (median of 5 per implementation)
//   node run.mjs --quick    smaller inputs, median of 3
//   node run.mjs --only w1  one workload
// Benchmarks report; they never gate CI.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : null;
const runs = quick ? 3 : 5;
const here = fileURLToPath(new URL('.', import.meta.url));

const suites = (await import('./suites.mjs')).suites(quick);

function sample(file, impl, n, nodeArgs = []) {
  const out = execFileSync(process.execPath, ['--expose-gc', ...nodeArgs, 'lib/sample.mjs', file, impl, String(n)], {
    cwd: here,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 10 * 60_000,
  });
  return JSON.parse(out.trim().split('\n').pop());
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

function versionOf(pkg) {
  try {
    const url = new URL(`./node_modules/${pkg}/package.json`, import.meta.url);
    return JSON.parse(readFileSync(url, 'utf8')).version;
  } catch {
    return '?';
  }
}

console.log(`# sluice benchmarks${quick ? ' (quick)' : ''}`);
console.log(`machine: ${os.cpus()[0]?.model ?? 'unknown'} × ${os.cpus().length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB; ` +
  `node ${process.version}; ${os.platform()} ${os.release()}`);
console.log('peers: ' + ['rxjs', 'rsocket-flowable', '@most/core', 'callbag-basics', 'ix', 'effect'].map((p) => `${p} ${versionOf(p)}`).join(', '));
console.log(`each figure: median of ${runs} runs, each in a fresh process after a warm-up; rounds interleave the implementations\n`);

for (const suite of suites) {
  if (only && !suite.id.startsWith(only)) continue;
  console.log(`## ${suite.title}\n`);
  if (suite.note) console.log(suite.note + '\n');
  // Interleaved: round r samples every implementation once before round r + 1 starts, so a machine that speeds up
  // or slows down during the run (a shared VM does) moves every row alike and the ratios stay honest.
  const rows = suite.entries.map((entry) => ({ entry, samples: [], failure: null }));
  for (let r = 0; r < runs; r++) {
    for (const row of rows) {
      if (row.failure !== null) continue;
      try {
        row.samples.push(sample(suite.file, row.entry.impl, row.entry.n, row.entry.nodeArgs));
      } catch (error) {
        row.failure = String(error.stderr || error.message).split('\n').find((l) => l.trim()) ?? 'failed';
      }
    }
  }
  console.log(suite.render(rows, median));
  console.log();
}
