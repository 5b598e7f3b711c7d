import { describe, expect, it } from 'vitest';
import { toArray } from '@sluice/core';
import {
  ErrorCode, RSocketError, decodeCompositeMetadata, decodeRoutingMetadata, encodeCompositeMetadata, encodeRoutingMetadata, payload,
  route, routeMetadata, routeOf, router, dataString,
} from '@sluice/rsocket';
import * as jsCore from 'rsocket-core';
import { connectedPair } from './support/pair';

const js: any = jsCore;

describe('composite and routing metadata', () => {
  it('round-trips well-known and custom MIME types', () => {
    const bytes = encodeCompositeMetadata([
      { mimeType: 'message/x.rsocket.routing.v0', content: encodeRoutingMetadata('a', 'b') },
      { mimeType: 'x-custom/thing', content: new Uint8Array([1, 2]) },
    ]);
    const entries = decodeCompositeMetadata(bytes);
    expect(entries.map((e) => e.mimeType)).toEqual(['message/x.rsocket.routing.v0', 'x-custom/thing']);
    expect(decodeRoutingMetadata(entries[0]!.content)).toEqual(['a', 'b']);
    expect([...entries[1]!.content]).toEqual([1, 2]);
  });

  it('is byte-identical to what rsocket-js encodes', () => {
    const ours = routeMetadata('numbers');
    const theirs = js.encodeCompositeMetadata([[js.MESSAGE_RSOCKET_ROUTING, js.encodeRoute('numbers')]]);
    expect(Buffer.from(ours).equals(theirs)).toBe(true);
    const custom = encodeCompositeMetadata([{ mimeType: 'x-custom/thing', content: new Uint8Array([7]) }]);
    expect(Buffer.from(custom).equals(js.encodeCompositeMetadata([['x-custom/thing', Buffer.from([7])]]))).toBe(true);
  });

  it('reports malformed metadata as RSocketError[INVALID]', () => {
    expect(() => decodeCompositeMetadata(new Uint8Array([0xfe, 0, 0, 9]))).toThrow(RSocketError);
    expect(() => decodeRoutingMetadata(new Uint8Array([5, 1]))).toThrow(/routing tag runs past the end/);
  });

  it('finds the route of a request', () => {
    expect(routeOf(payload('', routeMetadata('x')))).toBe('x');
    expect(routeOf(payload(''))).toBeNull();
  });
});

describe('router', () => {
  it('dispatches each interaction on the first routing tag and rejects unknown routes', async () => {
    const { client } = await connectedPair({
      responder: router([route('hello', { requestResponse: (p) => payload(`hello ${dataString(p)}`) }), route('list', () => toFlowOf(['a', 'b']))]),
    });
    expect(dataString(await client.requestResponse(payload('you', routeMetadata('hello'))))).toBe('hello you');
    expect((await toArray(client.requestStream(payload('', routeMetadata('list'))))).map(dataString)).toEqual(['a', 'b']);
    await expect(client.requestResponse(payload('', routeMetadata('nope')))).rejects.toMatchObject({ code: ErrorCode.REJECTED, message: "router: no route 'nope'" });
    await expect(client.requestResponse(payload(''))).rejects.toMatchObject({ code: ErrorCode.REJECTED });
    await expect(client.requestResponse(payload('', routeMetadata('list')))).rejects.toMatchObject({ message: "router: route 'list' has no requestResponse handler" });
  });

  it('refuses duplicate routes', () => {
    expect(() => router([route('a', {}), route('a', {})])).toThrow(/defined twice/);
  });
});

import { from, map, type Flow } from '@sluice/core';
import type { Payload } from '@sluice/rsocket';
function toFlowOf(items: string[]): Flow<Payload> {
  return from(items).pipe(map((s) => payload(s)));
}
