import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'node:net';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { freePort, requireBinary } from '../../../core/test/support/binaries';

/** A nats-server -js of the test's own: a free loopback port, a temp store dir (-sd), file storage (it survives kill -9). */
export interface NatsServer {
  readonly port: number;
  readonly url: string;
  readonly dir: string;
  /** A connection for the test's own work (stream setup, consumer info, publishing fixtures); closed by `stop`. */
  readonly admin: NatsConnection;
  readonly jsm: JetStreamManager;
  /** kill -9 the server. */
  crash(): Promise<void>;
  /** Stop it with SIGTERM (a clean shutdown: JetStream flushes its state). */
  shutdown(): Promise<void>;
  /** Start it again on the same port and store dir. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startNats(): Promise<NatsServer> {
  const binary = requireBinary('nats-server', 'nats-server');
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'sluice-nats-'));
  let child: ChildProcess | null = null;

  const launch = async (): Promise<void> => {
    const proc = spawn(binary, ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    let output = '';
    proc.stdout!.on('data', (d) => { output += d; });
    proc.stderr!.on('data', (d) => { output += d; });
    const deadline = Date.now() + 10_000;
    while (!output.includes('Server is ready')) {
      if (proc.exitCode !== null) throw new Error(`nats-server exited with ${proc.exitCode}: ${output}`);
      if (Date.now() > deadline) throw new Error(`nats-server did not start on 127.0.0.1:${port} within 10 s: ${output}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    await portOpen(port);
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
  const url = `nats://127.0.0.1:${port}`;
  const admin = await connect({ servers: url, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
  const jsm = await jetstreamManager(admin);
  return {
    port, url, dir, admin, jsm,
    crash: () => kill('SIGKILL'),
    shutdown: () => kill('SIGTERM'),
    restart: launch,
    async stop() {
      await admin.close().catch(() => {});
      await kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function portOpen(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ port, host: '127.0.0.1' }, () => { socket.end(); resolve(); });
    socket.once('error', reject);
  });
}
