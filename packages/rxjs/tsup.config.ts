import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  treeshake: true,
  // rxjs is a peer and @sluice/core a dependency: both stay imports, never bundled.
  external: ['rxjs', '@sluice/core'],
});
