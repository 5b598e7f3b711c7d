import type { CancelTask, Scheduler } from './Scheduler';

interface VirtualTask {
  readonly due: number;
  readonly seq: number;
  task: (() => void) | null;
}

/**
 * A scheduler on a virtual clock: nothing runs until the test advances time. Tasks due at the same instant run
 * in the order they were scheduled. Use it for every time-based test; never assert wall-clock timing.
 *
 * @example
 * const clock = new VirtualTimeScheduler();
 * interval(100, { scheduler: clock }).subscribe(subscriber);
 * clock.advanceBy(350); // three ticks delivered
 */
export class VirtualTimeScheduler implements Scheduler {
  private time = 0;
  private seq = 0;
  // A binary min-heap ordered by (due, seq): O(log n) schedule and run, no array shifting.
  private heap: VirtualTask[] = [];

  now(): number {
    return this.time;
  }

  /** Runs `task` after `delayMs` virtual milliseconds: a finite, non-negative number (a RangeError otherwise). */
  schedule(task: () => void, delayMs = 0): CancelTask {
    if (typeof task !== 'function') throw new TypeError(`VirtualTimeScheduler.schedule: task must be a function, got ${typeof task}`);
    // A NaN due time would compare false against everything: the clock would become NaN for good.
    requireTime('schedule', 'a delay', delayMs);
    const entry: VirtualTask = { due: this.time + delayMs, seq: this.seq++, task };
    this.push(entry);
    return () => {
      entry.task = null;
    };
  }

  /** Number of tasks still waiting (cancelled ones excluded). */
  get pending(): number {
    let count = 0;
    for (const entry of this.heap) if (entry.task !== null) count++;
    return count;
  }

  /** Moves the clock forward by `ms`, running every task that falls due, in order. */
  advanceBy(ms: number): void {
    requireTime('advanceBy', 'a number of milliseconds', ms);
    this.advanceTo(this.time + ms);
  }

  /**
   * Moves the clock to `time` (a finite, non-negative number; a time already passed is a no-op), running every task
   * due at or before it. NaN or Infinity would run a periodic task forever, so they are a RangeError.
   */
  advanceTo(time: number): void {
    requireTime('advanceTo', 'a time', time);
    for (;;) {
      const next = this.heap[0];
      if (next === undefined || next.due > time) break;
      this.pop();
      this.time = Math.max(this.time, next.due);
      const task = next.task;
      next.task = null;
      if (task !== null) task();
    }
    this.time = Math.max(this.time, time);
  }

  /**
   * Runs the single earliest pending task (moving the clock to its due time, never backwards) and returns true, or
   * returns false when nothing is pending. Cancelled tasks are skipped without counting. Use it to step through
   * an async boundary one scheduler tick at a time and inspect the stages in between.
   */
  runNext(): boolean {
    for (;;) {
      const next = this.heap[0];
      if (next === undefined) return false;
      this.pop();
      const task = next.task;
      next.task = null;
      if (task === null) continue;
      this.time = Math.max(this.time, next.due);
      task();
      return true;
    }
  }

  /** Runs every task, jumping the clock from one due time to the next, until none are left. */
  runUntilIdle(maxTasks = 1_000_000): void {
    let ran = 0;
    for (;;) {
      const next = this.heap[0];
      if (next === undefined) return;
      if (++ran > maxTasks) throw new Error(`runUntilIdle: more than ${maxTasks} tasks; is a periodic task still running?`);
      this.advanceTo(next.due);
    }
  }

  private push(entry: VirtualTask): void {
    const heap = this.heap;
    heap.push(entry);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  private pop(): void {
    const heap = this.heap;
    const last = heap.pop()!;
    if (heap.length === 0) return;
    heap[0] = last;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < heap.length && before(heap[left]!, heap[smallest]!)) smallest = left;
      if (right < heap.length && before(heap[right]!, heap[smallest]!)) smallest = right;
      if (smallest === i) return;
      [heap[i], heap[smallest]] = [heap[smallest]!, heap[i]!];
      i = smallest;
    }
  }
}

function requireTime(method: string, what: string, value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new RangeError(`VirtualTimeScheduler.${method} needs ${what} that is finite and non-negative, got ${String(value)}`);
  }
}

function before(a: VirtualTask, b: VirtualTask): boolean {
  return a.due < b.due || (a.due === b.due && a.seq < b.seq);
}
