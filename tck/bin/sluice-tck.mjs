#!/usr/bin/env node
// The `sluice-tck` bin. It is a committed file rather than dist/cli.js itself because package managers link bins at
// install time: in this workspace `pnpm install` runs before `pnpm build`, and pnpm does not link a bin whose target
// does not exist yet, so `pnpm --filter … exec sluice-tck` said "Command not found". This file always exists.
let cli;
try {
  cli = await import('../dist/cli.js');
} catch (error) {
  if (error && error.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist')) {
    process.stderr.write('sluice-tck: dist/cli.js is missing: build @sluice/tck first (pnpm build)\n');
    process.exit(2);
  }
  throw error;
}
await cli.main();
