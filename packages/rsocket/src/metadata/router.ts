import type { Flow, Publisher } from '@sluice/core';
import { ErrorCode } from '../frame/constants';
import { RSocketError } from '../errors';
import type { Payload } from '../Payload';
import type { Responder, SetupInfo } from '../connection/RSocketConnection';
import { COMPOSITE_METADATA_MIME, ROUTING_MIME, decodeCompositeMetadata, decodeRoutingMetadata } from './composite';

/** One route: a name (the first routing tag) and the responder that serves it. */
export interface Route {
  readonly name: string;
  readonly responder: Responder;
}

/**
 * A route for `router`/`serve({ router })`. The responder may be a full `Responder` or, as a shorthand, a
 * `requestStream` function.
 *
 * @example
 * route('numbers', { requestStream: (p) => range(0, dataJson<{ count: number }>(p).count).pipe(map(jsonPayload)) })
 */
export function route(name: string, responder: Responder | ((payload: Payload) => Publisher<Payload>)): Route {
  if (typeof name !== 'string' || name.length === 0) throw new TypeError('route(name, responder): name must be a non-empty string');
  if (typeof responder === 'function') return { name, responder: { requestStream: responder } };
  if (responder == null || typeof responder !== 'object') throw new TypeError('route(name, responder): responder must be a Responder or a function');
  return { name, responder };
}

/**
 * A Responder that dispatches on routing metadata: the first tag of the `message/x.rsocket.routing.v0` entry of
 * composite metadata (or the whole metadata, when the connection's metadata MIME type is the routing type itself).
 * A request without a route, or for an unknown one, is answered with ERROR[REJECTED] naming it.
 */
export function router(routes: readonly Route[], setup: SetupInfo | null = null): Responder {
  const table = new Map<string, Responder>();
  for (const r of routes) {
    if (table.has(r.name)) throw new Error(`router: route '${r.name}' is defined twice`);
    table.set(r.name, r.responder);
  }
  const routingOnly = setup?.metadataMimeType === ROUTING_MIME;
  const find = (payload: Payload, kind: string): Responder => {
    const name = routeOf(payload, routingOnly);
    if (name === null) throw new RSocketError(ErrorCode.REJECTED, `router: the ${kind} carries no routing metadata (${ROUTING_MIME} in ${COMPOSITE_METADATA_MIME})`);
    const responder = table.get(name);
    if (responder === undefined) throw new RSocketError(ErrorCode.REJECTED, `router: no route '${name}'`);
    return responder;
  };
  const missing = (name: string, kind: string) => new RSocketError(ErrorCode.REJECTED, `router: route '${name}' has no ${kind} handler`);
  return {
    requestResponse(payload) {
      const responder = find(payload, 'requestResponse');
      if (!responder.requestResponse) throw missing(routeOf(payload, routingOnly)!, 'requestResponse');
      return responder.requestResponse(payload);
    },
    fireAndForget(payload) {
      const responder = find(payload, 'fireAndForget');
      if (!responder.fireAndForget) throw missing(routeOf(payload, routingOnly)!, 'fireAndForget');
      return responder.fireAndForget(payload);
    },
    requestStream(payload) {
      const responder = find(payload, 'requestStream');
      if (!responder.requestStream) throw missing(routeOf(payload, routingOnly)!, 'requestStream');
      return responder.requestStream(payload);
    },
    requestChannel(payload: Payload, inbound: Flow<Payload>) {
      const responder = find(payload, 'requestChannel');
      if (!responder.requestChannel) throw missing(routeOf(payload, routingOnly)!, 'requestChannel');
      return responder.requestChannel(payload, inbound);
    },
  };
}

/** The route of a request: the first routing tag, or null when it has none. */
export function routeOf(payload: Payload, routingOnly = false): string | null {
  const metadata = payload.metadata;
  if (metadata === null || metadata.length === 0) return null;
  if (routingOnly) return decodeRoutingMetadata(metadata)[0] ?? null;
  for (const entry of decodeCompositeMetadata(metadata)) {
    if (entry.mimeType === ROUTING_MIME) return decodeRoutingMetadata(entry.content)[0] ?? null;
  }
  return null;
}
