import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';

/**
 * Finds a binary that a test needs (a broker, a browser) and returns its path. When it is missing, it is installed
 * from Debian's packages if this process may (root with apt-get), exactly as `.ci/run` does; otherwise this throws
 * one line naming what to install. Tests never skip because a binary is missing.
 */
export function requireBinary(command: string, debianPackage: string, candidates: readonly string[] = []): string {
  const found = locate(command, candidates);
  if (found !== undefined) return found;
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (root && locate('apt-get', []) !== undefined) {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'ignore', env });
    spawnSync('apt-get', ['install', '-y', '-qq', debianPackage], { stdio: 'ignore', env });
    const installed = locate(command, candidates);
    if (installed !== undefined) return installed;
  }
  throw new Error(`${command} not found: install it with \`apt-get install -y ${debianPackage}\` (Debian/Ubuntu)`);
}

function locate(command: string, candidates: readonly string[]): string | undefined {
  for (const path of candidates) if (existsSync(path)) return path;
  try {
    const out = execFileSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).trim();
    return out === '' ? undefined : out;
  } catch {
    return undefined;
  }
}

/** A free TCP port on 127.0.0.1 (the OS picks it; the port is released before this resolves). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
