import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

// Every public package of the workspace, packed as it would be published (`pnpm pack`, which rewrites `workspace:`
// ranges), must ship what its package.json promises: each export target, main/module/types and bin, the LICENSE and
// README, and nothing of src/ or test/; no `workspace:` specifier may survive into the tarball. Needs `pnpm build`
// (the test command builds first).

const repo = fileURLToPath(new URL('../../..', import.meta.url));
const dirs = [...readdirSync(join(repo, 'packages')).map((d) => join('packages', d)), 'tck'].filter((d) => existsSync(join(repo, d, 'package.json')));
const publicPackages = dirs.filter((d) => JSON.parse(readFileSync(join(repo, d, 'package.json'), 'utf8')).private !== true);
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

/** Packs `dir` into its own folder and extracts it: the manifest as published and the list of shipped files. */
function pack(dir: string): { manifest: Manifest; files: string[] } {
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
  return { manifest: JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')), files };
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

  it.each(publicPackages)('%s ships what its package.json promises, and no workspace: specifier', (dir) => {
    const built = join(repo, dir, 'dist');
    if (!existsSync(built)) throw new Error(`${built} is missing: run \`pnpm build\` before this test`);
    const { manifest, files } = pack(dir);
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
    const stray = files.filter((f) => !/^(dist|bin)\//.test(f) && !['LICENSE', 'README.md', 'package.json'].includes(f));
    expect(stray, `${manifest.name}: files outside dist/ and bin/`).toEqual([]);
    expect(manifest.license).toBe('MIT');
    expect(readFileSync(join(repo, dir, 'LICENSE'), 'utf8')).toMatch(/^MIT License\n\nCopyright \(c\) /);
    expect(manifest.keywords?.length ?? 0).toBeGreaterThan(0);
  }, 60_000);
});
