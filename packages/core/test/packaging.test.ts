import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Every public package of the workspace, packed as it would be published (`pnpm pack`, which rewrites `workspace:`
// ranges), must ship what its package.json promises: each export target, main/module/types and bin, the LICENSE and
// README, and nothing of src/ or test/; no `workspace:` specifier may survive into the tarball. The same tarballs
// must pass `publint --strict` and `@arethetypeswrong/cli` for every entry point and resolution mode, node10
// included (subpath exports reach node10 through `typesVersions`). Needs `pnpm build` (the test command builds first).
// Inter-package dependencies are `workspace:^` in the sources, so the packed manifest must carry `^<version>` (a
// compatible range, not an exact pin), and a `prepack` guard (scripts/require-pnpm.mjs) must stop any other client
// (plain `npm pack`/`npm publish`) from writing a tarball that would ship the `workspace:` specifiers verbatim.

const repo = fileURLToPath(new URL('../../..', import.meta.url));
const dirs = [...readdirSync(join(repo, 'packages')).map((d) => join('packages', d)), 'tck'].filter((d) => existsSync(join(repo, d, 'package.json')));
const publicPackages = dirs.filter((d) => JSON.parse(readFileSync(join(repo, d, 'package.json'), 'utf8')).private !== true);
const versions = new Map<string, string>(dirs.map((d) => {
  const { name, version } = JSON.parse(readFileSync(join(repo, d, 'package.json'), 'utf8')) as { name: string; version: string };
  return [name, version];
}));
const guard = join(repo, 'scripts', 'require-pnpm.mjs');
const out = mkdtempSync(join(tmpdir(), 'sluice-pack-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

interface Manifest {
  name: string;
  license?: string;
  keywords?: string[];
  main?: string;
  module?: string;
  types?: string;
  bin?: string | Record<string, string>;
  exports?: unknown;
  [field: string]: unknown;
}

/** Runs a bin of the workspace's node_modules on a tarball: its exit code and output. */
function lint(bin: string, args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(join(repo, 'node_modules', '.bin', bin), args, { cwd: repo, timeout: 120_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: unknown }).code ?? 1) || 1 : 0, output: `${stdout}${stderr}` });
    });
  });
}

const packed = new Map<string, { manifest: Manifest; files: string[]; tarball: string }>();
const lints = new Map<string, { publint: { code: number; output: string }; attw: { code: number; output: string } }>();

beforeAll(async () => {
  for (const dir of publicPackages) {
    const built = join(repo, dir, 'dist');
    if (!existsSync(built)) throw new Error(`${built} is missing: run \`pnpm build\` before this test`);
    packed.set(dir, pack(dir));
  }
  // the two linters read the tarballs; run them side by side (each takes seconds, mostly type resolution)
  await Promise.all([...packed].map(async ([dir, { tarball }]) => {
    const [publint, attw] = await Promise.all([lint('publint', ['--strict', tarball]), lint('attw', [tarball, '--format', 'ascii'])]);
    lints.set(dir, { publint, attw });
  }));
}, 180_000);

/** Packs `dir` into its own folder and extracts it: the manifest as published and the list of shipped files. */
function pack(dir: string): { manifest: Manifest; files: string[]; tarball: string } {
  const dest = mkdtempSync(join(out, 'p-'));
  execFileSync('pnpm', ['pack', '--pack-destination', dest], { cwd: join(repo, dir), stdio: 'pipe' });
  const tarball = readdirSync(dest).find((f) => f.endsWith('.tgz'));
  if (tarball === undefined) throw new Error(`pnpm pack wrote no tarball for ${dir}`);
  execFileSync('tar', ['-xzf', join(dest, tarball), '-C', dest]);
  const root = join(dest, 'package');
  const files: string[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d)) {
      const path = join(d, entry);
      if (statSync(path).isDirectory()) walk(path);
      else files.push(relative(root, path));
    }
  };
  walk(root);
  return { manifest: JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')), files, tarball: join(dest, tarball) };
}

