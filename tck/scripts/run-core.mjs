// `pnpm tck`: runs the publisher verification over every @sluice/core source and operator (the built packages) and
// prints one table per publisher plus an overall summary. Exit code 1 if any required test failed.
//
// Usage: node tck/scripts/run-core.mjs [--only 1.9,3.9] [name ...]
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, resolve } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));

// §3.13 needs gc(): re-execute once with --expose-gc, like the CLI does.
if (typeof globalThis.gc !== 'function' && process.env.SLUICE_TCK_REEXEC !== '1') {
  const child = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, SLUICE_TCK_REEXEC: '1' },
  });
  process.exit(child.status ?? 1);
}

const core = await import(pathToFileURL(resolve(here, '../../packages/core/dist/index.js')).href);
const tck = await import(pathToFileURL(resolve(here, '../dist/index.js')).href);
const { corePublishers, coreProcessors, exportedFactoryNames } = await import('./core-publishers.mjs');

const args = process.argv.slice(2);
let only;
const names = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--only') only = args[++i].split(',');
  else names.push(args[i]);
}

const colour = process.stdout.isTTY === true && !process.env.NO_COLOR;
const table = corePublishers(core);
const indexSource = readFileSync(resolve(here, '../../packages/core/src/index.ts'), 'utf8');
const uncovered = exportedFactoryNames(indexSource).filter((name) => !(name in table));
const selected = Object.entries(table).filter(([name]) => names.length === 0 || names.includes(name));

const totals = { passed: 0, failed: 0, skipped: 0 };
const failing = [];
for (const [name, spec] of selected) {
  const { only: specOnly, ...options } = spec;
  const report = await tck.verifyPublisher({ ...options, only: only ?? specOnly });
  process.stdout.write(`\n=== ${name} ===\n${tck.formatTable(report, colour)}\n`);
  for (const key of Object.keys(totals)) totals[key] += report.summary[key];
  for (const r of report.results) if (r.status === 'failed') failing.push(`${name}: ${r.id}`);
}

const processors = Object.entries(coreProcessors(core)).filter(([name]) => names.length === 0 || names.includes(name));
for (const [name, options] of processors) {
  const report = await tck.verifyProcessor({ ...options, only });
  process.stdout.write(`\n=== ${name} (identity processor verification) ===\n${tck.formatTable(report, colour)}\n`);
  for (const key of Object.keys(totals)) totals[key] += report.summary[key];
  for (const r of report.results) if (r.status === 'failed') failing.push(`${name}: ${r.id}`);
}

process.stdout.write(`\n${selected.length} publishers and ${processors.length} processors: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped\n`);
if (failing.length > 0) process.stdout.write(`failed:\n${failing.map((f) => `  ${f}`).join('\n')}\n`);
if (uncovered.length > 0) process.stdout.write(`not covered by the table in tck/scripts/core-publishers.mjs: ${uncovered.join(', ')}\n`);
process.exitCode = failing.length > 0 ? 1 : 0;
