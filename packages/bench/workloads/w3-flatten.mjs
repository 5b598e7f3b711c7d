// W3 mergeMap/concatMap with asynchronous inners (each inner resolves one promise) and bounded concurrency.
// Reports throughput and the live heap at the end of the run (bounded: it should not grow with N).
const CONCURRENCY = 8;
const inner = (x) => Promise.resolve(x * 2);

export const expected = (n) => n * (n - 1);

const heap = () => {
  globalThis.gc?.();
  return process.memoryUsage().heapUsed;
};

export const impls = {
  'sluice mergeMap': async (n) => {
    const { range, mergeMap, from, lastValue, reduce } = await import('@sluice/core');
    let peak = 0;
    const value = await lastValue(range(0, n).pipe(
      mergeMap((x) => from(inner(x)), { concurrency: CONCURRENCY }),
      reduce((acc, x, i) => { if (i === n >> 1) peak = heap(); return acc + x; }, 0),
    ));
    return { value, heap50: peak };
  },
  'rxjs mergeMap': async (n) => {
    const { range, from, lastValueFrom } = await import('rxjs');
    const { mergeMap, reduce } = await import('rxjs/operators');
    let peak = 0;
    const value = await lastValueFrom(range(0, n).pipe(
      mergeMap((x) => from(inner(x)), CONCURRENCY),
      reduce((acc, x, i) => { if (i === n >> 1) peak = heap(); return acc + x; }, 0),
    ));
    return { value, heap50: peak };
  },
  'sluice concatMap': async (n) => {
    const { range, concatMap, from, lastValue, reduce } = await import('@sluice/core');
    let peak = 0;
    const value = await lastValue(range(0, n).pipe(
      concatMap((x) => from(inner(x))),
      reduce((acc, x, i) => { if (i === n >> 1) peak = heap(); return acc + x; }, 0),
    ));
    return { value, heap50: peak };
  },
  'rxjs concatMap': async (n) => {
    const { range, from, lastValueFrom } = await import('rxjs');
    const { concatMap, reduce } = await import('rxjs/operators');
    let peak = 0;
    const value = await lastValueFrom(range(0, n).pipe(
      concatMap((x) => from(inner(x))),
      reduce((acc, x, i) => { if (i === n >> 1) peak = heap(); return acc + x; }, 0),
    ));
    return { value, heap50: peak };
  },
};
