// Runs the sluice TCK against a real third-party publisher installed from npm: rsocket-flowable's Flowable.
//
//   node examples/tck-third-party.mjs [--json <file>]
//
// The TCK is a plain CLI (`sluice-tck publisher <module>`), so this example only points it at an adapter module
// (tck-rsocket-adapter.mjs) that exports `createPublisher(n)`, `createFailedPublisher()` and
// `maxElementsFromPublisher`. It then reads the JSON report and says, honestly, what passes and what fails.
//
// Expect failures: Flowable's subscriber wrapper *throws* (an invariant) on request(0), request(-1), request(NaN)...
// where the Reactive Streams rules want onError(RangeError) (§3.9) and a request that returns normally (§3.16);
// Flowable.just is a simple synchronous loop without a re-entrancy guard (§3.3); Flowable.error signals only after
// a request (§1.4/§1.9 want the rejection without one); and subscribe(null) does not throw (§1.9). (Flowable.just also
// calls onComplete again on later requests, but Flowable's own subscriber wrapper swallows those with a
// "Flowable: Invalid call to onComplete()" warning, so §1.7 passes.) A TCK finds all this in seconds.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

// The CLI is the `bin` of @sluice/tck (dist/cli.js once built: `pnpm build` or `pnpm --filter @sluice/tck build`).
const cli = resolve(dirname(require.resolve('@sluice/tck/package.json')), 'dist/cli.js');
const args = process.argv.slice(2);
const jsonIndex = args.indexOf('--json');
const jsonFile = jsonIndex >= 0 ? resolve(args[jsonIndex + 1]) : join(mkdtempSync(join(tmpdir(), 'sluice-tck-')), 'rsocket.json');

// 1. Run the verification exactly as a library author would from a terminal.
const run = spawnSync(process.execPath, [cli, 'publisher', join(here, 'tck-rsocket-adapter.mjs'), '--json', jsonFile], {
  stdio: ['ignore', 'inherit', 'inherit'],
});
if (run.status === 2 || run.error) {
  console.error(`the TCK could not run (exit ${run.status}); is @sluice/tck built?`);
  process.exit(2);
}

// 2. Read the machine-readable report and summarise it per rule.
const report = JSON.parse(readFileSync(jsonFile, 'utf8'));
const failedRules = [...new Set(report.results.filter((r) => r.status === 'failed').map((r) => `§${r.rule}`))];
console.log(`\nrsocket-flowable@0.0.27 Flowable: ${report.summary.passed} passed, ${report.summary.failed} failed, ${report.summary.skipped} skipped`);
console.log(failedRules.length > 0 ? `rules with failing tests: ${failedRules.join(', ')}` : 'no failing rule');
console.log(`JSON report: ${jsonFile}`);
// The example succeeds when the TCK ran; the TCK's own exit code (1) reflects rsocket's failures.
process.exitCode = 0;
