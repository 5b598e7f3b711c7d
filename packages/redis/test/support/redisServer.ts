import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort, requireBinary } from '../../../core/test/support/binaries';

/** A redis-server of the test's own: a free loopback port, a temp dir, append-only with fsync always (it survives kill -9). */
export interface RedisServer {
  readonly port: number;
  readonly url: string;
  readonly dir: string;
  /** A client for the test's own commands (XPENDING, XINFO, XADD of fixtures); closed by `stop`. */
  readonly admin: Redis;
  /** kill -9 the server (the AOF keeps every acknowledged write). */
  crash(): Promise<void>;
  /** Start it again on the same port and directory. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startRedis(): Promise<RedisServer> {
  const binary = requireBinary('redis-server', 'redis-server');
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'sluice-redis-'));
  let child: ChildProcess | null = null;

  const launch = async (): Promise<void> => {
    const proc = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '',
      '--appendonly', 'yes', '--appendfsync', 'always', '--protected-mode', 'yes', '--loglevel', 'warning'],
    { stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    let output = '';
    proc.stdout!.on('data', (d) => { output += d; });
    proc.stderr!.on('data', (d) => { output += d; });
    await waitForPing(port, proc, () => output);
  };
  const kill = async (signal: NodeJS.Signals): Promise<void> => {
    const proc = child;
    child = null;
    if (proc === null || proc.exitCode !== null) return;
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill(signal);
    await exited;
  };

  await launch();
  const admin = new Redis({ port, host: '127.0.0.1', lazyConnect: false, maxRetriesPerRequest: 50 });
  admin.on('error', () => {}); // the restart tests drop it on purpose; it reconnects
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    dir,
    admin,
    crash: () => kill('SIGKILL'),
    restart: launch,
    async stop() {
      admin.disconnect();
      await kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function waitForPing(port: number, proc: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`redis-server exited with ${proc.exitCode}: ${output()}`);
    const probe = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => {});
    try {
      await probe.connect();
      await probe.ping();
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`redis-server did not answer on 127.0.0.1:${port} within 10 s: ${output()}`);
      await new Promise((r) => setTimeout(r, 50));
    } finally {
      probe.disconnect();
    }
  }
}
