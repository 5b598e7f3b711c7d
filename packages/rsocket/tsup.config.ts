import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  treeshake: true,
  // @sluice/core is a dependency: kept external so both packages share one engine (and one error reporter).
  external: ['@sluice/core'],
});
