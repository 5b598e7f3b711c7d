// @sluice/node public API: Node streams and WHATWG streams in and out of sluice, backpressured end to end.

// ---- Into sluice --------------------------------------------------------------------------------------------------
export { fromReadable, type FromReadableOptions } from './fromReadable';
export { fromWebReadable, type FromWebReadableOptions } from './fromWebReadable';
export { fromFile, type FromFileOptions } from './fromFile';

// ---- Out of sluice ------------------------------------------------------------------------------------------------
export { toReadable, type ToReadableOptions } from './toReadable';
export { toWebReadable, type ToWebReadableOptions } from './toWebReadable';
export { toWritable, type ToWritableOptions, type WritableSink } from './toWritable';
export { pipeTo } from './pipeTo';
export { toFile, type ToFileOptions, type FileSink } from './toFile';
export { toWebWritable, type ToWebWritableOptions, type WebWritableSink } from './toWebWritable';

// ---- Both ways ----------------------------------------------------------------------------------------------------
export { toTransform, type ToTransformOptions } from './toTransform';
export { toDuplex, type ToDuplexOptions } from './toDuplex';
export { toWebTransform, fromWebTransform, type ToWebTransformOptions, type WebTransformPair } from './toWebTransform';
