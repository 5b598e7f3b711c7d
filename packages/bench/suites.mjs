// The workloads: which implementations run, on what input, and how each table is rendered.
import { impls as w1, slow as w1slow } from './workloads/w1-throughput.mjs';

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
  ];
  return all;
}
