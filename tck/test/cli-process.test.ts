import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

// The real `sluice-tck` command, as separate processes: the supervisor must survive subjects that block the event
// loop, leak handles or get killed from outside, and the packed package must work from npm in a fresh project.
// These run the built CLI (dist/, built by `pnpm build`, which `pnpm test` runs first).

const tckDir = fileURLToPath(new URL('..', import.meta.url));
const repoDir = fileURLToPath(new URL('../..', import.meta.url));
const cli = join(tckDir, 'dist', 'cli.js');
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const temps: string[] = [];
const temp = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

function requireDist(): void {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run \`pnpm build\` (or \`pnpm --filter @sluice/tck build\`) before these tests`);
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end, killing its whole process group if it outlives `limitMs` (then the test fails). */
function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; limitMs?: number } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd ?? tckDir, env: { ...process.env, ...options.env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      killGroup(child);
      reject(new Error(`${command} ${args.join(' ')} did not exit within ${options.limitMs ?? 30_000} ms; stdout so far:\n${stdout}`));
    }, options.limitMs ?? 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function killGroup(child: ChildProcess): void {
  try {
    process.kill(-child.pid!, 'SIGKILL');
  } catch {
    // already gone
  }
}

const fast = ['--timeout', '100'];

describe('the supervised sluice-tck process', () => {
  it('fails a test whose subject never gives control back, names the step it hung in, and runs the tests after it', async () => {
    requireDist();
    const dir = temp('sluice-tck-hang-');
    const { code, stdout } = await run(process.execPath, [cli, 'publisher', fixture('hanging-publisher.mjs'), '--only', '3.9', '--test-timeout', '300', '--json', join(dir, 'r.json'), ...fast]);
    expect(code).toBe(1);
    const json = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8'));
    expect(json.complete).toBe(true);
    const failed = json.results.filter((r: { status: string }) => r.status === 'failed');
    expect(failed.map((r: { id: string }) => r.id)).toEqual(['required_spec309_requestZeroMustSignalRangeError']);
    expect(failed[0].message).toMatch(/^§3\.9: the test did not finish within 300 ms and the implementation never gave control back .* while the TCK was inside the subject's subscription\.request\(0\)/);
    // the five other §3.9 tests still ran, in a fresh process, and passed
    expect(json.summary).toEqual({ passed: 5, failed: 1, skipped: 0 });
    expect(stdout).toMatch(/sluice-tck publisher: 5 passed, 1 failed, 0 skipped/);
  });

  it('exits after the report although the module leaks an interval and a socket, having awaited its teardown()', async () => {
    requireDist();
    const marker = join(temp('sluice-tck-leak-'), 'teardown.txt');
    const { code, stdout } = await run(process.execPath, [cli, 'publisher', fixture('leaky-publisher.mjs'), '--only', '1.9', ...fast], { env: { LEAKY_TEARDOWN_MARKER: marker } });
    expect(code).toBe(0);
    expect(stdout).toMatch(/sluice-tck publisher: 2 passed, 0 failed, 2 skipped/);
    expect(readFileSync(marker, 'utf8')).toBe('teardown ran');
  });

  it('keeps the JSON report current, so a run killed from outside says which test it died in', async () => {
    requireDist();
    const file = join(temp('sluice-tck-killed-'), 'r.json');
    const child = spawn(process.execPath, [cli, 'publisher', fixture('hanging-publisher.mjs'), '--only', '3.9', '--test-timeout', '60000', '--json', file, ...fast], { cwd: tckDir, detached: true, stdio: 'ignore' });
    try {
      let json: { running: string | null; complete: boolean } | null = null;
      for (let i = 0; i < 200 && json?.running !== 'required_spec309_requestZeroMustSignalRangeError'; i++) {
        await new Promise((r) => setTimeout(r, 50));
        try {
          json = JSON.parse(readFileSync(file, 'utf8'));
        } catch {
          // not written yet, or being rewritten
        }
      }
      expect(json).toMatchObject({ complete: false, running: 'required_spec309_requestZeroMustSignalRangeError' });
    } finally {
      killGroup(child);
    }
  });

  it('reports console output of the module under the test that printed it, never inside the table', async () => {
    requireDist();
    const { code, stdout, stderr } = await run(process.execPath, [cli, 'publisher', fixture('chatty-publisher.mjs'), '--only', '1.9', ...fast]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/required_spec109_subscribeThrowTypeErrorOnNullSubscriber \[js-mapped\]\n\s+output of the implementation during this test:\n\s+\| chatty: subscribe\(null\)/);
    expect(stdout).toContain('output of the implementation while loading:\n  | chatty: loaded');
    expect(stderr).toBe('');
  });
});

describe('sluice-tck as users install it', () => {
  it('works as `npx sluice-tck` from the packed package installed into a fresh project', async () => {
    requireDist();
    const project = temp('sluice-tck-npx-');
    // @sluice/tck has no runtime dependencies (vitest is an optional peer), so the tarball is all it needs; packed by
    // pnpm, as it is published (its prepack guard refuses npm, which would ship the workspace:^ ranges verbatim)
    const packed = await run('pnpm', ['pack', '--pack-destination', project], { cwd: tckDir, limitMs: 60_000 });
    expect(packed.code).toBe(0);
    const tarball = readdirSync(project).find((f) => f.endsWith('.tgz'))!;
    expect(tarball).toMatch(/^sluice-tck-[\d.]+\.tgz$/);
    expect((await run('npm', ['init', '-y'], { cwd: project })).code).toBe(0);
    const installed = await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', `./${tarball}`], { cwd: project, limitMs: 120_000 });
    expect(installed.stderr).not.toMatch(/ERR!/);
    expect(installed.code).toBe(0);
    copyFileSync(fixture('good-publisher.mjs'), join(project, 'my-publisher.tck.mjs'));
    const result = await run('npx', ['--no-install', 'sluice-tck', 'publisher', './my-publisher.tck.mjs', '--only', '1,3.9', '--json', 'tck.json', ...fast], { cwd: project, limitMs: 60_000 });
    expect(result.stderr).not.toMatch(/sluice-tck:/); // npm itself may warn about inherited configuration
    expect(result.code).toBe(0);
    const json = JSON.parse(readFileSync(join(project, 'tck.json'), 'utf8'));
    expect(json.complete).toBe(true);
    expect(json.summary.failed).toBe(0);
    expect(json.summary.passed).toBeGreaterThan(10);
  }, 240_000);

  it("works as the README's workspace command: pnpm --filter @sluice/examples exec sluice-tck", async () => {
    requireDist();
    const version = JSON.parse(readFileSync(join(tckDir, 'package.json'), 'utf8')).version;
    const result = await new Promise<{ code: number; stdout: string }>((resolve) => {
      execFile('pnpm', ['--filter', '@sluice/examples', 'exec', 'sluice-tck', '--version'], { cwd: repoDir }, (error, stdout) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout });
      });
    });
    expect(result).toEqual({ code: 0, stdout: `sluice-tck ${version}\n` });
  });
});
