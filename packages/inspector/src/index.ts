// @sluice/inspector: a live page of a MetricsRegistry's stages, served over HTTP with Server-Sent Events.
export { serveInspector, type Inspector, type InspectorOptions } from './serveInspector';
export { FrameBuilder, flowColumns, frameJson, type Frame, type StageView } from './model';
