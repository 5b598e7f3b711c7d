import { onErrorDropped, replaceErrorReporter } from '../internal/report';

/**
 * Captures errors that sluice reports instead of delivering (§2.13 throws from subscribers, §1.7 late errors) in
 * `errors`, and errors dropped after cancellation (the `onErrorDropped` hook) in `dropped`, until `restore()` is
 * called. Use it in tests instead of letting them surface as uncaught exceptions or console warnings.
 */
export function captureReportedErrors(): { readonly errors: unknown[]; readonly dropped: unknown[]; restore(): void } {
  const errors: unknown[] = [];
  const dropped: unknown[] = [];
  const restoreReporter = replaceErrorReporter((error) => {
    errors.push(error);
  });
  const restoreDropped = onErrorDropped((error) => {
    dropped.push(error);
  });
  return {
    errors,
    dropped,
    restore() {
      restoreDropped();
      restoreReporter();
    },
  };
}
