// The live-heap probe the workloads share. Its forced GCs are instrumentation, not workload: the time they take is
// summed here and lib/sample.mjs subtracts it from the measured run, so a library with a larger heap (whose full
// GC takes longer) is not charged for being measured.
import { performance } from 'node:perf_hooks';

export const probe = { ms: 0 };

/** Live heap in bytes after two full GCs (the second collects what the first only unlinked). */
export function liveHeap() {
  const start = performance.now();
  globalThis.gc?.();
  globalThis.gc?.();
  const used = process.memoryUsage().heapUsed;
  probe.ms += performance.now() - start;
  return used;
}
