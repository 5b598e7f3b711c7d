#!/usr/bin/env node
// prepack guard of every public package: only pnpm rewrites the `workspace:^` ranges of inter-package dependencies
// into `^x.y.z` when it packs or publishes. npm (and other clients) would ship `workspace:^` verbatim, and the
// published package could not be installed. pnpm sets npm_config_user_agent to `pnpm/<version> …` for lifecycle
// scripts; anything else stops the pack here, before a tarball is written.
const agent = process.env.npm_config_user_agent ?? '';
if (!agent.startsWith('pnpm/')) {
  const name = process.env.npm_package_name ?? 'this package';
  const client = agent === '' ? 'an unknown client' : agent.split(' ')[0];
  process.stderr.write(
    `${name}: pack and publish with pnpm (\`pnpm pack\`, \`pnpm publish\`), not ${client}: ` +
      'only pnpm rewrites the workspace:^ dependency ranges into ^x.y.z; a tarball packed by another client would ' +
      'ship workspace: specifiers and could not be installed.\n',
  );
  process.exit(1);
}
