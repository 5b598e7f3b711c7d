#!/usr/bin/env node
// sluice-tck: verify any module's Publisher / Subscriber / Processor from the command line, no test framework needed.
//
// Two processes: the one you start (the supervisor) parses the arguments, prints the table and writes the reports;
// it runs the verification in a child Node process (with --expose-gc, for §3.13) that imports the module under test
// and reports every test start, step and result over IPC. So a subject that blocks the event loop for good (a
// synchronous endless loop) is killed and its test failed by the supervisor, which then resumes with the next test;
// a subject that leaks timers or connections cannot keep the command from exiting; and what the subject prints is
// captured per test, never mixed into the table.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { format } from 'node:util';
import { onActivity } from './harness/activity';
import { verifyPublisher } from './publisher/verification';
import { verifySubscriberBlackbox, verifySubscriberWhitebox } from './subscriber/verification';
import { verifyProcessor } from './processor/verification';
import { formatCauses, formatHeader, formatRow, formatSummary, toJson, toJunitXml } from './report/format';
import { groupCauses, summarize, type Report, type TestResult } from './report/types';
import { BLACKBOX_RULES, PROCESSOR_OWN_RULES, PUBLISHER_RULES, WHITEBOX_RULES, type RuleEntry, type VerificationKind } from './rules';
import { matchesOnly, tagsOf, type RunOptions } from './runner';

const USAGE = `usage: sluice-tck <kind> <module> [options]

Verifies the Reactive Streams implementation exported by <module> (ESM or CommonJS) rule by rule.

kinds:
  publisher              exports createPublisher(elements) [, createFailedPublisher, maxElementsFromPublisher, ...]
  subscriber-blackbox    exports createSubscriber(), createElement(i) [, triggerRequest]
  subscriber-whitebox    exports createSubscriber(probe), createElement(i)
  processor              exports createIdentityProcessor(bufferSize), createElement(i) [, createHelperPublisher, ...]
  every kind may export teardown(): awaited after the last test, before the command exits

options:
  --only <list>          rules (1.9), sections (3) or test ids, comma-separated; each must match a test
  --timeout <ms>         T: how long to wait for an expected signal (default 500, env DEFAULT_TIMEOUT_MILLIS)
  --test-timeout <ms>    watchdog of one test (default max(5000, derived from the timeouts))
  --deadline <ms>        deadline of the whole run; tests not started by then are reported as not run
  --json <file>          JSON report, rewritten after every test (complete: false, running: <id>) and at the end
  --junit <file>         JUnit XML report
  --in-process           run in this process (no supervisor: a subject that blocks the event loop hangs the run)
  -h, --help             this text
  -v, --version          the version of sluice-tck

exit codes: 0 nothing failed, 1 a test failed, 2 bad call (arguments, module, exports)`;

/** A problem with how the CLI was called or with the module: one line on stderr, exit code 2. */
class UsageError extends Error {}

interface CliArgs {
  kind: VerificationKind;
  module: string;
  json?: string;
  junit?: string;
  only?: string[];
  timeout?: number;
  testTimeout?: number;
  deadline?: number;
  inProcess?: boolean;
}

type Parsed = CliArgs | { help: true } | { version: true };

const KINDS: readonly VerificationKind[] = ['publisher', 'subscriber-blackbox', 'subscriber-whitebox', 'processor'];

