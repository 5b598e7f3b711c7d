import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable, Writable } from 'node:stream';
import { BLACKBOX_RULES, PUBLISHER_RULES, type RuleEntry } from '@sluice/tck';
import { publisherVerification, subscriberBlackboxVerification } from '@sluice/tck/vitest';
import { fromFile, fromReadable, fromWebReadable, toFile, toWritable } from '@sluice/node';

// The Reactive Streams TCK (@sluice/tck) over the bridges, one vitest test per TCK test id: publisher verification
// of both sources, blackbox subscriber verification of the toWritable sink. Short timeouts keep it fast; they only
// bound the waits for signals.
const env = { defaultTimeoutMillis: 300, defaultNoSignalsTimeoutMillis: 20, publisherReferenceGCTimeoutMillis: 50 };

/**
 * Every TCK test except the JVM TCK's `untested_` entries (which only ever skip) and multi-subscribe: a Readable
 * or a ReadableStream can be consumed once, so `optional_spec111_*` does not apply to these sources.
 */
function applicable(rules: readonly RuleEntry[]): string[] {
  return rules.map((r) => r.id).filter((id) => !id.startsWith('untested_') && !id.startsWith('optional_spec111_'));
}

function* count(n: number): Generator<number> {
  for (let i = 0; i < n; i++) yield i;
}

/** A Readable that fails: already destroyed with an error (its 'error' event is observed here, not lost). */
function failedReadable(): Readable {
  const readable = new PassThrough({ objectMode: true });
  readable.on('error', () => {});
  readable.destroy(new Error('failed on purpose'));
  return readable;
}

/** A pull-based ReadableStream of 0..n-1 with a high-water mark of 0: it produces only when read. */
function numbers(n: number): ReadableStream<number> {
  let i = 0;
  return new ReadableStream<number>(
    {
      pull(controller) {
        if (i < n) controller.enqueue(i++);
        else controller.close();
      },
    },
    { highWaterMark: 0 },
  );
}

publisherVerification<number>('TCK publisher verification: fromReadable', {
  createPublisher: (n) => fromReadable<number>(Readable.from(count(n))),
  createFailedPublisher: () => fromReadable<number>(failedReadable()),
  env,
  only: applicable(PUBLISHER_RULES),
});

publisherVerification<number>('TCK publisher verification: fromWebReadable', {
  createPublisher: (n) => fromWebReadable(numbers(n)),
  createFailedPublisher: () => fromWebReadable(new ReadableStream<number>({ start: (c) => c.error(new Error('failed on purpose')) })),
  env,
  only: applicable(PUBLISHER_RULES),
});

// fromFile over real files: n one-byte chunks of /dev/zero (a range of n bytes, so MAX_SAFE_INTEGER works too), an
// empty file for 0; the failed publisher opens a path that does not exist (ENOENT). The directory is left to the OS
// temp cleaner only if the process dies: each file is tiny and the tests remove nothing they did not create.
const tckDir = mkdtempSync(join(tmpdir(), 'sluice-tck-file-'));
const emptyFile = join(tckDir, 'empty');
writeFileSync(emptyFile, '');

publisherVerification<Buffer>('TCK publisher verification: fromFile', {
  createPublisher: (n) => (n === 0 ? fromFile(emptyFile) : fromFile('/dev/zero', { chunkSize: 1, end: n - 1 })),
  createFailedPublisher: () => fromFile(join(tckDir, 'missing')),
  env,
  // fromFile is cold (each subscriber opens the file), but its chunks are fresh Buffers per subscriber, and §1.11's
  // tests compare elements by identity; fromFile.test.ts checks two subscribers read the same bytes instead.
  only: applicable(PUBLISHER_RULES),
});

let tckFiles = 0;
subscriberBlackboxVerification<Buffer>('TCK subscriber blackbox verification: toFile', {
  createSubscriber: () => toFile(join(tckDir, `out-${tckFiles++}`)),
  createElement: (i) => Buffer.from([i & 0xff]),
  env,
  only: applicable(BLACKBOX_RULES),
});

subscriberBlackboxVerification<number>('TCK subscriber blackbox verification: toWritable', {
  createSubscriber: () => toWritable<number>(new Writable({ objectMode: true, write: (_c, _e, cb) => cb() })),
  createElement: (i) => i,
  env,
  only: applicable(BLACKBOX_RULES),
});
