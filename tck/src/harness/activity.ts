/**
 * What the running test is doing right now ("waiting up to 500 ms for onSubscribe", "inside subscription.request(1)
 * of the subject"). The per-test watchdog names it when a test does not finish, and the CLI forwards it to its
 * supervising process, so even a subject that blocks the event loop for good is reported with the step it hung in.
 */
let current = '';
let listener: ((activity: string) => void) | null = null;

/** Records the step the running test is at (cheap: one assignment plus the optional listener). */
export function activity(text: string): void {
  if (text === current) return;
  current = text;
  listener?.(text);
}

export function currentActivity(): string {
  return current;
}

/** One listener at a time (the CLI child process); `null` removes it. Resets the activity. */
export function onActivity(next: ((activity: string) => void) | null): void {
  listener = next;
  current = '';
}
