// Bundle size: the same small programs written with sluice and with RxJS, bundled by esbuild (minified, tree-shaken,
// ESM for the browser) and gzipped (level 9), side by side. A report, never a gate. Run after `pnpm build`:
//   node packages/bench/bundle-size.mjs            # table
//   node packages/bench/bundle-size.mjs --json     # machine-readable
import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));

/** One program per row and library: what a user would write for it. */
const PROGRAMS = [
  {
    name: 'range → map → forEach',
    sluice: `import { range, map, forEach } from '@sluice/core';
      forEach(range(0, 10).pipe(map((x) => x * 2)), (x) => console.log(x));`,
    rxjs: `import { range, map } from 'rxjs';
      range(0, 10).pipe(map((x) => x * 2)).subscribe((x) => console.log(x));`,
  },
  {
    name: 'range → filter → take → toArray',
    sluice: `import { range, filter, take, toArray } from '@sluice/core';
      toArray(range(0, 100).pipe(filter((x) => x % 3 === 0), take(5))).then((xs) => console.log(xs));`,
    rxjs: `import { range, filter, take, toArray, lastValueFrom } from 'rxjs';
      lastValueFrom(range(0, 100).pipe(filter((x) => x % 3 === 0), take(5), toArray())).then((xs) => console.log(xs));`,
  },
  {
    name: 'for await over range → map',
    sluice: `import { range, map } from '@sluice/core';
      (async () => { for await (const x of range(0, 10).pipe(map((x) => x * 2))) console.log(x); })();`,
    rxjs: null, // RxJS Observables are not async-iterable
  },
];

async function size(source) {
  const result = await build({
    stdin: { contents: source, resolveDir: here, loader: 'js' },
    bundle: true, minify: true, treeShaking: true, format: 'esm', platform: 'browser', target: 'es2022', write: false,
    logLevel: 'silent',
  });
  const bytes = result.outputFiles[0].contents;
  return { minified: bytes.length, gzipped: gzipSync(bytes, { level: 9 }).length };
}

const rows = [];
for (const program of PROGRAMS) {
  rows.push({
    program: program.name,
    sluice: await size(program.sluice),
    rxjs: program.rxjs === null ? null : await size(program.rxjs),
  });
}

if (process.argv.includes('--json')) {
  console.log(JSON.stringify(rows, null, 2));
} else {
  const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
  console.log('program | sluice min | sluice gzip | rxjs min | rxjs gzip | gzip ratio');
  console.log('--- | --- | --- | --- | --- | ---');
  for (const r of rows) {
    const ratio = r.rxjs === null ? 'n/a (not async-iterable)' : `${(r.sluice.gzipped / r.rxjs.gzipped).toFixed(2)}×`;
    console.log(`${r.program} | ${kb(r.sluice.minified)} | ${kb(r.sluice.gzipped)} | ${r.rxjs ? kb(r.rxjs.minified) : 'n/a'} | ${r.rxjs ? kb(r.rxjs.gzipped) : 'n/a'} | ${ratio}`);
  }
}
