import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

// One config for the whole workspace: packages import each other's sources
// directly (no build needed to test), exactly as the tsconfig paths do.
export default defineConfig({
  resolve: {
    alias: [
      { find: /^@sluice\/core\/testing$/, replacement: here('./packages/core/src/testing/index.ts') },
      { find: /^@sluice\/core\/engine$/, replacement: here('./packages/core/src/engine/index.ts') },
      { find: /^@sluice\/core\/otel$/, replacement: here('./packages/core/src/metrics/otel.ts') },
      { find: /^@sluice\/core$/, replacement: here('./packages/core/src/index.ts') },
      { find: /^@sluice\/tck\/vitest$/, replacement: here('./tck/src/vitest.ts') },
      { find: /^@sluice\/tck$/, replacement: here('./tck/src/index.ts') },
      { find: /^@sluice\/rxjs$/, replacement: here('./packages/rxjs/src/index.ts') },
      { find: /^@sluice\/node$/, replacement: here('./packages/node/src/index.ts') },
      { find: /^@sluice\/rsocket$/, replacement: here('./packages/rsocket/src/index.ts') },
      { find: /^@sluice\/redis$/, replacement: here('./packages/redis/src/index.ts') },
      { find: /^@sluice\/nats$/, replacement: here('./packages/nats/src/index.ts') },
      { find: /^@sluice\/inspector$/, replacement: here('./packages/inspector/src/index.ts') },
    ],
  },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'tck/test/**/*.test.ts', 'examples/test/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
    // --expose-gc: reference-release tests (§3.13) force collections and check WeakRefs.
    poolOptions: { forks: { execArgv: ['--expose-gc'] } },
  },
});
