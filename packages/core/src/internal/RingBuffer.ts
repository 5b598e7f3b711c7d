/**
 * A bounded FIFO on a fixed power-of-two array: O(1) offer/poll, no `shift()`, no growth past `capacity`.
 * `offer` returns false when full; the caller decides what full means (block, drop, latest, error).
 * Storage is allocated lazily in steps, so a large capacity costs nothing until items arrive.
 */
export class RingBuffer<T> {
  readonly capacity: number;
  private items: (T | undefined)[];
  private mask: number;
  private head = 0;
  private tail = 0;
  size = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity <= 0) throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
    this.capacity = capacity;
    const initial = Math.min(nextPowerOfTwo(capacity), 16);
    this.items = new Array(initial);
    this.mask = initial - 1;
  }

  get isEmpty(): boolean {
    return this.size === 0;
  }

  get isFull(): boolean {
    return this.size >= this.capacity;
  }

  offer(item: T): boolean {
    if (this.size >= this.capacity) return false;
    if (this.size === this.items.length) this.grow();
    this.items[this.tail] = item;
    this.tail = (this.tail + 1) & this.mask;
    this.size++;
    return true;
  }

  /** Removes and returns the oldest item, or undefined when empty. */
  poll(): T | undefined {
    if (this.size === 0) return undefined;
    const item = this.items[this.head];
    this.items[this.head] = undefined;
    this.head = (this.head + 1) & this.mask;
    this.size--;
    return item;
  }

  peek(): T | undefined {
    return this.size === 0 ? undefined : this.items[this.head];
  }

  /** The item `offset` places after the oldest (0 = `peek()`), or undefined past the end; for readers with cursors. */
  get(offset: number): T | undefined {
    return offset >= 0 && offset < this.size ? this.items[(this.head + offset) & this.mask] : undefined;
  }

  /** Replaces the newest item (for 'latest'); returns the replaced one. */
  replaceLast(item: T): T | undefined {
    if (this.size === 0) {
      this.offer(item);
      return undefined;
    }
    const index = (this.tail - 1) & this.mask;
    const previous = this.items[index];
    this.items[index] = item;
    return previous;
  }

  clear(): void {
    this.items = new Array(Math.min(this.items.length, 16));
    this.mask = this.items.length - 1;
    this.head = this.tail = this.size = 0;
  }

  private grow(): void {
    const length = this.items.length;
    const next = new Array<T | undefined>(length * 2);
    for (let i = 0; i < length; i++) next[i] = this.items[(this.head + i) & this.mask];
    this.items = next;
    this.mask = next.length - 1;
    this.head = 0;
    this.tail = length;
  }
}

function nextPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}
