// One measurement in a fresh process: node lib/sample.mjs <workload-file> <impl> <n>. Prints one JSON line.
import { performance } from 'node:perf_hooks';
import { probe } from './probe.mjs';

const [, , workloadFile, implName, nArg] = process.argv;
const n = Number(nArg);
const workload = await import(new URL(`../workloads/${workloadFile}`, import.meta.url));
const impl = workload.impls[implName];
if (!impl) throw new Error(`unknown impl ${implName} in ${workloadFile}`);

// Warm up on a tenth of the input (JIT), then measure.
await impl(Math.max(1, Math.floor(n / 10)), { warmup: true });
// Let the warm-up's job end first (objects a WeakRef touched stay alive until then), so the GC below starts clean.
await new Promise((resolve) => setImmediate(resolve));
globalThis.gc?.();
probe.ms = 0;
const start = performance.now();
const result = await impl(n, { warmup: false });
const ms = performance.now() - start - probe.ms; // the heap probes' forced GCs are not the workload's time
const value = typeof result === 'object' && result !== null && 'value' in result ? result.value : result;
if (workload.expected && value !== workload.expected(n)) {
  throw new Error(`${implName}: wrong result ${value}, expected ${workload.expected(n)}`);
}
const extra = typeof result === 'object' && result !== null ? result : {};
process.stdout.write(JSON.stringify({ impl: implName, n, ms, itemsPerSec: (n / ms) * 1000, ...extra }) + '\n');
