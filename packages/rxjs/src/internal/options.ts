import { requireOverflowStrategy, requirePositiveBound, type OverflowStrategy } from '@sluice/core';

/**
 * The overflow policies an Observable boundary can apply. 'block' is not among them: an Observable cannot be asked
 * to wait, so past `capacity` something must give.
 */
export type ObservableOverflow = Exclude<OverflowStrategy, 'block'>;

export const OBSERVABLE_OVERFLOWS: readonly OverflowStrategy[] = ['error', 'drop-newest', 'drop-oldest', 'latest'];

export function requireObservableOverflow(stage: string, value: unknown): ObservableOverflow {
  return requireOverflowStrategy(stage, value, OBSERVABLE_OVERFLOWS) as ObservableOverflow;
}

export function requireOnDrop<T>(stage: string, value: unknown): ((item: T) => void) | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'function') throw new TypeError(`${stage}: onDrop must be a function, got ${typeof value}`);
  return value as (item: T) => void;
}

export function requireOptions(stage: string, value: unknown): void {
  if (value !== undefined && (value === null || typeof value !== 'object')) {
    throw new TypeError(`${stage}: options must be an object, got ${String(value)}`);
  }
}

/** The default bound of every buffer in this package (Reactor's SMALL_BUFFER_SIZE). */
export const DEFAULT_CAPACITY = 256;

/**
 * The buffer bound of an Observable boundary, with core's rule for 'latest' (create, onBackpressureBuffer, fromEvent):
 * 'latest' keeps only the newest waiting item, so it takes capacity 1 (its default); a larger capacity used to keep
 * the oldest `capacity − 1` items plus the newest, which nobody expects, and is refused with a RangeError that
 * points to 'drop-oldest' (the newest `capacity` items).
 */
export function requireCapacity(stage: string, capacity: unknown, overflow: ObservableOverflow): number {
  if (overflow !== 'latest') return requirePositiveBound(`${stage}: capacity`, capacity ?? DEFAULT_CAPACITY);
  if (capacity !== undefined && capacity !== 1) {
    throw new RangeError(
      `${stage}: overflow 'latest' keeps only the newest waiting item, so capacity must be 1 (got ${String(capacity)}); ` +
        `use 'drop-oldest' to keep the newest ${String(capacity)}`,
    );
  }
  return 1;
}
