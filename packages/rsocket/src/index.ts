// @sluice/rsocket public API. Every export of this package is listed here.

// ---- Frames -------------------------------------------------------------------------------------------------------
export { FrameType, Flags, ErrorCode, errorCodeName, frameTypeName, MAX_31, MAX_24, MAJOR_VERSION, MINOR_VERSION } from './frame/constants';
export type {
  Frame, SetupFrame, LeaseFrame, KeepAliveFrame, RequestResponseFrame, RequestFnfFrame, RequestStreamFrame, RequestChannelFrame,
  RequestNFrame, CancelFrame, PayloadFrame, ErrorFrame, MetadataPushFrame, ExtFrame, UnsupportedFrame,
} from './frame/Frame';
export { encodeFrame, decodeFrame, encodedSize } from './frame/codec';

// ---- Payloads and errors ------------------------------------------------------------------------------------------
export { payload, jsonPayload, dataString, dataJson, type Payload } from './Payload';
export { RSocketError, ProtocolError, ConnectionClosedError, LeaseError } from './errors';

// ---- Transports ---------------------------------------------------------------------------------------------------
export type {
  FrameConnection, FrameHandlers, TransportSnapshot, ClientTransport, ServerTransport, ListeningServer,
} from './transport/FrameConnection';
export { tcpClientTransport, tcpServerTransport, TcpFrameConnection, type TcpTransportOptions } from './transport/tcp';
export { LengthPrefixedReader } from './transport/LengthPrefixedReader';
export {
  FrameLog, recordConnection, recordingClientTransport, recordingServerTransport, type FrameLogEntry,
} from './transport/recording';

// ---- Connections --------------------------------------------------------------------------------------------------
export { connect, type ConnectOptions, type ClientSetup } from './connect';
export { serve, type ServeOptions, type RSocketServer } from './serve';
export {
  RSocketConnection, type Responder, type SetupInfo, type LeaseOptions, type ConnectionOptions, type ConnectionSnapshot,
} from './connection/RSocketConnection';
export type { StreamSnapshot, StreamKind } from './connection/types';

// ---- Metadata and routing -----------------------------------------------------------------------------------------
export {
  COMPOSITE_METADATA_MIME, ROUTING_MIME, WELL_KNOWN_MIME_TYPES, encodeCompositeMetadata, decodeCompositeMetadata,
  encodeRoutingMetadata, decodeRoutingMetadata, routeMetadata, type MetadataEntry,
} from './metadata/composite';
export { route, router, routeOf, type Route } from './metadata/router';

// ---- WebSocket transport ----------------------------------------------------------------------------------------
export { webSocketClientTransport, webSocketServerTransport, WebSocketFrameConnection, type WebSocketTransportOptions } from './transport/websocket';

// ---- Plain WebSocket bridges (peers that speak no RSocket) --------------------------------------------------------
export { fromWebSocket, RESIDUE_LIMIT, type FromWebSocketOptions, type WebSocketMessage, type WebSocketOverflow } from './websocket/fromWebSocket';
export { toWebSocket, webSocketSink, type ToWebSocketOptions, type WebSocketSink, type WebSocketSendable } from './websocket/toWebSocket';
