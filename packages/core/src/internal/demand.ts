/**
 * Demand arithmetic (§3.17). JavaScript cannot represent the JVM's Long.MAX_VALUE, so the single unbounded
 * sentinel is `Infinity`: `Infinity - k === Infinity`, so emit loops can decrement without a special case, and
 * any request or sum at or above `Number.MAX_SAFE_INTEGER` saturates to it instead of losing precision.
 */
export const UNBOUNDED = Infinity;

/** A positive integer, or `Infinity`. Everything else is a §3.9 violation (checked as `!(n > 0)` so NaN fails). */
export function isValidRequest(n: unknown): n is number {
  return typeof n === 'number' && n > 0 && (n === UNBOUNDED || Number.isInteger(n));
}

/** Adds `n` to `current`, saturating at UNBOUNDED (§3.17: cumulative demand never overflows). */
export function addDemand(current: number, n: number): number {
  const sum = current + n;
  return sum >= Number.MAX_SAFE_INTEGER ? UNBOUNDED : sum;
}

/** Subtracts `k` delivered items from `current`; unbounded stays unbounded. */
export function produced(current: number, k: number): number {
  return current === UNBOUNDED ? UNBOUNDED : current - k;
}

/**
 * The replenish threshold for a prefetch (Reactor's 75% rule): request more once this many were consumed. Exact for
 * every positive safe integer: `prefetch - floor(prefetch / 4)`, always in `[1, prefetch]` (a 32-bit shift would
 * wrap at 2^31 and return more than the prefetch, so a consumer never replenished).
 */
export function replenishAt(prefetch: number): number {
  if (prefetch === UNBOUNDED) return UNBOUNDED;
  return prefetch - Math.floor(prefetch / 4);
}

/** Validates a user-supplied bound (capacity, prefetch, concurrency) eagerly, at assembly time. */
export function requirePositiveBound(name: string, value: unknown, allowUnbounded = false): number {
  if (typeof value === 'number' && value >= Number.MAX_SAFE_INTEGER && allowUnbounded) return UNBOUNDED;
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new RangeError(`${name} must be a positive integer${allowUnbounded ? ' or Infinity' : ''}, got ${describeValue(value)}`);
  }
  return value;
}

export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'number' && Object.is(value, -0)) return '-0';
  return String(value);
}
