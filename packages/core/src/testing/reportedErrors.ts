import { replaceErrorReporter } from '../internal/report';

/**
 * Captures errors that sluice reports instead of delivering (§2.13 throws from subscribers, §1.7 late errors)
 * until `restore()` is called. Use it in tests instead of letting them surface as uncaught exceptions.
 */
export function captureReportedErrors(): { readonly errors: unknown[]; restore(): void } {
  const errors: unknown[] = [];
  const restore = replaceErrorReporter((error) => {
    errors.push(error);
  });
  return { errors, restore };
}