/** The exports each kind uses: name → [required, accepted types]. */
const EXPORTS: Record<VerificationKind, Record<string, [boolean, readonly string[]]>> = {
  publisher: {
    createPublisher: [true, ['function']],
    createFailedPublisher: [false, ['function']],
    maxElementsFromPublisher: [false, ['number', 'function']],
    boundedDepthOfOnNextAndRequestRecursion: [false, ['number', 'function']],
    skipStochasticTests: [false, ['boolean']],
    teardown: [false, ['function']],
  },
  'subscriber-blackbox': {
    createSubscriber: [true, ['function']],
    createElement: [true, ['function']],
    triggerRequest: [false, ['function']],
    teardown: [false, ['function']],
  },
  'subscriber-whitebox': {
    createSubscriber: [true, ['function']],
    createElement: [true, ['function']],
    teardown: [false, ['function']],
  },
  processor: {
    createIdentityProcessor: [true, ['function']],
    createElement: [true, ['function']],
    createFailedPublisher: [false, ['function']],
    createHelperPublisher: [false, ['function']],
    maxElementsFromPublisher: [false, ['number', 'function']],
    boundedDepthOfOnNextAndRequestRecursion: [false, ['number', 'function']],
    maxSupportedSubscribers: [false, ['number', 'function']],
    doesCoordinatedEmission: [false, ['boolean']],
    skipStochasticTests: [false, ['boolean']],
    processorBufferSize: [false, ['number']],
    helperElementBudget: [false, ['number']],
    teardown: [false, ['function']],
  },
};

/** The catalogue of a kind, in run order (the processor runs every publisher and whitebox test, then its own). */
export function catalogue(kind: VerificationKind): readonly RuleEntry[] {
  switch (kind) {
    case 'publisher':
      return PUBLISHER_RULES;
    case 'subscriber-blackbox':
      return BLACKBOX_RULES;
    case 'subscriber-whitebox':
      return WHITEBOX_RULES;
    case 'processor':
      return [...PUBLISHER_RULES, ...WHITEBOX_RULES, ...PROCESSOR_OWN_RULES];
  }
}

function millis(option: string, raw: string): number {
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${option} needs a positive number of milliseconds, got ${JSON.stringify(raw)}`);
  return n;
}

export function parseArgs(argv: readonly string[]): Parsed {
  const positional: string[] = [];
  const args: Partial<CliArgs> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${arg} needs a value`);
      return v;
    };
    if (arg === '--help' || arg === '-h') return { help: true };
    if (arg === '--version' || arg === '-v') return { version: true };
    if (arg === '--json') args.json = value();
    else if (arg === '--junit') args.junit = value();
    else if (arg === '--only') args.only = value().split(',').map((s) => s.trim()).filter(Boolean);
    else if (arg === '--timeout') args.timeout = millis(arg, value());
    else if (arg === '--test-timeout') args.testTimeout = millis(arg, value());
    else if (arg === '--deadline') args.deadline = millis(arg, value());
    else if (arg === '--in-process') args.inProcess = true;
    else if (arg.startsWith('--')) throw new UsageError(`unknown option ${arg} (see sluice-tck --help)`);
    else positional.push(arg);
  }
  const [kind, module, ...rest] = positional;
  if (!kind || !module || rest.length > 0) throw new UsageError(`expected a kind and a module: sluice-tck <kind> <module> [options] (see sluice-tck --help)`);
  if (!(KINDS as readonly string[]).includes(kind)) throw new UsageError(`unknown verification kind ${JSON.stringify(kind)}; expected one of ${KINDS.join(', ')}`);
  const parsed = { ...args, kind: kind as VerificationKind, module };
  if (parsed.only) {
    const unmatched = parsed.only.filter((f) => !catalogue(parsed.kind).some((e) => matchesOnly(e, [f])));
    if (unmatched.length > 0 || parsed.only.length === 0) {
      throw new UsageError(`--only ${unmatched.map((f) => JSON.stringify(f)).join(', ') || '(empty)'} matches no test of the ${parsed.kind} verification (give a rule such as 3.9, a section such as 3, or a test id)`);
    }
  }
  return parsed;
}

export function version(): string {
  return (createRequire(import.meta.url)('../package.json') as { version: string }).version;
}

/** Edit distance, for "did you mean" warnings about misspelled optional exports. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

/** Imports the module (ESM or CJS) and checks its exports; every problem is a one-line UsageError. */
export async function loadImplementation(kind: VerificationKind, modulePath: string): Promise<{ implementation: Record<string, unknown>; warnings: string[] }> {
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
  // An optional export with a typo is silently not used: say so.
  const known = Object.keys(spec);
  const warnings: string[] = [];
  for (const name of Object.keys(exports)) {
    if (name in spec || name === 'default') continue;
    const near = known.find((k) => k.toLowerCase() === name.toLowerCase() || distance(k, name) <= Math.max(2, Math.floor(k.length / 8)));
    if (near) warnings.push(`export ${name} of ${modulePath} is not used by the ${kind} verification; did you mean ${near}?`);
  }
  return { implementation, warnings };
}

