#!/usr/bin/env node
// sluice-tck: verify any module's Publisher / Subscriber / Processor from the command line, no test framework needed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { verifyPublisher } from './publisher/verification';
import { verifySubscriberBlackbox, verifySubscriberWhitebox } from './subscriber/verification';
import { verifyProcessor } from './processor/verification';
import { formatTable, toJson, toJunitXml } from './report/format';
import type { Report } from './report/types';
import type { VerificationKind } from './rules';

const USAGE = `usage: sluice-tck <publisher|subscriber-blackbox|subscriber-whitebox|processor> <module> [--json <file>] [--junit <file>] [--only 1.9,3.9] [--timeout <ms>]`;

/** A problem with how the CLI was called or with the module: one line on stderr, exit code 2. */
class UsageError extends Error {}

interface CliArgs {
  kind: VerificationKind;
  module: string;
  json?: string;
  junit?: string;
  only?: string[];
  timeout?: number;
}

const KINDS: readonly VerificationKind[] = ['publisher', 'subscriber-blackbox', 'subscriber-whitebox', 'processor'];

/** The exports each kind needs: name → [required, accepted types]. */
const EXPORTS: Record<VerificationKind, Record<string, [boolean, readonly string[]]>> = {
  publisher: {
    createPublisher: [true, ['function']],
    createFailedPublisher: [false, ['function']],
    maxElementsFromPublisher: [false, ['number', 'function']],
    boundedDepthOfOnNextAndRequestRecursion: [false, ['number', 'function']],
    skipStochasticTests: [false, ['boolean']],
  },
  'subscriber-blackbox': {
    createSubscriber: [true, ['function']],
    createElement: [true, ['function']],
    triggerRequest: [false, ['function']],
  },
  'subscriber-whitebox': {
    createSubscriber: [true, ['function']],
    createElement: [true, ['function']],
  },
  processor: {
    createIdentityProcessor: [true, ['function']],
    createElement: [true, ['function']],
    createFailedPublisher: [false, ['function']],
    maxElementsFromPublisher: [false, ['number', 'function']],
    boundedDepthOfOnNextAndRequestRecursion: [false, ['number', 'function']],
    maxSupportedSubscribers: [false, ['number', 'function']],
    doesCoordinatedEmission: [false, ['boolean']],
    skipStochasticTests: [false, ['boolean']],
  },
};

export function parseArgs(argv: readonly string[]): CliArgs {
  const positional: string[] = [];
  const args: Partial<CliArgs> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${arg} needs a value`);
      return v;
    };
    if (arg === '--json') args.json = value();
    else if (arg === '--junit') args.junit = value();
    else if (arg === '--only') args.only = value().split(',').map((s) => s.trim()).filter(Boolean);
    else if (arg === '--timeout') {
      const raw = value();
      const n = Number(raw);
      if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--timeout needs a positive number of milliseconds, got ${JSON.stringify(raw)}`);
      args.timeout = n;
    } else if (arg === '--help' || arg === '-h') throw new UsageError(USAGE);
    else if (arg.startsWith('--')) throw new UsageError(`unknown option ${arg}`);
    else positional.push(arg);
  }
  const [kind, module, ...rest] = positional;
  if (!kind || !module || rest.length > 0) throw new UsageError(USAGE);
  if (!(KINDS as readonly string[]).includes(kind)) throw new UsageError(`unknown verification kind ${JSON.stringify(kind)}; expected one of ${KINDS.join(', ')}`);
  return { ...args, kind: kind as VerificationKind, module };
}

/** Imports the module (ESM or CJS) and checks its exports; every problem is a one-line UsageError. */
export async function loadImplementation(kind: VerificationKind, modulePath: string): Promise<Record<string, unknown>> {
  const file = resolve(process.cwd(), modulePath);
  if (!existsSync(file)) throw new UsageError(`cannot find module ${modulePath} (looked at ${file})`);
  let loaded: Record<string, unknown>;
  try {
    loaded = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    const text = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new UsageError(`cannot load module ${modulePath}: ${text}`);
  }
  // CJS modules whose exports were not statically detectable arrive as `default`.
  const spec = EXPORTS[kind];
  const firstRequired = Object.keys(spec).find((k) => spec[k]![0])!;
  let exports = loaded;
  if (!(firstRequired in loaded) && loaded.default && typeof loaded.default === 'object') exports = loaded.default as Record<string, unknown>;
  const implementation: Record<string, unknown> = {};
  for (const [name, [required, types]] of Object.entries(spec)) {
    const value = exports[name];
    if (value === undefined) {
      if (required) throw new UsageError(`module ${modulePath} has no export named ${name} (needed for ${kind} verification)`);
      continue;
    }
    if (!types.includes(typeof value)) {
      throw new UsageError(`export ${name} of ${modulePath} must be a ${types.join(' or ')}, got ${value === null ? 'null' : typeof value}`);
    }
    implementation[name] = value;
  }
  return implementation;
}

export async function runCli(argv: readonly string[]): Promise<number> {
  let args: CliArgs;
  let implementation: Record<string, unknown>;
  try {
    args = parseArgs(argv);
    implementation = await loadImplementation(args.kind, args.module);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`sluice-tck: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  const common = {
    only: args.only,
    captureUncaughtErrors: true,
    ...(args.timeout !== undefined ? { env: { defaultTimeoutMillis: args.timeout } } : {}),
  };
  const options = { ...implementation, ...common } as any;
  let report: Report;
  switch (args.kind) {
    case 'publisher':
      report = await verifyPublisher(options);
      break;
    case 'subscriber-blackbox':
      report = await verifySubscriberBlackbox(options);
      break;
    case 'subscriber-whitebox':
      report = await verifySubscriberWhitebox(options);
      break;
    case 'processor':
      report = await verifyProcessor(options);
      break;
  }
  const colour = process.stdout.isTTY === true && !process.env.NO_COLOR;
  process.stdout.write(formatTable(report, colour) + '\n');
  if (args.json) writeOut(args.json, JSON.stringify(toJson(report), null, 2) + '\n');
  if (args.junit) writeOut(args.junit, toJunitXml(report));
  return report.summary.failed > 0 ? 1 : 0;
}

function writeOut(file: string, text: string): void {
  const path = resolve(process.cwd(), file);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

/**
 * §3.13 needs `gc()`. Rather than asking users for a flag, the CLI re-executes itself once with `--expose-gc`
 * (marked by an environment variable so it never loops) and passes the exit code through.
 */
function reexecWithGc(): number | null {
  if (typeof (globalThis as { gc?: unknown }).gc === 'function' || process.env.SLUICE_TCK_REEXEC === '1') return null;
  const script = fileURLToPath(import.meta.url);
  const child = spawnSync(process.execPath, [...process.execArgv, '--expose-gc', script, ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, SLUICE_TCK_REEXEC: '1' },
  });
  if (child.error) return null; // could not spawn: run without gc (the §3.13 test then reports a skip)
  return child.status ?? 1;
}

const isMain = (() => {
  try {
    return process.argv[1] !== undefined && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
})();

if (isMain) {
  const status = reexecWithGc();
  if (status !== null) {
    process.exitCode = status;
  } else {
    runCli(process.argv.slice(2)).then(
      (code) => {
        process.exitCode = code;
      },
      (error) => {
        process.stderr.write(`sluice-tck: internal error: ${error instanceof Error ? error.stack : String(error)}\n`);
        process.exitCode = 2;
      },
    );
  }
}