/** Every file path an `exports` map points at, whatever the nesting of conditions. */
function exportTargets(exports: unknown): string[] {
  if (typeof exports === 'string') return [exports];
  if (exports === null || typeof exports !== 'object') return [];
  return Object.values(exports).flatMap(exportTargets);
}

describe('packed packages', () => {
  it('finds the public packages', () => {
    expect(publicPackages.length).toBeGreaterThanOrEqual(8);
  });

  describe('contents', () => {
    it.each(publicPackages)('%s ships what its package.json promises, and no workspace: specifier', (dir) => {
      const { manifest, files } = packed.get(dir)!;
      for (const field of ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies']) {
        const specifiers = Object.entries((manifest[field] ?? {}) as Record<string, string>).filter(([, range]) => range.startsWith('workspace:'));
        expect(specifiers, `${manifest.name} ${field}`).toEqual([]);
      }
      const promised = [
        ...exportTargets(manifest.exports),
        ...[manifest.main, manifest.module, manifest.types].filter((p): p is string => typeof p === 'string'),
        ...(typeof manifest.bin === 'string' ? [manifest.bin] : Object.values(manifest.bin ?? {})),
      ].map((p) => p.replace(/^\.\//, ''));
      expect(promised.length).toBeGreaterThan(0);
      expect(promised.filter((p) => p !== 'package.json' && !files.includes(p)), `${manifest.name}: promised but not shipped`).toEqual([]);
      expect(files).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'package.json']));
      const stray = files.filter((f) => !/^(dist|bin|docs)\//.test(f) && !['LICENSE', 'README.md', 'package.json'].includes(f));
      expect(stray, `${manifest.name}: files outside dist/, bin/ and docs/`).toEqual([]);
      expect(manifest.license).toBe('MIT');
      expect(readFileSync(join(repo, dir, 'LICENSE'), 'utf8')).toMatch(/^MIT License\n\nCopyright \(c\) /);
      expect(manifest.keywords?.length ?? 0).toBeGreaterThan(0);
    });
  });

  // npm shows the packed README; a relative link must name a file the tarball ships (docs/ is in `files` where the
  // README links into it), since no repository URL is set for npm to resolve it against.
  describe('README links', () => {
    it.each(publicPackages)('%s README links only to files the tarball ships (or to absolute URLs)', (dir) => {
      const { manifest, files } = packed.get(dir)!;
      const readme = readFileSync(join(repo, dir, 'README.md'), 'utf8').replace(/```[\s\S]*?```/g, '');
      const targets = [...readme.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g), ...readme.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
      const relative = targets.filter((t) => !/^([a-z][a-z0-9+.-]*:|#)/i.test(t)).map((t) => t.split('#')[0]!.replace(/^\.\//, ''));
      const missing = relative.filter((t) => !files.includes(t));
      expect(missing, `${manifest.name}: README links to files not in the package`).toEqual([]);
    });
  });

  it('ships the error table and the decision records the core README links to', () => {
    const { files } = packed.get(join('packages', 'core'))!;
    expect(files).toEqual(expect.arrayContaining(['docs/errors.md', 'docs/decisions/0001-unbounded-sentinel.md']));
  });

  describe('dependency ranges', () => {
    it.each(publicPackages)('%s depends on the other sluice packages by a caret range of their current version', (dir) => {
      const { manifest } = packed.get(dir)!;
      const source = JSON.parse(readFileSync(join(repo, dir, 'package.json'), 'utf8')) as Manifest;
      for (const field of ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies']) {
        const internal = Object.keys((source[field] ?? {}) as Record<string, string>).filter((name) => versions.has(name));
        for (const name of internal) {
          expect((source[field] as Record<string, string>)[name], `${manifest.name} ${field} ${name} in the sources`).toBe('workspace:^');
          expect((manifest[field] as Record<string, string>)[name], `${manifest.name} ${field} ${name} as packed`).toBe(`^${versions.get(name)}`);
        }
      }
    });
  });

  it('packs a dependency on @sluice/core as ^<version> (the caret check has something to check)', () => {
    const rxjs = packed.get(join('packages', 'rxjs'))!.manifest;
    expect((rxjs.dependencies as Record<string, string>)['@sluice/core']).toBe(`^${versions.get('@sluice/core')}`);
  });

  describe('pnpm-only guard', () => {
    it.each(publicPackages)('%s runs the pnpm-only guard before packing', (dir) => {
      const source = JSON.parse(readFileSync(join(repo, dir, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
      const prepack = source.scripts?.prepack ?? '';
      const match = /^node (\S+)$/.exec(prepack);
      expect(match, `${dir}: scripts.prepack is ${JSON.stringify(prepack)}`).not.toBeNull();
      expect(join(repo, dir, match![1]!)).toBe(guard);
    });
  });

  // npm itself once (seconds per run): every package runs the same guard, checked above
  it('plain npm refuses to pack a package with a workspace: dependency, with a message saying to use pnpm, and writes no tarball', async () => {
    const dir = join('packages', 'rxjs');
    const dest = mkdtempSync(join(out, 'npm-'));
    // a clean environment: under `pnpm exec vitest`, npm would read the inherited npm_config_user_agent as its own
    const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));
    const result = await new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile('npm', ['pack', '--pack-destination', dest], {
        cwd: join(repo, dir),
        env: { ...env, npm_config_cache: join(dest, 'cache'), npm_config_offline: 'true', npm_config_update_notifier: 'false' },
        timeout: 60_000,
      }, (error, _stdout, stderr) => resolve({ code: error ? Number((error as { code?: unknown }).code ?? 1) || 1 : 0, stderr }));
    });
    const name = JSON.parse(readFileSync(join(repo, dir, 'package.json'), 'utf8')).name as string;
    expect(result.code, result.stderr).not.toBe(0);
    expect(result.stderr).toContain(`${name}: pack and publish with pnpm (\`pnpm pack\`, \`pnpm publish\`), not npm/`);
    expect(readdirSync(dest).filter((f) => f.endsWith('.tgz'))).toEqual([]);
  }, 60_000);

  it.each([
    ['yarn/4.5.0 npm/? node/v20.0.0 linux x64', 1, 'not yarn/4.5.0'],
    ['', 1, 'not an unknown client'],
    ['npm/11.0.0 node/v20.0.0 linux x64 workspaces/false', 1, 'not npm/11.0.0'],
    ['pnpm/10.34.8 npm/? node/v20.0.0 linux x64', 0, ''],
  ])('the guard under user agent %j exits %i', (agent, code, message) => {
    let status = 0;
    let stderr = '';
    try {
      execFileSync(process.execPath, [guard], { env: { PATH: process.env.PATH, npm_config_user_agent: agent, npm_package_name: '@sluice/x' }, stdio: 'pipe' });
    } catch (error) {
      status = (error as { status: number }).status;
      stderr = String((error as { stderr: Buffer }).stderr);
    }
    expect(status).toBe(code);
    if (code !== 0) expect(stderr).toContain(`@sluice/x: pack and publish with pnpm`);
    if (code !== 0) expect(stderr).toContain(message);
    else expect(stderr).toBe('');
  });

  describe('linters', () => {
    it.each(publicPackages)('%s is clean for publint --strict and for arethetypeswrong in every resolution mode', (dir) => {
      const { publint, attw } = lints.get(dir)!;
      expect(publint, publint.output).toMatchObject({ code: 0 });
      expect(publint.output).toContain('All good!');
      expect(attw, attw.output).toMatchObject({ code: 0 });
      expect(attw.output).toContain('No problems found');
      expect(attw.output).not.toMatch(/node10: (?!🟢)/u);
    });
  });
});
