import { describe, expect, it } from 'vitest';
import { never, type Subscriber } from '@sluice/core';
import { TestPublisher } from '@sluice/core/testing';
import { payload, type Payload } from '@sluice/rsocket';
import { isCollected } from '../../../core/test/support/collectGarbage';
import { flush } from '../support/memory';
import { connectedPair } from '../support/pair';

/** Subscribes a fresh subscriber and returns only a WeakRef to it (nothing else in the test holds it). */
function subscribeProbe(flow: { subscribe(s: Subscriber<Payload>): void }, errors: Error[], onSubscription?: (s: { cancel(): void }) => void): WeakRef<object> {
  const subscriber: Subscriber<Payload> = {
    onSubscribe: (s) => { onSubscription?.(s); s.request(5); }, onNext() {}, onError: (e) => void errors.push(e), onComplete() {},
  };
  flow.subscribe(subscriber);
  return new WeakRef(subscriber);
}

describe('§3.13 reference release', () => {
  it('a cancelled stream keeps no reference to its subscriber or to the handler publisher', async () => {
    let publisherRef: WeakRef<object> | null = null;
    const { client } = await connectedPair({
      responder: { requestStream: () => { const p = new TestPublisher<Payload>(); publisherRef = new WeakRef(p); return p; } },
    });
    let handle: { cancel(): void } | null = null;
    const ref = subscribeProbe(client.requestStream(payload()), [], (s) => (handle = s));
    await flush();
    handle!.cancel();
    await flush();
    expect(await isCollected(ref)).toBe(true);
    expect(await isCollected(publisherRef!)).toBe(true);
    await client.close();
  });

  it('closing the connection fails every stream with a clear error and releases the subscribers', async () => {
    const { client } = await connectedPair({ responder: { requestStream: () => never() } });
    const refs: WeakRef<object>[] = [];
    const errors: Error[][] = [];
    for (let i = 0; i < 3; i++) {
      const streamErrors: Error[] = [];
      errors.push(streamErrors);
      refs.push(subscribeProbe(client.requestStream(payload()), streamErrors));
    }
    await flush();
    await client.close();
    for (const e of errors) expect(e[0]?.message).toBe('RSocket connection closed by the local side');
    for (const ref of refs) expect(await isCollected(ref)).toBe(true);
  });
});
