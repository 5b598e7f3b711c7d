import { defineConfig } from 'tsup';

export default defineConfig([
  {
    // The runner-agnostic main entry and the vitest adapter (subpath `@sluice/tck/vitest`; vitest stays external).
    entry: { index: 'src/index.ts', vitest: 'src/vitest.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    // two configs build into dist/ concurrently: clean everything except what the CLI config writes
    clean: ['**/*', '!cli.js', '!cli.js.map'],
    target: 'node20',
    splitting: true,
    treeshake: true,
    external: ['vitest'],
  },
  {
    // The CLI bin: one self-contained ESM file. src/cli.ts starts with a hashbang, which esbuild keeps.
    entry: { cli: 'src/cli.ts' },
    format: ['esm'],
    sourcemap: true,
    clean: false,
    target: 'node20',
    splitting: false,
  },
]);
