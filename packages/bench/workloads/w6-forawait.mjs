// W6 for await: range → map → filter consumed with `for await`, sluice (toAsyncIterable with prefetch) against
// a native async generator pipeline and IxJS's async iterables.
const double = (x) => x * 2;
const keep = (x) => x % 3 === 0;
export const expected = (n) => {
  let sum = 0;
  for (let i = 0; i < n; i++) { const x = double(i); if (keep(x)) sum += x; }
  return sum;
};

export const impls = {
  'sluice for await (prefetch 256)': async (n) => {
    const { range, map, filter, toAsyncIterable } = await import('@sluice/core');
    let sum = 0;
    for await (const x of toAsyncIterable(range(0, n).pipe(map(double), filter(keep)), { prefetch: 256 })) sum += x;
    return sum;
  },
  'async generators': async (n) => {
    async function* numbers() { for (let i = 0; i < n; i++) yield i; }
    async function* mapped(source) { for await (const x of source) yield double(x); }
    async function* filtered(source) { for await (const x of source) if (keep(x)) yield x; }
    let sum = 0;
    for await (const x of filtered(mapped(numbers()))) sum += x;
    return sum;
  },
  'IxJS async': async (n) => {
    const { range } = await import('ix/Ix.asynciterable');
    const { map, filter } = await import('ix/Ix.asynciterable.operators');
    let sum = 0;
    for await (const x of range(0, n).pipe(map(double), filter(keep))) sum += x;
    return sum;
  },
};