// ---- output: the table, the JSON and JUnit files ------------------------------------------------------------------

/** Prints rows as results arrive and rewrites the JSON report after each one. */
class ReportWriter {
  private readonly results: TestResult[] = [];
  private readonly started = Date.now();

  constructor(
    private readonly kind: VerificationKind,
    private readonly args: CliArgs,
    private readonly print: (text: string) => void,
    private readonly colour: boolean,
  ) {}

  begin(): void {
    this.print(formatHeader(this.colour) + '\n');
  }

  running(id: string): void {
    if (this.args.json) writeOut(this.args.json, JSON.stringify(toJson(this.report(), { complete: false, running: id }), null, 2) + '\n');
  }

  add(result: TestResult): void {
    this.results.push(result);
    this.print(formatRow(result, this.colour).join('\n') + '\n');
    if (this.args.json) writeOut(this.args.json, JSON.stringify(toJson(this.report(), { complete: false, running: null }), null, 2) + '\n');
  }

  note(text: string): void {
    this.print(text + '\n');
  }

  report(): Report {
    return { tool: 'sluice-tck', kind: this.kind, results: [...this.results], summary: summarize(this.results), durationMs: Date.now() - this.started, causes: groupCauses(this.results) };
  }

  finish(): number {
    const report = this.report();
    const tail = formatCauses(report, this.colour);
    this.print([...tail, '', formatSummary(report, this.colour)].join('\n') + '\n');
    if (this.args.json) writeOut(this.args.json, JSON.stringify(toJson(report), null, 2) + '\n');
    if (this.args.junit) writeOut(this.args.junit, toJunitXml(report));
    return report.summary.failed > 0 ? 1 : 0;
  }
}

function writeOut(file: string, text: string): void {
  const path = resolve(process.cwd(), file);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

const CONSOLE_METHODS = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;

/**
 * Captures what the implementation writes to stdout/stderr (console.log included) while the TCK runs, so it can be
 * shown with the test it belongs to instead of breaking the table. `write` reaches the real stdout.
 */
class OutputCapture {
  private buffer = '';
  private readonly saved = { out: process.stdout.write, err: process.stderr.write };
  private readonly savedConsole: Partial<Record<(typeof CONSOLE_METHODS)[number], (...args: unknown[]) => void>> = {};
  readonly write = (text: string): void => {
    this.saved.out.call(process.stdout, text);
  };
  readonly writeErr = (text: string): void => {
    this.saved.err.call(process.stderr, text);
  };

  install(): void {
    const grab = (chunk: unknown, encoding?: unknown, callback?: unknown): boolean => {
      this.buffer += typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString();
      const done = typeof encoding === 'function' ? encoding : callback;
      if (typeof done === 'function') queueMicrotask(() => (done as () => void)());
      return true;
    };
    process.stdout.write = grab as typeof process.stdout.write;
    process.stderr.write = grab as typeof process.stderr.write;
    // console may not go through process.stdout (test runners replace it): capture its methods too
    for (const name of CONSOLE_METHODS) {
      this.savedConsole[name] = console[name];
      console[name] = (...args: unknown[]) => {
        this.buffer += format(...args) + '\n';
      };
    }
  }

  uninstall(): void {
    process.stdout.write = this.saved.out;
    process.stderr.write = this.saved.err;
    for (const name of CONSOLE_METHODS) if (this.savedConsole[name]) console[name] = this.savedConsole[name]!;
  }

  take(): string {
    const text = this.buffer;
    this.buffer = '';
    return text;
  }
}

// ---- running a verification ---------------------------------------------------------------------------------------

interface Hooks {
  onTestStart?: RunOptions['onTestStart'];
  onResult(result: TestResult): void;
  startAt?: number;
  deadlineAt?: number;
}

async function verify(args: CliArgs, implementation: Record<string, unknown>, hooks: Hooks): Promise<void> {
  const options = {
    ...implementation,
    only: args.only,
    captureUncaughtErrors: true,
    testTimeoutMillis: args.testTimeout,
    deadlineMillis: args.deadline,
    deadlineAt: hooks.deadlineAt,
    startAt: hooks.startAt,
    onTestStart: hooks.onTestStart,
    onResult: hooks.onResult,
    ...(args.timeout !== undefined ? { env: { defaultTimeoutMillis: args.timeout } } : {}),
  } as any;
  switch (args.kind) {
    case 'publisher':
      await verifyPublisher(options);
      break;
    case 'subscriber-blackbox':
      await verifySubscriberBlackbox(options);
      break;
    case 'subscriber-whitebox':
      await verifySubscriberWhitebox(options);
      break;
    case 'processor':
      await verifyProcessor(options);
      break;
  }
}

/** How long `teardown()` may take before the CLI gives up on it (it still exits). */
export const TEARDOWN_TIMEOUT_MILLIS = 5_000;

/** Awaits the module's `teardown()` export, bounded; returns a problem to report, or null. */
async function runTeardown(implementation: Record<string, unknown>): Promise<string | null> {
  const teardown = implementation.teardown as (() => unknown) | undefined;
  if (!teardown) return null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const outcome = await Promise.race([
      Promise.resolve().then(() => teardown()).then(() => null),
      new Promise<string>((done) => {
        timer = setTimeout(() => done(`teardown() did not settle within ${TEARDOWN_TIMEOUT_MILLIS} ms`), TEARDOWN_TIMEOUT_MILLIS);
      }),
    ]);
    return outcome;
  } catch (error) {
    return `teardown() failed: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`;
  } finally {
    clearTimeout(timer);
  }
}

