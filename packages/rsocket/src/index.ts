// @sluice/rsocket public API. Every export of this package is listed here.

// ---- Frames -------------------------------------------------------------------------------------------------------
export { FrameType, Flags, ErrorCode, errorCodeName, frameTypeName, MAX_31, MAX_24, MAJOR_VERSION, MINOR_VERSION } from './frame/constants';
export type * from './frame/Frame';
export { encodeFrame, decodeFrame, encodedSize } from './frame/codec';

// ---- Payloads and errors ------------------------------------------------------------------------------------------
export { payload, jsonPayload, dataString, dataJson, type Payload } from './Payload';
export { RSocketError, ProtocolError, ConnectionClosedError, LeaseError } from './errors';

// ---- Transports ---------------------------------------------------------------------------------------------------
export type {
  FrameConnection, FrameHandlers, TransportSnapshot, ClientTransport, ServerTransport, ListeningServer,
} from './transport/FrameConnection';
