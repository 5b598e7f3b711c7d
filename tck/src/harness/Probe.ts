import type { TestEnvironment } from '../environment';
import { fail, show, showList } from './errors';
import { Deferred, Signal, waitUntil } from './time';

/** Lets the TCK drive a whitebox subscriber: ask it for demand or to cancel (JVM `SubscriberPuppet`). */
export interface SubscriberPuppet {
  /** Make the subscriber eventually request at least `n` more elements (possibly in several smaller requests). */
  triggerRequest(n: number): void;
  /** Make the subscriber cancel its subscription. */
  signalCancel(): void;
}

/**
 * What a whitebox subscriber reports to the TCK (JVM `WhiteboxSubscriberProbe`): call `registerOnSubscribe(puppet)`
 * from `onSubscribe`, and `registerOnNext`/`registerOnError`/`registerOnComplete` from the matching signal methods.
 */
export interface WhiteboxSubscriberProbe<T> {
  registerOnSubscribe(puppet: SubscriberPuppet): void;
  registerOnNext(element: T): void;
  registerOnComplete(): void;
  registerOnError(error: Error): void;
}

/** The TCK's probe: records what the subscriber registered and offers expectations with early resolution. */
export class TckProbe<T> implements WhiteboxSubscriberProbe<T> {
  private readonly puppetReady = new Deferred<SubscriberPuppet>();
  puppet: SubscriberPuppet | null = null;
  readonly elements: T[] = [];
  private consumed = 0;
  completions = 0;
  readonly errors: Error[] = [];
  readonly changed = new Signal();
  private readonly violations: string[] = [];

  constructor(private readonly env: TestEnvironment) {}

  registerOnSubscribe(puppet: SubscriberPuppet): void {
    if (this.puppet !== null) return; // the JVM probe ignores a second registration (§2.5 is tested separately)
    this.puppet = puppet;
    this.puppetReady.resolve(puppet);
    this.changed.notify();
  }

  registerOnNext(element: T): void {
    this.elements.push(element);
    this.changed.notify();
  }

  registerOnComplete(): void {
    this.completions++;
    if (this.completions + this.errors.length > 1) this.violations.push('§1.7: the subscriber registered a second terminal signal (onComplete)');
    this.changed.notify();
  }

  registerOnError(error: Error): void {
    this.errors.push(error);
    if (this.completions + this.errors.length > 1) this.violations.push(`§1.7: the subscriber registered a second terminal signal (onError(${show(error)}))`);
    this.changed.notify();
  }

  /** Waits up to T for `registerOnSubscribe` (a clear message instead of the JVM's bare NPE, reactive-streams-jvm#416). */
  async expectPuppet(rule: string): Promise<SubscriberPuppet> {
    await waitUntil(this.changed, () => this.puppet !== null, this.env.defaultTimeoutMillis);
    if (this.puppet === null) {
      fail(rule, `the subscriber did not call probe.registerOnSubscribe(puppet) within ${this.env.defaultTimeoutMillis} ms of onSubscribe; a whitebox subscriber must register its puppet from onSubscribe`);
    }
    return this.puppet;
  }

  async expectNext(rule: string, expected: T): Promise<void> {
    await waitUntil(this.changed, () => this.elements.length > this.consumed, this.env.defaultTimeoutMillis);
    this.verify(rule);
    if (this.elements.length <= this.consumed) {
      fail(rule, `expected the probe to register onNext(${show(expected)}) within ${this.env.defaultTimeoutMillis} ms; registered so far ${showList(this.elements)}`);
    }
    const got = this.elements[this.consumed++];
    if (got !== expected) fail(rule, `expected the probe to register onNext(${show(expected)}), got onNext(${show(got)})`);
  }

  async expectCompletion(rule: string): Promise<void> {
    await waitUntil(this.changed, () => this.completions > 0, this.env.defaultTimeoutMillis);
    this.verify(rule);
    if (this.completions === 0) fail(rule, `expected the probe to register onComplete within ${this.env.defaultTimeoutMillis} ms`);
  }

  async expectError(rule: string, expected: Error): Promise<void> {
    await waitUntil(this.changed, () => this.errors.length > 0, this.env.defaultTimeoutMillis);
    this.verify(rule);
    if (this.errors.length === 0) fail(rule, `expected the probe to register onError(${show(expected)}) within ${this.env.defaultTimeoutMillis} ms`);
    if (this.errors[0] !== expected) fail(rule, `expected the probe to register onError(${show(expected)}) (that instance), got onError(${show(this.errors[0])})`);
  }

  /** Watches N ms: any registration fails. */
  async expectNone(rule: string, after: string): Promise<void> {
    const elements = this.elements.length;
    const terminal = this.completions + this.errors.length;
    await waitUntil(this.changed, () => this.elements.length !== elements || this.completions + this.errors.length !== terminal, this.env.defaultNoSignalsTimeoutMillis);
    this.verify(rule);
    if (this.elements.length !== elements) fail(rule, `expected the probe to register nothing ${after}, got onNext ${showList(this.elements.slice(elements))}`);
    if (this.completions + this.errors.length !== terminal) fail(rule, `expected the probe to register nothing ${after}, got a terminal signal`);
  }

  verify(rule: string): void {
    const v = this.violations[0];
    if (v !== undefined) fail(rule, v.startsWith(`§${rule}:`) ? v.slice(rule.length + 3) : `violated ${v}`);
  }
}

/** Records onNext/onError/onComplete of a blackbox subscriber before delegating to it (the JVM's blackbox proxy). */
export class BlackboxProxy<T> {
  readonly elements: T[] = [];
  completions = 0;
  readonly errors: Error[] = [];
  readonly changed = new Signal();

  constructor(
    readonly target: { onSubscribe(s: any): void; onNext(v: T): void; onError(e: Error): void; onComplete(): void },
    private readonly env: TestEnvironment,
  ) {}

  onSubscribe(subscription: any): void {
    this.target.onSubscribe(subscription);
  }

  onNext(element: T): void {
    this.elements.push(element);
    this.changed.notify();
    this.target.onNext(element);
  }

  onError(error: Error): void {
    this.errors.push(error);
    this.changed.notify();
    this.target.onError(error);
  }

  onComplete(): void {
    this.completions++;
    this.changed.notify();
    this.target.onComplete();
  }

  async expectCompletion(rule: string): Promise<void> {
    await waitUntil(this.changed, () => this.completions > 0, this.env.defaultTimeoutMillis);
    if (this.completions === 0) fail(rule, `the subscriber did not receive onComplete within ${this.env.defaultTimeoutMillis} ms`);
  }

  async expectError(rule: string): Promise<void> {
    await waitUntil(this.changed, () => this.errors.length > 0, this.env.defaultTimeoutMillis);
    if (this.errors.length === 0) fail(rule, `the subscriber did not receive onError within ${this.env.defaultTimeoutMillis} ms`);
  }
}