function colourWanted(): boolean {
  return process.stdout.isTTY === true && !process.env.NO_COLOR;
}

/** Handles --help / --version and usage errors; returns the args to run with, or the exit code. */
function prepare(argv: readonly string[], out: (t: string) => void, err: (t: string) => void): CliArgs | number {
  let parsed: Parsed;
  try {
    parsed = parseArgs(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      err(`sluice-tck: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  if ('help' in parsed) {
    out(USAGE + '\n');
    return 0;
  }
  if ('version' in parsed) {
    out(`sluice-tck ${version()}\n`);
    return 0;
  }
  return parsed;
}

/**
 * The whole CLI in this process (also what the tests call): parse, load, run, print, write, teardown. Returns the
 * exit code. A subject that blocks the event loop forever hangs this; `main` runs it supervised instead.
 */
export async function runCli(argv: readonly string[]): Promise<number> {
  const capture = new OutputCapture();
  const prepared = prepare(argv, capture.write, capture.writeErr);
  if (typeof prepared === 'number') return prepared;
  const args = prepared;
  capture.install();
  try {
    let loaded: Awaited<ReturnType<typeof loadImplementation>>;
    try {
      loaded = await loadImplementation(args.kind, args.module);
    } catch (error) {
      if (error instanceof UsageError) {
        capture.writeErr(`sluice-tck: ${error.message}\n`);
        return 2;
      }
      throw error;
    }
    for (const w of loaded.warnings) capture.writeErr(`sluice-tck: warning: ${w}\n`);
    const writer = new ReportWriter(args.kind, args, capture.write, colourWanted());
    const loadOutput = capture.take();
    if (loadOutput) writer.note(`output of the implementation while loading:\n${indentOutput(loadOutput)}`);
    writer.begin();
    await verify(args, loaded.implementation, {
      onTestStart: (entry) => writer.running(entry.id),
      onResult: (result) => writer.add(withOutput(result, capture.take())),
    });
    const problem = await runTeardown(loaded.implementation);
    if (problem) capture.writeErr(`sluice-tck: warning: ${problem}\n`);
    const after = capture.take();
    if (after) writer.note(`output of the implementation after the last test:\n${indentOutput(after)}`);
    return writer.finish();
  } finally {
    capture.uninstall();
  }
}

function withOutput(result: TestResult, output: string): TestResult {
  return output ? { ...result, output } : result;
}

function indentOutput(text: string): string {
  return text.replace(/\n$/, '').split('\n').map((l) => `  | ${l}`).join('\n');
}

// ---- the supervised run: a child process per stretch of tests -----------------------------------------------------

/** Messages from the child process to the supervisor. */
type ChildMessage =
  | { t: 'usage'; message: string }
  | { t: 'warning'; message: string }
  | { t: 'note'; text: string }
  | { t: 'start'; index: number; entry: RuleEntry; limit: number }
  | { t: 'activity'; text: string }
  | { t: 'result'; result: TestResult }
  | { t: 'end' };

/** Extra time the supervisor gives a test beyond its own watchdog before it concludes the process is stuck. */
export const SUPERVISOR_GRACE_MILLIS = 1_000;

function send(message: ChildMessage): Promise<void> {
  return new Promise((done) => {
    if (!process.send) return done();
    process.send(message, undefined, {}, () => done());
  });
}

/** The child side: runs the tests from SLUICE_TCK_START_AT on and reports everything over IPC, then exits. */
async function runChild(argv: readonly string[]): Promise<void> {
  const parsed = parseArgs(argv) as CliArgs; // the supervisor validated the arguments
  const capture = new OutputCapture();
  capture.install();
  let loaded: Awaited<ReturnType<typeof loadImplementation>>;
  try {
    loaded = await loadImplementation(parsed.kind, parsed.module);
  } catch (error) {
    await send({ t: 'usage', message: error instanceof UsageError ? error.message : `cannot load module ${parsed.module}: ${String(error)}` });
    process.exit(2);
  }
  const startAt = Number(process.env.SLUICE_TCK_START_AT ?? '0');
  if (startAt === 0) for (const w of loaded.warnings) void send({ t: 'warning', message: w });
  const loadOutput = capture.take();
  if (loadOutput && startAt === 0) void send({ t: 'note', text: `output of the implementation while loading:\n${indentOutput(loadOutput)}` });
  onActivity((text) => void send({ t: 'activity', text }));
  const deadlineAt = process.env.SLUICE_TCK_DEADLINE_AT ? Number(process.env.SLUICE_TCK_DEADLINE_AT) : undefined;
  await verify(parsed, loaded.implementation, {
    startAt,
    deadlineAt,
    onTestStart: (entry, index, limit) => void send({ t: 'start', index, entry, limit }),
    onResult: (result) => void send({ t: 'result', result: withOutput(result, capture.take()) }),
  });
  onActivity(null);
  const problem = await runTeardown(loaded.implementation);
  if (problem) void send({ t: 'warning', message: problem });
  const after = capture.take();
  if (after) void send({ t: 'note', text: `output of the implementation after the last test:\n${indentOutput(after)}` });
  await send({ t: 'end' });
  // Forced: leaked timers, sockets or intervals of the module must not keep the run alive after the report.
  process.exit(0);
}

/**
 * The supervisor: runs the child, prints and writes what it reports, kills it when a test outlives its watchdog by
 * SUPERVISOR_GRACE_MILLIS (the event loop is blocked, so the child cannot report itself), fails that test with the
 * step it was at, and starts a new child from the next test.
 */
async function supervise(args: CliArgs, argv: readonly string[]): Promise<number> {
  const writer = new ReportWriter(args.kind, args, (t) => void process.stdout.write(t), colourWanted());
  const deadlineAt = args.deadline !== undefined ? Date.now() + args.deadline : undefined;
  const script = fileURLToPath(import.meta.url);
  let startAt = 0;
  let begun = false;
  for (;;) {
    const outcome = await new Promise<{ code: number } | { resumeAt: number }>((settle) => {
      const child = spawn(process.execPath, [...process.execArgv, '--expose-gc', script, ...argv], {
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        env: {
          ...process.env,
          SLUICE_TCK_CHILD: '1',
          SLUICE_TCK_START_AT: String(startAt),
          ...(deadlineAt !== undefined ? { SLUICE_TCK_DEADLINE_AT: String(deadlineAt) } : {}),
        },
      });
      let running: { index: number; entry: RuleEntry; limit: number; activity: string; timedOut: boolean } | null = null;
      let timer: ReturnType<typeof setTimeout> | undefined;
      let ended = false;
      let usage = false;
      child.on('message', (m: ChildMessage) => {
        switch (m.t) {
          case 'usage':
            usage = true;
            process.stderr.write(`sluice-tck: ${m.message}\n`);
            break;
          case 'warning':
            process.stderr.write(`sluice-tck: warning: ${m.message}\n`);
            break;
          case 'note':
            writer.note(m.text);
            break;
          case 'start': {
            if (!begun) {
              begun = true;
              writer.begin();
            }
            running = { index: m.index, entry: m.entry, limit: m.limit, activity: 'starting', timedOut: false };
            writer.running(m.entry.id);
            clearTimeout(timer);
            const current = running;
            timer = setTimeout(() => {
              current.timedOut = true;
              child.kill('SIGKILL');
            }, m.limit + SUPERVISOR_GRACE_MILLIS);
            break;
          }
          case 'activity':
            if (running) running.activity = m.text;
            break;
          case 'result':
            clearTimeout(timer);
            running = null;
            if (!begun) {
              begun = true;
              writer.begin();
            }
            writer.add(m.result);
            break;
          case 'end':
            ended = true;
            break;
        }
      });
      child.on('error', (error) => {
        process.stderr.write(`sluice-tck: cannot start the verification process: ${error.message}\n`);
        settle({ code: 2 });
      });
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        if (usage) return settle({ code: 2 });
        if (ended) return settle({ code: -1 });
        const r = running as typeof running;
        if (r !== null) {
          // The child died inside a test: killed by us (stuck) or crashed. Fail that test, go on after it.
          const why = r.timedOut
            ? `the test did not finish within ${r.limit} ms and the implementation never gave control back (a synchronous endless loop?) while the TCK was ${r.activity}; sluice-tck stopped its process and went on with the next test`
            : `the verification process died (${signal ?? `exit code ${code}`}) while the TCK was ${r.activity}; sluice-tck went on with the next test`;
          writer.add({ id: r.entry.id, rule: r.entry.rule, category: r.entry.category, status: 'failed', message: `§${r.entry.rule}: ${why}`, hints: r.entry.hints, durationMs: r.limit, tags: tagsOf(r.entry), violations: [] });
          return settle({ resumeAt: r.index + 1 });
        }
        process.stderr.write(`sluice-tck: the verification process ended unexpectedly (${signal ?? `exit code ${code}`}) between tests\n`);
        settle({ code: 2 });
      });
    });
    if ('code' in outcome) {
      if (outcome.code >= 0) return outcome.code;
      return writer.finish();
    }
    startAt = outcome.resumeAt;
    if (startAt >= catalogue(args.kind).length) return writer.finish();
  }
}

/** Entry point of the `sluice-tck` bin. Always ends the process once the report is written. */
export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<never> {
  let code: number;
  try {
    if (process.env.SLUICE_TCK_CHILD === '1') {
      await runChild(argv);
      code = 0;
    } else {
      const prepared = prepare(argv, (t) => void process.stdout.write(t), (t) => void process.stderr.write(t));
      if (typeof prepared === 'number') code = prepared;
      else if (prepared.inProcess) code = await runCli(argv);
      else code = await supervise(prepared, argv);
    }
  } catch (error) {
    process.stderr.write(`sluice-tck: internal error: ${error instanceof Error ? error.stack : String(error)}\n`);
    code = 2;
  }
  // Let stdout/stderr drain, then exit even if something (a leaked handle of the module in --in-process mode) lingers.
  await new Promise<void>((done) => process.stdout.write('', () => done()));
  process.exit(code);
}

const isMain = (() => {
  try {
    return process.argv[1] !== undefined && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
})();

if (isMain) void main();

