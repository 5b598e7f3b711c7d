/**
 * Reference-release probes for §3.13 tests (vitest runs with --expose-gc): keep only a WeakRef to the subscriber,
 * collect, and check that nothing else held it.
 */
const gc = (globalThis as { gc?: () => void }).gc;

export async function collectGarbage(): Promise<void> {
  if (gc === undefined) throw new Error('reference-release tests need node --expose-gc (set in vitest.config.ts)');
  for (let i = 0; i < 3; i++) {
    await new Promise((resolve) => setImmediate(resolve)); // WeakRef targets survive until the job ends
    gc();
  }
}

export async function isCollected(ref: WeakRef<object>): Promise<boolean> {
  await collectGarbage();
  return ref.deref() === undefined;
}
